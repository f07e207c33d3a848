"""Semantic diff of everything two environments generate (``make diff A=staging B=prod``).

Three sections are compared, each as ``{object: structure}``:

* ``spec`` — the environment specs, field by field (raw values: the spec is the source);
* ``terraform`` — every resource, data source, output, provider and backend of both CDKTF stacks,
  keyed by its (stable) address, after the environment's own names (prefix, state bucket, lock
  table, SSM root, domain, account, environment name) are replaced by placeholders, JSON policy
  strings parsed and the ``//`` metadata dropped;
* ``gitops`` — the Kubernetes overlay and ArgoCD documents, keyed by normalised path, kind and name.

The structural comparison is DeepDiff's; this module only prepares the inputs (normalise, key
lists of named objects by name) and presents the result as a terminal table and a Markdown report.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from deepdiff import DeepDiff

from platform_spec.loader import SpecError
from platform_spec.model import EnvironmentSpec
from plumbing.paths import PROJECT_ROOT

ABSENT = object()
"""Marks a value that one side does not have."""

SECTIONS = {
    "spec": "Spec (`environments/<env>.yaml`)",
    "terraform": "Terraform (`cdktf.out/stacks/<env>-state` and `<env>`)",
    "gitops": "GitOps (`k8s/overlays/<env>`, `argocd/`)",
}
RAW_KEYS = frozenset({"Tier", "tier"})
"""Keys whose values are never normalised: a tier (`staging`) is a value, not the environment's name."""
Artifacts = dict[str, dict[str, Any]]
"""Section name -> {object: structure}."""


@dataclass(frozen=True)
class Change:
    """One difference: in ``section``, ``obj``'s ``attribute`` is ``a`` on one side and ``b`` on the other."""

    section: str
    obj: str
    attribute: str
    a: Any
    b: Any

    @property
    def kind(self) -> str:
        """``added`` (only in B), ``removed`` (only in A) or ``changed``."""
        if self.a is ABSENT:
            return "added"
        if self.b is ABSENT:
            return "removed"
        return "changed"


# --- normalisation -----------------------------------------------------------------------------


def placeholders(spec: EnvironmentSpec) -> list[tuple[str, str]]:
    """The environment's own names and their placeholders, most specific first."""
    names = [
        ("<state-bucket>", spec.state_bucket_name),
        ("<lock-table>", spec.lock_table_name),
        ("<ssm-root>", spec.ssm_root),
        ("<domain>", spec.dns.domain),
        ("<prefix>", spec.prefix),
        ("<account>", spec.aws.account_id),
    ]
    return [(placeholder, value) for placeholder, value in names if value]


def _word(value: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![A-Za-z0-9]){re.escape(value)}(?![A-Za-z0-9])")


def normaliser(spec: EnvironmentSpec) -> Callable[[str], str]:
    """A function replacing the environment's own names in a string by placeholders."""
    literal = placeholders(spec)
    words = [_word(name) for name in sorted({spec.name, spec.short_name}, key=len, reverse=True)]

    def normalise(text: str) -> str:
        for placeholder, value in literal:
            text = text.replace(value, placeholder)
        for pattern in words:
            text = pattern.sub("<env>", text)
        return text

    return normalise


def prepare(value: Any, normalise: Callable[[str], str] | None = None) -> Any:
    """Normalise strings (keys too), parse embedded JSON objects, drop ``//`` metadata, key named lists."""
    if isinstance(value, dict):
        return {
            (normalise(key) if normalise else key): prepare(item, None if key in RAW_KEYS else normalise)
            for key, item in value.items()
            if key != "//"
        }
    if isinstance(value, list):
        items = [prepare(item, normalise) for item in value]
        names = [item.get("name") for item in items if isinstance(item, dict)]
        if items and len(names) == len(items) and all(isinstance(n, str) for n in names) and len(set(names)) == len(
            names
        ):
            return {f"[{name}]": item for name, item in zip(names, items, strict=True)}
        return items
    if isinstance(value, str):
        stripped = value.strip()
        if stripped.startswith("{") and stripped.endswith("}"):
            try:
                parsed = json.loads(stripped)
            except ValueError:
                parsed = None
            if isinstance(parsed, dict):
                return prepare(parsed, normalise)
        return normalise(value) if normalise else value
    return value


