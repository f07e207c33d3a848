"""The environment diff reports (dev ↔ staging, staging ↔ prod): the committed Markdown is the reviewed
snapshot (``make diff A= B=`` rewrites it); the terminal table has a syrupy snapshot."""

from __future__ import annotations

from pathlib import Path

import pytest

from platform_spec.model import EnvironmentSpec
from plumbing.writer import with_header
from release import diff

PAIRS = [("dev", "staging"), ("staging", "prod")]


def _markdown(specs: dict[str, EnvironmentSpec], synth_dir: Path, a: str, b: str) -> str:
    return diff.to_markdown(diff.diff_environments(specs[a], specs[b], synth_dir / "stacks"))



@pytest.mark.parametrize(("a", "b"), PAIRS)
def test_committed_report_is_current(specs, synth_dir: Path, project_root: Path, a: str, b: str) -> None:
    committed = project_root / diff.report_path(a, b)
    expected = with_header(diff.report_path(a, b), _markdown(specs, synth_dir, a, b))
    assert committed.is_file() and committed.read_text() == expected, f"run `make diff A={a} B={b}` and commit it"


@pytest.mark.parametrize(("a", "b"), PAIRS)
def test_table_matches_snapshot(specs, synth_dir: Path, snapshot, a: str, b: str) -> None:
    assert diff.to_table(diff.diff_environments(specs[a], specs[b], synth_dir / "stacks")) == snapshot
