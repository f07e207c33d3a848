"""Which environments a command acts on: ``ENV=<name>``, ``ENV=a,b`` or ``ENV=all``."""

from __future__ import annotations

from collections.abc import Mapping

from platform_spec.loader import SpecError
from platform_spec.model import EnvironmentSpec

ALL = "all"
"""The selector naming every environment on disk."""


def select(selector: str, specs: Mapping[str, EnvironmentSpec]) -> list[EnvironmentSpec]:
    """The environments named by ``selector`` (a name, a comma-separated list, or ``all``)."""
    if selector == ALL:
        return list(specs.values())
    chosen = []
    for name in selector.split(","):
        if name not in specs:
            raise SpecError([f"ENV={name}: no such environment (allowed: {', '.join(specs)}, {ALL})"])
        chosen.append(specs[name])
    return chosen
