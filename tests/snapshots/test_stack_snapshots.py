"""Snapshot of every synthesized stack: a change to any environment is a reviewable JSON diff."""

from __future__ import annotations

import pytest
from syrupy.extensions.json import JSONSnapshotExtension

STACKS = [f"{env}{suffix}" for env in ("dev", "staging", "prod") for suffix in ("-bootstrap", "")]


@pytest.fixture()
def json_snapshot(snapshot):
    """One sorted JSON file per stack under __snapshots__/."""
    return snapshot.use_extension(JSONSnapshotExtension)


@pytest.mark.parametrize("stack", STACKS)
def test_stack_matches_snapshot(stack: str, stack_json: dict[str, dict], json_snapshot) -> None:
    assert stack_json[stack] == json_snapshot