# --- collecting the artifacts ------------------------------------------------------------------


def spec_section(spec: EnvironmentSpec) -> dict[str, Any]:
    """The spec as plain data, one object per top-level field."""
    return prepare(spec.model_dump(mode="json"))


def terraform_section(spec: EnvironmentSpec, stacks_dir: Path) -> dict[str, Any]:
    """Both stacks' Terraform JSON, keyed ``<stack>: <address>`` (stack = ``state`` or ``platform``)."""
    normalise = normaliser(spec)
    objects: dict[str, Any] = {}
    for label, stack in (("state", spec.state_stack), ("platform", spec.platform_stack)):
        path = stacks_dir / stack / "cdk.tf.json"
        if not path.is_file():
            raise FileNotFoundError(f"{path}: not synthesized; run `make synth ENV={spec.name}`")
        document = json.loads(path.read_text(encoding="utf-8"))
        for block in ("resource", "data"):
            for kind, resources in sorted(document.get(block, {}).items()):
                prefix = "data." if block == "data" else ""
                for name, attributes in sorted(resources.items()):
                    objects[f"{label}: {prefix}{kind}.{name}"] = prepare(attributes, normalise)
        for name, attributes in sorted(document.get("output", {}).items()):
            objects[f"{label}: output.{name}"] = prepare(attributes, normalise)
        for name, attributes in sorted(document.get("provider", {}).items()):
            objects[f"{label}: provider.{name}"] = prepare(attributes, normalise)
        for key, attributes in sorted(document.get("terraform", {}).items()):
            objects[f"{label}: terraform.{key}"] = prepare(attributes, normalise)
    return objects


def gitops_files_on_disk(spec: EnvironmentSpec, root: Path = PROJECT_ROOT) -> dict[str, str]:
    """The environment's generated GitOps files on disk (overlay, ArgoCD apps and project)."""
    files: dict[str, str] = {}
    for directory in (f"k8s/overlays/{spec.name}", f"argocd/apps/{spec.name}"):
        base = root / directory
        if base.is_dir():
            for path in sorted(base.rglob("*")):
                if path.is_file() and path.suffix in (".yaml", ".yml"):
                    files[path.relative_to(root).as_posix()] = path.read_text(encoding="utf-8")
    projects = root / "argocd" / "projects"
    if projects.is_dir():
        for path in sorted(projects.glob(f"{spec.name}-*.y*ml")):
            files[path.relative_to(root).as_posix()] = path.read_text(encoding="utf-8")
    root_app = root / "argocd" / "root-app.yaml"
    if root_app.is_file():
        own = [doc for doc in yaml.safe_load_all(root_app.read_text(encoding="utf-8"))
               if isinstance(doc, dict) and doc.get("spec", {}).get("project") == spec.name]
        files["argocd/root-app.yaml"] = yaml.safe_dump_all(own, sort_keys=True)
    return files


def gitops_files(spec: EnvironmentSpec, root: Path = PROJECT_ROOT) -> dict[str, str]:
    """The environment's GitOps files rendered in memory by the GitOps generators (disk when unavailable)."""
    try:
        from generators import argocd, kustomize
        from plumbing.yaml_io import dump
    except ImportError:
        return gitops_files_on_disk(spec, root)
    files = {**kustomize.overlay_files(spec), **argocd.environment_files(spec)}
    files["argocd/root-app.yaml"] = dump(argocd.root_application(spec))
    return dict(sorted(files.items()))


def gitops_section(spec: EnvironmentSpec, files: Mapping[str, str]) -> dict[str, Any]:
    """GitOps documents keyed ``<normalised path> <kind>/<name>``."""
    normalise = normaliser(spec)
    objects: dict[str, Any] = {}
    for path, text in sorted(files.items()):
        for index, document in enumerate(doc for doc in yaml.safe_load_all(text) if doc is not None):
            if isinstance(document, dict) and "kind" in document:
                metadata = document.get("metadata") or {}
                parts = (metadata.get("namespace"), metadata.get("name", index))
                name = "/".join(str(part) for part in parts if part not in (None, ""))
                key = f"{normalise(path)} {document['kind']}/{normalise(name)}"
            else:
                key = f"{normalise(path)} #{index}"
            objects[key] = prepare(document, normalise)
    return objects


