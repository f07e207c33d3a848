"""Comparing two environments' collected artifacts (DeepDiff), one ``Change`` per difference."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from deepdiff import DeepDiff

from platform_spec.model import EnvironmentSpec
from release.diff.collect import SECTIONS, Artifacts, collect_spec
from release.diff.normalise import ABSENT, Environment


@dataclass(frozen=True)
class Change:
    """One difference: in ``section``, ``obj``'s ``attribute`` is ``a`` on one side and ``b`` on the other."""

    section: str
    obj: str
    attribute: str
    a: Any
    b: Any

    @property
    def kind(self) -> str:
        """``added`` (only in B), ``removed`` (only in A) or ``changed``."""
        if self.a is ABSENT:
            return "added"
        if self.b is ABSENT:
            return "removed"
        return "changed"


def _lookup(value: Any, path: Iterable[Any]) -> Any:
    for part in path:
        in_dict = isinstance(value, dict) and part in value
        in_list = isinstance(value, list) and isinstance(part, int) and part < len(value)
        if in_dict or in_list:
            value = value[part]
        else:
            return ABSENT
    return value


def _cut_at_lists(path: list[Any], left: Any, right: Any) -> list[Any]:
    """Lists are compared as whole values, except equally long lists of objects (compared item by item)."""
    for position, part in enumerate(path):
        if isinstance(part, int):
            here_a, here_b = _lookup(left, path[:position]), _lookup(right, path[:position])
            same_shape = (
                isinstance(here_a, list) and isinstance(here_b, list) and len(here_a) == len(here_b)
                and all(isinstance(item, dict) for item in [*here_a, *here_b])
            )
            if not same_shape:
                return path[:position]
    return path


def compare(a: Artifacts, b: Artifacts) -> list[Change]:
    """Every difference between two environments' artifacts, sorted by section, object and attribute."""
    changes: list[Change] = []
    for section in SECTIONS:
        left, right = a.get(section, {}), b.get(section, {})
        result = DeepDiff(left, right, view="tree", ignore_order=False, verbose_level=2, threshold_to_diff_deeper=0)
        paths: set[tuple[Any, ...]] = set()
        for levels in result.values():
            for level in levels:
                path = _cut_at_lists(level.path(output_format="list"), left, right)
                if path:
                    paths.add(tuple(path))
        for path in paths:
            changes.append(
                Change(section, str(path[0]), ".".join(str(part) for part in path[1:]), _lookup(left, path),
                       _lookup(right, path))
            )
    order = list(SECTIONS)
    return sorted(changes, key=lambda change: (order.index(change.section), change.obj, change.attribute))


@dataclass(frozen=True)
class DiffReport:
    """The comparison of environment ``a`` with environment ``b``."""

    a: Environment
    b: Environment
    changes: list[Change]
    title: str = ""

    def counts(self, section: str) -> dict[str, int]:
        """Added, removed and changed counts of one section."""
        counts = {"added": 0, "removed": 0, "changed": 0}
        for change in self.changes:
            if change.section == section:
                counts[change.kind] += 1
        return counts


def diff_environments(a: EnvironmentSpec, b: EnvironmentSpec, stacks_dir: Path) -> DiffReport:
    """Compare two environments' generated artifacts."""
    return DiffReport(Environment.of(a), Environment.of(b), compare(collect_spec(a, stacks_dir),
                                                                      collect_spec(b, stacks_dir)))
