"""Commands that read the specs and write artifacts: check, synth, gitops, pipelines, spec-reference."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from cli.environments import selected
from cli.errors import reported
from plumbing.exit_codes import ExitCode
from plumbing.paths import PROJECT_ROOT
from plumbing.writer import ValidationFailed


def synthesize(selector: str, outdir: Path, root: Path = PROJECT_ROOT, terraform_only: bool = False) -> None:
    """Terraform JSON for the selected environments, then (unless ``terraform_only``) their GitOps
    files and the pipeline files."""
    specs, chosen = selected(selector)
    from stacks.synth import synth_to  # only synthesis pays for jsii

    stacks = synth_to(outdir, chosen)
    click.echo(f"synthesized {', '.join(stacks)} into {outdir}/stacks/")
    if terraform_only:
        return
    write_gitops(root, selector)
    from generators.pipelines import write as write_pipelines

    changed = write_pipelines(specs, root)  # the pipeline files depend on every spec, whatever was synthesized
    click.echo(f"pipelines: {len(changed)} file(s) changed")


def write_gitops(root: Path, selector: str) -> None:
    """Render, validate and write ``k8s/`` and ``argocd/`` for the selected environments."""
    from generators.gitops import generate

    started = time.perf_counter()
    try:
        result = generate(root, selector)
    except ValueError as error:  # the specs cannot share one base (e.g. a workload's image differs)
        raise ValidationFailed(f"gitops: {error}") from error
    click.echo(
        f"gitops ({selector}): {len(result.written)} written, {len(result.unchanged)} unchanged, "
        f"{len(result.removed)} removed in {time.perf_counter() - started:.2f}s"
    )


@click.command()
@click.argument("env", metavar="ENV", default="all")
@reported
def check(env: str) -> ExitCode:
    """Validate the specs of ENV (default: all) without writing anything."""
    _, chosen = selected(env)
    for spec in chosen:
        click.echo(f"{spec.name}: ok ({spec.prefix}, {spec.cluster.node_count} nodes, {len(spec.network.zones)} AZ)")
    return ExitCode.OK


@click.command()
@click.argument("env", metavar="ENV", default="all")
@click.option("--outdir", type=click.Path(file_okay=False, path_type=Path), default=PROJECT_ROOT / "cdktf.out",
              show_default="cdktf.out", help="cdktf output directory")
@click.option("--terraform-only", is_flag=True, help="only the Terraform JSON, no GitOps or pipeline files")
@reported
def synth(env: str, outdir: Path, terraform_only: bool) -> ExitCode:
    """Synthesize ENV's stacks into OUTDIR/stacks, then write its GitOps and the pipeline files."""
    synthesize(env, outdir, terraform_only=terraform_only)
    return ExitCode.OK


@click.command()
@click.argument("env", metavar="ENV", default="all")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=PROJECT_ROOT,
              show_default="the project", help="directory to write k8s/ and argocd/ under")
@reported
def gitops(env: str, root: Path) -> ExitCode:
    """Write k8s/base, k8s/overlays/ENV and argocd/ (validated; never loads cdktf)."""
    write_gitops(root, env)
    return ExitCode.OK


@click.command()
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=PROJECT_ROOT,
              show_default="the project", help="directory to write .github/ and atlantis.yaml under")
@reported
def pipelines(root: Path) -> ExitCode:
    """Regenerate .github/workflows/*.yml and atlantis.yaml from every spec."""
    from generators.pipelines import write
    from platform_spec.loader import load_all

    changed = write(load_all(), root)
    click.echo(f"pipelines: {len(changed)} file(s) changed" + (f": {', '.join(changed)}" if changed else ""))
    return ExitCode.OK


@click.command("spec-reference")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="file to write (default: stdout)")
@reported
def spec_reference(output: Path | None) -> ExitCode:
    """Print (or write) the spec reference generated from the model's field docstrings."""
    from generators.spec_reference import render

    text = render()
    if output is not None:
        output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return ExitCode.OK


COMMANDS = (check, synth, gitops, pipelines, spec_reference)