def collect(
    spec: EnvironmentSpec, stacks_dir: Path, files: Mapping[str, str] | None = None, root: Path = PROJECT_ROOT
) -> Artifacts:
    """Every section of one environment's generated artifacts."""
    return {
        "spec": spec_section(spec),
        "terraform": terraform_section(spec, stacks_dir),
        "gitops": gitops_section(spec, gitops_files(spec, root) if files is None else files),
    }


# --- comparing ---------------------------------------------------------------------------------


def _lookup(value: Any, path: Iterable[Any]) -> Any:
    for part in path:
        in_dict = isinstance(value, dict) and part in value
        in_list = isinstance(value, list) and isinstance(part, int) and part < len(value)
        if in_dict or in_list:
            value = value[part]
        else:
            return ABSENT
    return value


def _cut_at_lists(path: list[Any], left: Any, right: Any) -> list[Any]:
    """Lists are compared as whole values, except equally long lists of objects (compared item by item)."""
    for position, part in enumerate(path):
        if isinstance(part, int):
            here_a, here_b = _lookup(left, path[:position]), _lookup(right, path[:position])
            same_shape = (
                isinstance(here_a, list) and isinstance(here_b, list) and len(here_a) == len(here_b)
                and all(isinstance(item, dict) for item in [*here_a, *here_b])
            )
            if not same_shape:
                return path[:position]
    return path


def compare(a: Artifacts, b: Artifacts) -> list[Change]:
    """Every difference between two environments' artifacts, sorted by section, object and attribute."""
    changes: list[Change] = []
    for section in SECTIONS:
        left, right = a.get(section, {}), b.get(section, {})
        result = DeepDiff(left, right, view="tree", ignore_order=False, verbose_level=2, threshold_to_diff_deeper=0)
        paths: set[tuple[Any, ...]] = set()
        for levels in result.values():
            for level in levels:
                path = _cut_at_lists(level.path(output_format="list"), left, right)
                if path:
                    paths.add(tuple(path))
        for path in paths:
            changes.append(
                Change(section, str(path[0]), ".".join(str(part) for part in path[1:]), _lookup(left, path),
                       _lookup(right, path))
            )
    order = list(SECTIONS)
    return sorted(changes, key=lambda change: (order.index(change.section), change.obj, change.attribute))


def render_value(value: Any, limit: int | None = None) -> str:
    """A value as one line of text (JSON for structures), cut at ``limit`` characters."""
    if value is ABSENT:
        return "(absent)"
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, separators=(", ", ": "))
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


# --- presenting --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DiffReport:
    """The comparison of environment ``a`` with environment ``b``."""

    a: EnvironmentSpec
    b: EnvironmentSpec
    changes: list[Change]
    title: str = ""

    def counts(self, section: str) -> dict[str, int]:
        """Added, removed and changed counts of one section."""
        counts = {"added": 0, "removed": 0, "changed": 0}
        for change in self.changes:
            if change.section == section:
                counts[change.kind] += 1
        return counts


def synth_stacks(specs: Iterable[EnvironmentSpec], outdir: Path) -> Path:
    """Synthesize the environments' stacks into ``outdir`` (a private directory); return its ``stacks/``."""
    from stacks.synth import synth_to  # imported here: only synthesis pays for jsii

    synth_to(outdir, list(specs))
    return outdir / "stacks"


def diff_environments(
    a: EnvironmentSpec, b: EnvironmentSpec, stacks_dir: Path, root: Path = PROJECT_ROOT
) -> DiffReport:
    """Compare two environments' generated artifacts."""
    return DiffReport(a, b, compare(collect(a, stacks_dir, root=root), collect(b, stacks_dir, root=root)))


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _code(text: str) -> str:
    if text == "(absent)":
        return "_(absent)_"
    return f"`{_cell(text)}`" if text else ""


