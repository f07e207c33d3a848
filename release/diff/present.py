"""Presenting a diff: a terminal table (coloured on a TTY) and Markdown for a pull request."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from plumbing import writer
from plumbing.paths import PROJECT_ROOT
from release.diff.collect import SECTIONS
from release.diff.compare import DiffReport
from release.diff.normalise import ABSENT, placeholders


def render_value(value: Any, limit: int | None = None) -> str:
    """A value as one line of text (JSON for structures), cut at ``limit`` characters."""
    if value is ABSENT:
        return "(absent)"
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, separators=(", ", ": "))
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


def cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def code(text: str) -> str:
    if text == "(absent)":
        return "_(absent)_"
    return f"`{cell(text)}`" if text else ""


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
                f"| `{cell(change.obj)}` | {code(change.attribute) or '—'} | "
                f"{code(render_value(change.a, 160))} | {code(render_value(change.b, 160))} |"
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


def write_report(relative: str, text: str, root: Path = PROJECT_ROOT) -> Path:
    """Write a report through the generated-files writer (header, atomic)."""
    writer.write_tree(root, {relative: text}, owned_dirs=())
    return root / relative


def report_path(a: str, b: str) -> str:
    """Where ``make diff A=a B=b`` writes its Markdown report."""
    return f"reports/diff-{a}-{b}.md"
