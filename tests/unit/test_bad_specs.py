"""The bad-input corpus (tests/bad_specs/cases.yaml): a clear message, a non-zero exit, no traceback,
nothing written (the stacks' output directory, the specs, a sentinel outside the project, the
committed generated trees) and a time bound.

Every case runs the CLI (``python -m cli``) in a subprocess against its own broken copy of
``environments/``; the cases run concurrently (each has its own directories), so the whole corpus
costs about as much as its slowest cases. Cases marked ``synth: true`` also run ``synth`` to prove
that synthesis refuses with the same message before writing anything.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ENVIRONMENTS, PROJECT_ROOT

CASES: list[dict[str, Any]] = yaml.safe_load((PROJECT_ROOT / "tests" / "bad_specs" / "cases.yaml").read_text())
TIME_BOUND = 5.0
"""Seconds one refusal may take (a check takes ~0.3 s; the machine is shared)."""
COMMITTED = ("k8s", "argocd", ".github", "atlantis.yaml", "reports", "environments")
"""The committed generated trees (and the specs) of the checkout, which no case may change."""


def _walk(document: Any, dotted: str) -> tuple[Any, Any]:
    *parents, last = [int(part) if part.isdigit() else part for part in dotted.split(".")]
    for part in parents:
        document = document[part]
    return document, last


def _setup(directory: Path, step: dict[str, Any]) -> None:
    """One filesystem step: a directory, a link, a FIFO, a copy, a file, permissions."""
    path = directory / step["path"]
    kind = step["kind"]
    if kind in ("dir", "symlink", "fifo") and (path.exists() or path.is_symlink()):
        path.unlink()
    if kind == "dir":
        path.mkdir()
    elif kind == "symlink":
        path.symlink_to(step["to"])
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "copy":
        text = (directory / step["from"]).read_text()
        for old, new in step.get("replace", {}).items():
            assert old in text, f"{old!r} not in {step['from']}"
            text = text.replace(old, new)
        path.write_text(text)
    elif kind == "write":
        path.write_text(step["text"])
    elif kind == "chmod":
        path.chmod(step["mode"])
    else:
        raise AssertionError(f"unknown setup kind {kind}")


def _break(directory: Path, case: dict[str, Any]) -> None:
    if case.get("remove_all"):
        for path in directory.glob("*.yaml"):
            path.unlink()
    if "remove" in case:
        (directory / case["remove"]).unlink()
    for step in case.get("setup", []):
        _setup(directory, step)
    if "file" not in case:
        return
    path = directory / case["file"]
    if "replace_all" in case:
        path.write_text(case["replace_all"])
    if "text" in case:
        for edit in case["text"] if isinstance(case["text"], list) else [case["text"]]:
            source = path.read_text()
            assert edit["old"] in source, f"case {case['id']}: {edit['old']!r} not in {path.name}"
            path.write_text(source.replace(edit["old"], edit["new"], edit.get("count", 1)))
    if "set" in case or "delete" in case:
        document = yaml.safe_load(path.read_text())
        for dotted in case.get("delete", []):
            parent, key = _walk(document, dotted)
            del parent[key]
        for dotted, value in case.get("set", {}).items():
            parent, key = _walk(document, dotted)
            parent[key] = value
        path.write_text(yaml.safe_dump(document, sort_keys=False))
    if "append_hex" in case:
        with path.open("ab") as stream:
            stream.write(bytes.fromhex(case["append_hex"]))
    if "pad_bytes" in case:
        with path.open("a") as stream:
            stream.write(("# padding " + "x" * 69 + "\n") * (case["pad_bytes"] // 80 + 1))


def _fingerprint(*roots: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    for root in roots:
        for path in [root] if root.is_file() else sorted(root.rglob("*")) if root.exists() else []:
            if path.is_symlink() or not path.is_file():
                found[str(path)] = "link" if path.is_symlink() else "dir"
                continue
            try:
                found[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
            except PermissionError:
                found[str(path)] = f"unreadable {path.stat().st_mtime_ns}"
    return found


@dataclass
class Outcome:
    """What one command of a case did."""

    argv: list[str]
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    unchanged: bool


def _run(case: dict[str, Any], root: Path) -> list[Outcome]:
    environments = root / "environments"
    shutil.copytree(ENVIRONMENTS, environments)
    _break(environments, case)
    outdir, outside = root / "cdktf.out", root / "outside"
    (outdir / "stacks" / "dev").mkdir(parents=True)
    (outdir / "stacks" / "dev" / "cdk.tf.json").write_text('{"previous": "synth"}\n')
    outside.mkdir()
    (outside / "sentinel").write_text("untouched\n")
    commands = [[str(part).format(outside=outside, outdir=outdir) for part in case.get("argv", ["check", "all"])]]
    if case.get("synth"):
        commands.append(["synth", *commands[0][1:2], "--outdir", str(outdir), "--terraform-only"])
    outcomes = []
    for argv in commands:
        environment = {**os.environ, "SESACTHON_ENVIRONMENTS_DIR": str(environments), "TMPDIR": str(root / "tmp"),
                       "NO_COLOR": "1"}
        (root / "tmp").mkdir(exist_ok=True)
        before = _fingerprint(environments, outdir, outside)
        started = time.perf_counter()
        try:
            result = subprocess.run([sys.executable, "-m", "cli", *argv], cwd=PROJECT_ROOT, env=environment,
                                    capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
            code, out, err = result.returncode, result.stdout, result.stderr
        except subprocess.TimeoutExpired:
            code, out, err = -1, "", "timed out after 60 s"
        seconds = time.perf_counter() - started
        outcomes.append(Outcome(argv, code, out, err, seconds, _fingerprint(environments, outdir, outside) == before))
    for step in case.get("setup", []):  # let pytest remove the directory afterwards
        if step["kind"] == "chmod":
            (environments / step["path"]).chmod(0o644)
    return outcomes


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Outcome]]:
    """Every case, run concurrently (each in its own directory); the checkout's trees compared around them."""
    committed = [PROJECT_ROOT / name for name in COMMITTED]
    before = _fingerprint(*committed)
    roots = {case["id"]: tmp_path_factory.mktemp(case["id"][:40]) for case in CASES}
    with ThreadPoolExecutor(max_workers=max(2, min(4, os.cpu_count() or 2))) as pool:
        results = dict(zip(roots, pool.map(_run, CASES, roots.values()), strict=True))
    assert _fingerprint(*committed) == before, "a case changed the checkout's committed files"
    return results


def test_corpus_is_large_and_unique() -> None:
    assert len(CASES) >= 80
    assert len({case["id"] for case in CASES}) == len(CASES)
    assert all(case.get("expect") for case in CASES), "every case names the message the user must see"


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_bad_input_is_refused_clearly_and_writes_nothing(case: dict[str, Any], outcomes: dict[str, list[Outcome]]
                                                         ) -> None:
    if case.get("needs_non_root") and os.geteuid() == 0:
        pytest.skip("root reads any file: permission bits cannot make a spec unreadable")
    for outcome in outcomes[case["id"]]:
        shown = f"{outcome.argv}:\n{outcome.stderr}{outcome.stdout}"
        assert outcome.returncode == case.get("exit", 2), shown
        for expected in case["expect"]:
            assert expected in outcome.stderr, f"expected {expected!r} in {shown}"
        assert "Traceback" not in outcome.stderr + outcome.stdout, shown
        assert outcome.unchanged, f"{outcome.argv} changed a file (specs, cdktf.out or outside the project)"
        assert outcome.seconds < TIME_BOUND, f"{outcome.argv} took {outcome.seconds:.1f} s"
        assert "synthesized" not in outcome.stdout
