"""Loading the specs for the commands that act on environments; every argument checked first."""

from __future__ import annotations

import re

from platform_spec.loader import SpecError, load_all
from platform_spec.model import EnvironmentSpec
from platform_spec.model.base import IMAGE_TAG_PATTERN
from platform_spec.rules.git import SHA, name_problem
from platform_spec.selection import check_name, select, shown

_REVISION_SUFFIX = re.compile(r"([~^]\d*)+$")
_LOCK_ID = re.compile(r"^[0-9A-Za-z][0-9A-Za-z-]{7,63}$")


def selected(selector: str, label: str = "ENV") -> tuple[dict[str, EnvironmentSpec], list[EnvironmentSpec]]:
    """Every spec on disk and the ones ``selector`` names (a name, ``a,b`` or ``all``)."""
    specs = load_all()
    return specs, select(selector, specs, label)


def one(name: str, label: str = "ENV") -> EnvironmentSpec:
    """The spec of one environment (loaded with every cross-environment check)."""
    check_name(label, name)
    specs = load_all()
    if name not in specs:
        raise SpecError([f"{label}={name}: no such environment (allowed: {', '.join(specs)})"])
    return specs[name]


def two_names(first: tuple[str, str], second: tuple[str, str]) -> None:
    """Refuse unless both are plain environment names and differ, e.g. ``(("A", a), ("B", b))``."""
    (label_a, a), (label_b, b) = first, second
    check_name(label_a, a)
    check_name(label_b, b)
    if a == b:
        raise SpecError([f"{label_a} and {label_b} are both '{a}': name two different environments"])


def two(first: tuple[str, str], second: tuple[str, str]) -> tuple[EnvironmentSpec, EnvironmentSpec]:
    """Two different environments, e.g. ``(("A", a), ("B", b))`` of ``diff``."""
    two_names(first, second)
    return one(first[1], first[0]), one(second[1], second[0])


def tag_argument(tag: str | None) -> str | None:
    """A ``--tag``/``TAG=`` value: ``None`` (not given), or a valid Git tag name that is also an image tag
    (promotion writes it into ``gitops.image_tag``); an empty one is refused."""
    if tag is None:
        return None
    reason = name_problem(tag)
    if reason:
        raise SpecError([f"TAG={shown(tag)} is not a valid Git tag name: it {reason} (allowed: e.g. v1.4.0)"])
    if not re.fullmatch(IMAGE_TAG_PATTERN, tag):
        raise SpecError([f"TAG={shown(tag)} cannot be an image tag (allowed: letters, digits, _ . -, at most 128, "
                         "e.g. v1.4.0)"])
    return tag


def ref_argument(ref: str | None) -> str | None:
    """A ``--ref``/``REF=`` value: a branch, tag or commit, optionally with ``~N``/``^N``."""
    if ref is None:
        return None
    base = _REVISION_SUFFIX.sub("", ref)
    if base and (SHA.match(base) or re.fullmatch(r"[0-9a-f]{7,39}", base) or base == "HEAD"):
        return ref
    reason = name_problem(base, "heads") if base else "is empty"
    if reason:
        raise SpecError([f"REF={shown(ref)} is not a Git revision: it {reason} (allowed: e.g. origin/main, "
                         "HEAD~1, a commit SHA)"])
    return ref


def lock_id_argument(lock_id: str) -> str:
    """A ``LOCK_ID``: the id Terraform printed (letters, digits and -)."""
    if lock_id and not _LOCK_ID.match(lock_id):  # an empty one is refused by `unlock` with its own hint
        raise SpecError([f"LOCK_ID={shown(lock_id)} is not a Terraform lock id (allowed: the id printed by the "
                         "locked command, e.g. 5f0c…-…)"])
    return lock_id
