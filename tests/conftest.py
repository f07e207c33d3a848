"""Shared fixtures: the project root, a writable copy of the specs, one synth per session."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

import stacks  # noqa: F401  (installs the bindings' fast path before any test imports a binding class)
from ops.terraform import tool_env
from platform_spec.loader import load_all
from platform_spec.model import EnvironmentSpec
from plumbing.paths import PROJECT_ROOT

ENVIRONMENTS = PROJECT_ROOT / "environments"


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every registry request goes to a closed loopback port unless a test starts the registry stub, and no
    test inherits the caller's Argo CD or Alertmanager: nothing leaves 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("SESACTHON_REGISTRY_URL", f"http://127.0.0.1:{port}")
    for variable in ("ARGOCD_SERVER", "ARGOCD_AUTH_TOKEN", "ALERTMANAGER_URL"):
        monkeypatch.delenv(variable, raising=False)


@pytest.fixture(scope="session")
def project_root() -> Path:
    """The repository root."""
    return PROJECT_ROOT


@pytest.fixture(scope="session")
def specs() -> dict[str, EnvironmentSpec]:
    """The bundled example environments."""
    return load_all(ENVIRONMENTS)


@pytest.fixture()
def environments_copy(tmp_path: Path) -> Path:
    """A writable copy of environments/ (point the loader at it with SESACTHON_ENVIRONMENTS_DIR)."""
    target = tmp_path / "environments"
    shutil.copytree(ENVIRONMENTS, target)
    return target


def qa_from_staging(staging: str) -> str:
    """The README's recipe: a ``qa`` environment copied from staging (own name, account, CIDR and
    domain; not in the promotion chain)."""
    text = staging.replace("name: staging", "name: qa").replace("short_name: stg", "short_name: qa")
    text = text.replace("10.20.", "10.40.").replace("staging.ecoeco.app", "qa.ecoeco.app")
    text = re.sub(r'account_id: "\d+"', 'account_id: "444444444444"', text)
    return text.replace("promotes_to: prod\n", "")


@pytest.fixture()
def qa_spec(environments_copy: Path) -> Path:
    """``environments_copy`` plus ``qa.yaml`` made by the README's recipe; returns the directory."""
    (environments_copy / "qa.yaml").write_text(qa_from_staging((environments_copy / "staging.yaml").read_text()))
    return environments_copy


@pytest.fixture(scope="session")
def synth_dir(tmp_path_factory: pytest.TempPathFactory, specs: dict[str, EnvironmentSpec]) -> Path:
    """Every environment's stacks, synthesized once per session (the jsii assembly loads once)."""
    from stacks.synth import synth_to

    outdir = tmp_path_factory.mktemp("cdktf.out")
    synth_to(outdir, list(specs.values()))
    return outdir


@pytest.fixture(scope="session")
def stack_json(synth_dir: Path) -> dict[str, dict]:
    """Parsed ``cdk.tf.json`` of every synthesized stack, by stack name."""
    return {
        path.parent.name: json.loads(path.read_text())
        for path in sorted((synth_dir / "stacks").glob("*/cdk.tf.json"))
    }


@pytest.fixture(scope="session")
def terraform_env() -> dict[str, str]:
    """Environment for running terraform with the project's CLI config (local provider mirror)."""
    if shutil.which("terraform") is None:
        pytest.fail("terraform is not installed; the tools tests need it")
    return tool_env()


SHARED_TOOLCHAINS = (".venv", "node_modules", ".cache")
"""Installed toolchains an exported copy links to (their stamps stay older than the copied inputs)."""


def export_working_tree(target: Path) -> Path:
    """Copy the working tree's tracked and unignored files to ``target`` (mtimes kept, so make sees
    the toolchains as current) and link the installed toolchains; the checkout is never written."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=PROJECT_ROOT, capture_output=True, check=True).stdout.decode().split("\0")
    for relative in filter(None, listed):
        source = PROJECT_ROOT / relative
        if source.is_file():
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / relative)
    for name in SHARED_TOOLCHAINS:
        (target / name).symlink_to(PROJECT_ROOT / name)
    return target


def exported_env(copy: Path, **extra: str) -> dict[str, str]:
    """Environment running the copy's code (``PYTHONPATH`` wins over the editable install)."""
    environment = {key: value for key, value in os.environ.items() if key != "SESACTHON_ENVIRONMENTS_DIR"}
    environment.update(PYTHONPATH=str(copy), **extra)
    return environment


def run_cli(*args: str, env: dict[str, str] | None = None, cwd: Path = PROJECT_ROOT) -> subprocess.CompletedProcess:
    """Run the ``sesacthon`` CLI (``python -m cli``) in a subprocess and capture its output."""
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        cwd=cwd, env={**os.environ, **(env or {})}, capture_output=True, text=True, timeout=300,
    )
