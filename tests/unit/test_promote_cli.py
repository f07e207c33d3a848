"""``make promote`` end to end in a throwaway copy of the repository: regenerate, diff, or refuse cleanly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import export_working_tree, exported_env
from tests.fixtures.alertmanager.stub import alertmanager_stub

pytestmark = pytest.mark.slow

GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.invalid"}


@pytest.fixture()
def sandbox(tmp_path: Path, project_root: Path) -> Path:
    """The working tree, exported into a new Git repository with the tag v1.5.0."""
    root = export_working_tree(tmp_path / "project")
    env = {**os.environ, **GIT_ENV}
    for command in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-q", "-m", "base"],
                    ["git", "tag", "v1.5.0"]):
        subprocess.run(command, cwd=root, env=env, check=True, capture_output=True)
    return root


def _promote(root: Path, project_root: Path, url: str, *args: str) -> subprocess.CompletedProcess:
    env = exported_env(root, ALERTMANAGER_URL=url, NO_COLOR="1")
    return subprocess.run([sys.executable, "-m", "cli", "promote", *args], cwd=root, env=env,
                          capture_output=True, text=True, timeout=300)


def _status(root: Path) -> str:
    return subprocess.run(["git", "status", "--porcelain"], cwd=root, capture_output=True, text=True).stdout


def test_clean_promotion_regenerates_and_reports(sandbox: Path, project_root: Path) -> None:
    with alertmanager_stub() as stub:
        result = _promote(sandbox, project_root, stub.url("clean"), "dev", "staging",
                          "--tag", "v1.5.0")
    assert result.returncode == 0, result.stderr
    assert "health gate of dev: clean" in result.stdout
    assert "staging.yaml: gitops.image_tag: v1.4.0 -> v1.5.0" in result.stdout
    assert "images.[ghcr.io/sesacthon/waste-api].newTag" in result.stdout  # the diff it produced
    changed = _status(sandbox)
    assert " M environments/staging.yaml" in changed
    assert " M k8s/overlays/staging/apis/kustomization.yaml" in changed  # regenerated
    assert "environments/prod.yaml" not in changed and "overlays/prod" not in changed
    report = (sandbox / "reports/promote-dev-staging.md").read_text()
    assert "# Promotion dev → staging: v1.5.0" in report


def test_firing_alert_refuses_and_changes_nothing(sandbox: Path, project_root: Path) -> None:
    with alertmanager_stub() as stub:
        result = _promote(sandbox, project_root, stub.url("firing"), "staging", "prod",
                          "--tag", "v1.5.0")
    assert result.returncode == 4
    assert "promotion refused (health)" in result.stderr and "PostgresqlDown" in result.stderr
    assert _status(sandbox) == ""
