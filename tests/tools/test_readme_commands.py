"""The README's main command, run as a new user runs it: `make synth ENV=staging`."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.tools


def test_make_synth_staging_writes_the_stacks_and_leaves_committed_files_current(
    project_root: Path, stack_json: dict[str, dict]
) -> None:
    make = shutil.which("make")
    assert make, "make is required"
    tracked_before = subprocess.run(
        ["git", "status", "--porcelain", "--", "k8s", "argocd", ".github", "atlantis.yaml"],
        cwd=project_root, capture_output=True, text=True,
    ).stdout

    result = subprocess.run([make, "-s", "synth", "ENV=staging"], cwd=project_root, capture_output=True,
                            text=True, timeout=600)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "synthesized staging, staging-state" in result.stdout
    for stack in ("staging", "staging-state"):
        written = json.loads((project_root / "cdktf.out" / "stacks" / stack / "cdk.tf.json").read_text())
        assert written == stack_json[stack]
    tracked_after = subprocess.run(
        ["git", "status", "--porcelain", "--", "k8s", "argocd", ".github", "atlantis.yaml"],
        cwd=project_root, capture_output=True, text=True,
    ).stdout
    assert tracked_after == tracked_before, "committed generated files were stale: run `make synth ENV=all`"