def to_markdown(report: DiffReport, label_a: str | None = None, label_b: str | None = None, intro: str = "") -> str:
    """The report as Markdown, fit to paste into a pull request."""
    a, b = label_a or report.a.name, label_b or report.b.name
    lines = [f"# {report.title or f'Environment diff: `{a}` → `{b}`'}", ""]
    lines += [intro or (
        f"Everything `{a}` and `{b}` generate, compared: the spec, both Terraform stacks (per resource "
        "address) and the GitOps overlay and ArgoCD documents. Each environment's own names are replaced "
        "by the placeholders below before comparing, so every row is a real difference."
    ), ""]
    names_a, names_b = dict(placeholders(report.a)), dict(placeholders(report.b))
    lines += [f"| placeholder | {a} | {b} |", "|---|---|---|"]
    for placeholder in names_a:
        lines.append(f"| `{placeholder}` | `{names_a[placeholder]}` | `{names_b.get(placeholder, '')}` |")
    env_a, env_b = (
        ", ".join(f"`{name}`" for name in dict.fromkeys((spec.name, spec.short_name))) for spec in (report.a, report.b)
    )
    lines.append(f"| `<env>` | {env_a} | {env_b} |")
    lines += ["", "## Summary", "", "| section | added | removed | changed |", "|---|--:|--:|--:|"]
    for section, heading in SECTIONS.items():
        counts = report.counts(section)
        lines.append(f"| {heading.split(' (')[0]} | {counts['added']} | {counts['removed']} | {counts['changed']} |")
    for section, heading in SECTIONS.items():
        rows = [change for change in report.changes if change.section == section]
        lines += ["", f"## {heading}", ""]
        if not rows:
            lines.append("No differences.")
            continue
        lines += [f"| object | attribute | {a} | {b} |", "|---|---|---|---|"]
        for change in rows:
            lines.append(
                f"| `{_cell(change.obj)}` | {_code(change.attribute) or '—'} | "
                f"{_code(render_value(change.a, 160))} | {_code(render_value(change.b, 160))} |"
            )
        long = [
            change for change in rows
            if change.kind != "changed" and len(render_value(change.b if change.kind == "added" else change.a)) > 160
        ]
        if long:
            lines += ["", f"<details><summary>{len(long)} value(s) only in one environment, in full</summary>", ""]
            for change in long:
                side = b if change.kind == "added" else a
                value = change.b if change.kind == "added" else change.a
                where = f"{change.obj}" + (f" {change.attribute}" if change.attribute else "")
                lines += [f"`{where}` (only in {side}):", "", "```json",
                          json.dumps(value, indent=2, sort_keys=True), "```", ""]
            lines.append("</details>")
    return "\n".join(lines) + "\n"


_COLOURS = {"added": "\033[32m", "removed": "\033[31m", "changed": "\033[33m"}
_RESET = "\033[0m"


def use_colour(stream: Any = None) -> bool:
    """Colour only on a terminal, and never with ``NO_COLOR`` set."""
    stream = stream or sys.stdout
    return hasattr(stream, "isatty") and stream.isatty() and not os.environ.get("NO_COLOR")


def to_table(
    report: DiffReport, colour: bool = False, width: int = 60, labels: tuple[str, str] | None = None
) -> str:
    """The report as a plain-text table for the terminal (coloured by change kind when ``colour``)."""
    header = ("section", "object", "attribute", *(labels or (report.a.name, report.b.name)))
    rows = [
        (c.section, c.obj, c.attribute or "(whole)", render_value(c.a, width), render_value(c.b, width), c.kind)
        for c in report.changes
    ]
    if not rows:
        return f"{report.a.name} and {report.b.name}: no differences\n"
    widths = [max(len(header[i]), *(len(row[i]) for row in rows)) for i in range(5)]
    widths = [min(w, 70) for w in widths]

    def line(cells: Iterable[str]) -> str:
        return "  ".join(render_value(cell, widths[i]).ljust(widths[i]) for i, cell in enumerate(cells)).rstrip()

    out = [line(header), line("-" * w for w in widths)]
    for row in rows:
        text = line(row[:5])
        out.append(f"{_COLOURS[row[5]]}{text}{_RESET}" if colour else text)
    summary = ", ".join(
        f"{section}: +{n['added']} -{n['removed']} ~{n['changed']}"
        for section in SECTIONS
        for n in [report.counts(section)]
    )
    out.append(f"\n{len(rows)} differences ({summary})")
    return "\n".join(out) + "\n"


