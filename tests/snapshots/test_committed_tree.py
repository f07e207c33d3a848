"""The committed GitOps and pipeline files are the reviewed snapshot of what the specs generate.

A spec or renderer change shows up in a pull request as a diff of exactly the files it touches
(``make synth ENV=all`` rewrites them); this test fails when the committed tree is not what the
code renders, or when a generated file is left over that nothing renders any more.
"""

from __future__ import annotations

from pathlib import Path

from generators import gitops, pipelines
from platform_spec.model import EnvironmentSpec
from plumbing.writer import is_generated, with_header

OWNED = ("k8s", "argocd", ".github/workflows")


def _rendered(specs: dict[str, EnvironmentSpec]) -> dict[str, str]:
    files = gitops.render(specs.values(), specs.values()) | pipelines.render(specs)
    return {path: with_header(path, text) for path, text in files.items()}


def test_every_rendered_file_is_committed_with_these_bytes(specs: dict[str, EnvironmentSpec],
                                                           project_root: Path) -> None:
    stale = [path for path, text in sorted(_rendered(specs).items())
             if not (project_root / path).is_file() or (project_root / path).read_text(encoding="utf-8") != text]
    assert stale == [], f"run `make synth ENV=all` and review the diff: {stale[:10]}"


def test_no_generated_file_is_left_over(specs: dict[str, EnvironmentSpec], project_root: Path) -> None:
    rendered = set(_rendered(specs))
    committed = {path.relative_to(project_root).as_posix() for directory in OWNED
                 for path in (project_root / directory).rglob("*") if path.is_file() and is_generated(path)}
    assert sorted(committed - rendered) == []
