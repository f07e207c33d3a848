"""The promotion chain (dev → staging → prod), walked in one place.

Every environment's ``promotes_to`` names the next one; a chain starts at an environment nothing
promotes to. The loader sorts environments along the chains, the pipelines open one promotion
pull request per link, and ``promote`` refuses anything but a direct link.
"""

from __future__ import annotations

from collections.abc import Mapping

from platform_spec.model import EnvironmentSpec


def chains(specs: Mapping[str, EnvironmentSpec]) -> list[list[str]]:
    """Each chain as environment names, from every start (sorted by name) along ``promotes_to``."""
    targets = {spec.promotes_to for spec in specs.values() if spec.promotes_to}
    walked: list[list[str]] = []
    seen: set[str] = set()
    for start in sorted(set(specs) - targets):
        names: list[str] = []
        current: str | None = start
        while current is not None and current in specs and current not in seen:
            names.append(current)
            seen.add(current)
            current = specs[current].promotes_to
        walked.append(names)
    return walked


def ordered(specs: Mapping[str, EnvironmentSpec]) -> dict[str, EnvironmentSpec]:
    """The environments along their chains (dev → staging → prod), any others after them by name."""
    along = [name for chain in chains(specs) for name in chain]
    rest = sorted(set(specs) - set(along))
    return {name: specs[name] for name in [*along, *rest]}


def links(specs: Mapping[str, EnvironmentSpec]) -> list[tuple[EnvironmentSpec, EnvironmentSpec]]:
    """Every ``(source, target)`` pair of a promotion, in the order of ``specs``."""
    return [(spec, specs[spec.promotes_to]) for spec in specs.values()
            if spec.promotes_to is not None and spec.promotes_to in specs]


def describe(specs: Mapping[str, EnvironmentSpec]) -> list[str]:
    """The chains of more than one environment as ``a → b → c`` strings."""
    return [" → ".join(chain) for chain in chains(specs) if len(chain) > 1]
