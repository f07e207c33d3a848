"""Shared fixtures: the project root, a writable copy of the specs, one synth per session."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ops.terraform import tool_env
from platform_spec.loader import load_all
from platform_spec.model import EnvironmentSpec
from plumbing.paths import PROJECT_ROOT

ENVIRONMENTS = PROJECT_ROOT / "environments"


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


def run_cli(*args: str, env: dict[str, str] | None = None, cwd: Path = PROJECT_ROOT) -> subprocess.CompletedProcess:
    """Run ``python -m generators`` in a subprocess and capture its output."""
    return subprocess.run(
        [sys.executable, "-m", "generators", *args],
        cwd=cwd, env={**os.environ, **(env or {})}, capture_output=True, text=True, timeout=300,
    )
