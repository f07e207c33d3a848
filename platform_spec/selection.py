"""Which environments a command acts on: ``ENV=<name>``, ``ENV=a,b`` or ``ENV=all``.

A selector arrives from the command line or from Make; anything but plain environment names is
refused before it is used (it never reaches a shell, a path or a construct id).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from platform_spec.loader import SpecError
from platform_spec.model import EnvironmentSpec

ALL = "all"
"""The selector naming every environment on disk."""
NAME = re.compile(r"^[a-z][a-z0-9]{1,15}$")
"""A plain environment name (the model's ``name`` pattern)."""


def shown(value: str) -> str:
    """A user-supplied value for a message: quoted, control characters escaped, cut at 60 characters."""
    text = value.encode("unicode_escape").decode("ascii") if not value.isprintable() else value
    return repr(text[:60] + ("…" if len(text) > 60 else ""))


def check_name(label: str, value: str) -> str:
    """``value`` when it is a plain environment name, else a SpecError naming ``label`` (ENV, A, FROM…)."""
    if not NAME.match(value):
        reason = "is empty" if not value else "is not an environment name"
        raise SpecError([f"{label}={shown(value)} {reason} (allowed: a lowercase name such as dev, 2-16 letters "
                         "and digits)"])
    return value


def select(selector: str, specs: Mapping[str, EnvironmentSpec], label: str = "ENV") -> list[EnvironmentSpec]:
    """The environments named by ``selector`` (a name, a comma-separated list, or ``all``), each once,
    in promotion order. ``all`` anywhere in the list means every environment."""
    names = selector.split(",")
    allowed = f"{', '.join(specs)}, {ALL} or a comma-separated list"
    if not selector:
        raise SpecError([f"{label} is empty (allowed: {allowed})"])
    for name in names:
        if name != ALL:
            try:
                check_name(label, name)
            except SpecError:
                raise SpecError([f"{label}={shown(selector)}: {shown(name)} is not an environment name "
                                 f"(allowed: {allowed})"]) from None
    if ALL in names:
        return list(specs.values())
    for name in names:
        if name not in specs:
            raise SpecError([f"{label}={name}: no such environment (allowed: {allowed})"])
    wanted = set(names)
    return [spec for name, spec in specs.items() if name in wanted]
