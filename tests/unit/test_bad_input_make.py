"""Hostile and mistaken values through ``make`` (check, synth, diff, promote, …), in an exported copy
of the working tree committed to a throwaway Git repository: every value reaches the CLI as one
argument and is refused with one line, nothing runs, nothing is written (``git status`` stays
clean, a sentinel outside the project stays alone), and legitimate selections (``ENV=dev,dev``,
``ENV=all,dev``) work."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import export_working_tree, exported_env
from tests.fixtures.alertmanager.stub import alertmanager_stub

pytestmark = pytest.mark.slow

GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.invalid"}


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The working tree, exported into a new Git repository (tag v1.5.0), synthesized once."""
    root = export_working_tree(tmp_path_factory.mktemp("make") / "project")
    env = {**os.environ, **GIT_ENV}
    for command in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-q", "-m", "base"],
                    ["git", "tag", "v1.5.0"]):
        subprocess.run(command, cwd=root, env=env, check=True, capture_output=True)
    return root


@pytest.fixture()
def outside(tmp_path: Path) -> Path:
    """A directory outside the project with a sentinel file."""
    (tmp_path / "sentinel").write_text("untouched\n")
    return tmp_path


def _make(root: Path, *arguments: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["make", "-s", *arguments], cwd=root, env=exported_env(root, NO_COLOR="1", **extra),
                          capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)


def _status(root: Path) -> str:
    return subprocess.run(["git", "status", "--porcelain", "--ignored=no"], cwd=root, capture_output=True,
                          text=True, check=True).stdout


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["synth", "ENV=dev;touch {outside}/pwned"], "is not an environment name"),
        (["synth", "ENV=dev --outdir {outside}"], "is not an environment name"),
        (["synth", "ENV=--outdir={outside}"], "ENV='--outdir="),
        (["synth", "ENV=`touch {outside}/pwned`"], "is not an environment name"),
        (["synth", "ENV=$(shell touch {outside}/pwned)"], "ENV contains '$', which Make would expand"),
        (["check", "ENV=$$(touch {outside}/pwned)"], "ENV contains '$'"),
        (["check", "ENV=dev\ntouch {outside}/pwned"], "ENV='dev\\\\ntouch"),
        (["check", "ENV="], "ENV is empty"),
        (["check", "ENV=qa"], "ENV=qa: no such environment"),
        (["diff", "A=dev", "B=dev"], "A and B are both 'dev': name two different environments"),
        (["diff", "A=dev;touch {outside}/pwned", "B=staging"], "is not an environment name"),
        (["promote", "FROM=dev", "TO=staging", "TAG="], "TAG='' is not a valid Git tag name: it is empty"),
        (["promote", "FROM=dev", "TO=staging", "TAG=`touch {outside}/pwned`"], "is not a valid Git tag name"),
        (["promote", "FROM=dev", "TO=staging", "TAG=--upload-pack=touch"], "starts with - (it would read as"),
        (["promote", "FROM=dev;id", "TO=staging"], "FROM='dev;id' is not an environment name"),
        (["promote", "FROM=staging", "TO=staging"], "FROM and TO are both 'staging'"),
        (["diff-changes", "REF=--output={outside}/archive.tar"], "is not a Git revision: it starts with -"),
        (["unlock", "ENV=dev", "LOCK_ID=-force"], "LOCK_ID='-force' is not a Terraform lock id"),
    ],
    ids=["semicolon", "outdir-option", "option-value", "backticks", "make-shell", "shell-substitution",
         "newline", "empty-env", "unknown-env", "diff-same", "diff-injection", "empty-tag", "tag-backticks",
         "tag-option", "from-injection", "promote-same", "ref-option", "lock-id-option"],
)
def test_hostile_values_are_refused_and_run_nothing(sandbox: Path, outside: Path, arguments: list[str],
                                                    message: str) -> None:
    started = time.perf_counter()
    result = _make(sandbox, *(argument.format(outside=outside) for argument in arguments))
    seconds = time.perf_counter() - started
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert message in output, output
    assert "Traceback" not in output
    assert _status(sandbox) == "", "a refused command changed the project"
    assert sorted(path.name for path in outside.iterdir()) == ["sentinel"], "a command wrote outside the project"
    assert (outside / "sentinel").read_text() == "untouched\n"
    assert seconds < 10, f"took {seconds:.1f} s"


def test_a_repeated_or_all_including_selection_synthesizes_each_environment_once(sandbox: Path) -> None:
    twice = _make(sandbox, "synth", "ENV=dev,dev")
    assert twice.returncode == 0, twice.stderr
    assert "synthesized dev, dev-bootstrap" in twice.stdout
    everything = _make(sandbox, "check", "ENV=all,dev")
    assert everything.returncode == 0, everything.stderr
    assert [line.split(":")[0] for line in everything.stdout.splitlines()] == ["dev", "staging", "prod"]
    assert _status(sandbox) == "", "committed generated files were stale"


def test_promote_into_a_crlf_spec_changes_only_the_promoted_characters(sandbox: Path) -> None:
    spec = sandbox / "environments" / "staging.yaml"
    original = spec.read_bytes()
    spec.write_bytes(original.replace(b"\n", b"\r\n"))
    before = spec.read_bytes()
    try:
        with alertmanager_stub() as stub:
            result = _make(sandbox, "promote", "FROM=dev", "TO=staging", "TAG=v1.5.0",
                           ALERTMANAGER_URL=stub.url("clean"))
        assert result.returncode == 0, result.stdout + result.stderr
        after = spec.read_bytes()
        assert after.count(b"\r\n") == before.count(b"\r\n") and b"\n" not in after.replace(b"\r\n", b"")
        changed = [(old, new) for old, new in zip(before.split(b"\r\n"), after.split(b"\r\n"), strict=True)
                   if old != new]
        assert changed and all(old.replace(b"v1.4.0", b"v1.5.0") == new for old, new in changed), changed
    finally:
        subprocess.run(["git", "checkout", "-q", "--", "."], cwd=sandbox, check=True)
        subprocess.run(["git", "clean", "-qfd", "reports"], cwd=sandbox, check=True)


def test_synth_leaves_nothing_in_tmpdir(sandbox: Path, tmp_path: Path) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    result = _make(sandbox, "synth", "ENV=staging", TMPDIR=str(scratch))
    assert result.returncode == 0, result.stderr
    assert list(scratch.iterdir()) == [], "the jsii runtime copy (or another temporary file) was left behind"
