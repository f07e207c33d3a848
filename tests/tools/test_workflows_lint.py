"""The generated workflows pass actionlint (with shellcheck) and GitHub's workflow JSON schema.

The workflows pin actions by commit, and actionlint knows the inputs of popular actions by major
release only; a copy with each ``<repo>@<sha> # vX.Y.Z`` turned into ``<repo>@vX`` is linted too, so a
misspelt input of a pinned action still fails.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generators import pipelines
from generators.action_pins import ACTIONS
from generators.atlantis import ATLANTIS_FILE
from generators.github_actions import WORKFLOWS_DIR
from platform_spec.loader import load_all
from plumbing.manifests import load_schema

pytestmark = pytest.mark.tools

BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    found = BIN / name if (BIN / name).exists() else shutil.which(name)
    if not found:
        pytest.fail(f"{name} is not installed; `make venv` installs it from requirements.txt")
    return str(found)


def _workflows(root: Path) -> list[str]:
    files = sorted(str(path) for path in (root / WORKFLOWS_DIR).glob("*.yml"))
    assert files, "no workflow files"
    return files


def test_actionlint(project_root: Path) -> None:
    result = subprocess.run(
        [_tool("actionlint"), "-no-color", "-shellcheck", _tool("shellcheck"), *_workflows(project_root)],
        cwd=project_root, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_checks_the_inputs_of_the_pinned_actions(project_root: Path, tmp_path: Path) -> None:
    copies = []
    for source in _workflows(project_root):
        text = Path(source).read_text(encoding="utf-8")
        for action in ACTIONS.values():
            text = text.replace(f"{action.uses} # {action.version}", action.major)
        assert "@" not in "".join(line for line in text.splitlines() if "uses:" in line and "@v" not in line)
        copy = tmp_path / ".github/workflows" / Path(source).name
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_text(text, encoding="utf-8")
        copies.append(str(copy))
    result = subprocess.run([_tool("actionlint"), "-no-color", *copies], cwd=tmp_path, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_mistakes(tmp_path: Path) -> None:
    """The linter is really checking: an unknown action input and an undefined context fail."""
    broken = tmp_path / ".github/workflows/broken.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n"
        f"      - uses: {ACTIONS['checkout'].major}\n        with: {{fetch-deep: 1}}\n"
        "      - run: echo ${{ github.nope }}\n"
    )
    result = subprocess.run([_tool("actionlint"), "-no-color", str(broken)], capture_output=True, text=True)
    assert result.returncode == 1
    assert 'input "fetch-deep" is not defined' in result.stdout
    assert 'property "nope" is not defined' in result.stdout


def test_github_workflow_schema(project_root: Path) -> None:
    result = subprocess.run(
        [_tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *_workflows(project_root)],
        cwd=project_root, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_atlantis_yaml_has_only_documented_keys(project_root: Path) -> None:
    import jsonschema

    schema = load_schema(pipelines.ATLANTIS_SCHEMA)
    jsonschema.validate(yaml.safe_load((project_root / ATLANTIS_FILE).read_text()), schema)


def test_a_new_environment_still_lints(qa_spec: Path, tmp_path: Path) -> None:
    pipelines.write(load_all(qa_spec), tmp_path)
    files = _workflows(tmp_path)
    assert str(tmp_path / ".github/workflows/deploy-qa.yml") in files
    lint = subprocess.run([_tool("actionlint"), "-no-color", "-shellcheck", _tool("shellcheck"), *files],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert lint.returncode == 0, lint.stdout
    schema = subprocess.run([_tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *files],
                            capture_output=True, text=True, timeout=120)
    assert schema.returncode == 0, schema.stdout
