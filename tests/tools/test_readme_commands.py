"""The README's main command, run as a new user runs it (`make synth ENV=staging`), in an exported
copy of the working tree: the checkout under test is never written to."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import export_working_tree, exported_env

pytestmark = pytest.mark.tools

GENERATED = ("k8s", "argocd", ".github", "atlantis.yaml", "docs/github-environments.md")


def _files(root: Path, names: tuple[str, ...]) -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    for name in names:
        path = root / name
        for item in [path] if path.is_file() else sorted(path.rglob("*")):
            if item.is_file():
                found[item.relative_to(root).as_posix()] = item.read_bytes()
    return found


@pytest.fixture()
def exported(tmp_path: Path) -> Path:
    """The working tree, exported (see ``export_working_tree``)."""
    return export_working_tree(tmp_path / "project")


def _make(copy: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["make", "-s", *arguments], cwd=copy, env=exported_env(copy), capture_output=True,
                          text=True, timeout=600)


def test_make_synth_staging_writes_the_stacks_and_leaves_committed_files_current(
    exported: Path, stack_json: dict[str, dict]
) -> None:
    before = _files(exported, GENERATED)
    result = _make(exported, "synth", "ENV=staging")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "synthesized staging, staging-bootstrap" in result.stdout
    for stack in ("staging", "staging-bootstrap"):
        written = json.loads((exported / "cdktf.out" / "stacks" / stack / "cdk.tf.json").read_text())
        assert written == stack_json[stack]
    assert _files(exported, GENERATED) == before, "committed generated files were stale: run `make synth ENV=all`"
