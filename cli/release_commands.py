"""Commands of the release flow: diff, diff-changes, promote, change-window."""

from __future__ import annotations

import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import click

from cli.environments import one, ref_argument, tag_argument, two, two_names
from cli.errors import fail, reported
from cli.spec_commands import synthesize
from platform_spec.loader import SpecError, load_all
from plumbing.exit_codes import ExitCode
from plumbing.paths import PROJECT_ROOT


@click.command()
@click.argument("a", metavar="A")
@click.argument("b", metavar="B")
@reported
def diff(a: str, b: str) -> ExitCode:
    """Semantic diff of everything environments A and B generate: a table and reports/diff-A-B.md."""
    from release import diff as environment_diff

    first, second = two(("A", a), ("B", b))
    with tempfile.TemporaryDirectory(prefix="diff-") as scratch:
        report = environment_diff.diff_environments(
            first, second, environment_diff.synth_stacks([first, second], Path(scratch))
        )
    sys.stdout.write(environment_diff.to_table(report, colour=environment_diff.use_colour()))
    path = environment_diff.write_report(environment_diff.report_path(first.name, second.name),
                                         environment_diff.to_markdown(report))
    click.echo(f"report: {path.relative_to(PROJECT_ROOT)}")
    return ExitCode.OK


@click.command("diff-changes")
@click.option("--ref", help="Git ref to compare with (default: origin/main, else main)")
@reported
def diff_changes(ref: str | None) -> ExitCode:
    """What this branch changes in each environment's generated artifacts: reports/changes.md."""
    from release.diff import present
    from release.diff.changes import changes_against, changes_markdown

    try:
        resolved, reports = changes_against(ref_argument(ref))
    except ValueError as error:  # the ref does not exist
        return fail(str(error), ExitCode.INVALID)
    for report in reports:
        click.echo(f"== {report.title}")
        sys.stdout.write(present.to_table(report, colour=present.use_colour()) if report.changes else "no changes\n")
    path = present.write_report("reports/changes.md", changes_markdown(resolved, reports))
    click.echo(f"report: {path.relative_to(PROJECT_ROOT)}")
    return ExitCode.OK


@click.command()
@click.argument("source", metavar="FROM")
@click.argument("target", metavar="TO")
@click.option("--tag", help="release tag to promote (default: FROM's release tag)")
@click.option("--alertmanager-url", help="override FROM's Alertmanager URL for the health gate")
@click.option("--no-regenerate", is_flag=True, help="only edit the spec; do not regenerate the artifacts")
@reported
def promote(source: str, target: str, tag: str | None, alertmanager_url: str | None, no_regenerate: bool) -> ExitCode:
    """Promote a release tag from FROM to TO: order, tag and health checks, regenerate, show the diff."""
    from release import diff as environment_diff
    from release import promote as promotion_flow

    tag = tag_argument(tag)
    two_names(("FROM", source), ("TO", target))
    before = load_all().get(target)  # kept in memory: the "before" side of the report

    def regenerate(done: promotion_flow.Promotion) -> None:
        synthesize(done.target, PROJECT_ROOT / "cdktf.out")

    promotion = promotion_flow.promote(
        source, target, tag, alertmanager_url=alertmanager_url, on_written=None if no_regenerate else regenerate,
    )
    click.echo(promotion.gate.describe() if promotion.gate else "")
    if not promotion.changed or before is None:
        click.echo(f"{promotion.target} is already at {promotion.tag}: nothing to do")
        return ExitCode.OK
    for field_name, (old, new) in promotion.edits.items():
        click.echo(f"{promotion.path.name}: {field_name}: {old} -> {new}")
    changes = promotion_flow.report(promotion, before, load_all()[promotion.target])
    sys.stdout.write(environment_diff.to_table(changes, colour=environment_diff.use_colour(),
                                               labels=("before", "after")))
    path = environment_diff.write_report(promotion_flow.report_path(promotion),
                                         promotion_flow.report_markdown(promotion, changes))
    click.echo(f"report: {path.relative_to(PROJECT_ROOT)}")
    return ExitCode.OK


@click.command("change-window")
@click.argument("env", metavar="ENV")
@click.option("--at", "moment", help="ISO-8601 time with a UTC offset to check instead of now")
@reported
def change_window(env: str, moment: str | None) -> ExitCode:
    """Exit 0 inside ENV's change window, 4 (refused) outside it."""
    from release.change_window import describe

    spec = one(env)
    try:
        now = datetime.fromisoformat(moment) if moment else datetime.now(UTC)
    except ValueError:
        raise SpecError([f"--at {moment!r} is not an ISO-8601 time, e.g. 2026-12-01T13:30:00+00:00"]) from None
    if now.tzinfo is None:
        raise SpecError([f"--at {moment!r} needs a UTC offset, e.g. 2026-12-01T13:30:00+00:00"])
    inside, sentence = describe(spec.gitops.change_window, now)
    click.echo(f"{env}: {sentence}", err=not inside)
    return ExitCode.OK if inside else ExitCode.REFUSED


COMMANDS = (diff, diff_changes, promote, change_window)
