"""The promotion chain (dev → staging → prod), walked in one place.

Every environment's ``promotes_to`` names the next one; a chain starts at an environment nothing
promotes to. The loader sorts environments along the chains, the pipelines open one promotion
pull request per link, and ``promote`` refuses anything but a direct link.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from platform_spec.model import EnvironmentSpec
from platform_spec.problems import Problem


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


_TIER_ORDER = ("development", "staging", "production")


def problems(specs: Mapping[str, EnvironmentSpec], broken: Iterable[str] = ()) -> dict[str, list[Problem]]:
    """What makes ``promotes_to`` not a chain, by environment: an unknown target, a self-link, two
    environments promoting to one, a cycle, a step down in tier. ``broken`` names environments that
    exist on disk but failed to load (a link to them is not reported again)."""
    found: dict[str, list[Problem]] = {}
    where = ("promotes_to",)
    known = set(specs) | set(broken)
    sources: dict[str, str] = {}
    for name in sorted(specs):
        target = specs[name].promotes_to
        if target is None:
            continue
        others = ", ".join(sorted(set(specs) - {name})) or "none"
        if target == name:
            found.setdefault(name, []).append(Problem(where, "is this environment itself",
                                                      f"another environment: {others}"))
        elif target not in known:
            found.setdefault(name, []).append(Problem(where, "is not an environment", others))
        elif target in sources:
            found.setdefault(name, []).append(Problem(
                where, f"is already promoted to by '{sources[target]}'; a chain has one way into each environment",
                "an environment nothing else promotes to, or no promotes_to"))
        elif target in specs and _TIER_ORDER.index(specs[target].tier) < _TIER_ORDER.index(specs[name].tier):
            found.setdefault(name, []).append(Problem(
                where, f"steps down from {specs[name].tier} to {specs[target].tier}",
                "an environment of the same or a higher tier (development → staging → production)"))
        sources.setdefault(target, name)
    in_cycle: set[str] = set()
    for start in sorted(specs):
        path: list[str] = []
        current: str | None = start
        while current is not None and current in specs and current not in path:
            path.append(current)
            current = specs[current].promotes_to
        if current is None or current not in path:
            continue
        loop = path[path.index(current):]
        if len(loop) > 1 and not in_cycle.intersection(loop):
            in_cycle.update(loop)
            first = loop.index(min(loop))
            cycle = " → ".join([*loop[first:], *loop[:first], loop[first]])
            found.setdefault(loop[first], []).append(Problem(
                where, f"closes a promotion cycle ({cycle}); a release would be promoted back",
                "a chain that ends, e.g. dev → staging → prod"))
    return found
