"""Every synthesized stack is accepted by the real `terraform validate` (provider from the local mirror)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.tools

STACKS = [f"{env}{suffix}" for env in ("dev", "staging", "prod") for suffix in ("-bootstrap", "")]


def _terraform(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(["terraform", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize("stack", STACKS)
def test_terraform_validates_the_stack(stack: str, synth_dir: Path, terraform_env: dict[str, str]) -> None:
    workdir = synth_dir / "stacks" / stack
    init = _terraform(["init", "-backend=false", "-input=false", "-no-color"], workdir, terraform_env)
    assert init.returncode == 0, init.stderr + init.stdout
    assert "hashicorp/aws v5.100.0" in init.stdout
    result = _terraform(["validate", "-json", "-no-color"], workdir, terraform_env)
    report = json.loads(result.stdout)
    assert report["valid"], json.dumps(report["diagnostics"], indent=2)
    assert report["error_count"] == 0 and report["warning_count"] == 0, report["diagnostics"]
