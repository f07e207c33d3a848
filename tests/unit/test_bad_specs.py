"""The bad-input corpus (tests/bad_specs/cases.yaml): a clear message, exit 2, nothing written."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import PROJECT_ROOT, run_cli

CASES = yaml.safe_load((PROJECT_ROOT / "tests" / "bad_specs" / "cases.yaml").read_text())


def _walk(document: Any, dotted: str) -> tuple[Any, Any]:
    *parents, last = [int(part) if part.isdigit() else part for part in dotted.split(".")]
    for part in parents:
        document = document[part]
    return document, last


def _break(directory: Path, case: dict) -> None:
    if case.get("remove_all"):
        for path in directory.glob("*.yaml"):
            path.unlink()
        return
    if "remove" in case:
        (directory / case["remove"]).unlink()
        return
    if "file" not in case:
        return
    path = directory / case["file"]
    if "replace_all" in case:
        path.write_text(case["replace_all"])
        return
    if "text" in case:
        edit = case["text"]
        source = path.read_text()
        assert edit["old"] in source, f"case {case['id']}: {edit['old']!r} not in {path.name}"
        path.write_text(source.replace(edit["old"], edit["new"], edit.get("count", 1)))
        return
    document = yaml.safe_load(path.read_text())
    for dotted in case.get("delete", []):
        parent, key = _walk(document, dotted)
        del parent[key]
    for dotted, value in case.get("set", {}).items():
        parent, key = _walk(document, dotted)
        parent[key] = value
    path.write_text(yaml.safe_dump(document, sort_keys=False))


def _fingerprint(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 15
    assert len({case["id"] for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_bad_spec_is_rejected_clearly_and_writes_nothing(case: dict, environments_copy: Path, tmp_path: Path) -> None:
    _break(environments_copy, case)
    outdir = tmp_path / "cdktf.out"
    (outdir / "stacks" / "dev").mkdir(parents=True)
    (outdir / "stacks" / "dev" / "cdk.tf.json").write_text('{"previous": "synth"}\n')
    before = _fingerprint(tmp_path / "cdktf.out")

    result = run_cli(
        "synth", case.get("env", "all"), "--outdir", str(outdir), "--terraform-only",
        env={"SESACTHON_ENVIRONMENTS_DIR": str(environments_copy)},
    )

    assert result.returncode == 2, result.stderr
    for expected in case["expect"]:
        assert expected in result.stderr, f"expected {expected!r} in:\n{result.stderr}"
    assert "Traceback" not in result.stderr
    assert _fingerprint(tmp_path / "cdktf.out") == before
    assert "cdktf" not in result.stdout
