"""Command line behind the Make targets: ``python -m generators <command> [--env ENV]``.

Commands that do not need Terraform never import ``stacks`` (and so never load jsii).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable
from pathlib import Path

from platform_spec.loader import SpecError, load_all
from platform_spec.model import EnvironmentSpec
from plumbing.paths import PROJECT_ROOT

Command = Callable[[argparse.Namespace], int]


def select(env: str, specs: dict[str, EnvironmentSpec]) -> list[EnvironmentSpec]:
    """Environments named by ``--env`` (a name, a comma-separated list, or ``all``)."""
    if env == "all":
        return list(specs.values())
    chosen = []
    for name in env.split(","):
        if name not in specs:
            raise SpecError([f"ENV={name}: no such environment (allowed: {', '.join(specs)}, all)"])
        chosen.append(specs[name])
    return chosen


def _check(args: argparse.Namespace) -> int:
    specs = load_all()
    for spec in select(args.env, specs):
        print(f"{spec.name}: ok ({spec.prefix}, {spec.cluster.node_count} nodes, {len(spec.network.zones)} AZ)")
    return 0


def _synth(args: argparse.Namespace) -> int:
    specs = load_all()
    chosen = select(args.env, specs)
    from stacks.synth import synth_to  # imported here: only this command pays for jsii

    stacks = synth_to(Path(args.outdir), chosen)
    print(f"synthesized {', '.join(stacks)} into {args.outdir}/stacks/")
    if args.terraform_only:
        return 0
    code = COMMANDS["gitops"](args)
    if code == 0:  # the pipeline files depend on every spec, whichever ENV was synthesized
        from generators.pipelines import write as write_pipelines

        changed = write_pipelines(specs, Path(args.root) if args.root else PROJECT_ROOT)
        print(f"pipelines: {len(changed)} file(s) changed")
    return code


def _spec_reference(args: argparse.Namespace) -> int:
    from generators.spec_reference import render

    text = render()
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def _lazy(module: str, function: str) -> Command:
    """A command implemented in another module, imported only when it runs."""

    def run(args: argparse.Namespace) -> int:
        return getattr(importlib.import_module(module), function)(args)

    return run


COMMANDS: dict[str, Command] = {
    "check": _check,
    "synth": _synth,
    "spec-reference": _spec_reference,
    "diff": _lazy("release.diff", "cli_diff"),
    "diff-changes": _lazy("release.diff", "cli_diff_changes"),
    "promote": _lazy("release.promote", "cli_promote"),
    "pipelines": _lazy("generators.pipelines", "cli_pipelines"),
    "change-window": _lazy("release.change_window", "cli_change_window"),
    "gitops": _lazy("generators.gitops", "command"),
}


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m generators``."""
    parser = argparse.ArgumentParser(prog="python -m generators", description=__doc__)
    parser.add_argument("command", choices=sorted(COMMANDS))
    parser.add_argument("--env", default="all", help="environment name, comma-separated list, or 'all'")
    parser.add_argument("--outdir", default=str(PROJECT_ROOT / "cdktf.out"), help="cdktf output directory")
    parser.add_argument("--output", help="output file (spec-reference)")
    parser.add_argument("--root", help="gitops: project root to write k8s/ and argocd/ under (default: this one)")
    parser.add_argument("--terraform-only", action="store_true", help="synth: skip the GitOps files")
    parser.add_argument("--a", help="diff: first environment")
    parser.add_argument("--b", help="diff: second environment")
    parser.add_argument("--ref", help="diff-changes: Git ref to compare with (default origin/main, else main)")
    parser.add_argument("--from", dest="from_env", help="promote: source environment")
    parser.add_argument("--to", dest="to_env", help="promote: target environment")
    parser.add_argument("--tag", help="promote: release tag (default: the source's release tag)")
    parser.add_argument("--alertmanager-url", help="promote: override the source's Alertmanager URL")
    parser.add_argument("--no-regenerate", action="store_true", help="promote: only edit the spec")
    parser.add_argument("--at", help="change-window: ISO-8601 time to check instead of now")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; spec errors print one line per problem and exit 2."""
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except SpecError as error:
        for problem in error.problems:
            print(f"error: {problem}", file=sys.stderr)
        return 2