# --- what a branch changes ---------------------------------------------------------------------


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
    """Synthesize every environment with the code and specs of ``tree`` (a separate process)."""
    environment = {key: value for key, value in os.environ.items() if key != "SESACTHON_ENVIRONMENTS_DIR"}
    shared_cache = PROJECT_ROOT / ".cache" / "jsii"
    if shared_cache.is_dir():  # reuse the unpacked provider bindings (a cold cache costs ~15 s)
        environment.setdefault("JSII_RUNTIME_PACKAGE_CACHE_ROOT", str(shared_cache))
    result = subprocess.run(
        [sys.executable, "-m", "generators", "synth", "--env", "all", "--terraform-only", "--outdir", str(outdir)],
        cwd=tree, env=environment, capture_output=True, text=True, check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"synth of {tree.name} failed:\n{result.stderr.strip()}")
    return outdir / "stacks"


def _empty() -> Artifacts:
    return {section: {} for section in SECTIONS}


def changes_against(ref: str | None = None, repo: Path = PROJECT_ROOT) -> tuple[str, list[DiffReport]]:
    """Per environment, how the working tree's generated artifacts differ from those of ``ref``."""
    from platform_spec.loader import load_all

    ref = resolve_ref(ref, repo)
    current = load_all(repo / "environments")
    with tempfile.TemporaryDirectory(prefix="diff-changes-") as scratch:
        base = export_tree(ref, Path(scratch) / "base", repo)
        old_specs = load_all(base / "environments") if (base / "environments").is_dir() else {}
        old_stacks = _synth_in(base, Path(scratch) / "base-out") if old_specs else Path(scratch)
        new_stacks = synth_stacks(current.values(), Path(scratch) / "new-out")
        reports = []
        for name in sorted(set(old_specs) | set(current)):
            old, new = old_specs.get(name), current.get(name)
            before = collect(old, old_stacks, gitops_files_on_disk(old, base)) if old else _empty()
            after = collect(new, new_stacks, root=repo) if new else _empty()
            spec_a, spec_b = old or new, new or old
            assert spec_a is not None and spec_b is not None
            reports.append(DiffReport(spec_a, spec_b, compare(before, after), title=name))
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
                f"| {change.section} | `{_cell(change.obj)}` | {_code(change.attribute) or '—'} | "
                f"{_code(render_value(change.a, 160))} | {_code(render_value(change.b, 160))} |"
            )
    return "\n".join(lines) + "\n"


# --- command line ------------------------------------------------------------------------------


def write_report(relative: str, text: str, root: Path = PROJECT_ROOT) -> Path:
    """Write a report through the generated-files writer (header, atomic)."""
    from plumbing.writer import write_tree

    write_tree(root, {relative: text}, owned_dirs=())
    return root / relative


def report_path(a: str, b: str) -> str:
    """Where ``make diff A=a B=b`` writes its Markdown report."""
    return f"reports/diff-{a}-{b}.md"


def cli_diff(args: Any) -> int:
    """``python -m generators diff --a A --b B``: terminal table + ``reports/diff-A-B.md``."""
    from platform_spec.loader import load_all

    specs = load_all()
    if not args.a or not args.b:
        raise SpecError(["diff needs two environments: make diff A=<env> B=<env>"])
    for name in (args.a, args.b):
        if name not in specs:
            raise SpecError([f"no such environment '{name}' (allowed: {', '.join(specs)})"])
    a, b = specs[args.a], specs[args.b]
    with tempfile.TemporaryDirectory(prefix="diff-") as scratch:
        report = diff_environments(a, b, synth_stacks([a, b], Path(scratch)))
    sys.stdout.write(to_table(report, colour=use_colour()))
    path = write_report(report_path(a.name, b.name), to_markdown(report))
    print(f"report: {path.relative_to(PROJECT_ROOT)}")
    return 0


def cli_diff_changes(args: Any) -> int:
    """``python -m generators diff-changes [--ref REF]``: per-environment changes against a Git ref."""
    ref, reports = changes_against(args.ref)
    for report in reports:
        print(f"== {report.title}")
        sys.stdout.write(to_table(report, colour=use_colour()) if report.changes else "no changes\n")
    path = write_report("reports/changes.md", changes_markdown(ref, reports))
    print(f"report: {path.relative_to(PROJECT_ROOT)}")
    return 0
