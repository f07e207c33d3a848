"""What a branch changes: each environment's generated artifacts against those of a Git ref.

The ref's tree is exported with ``git archive`` (the working tree is never touched) and its stacks
are synthesized by running that tree's own cdktf app (``main.py``, the contract ``cdktf synth``
uses), because the ref's code may differ from this one.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from platform_spec.loader import load_all
from plumbing.paths import CACHE_DIR, PROJECT_ROOT
from release.diff.collect import SECTIONS, Artifacts, collect, collect_spec, gitops_files_on_disk, synth_stacks
from release.diff.compare import DiffReport, compare
from release.diff.normalise import DESCRIBE, Environment
from release.diff.present import cell, code, render_value


def resolve_ref(ref: str | None, repo: Path = PROJECT_ROOT) -> str:
    """``ref``, or the first of ``origin/main`` and ``main`` that exists."""
    for candidate in [ref] if ref else ["origin/main", "main"]:
        found = subprocess.run(
            ["git", "rev-parse", "-q", "--verify", f"{candidate}^{{commit}}"],
            cwd=repo, capture_output=True, text=True, check=False,
        )
        if found.returncode == 0:
            return candidate
    raise ValueError(f"git ref {ref or 'origin/main or main'} not found in {repo}")


def export_tree(ref: str, target: Path, repo: Path = PROJECT_ROOT) -> Path:
    """The files of ``ref`` (``git archive``) unpacked into ``target``; the working tree is not touched."""
    archive = subprocess.run(["git", "archive", "--format=tar", ref], cwd=repo, capture_output=True, check=True)
    target.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as bundle:
        bundle.extractall(target, filter="data")
    return target


def _synth_in(tree: Path, outdir: Path) -> Path:
    """Synthesize every environment with the code and specs of ``tree``: run its cdktf app
    (``main.py`` with ``ENV=all`` and ``CDKTF_OUTDIR``, as ``cdktf synth`` does) in a new process."""
    environment = {key: value for key, value in os.environ.items() if key != "SESACTHON_ENVIRONMENTS_DIR"}
    environment.update(ENV="all", CDKTF_OUTDIR=str(outdir))
    shared_cache = CACHE_DIR / "jsii"
    if shared_cache.is_dir():  # reuse the unpacked provider bindings (a cold cache costs ~15 s)
        environment.setdefault("JSII_RUNTIME_PACKAGE_CACHE_ROOT", str(shared_cache))
    result = subprocess.run(
        [sys.executable, "main.py"], cwd=tree, env=environment, capture_output=True, text=True, check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"synth of {tree.name} failed:\n{result.stderr.strip()}")
    return outdir / "stacks"


def _empty() -> Artifacts:
    return {section: {} for section in SECTIONS}


def _describe_in(tree: Path) -> dict[str, Environment]:
    """The environments of ``tree`` as its own code loads them (``DESCRIBE`` run in a new process there)."""
    environment = {key: value for key, value in os.environ.items() if key != "SESACTHON_ENVIRONMENTS_DIR"}
    environment["PYTHONPATH"] = str(tree)  # the tree's packages, not this checkout's
    result = subprocess.run([sys.executable, "-c", DESCRIBE], cwd=tree, env=environment, capture_output=True,
                            text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"the specs of {tree.name} do not load with their own code:\n{result.stderr.strip()}")
    return {name: Environment.from_json(item) for name, item in json.loads(result.stdout).items()}


def changes_against(ref: str | None = None, repo: Path = PROJECT_ROOT) -> tuple[str, list[DiffReport]]:
    """Per environment, how the working tree's generated artifacts differ from those of ``ref``."""
    ref = resolve_ref(ref, repo)
    current = load_all(repo / "environments")
    with tempfile.TemporaryDirectory(prefix="diff-changes-") as scratch:
        base = export_tree(ref, Path(scratch) / "base", repo)
        old = _describe_in(base) if (base / "environments").is_dir() else {}
        old_stacks = _synth_in(base, Path(scratch) / "base-out") if old else Path(scratch)
        new_stacks = synth_stacks(current.values(), Path(scratch) / "new-out")
        reports = []
        for name in sorted(set(old) | set(current)):
            before = collect(old[name], old_stacks, gitops_files_on_disk(old[name], base)) if name in old else _empty()
            after = collect_spec(current[name], new_stacks) if name in current else _empty()
            a = old.get(name) or Environment.of(current[name])
            b = Environment.of(current[name]) if name in current else a
            reports.append(DiffReport(a, b, compare(before, after), title=name))
    return ref, reports


def changes_markdown(ref: str, reports: list[DiffReport]) -> str:
    """What the branch changes per environment, as Markdown for the pull request description."""
    lines = [
        f"# Generated changes against `{ref}`",
        "",
        "What this branch changes in each environment's generated artifacts (spec, Terraform, GitOps), "
        f"compared with the same environment at `{ref}`.",
        "",
        "| environment | spec | Terraform | GitOps |",
        "|---|---|---|---|",
    ]
    for report in reports:
        cells = []
        for section in SECTIONS:
            counts = report.counts(section)
            cells.append(f"+{counts['added']} -{counts['removed']} ~{counts['changed']}")
        lines.append(f"| {report.title} | {' | '.join(cells)} |")
    for report in reports:
        lines += ["", f"## {report.title}", ""]
        if not report.changes:
            lines.append("No changes.")
            continue
        lines += [f"| section | object | attribute | {ref} | this branch |", "|---|---|---|---|---|"]
        for change in report.changes:
            lines.append(
                f"| {change.section} | `{cell(change.obj)}` | {code(change.attribute) or '—'} | "
                f"{code(render_value(change.a, 160))} | {code(render_value(change.b, 160))} |"
            )
    return "\n".join(lines) + "\n"
