"""``sesacthon resync`` (make resync): External Secrets' force-sync annotation on exactly the environment's
ExternalSecrets, checked with the real ``kubectl annotate --local`` against the rendered tree."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
import yaml

from plumbing import manifests
from plumbing.exit_codes import ExitCode
from plumbing.paths import PROJECT_ROOT
from tests.conftest import run_cli

pytestmark = pytest.mark.tools


def _tree_external_secrets(env: str) -> set[tuple[str, str]]:
    documents = manifests.documents(manifests.kustomize_build(PROJECT_ROOT / "k8s/overlays" / env))
    return {(d["metadata"]["namespace"], d["metadata"]["name"]) for d in documents if d["kind"] == "ExternalSecret"}


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_dry_run_annotates_every_external_secret_of_the_environment(env: str) -> None:
    result = run_cli("resync", env, "--dry-run")
    assert result.returncode == ExitCode.OK, result.stderr
    documents = [doc for doc in yaml.safe_load_all(result.stdout) if doc]
    assert {(d["metadata"]["namespace"], d["metadata"]["name"]) for d in documents} == _tree_external_secrets(env)
    stamps = {d["metadata"]["annotations"]["force-sync"] for d in documents}
    assert len(stamps) == 1 and stamps.pop().isdigit()
    assert "annotated in the rendered documents (dry run)" in result.stderr


def test_a_parameter_selects_only_the_external_secrets_reading_it() -> None:
    result = run_cli("resync", "dev", "--dry-run", "--parameter", "/sesacthon/dev/data/redis-password")
    assert result.returncode == ExitCode.OK, result.stderr
    names = {doc["metadata"]["name"] for doc in yaml.safe_load_all(result.stdout) if doc}
    assert names == {"redis-credentials", "waste-credentials", "chat-llm-credentials", "auth-credentials",
                     "location-credentials"}


def test_an_unknown_parameter_is_refused() -> None:
    result = run_cli("resync", "dev", "--parameter", "data/mongo-password")
    assert result.returncode == ExitCode.INVALID
    assert "no ExternalSecret of dev reads 'data/mongo-password'" in result.stderr


def test_against_a_cluster_one_annotate_per_namespace(tmp_path: Path) -> None:
    log = tmp_path / "argv"
    fake = tmp_path / "bin" / "kubectl"
    fake.parent.mkdir()
    fake.write_text(f'#!/bin/sh\necho "$@" >> {log}\n')
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    result = run_cli("resync", "prod", "--context", "prod-admin",
                     env={"PATH": f"{fake.parent}{os.pathsep}{os.environ['PATH']}"})
    assert result.returncode == ExitCode.OK, result.stderr
    calls = log.read_text().splitlines()
    assert len(calls) == 2
    for call in calls:
        words = call.split()
        assert words[:6] == ["--context", "prod-admin", "annotate", "--overwrite", "-n", words[5]]
        assert words[6] == "externalsecrets.external-secrets.io" and words[-1].startswith("force-sync=")
    named = {(call.split()[5], name) for call in calls for name in call.split()[7:-1]}
    assert named == _tree_external_secrets("prod")
