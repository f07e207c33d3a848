"""Loading the specs for the commands that act on environments."""

from __future__ import annotations

from platform_spec.loader import SpecError, load_all
from platform_spec.model import EnvironmentSpec
from platform_spec.selection import select


def selected(selector: str) -> tuple[dict[str, EnvironmentSpec], list[EnvironmentSpec]]:
    """Every spec on disk and the ones ``selector`` names (a name, ``a,b`` or ``all``)."""
    specs = load_all()
    return specs, select(selector, specs)


def one(name: str) -> EnvironmentSpec:
    """The spec of one environment (loaded with every cross-environment check)."""
    specs = load_all()
    if name not in specs:
        raise SpecError([f"no such environment '{name}' (allowed: {', '.join(specs)})"])
    return specs[name]
