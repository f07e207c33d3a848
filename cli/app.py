"""``sesacthon``: one CLI, a subcommand per job, each with its own options and ``--help``.

Exit codes are ``plumbing.exit_codes.ExitCode`` for every subcommand. Shell completion (click):
``eval "$(_SESACTHON_COMPLETE=bash_source sesacthon)"`` (``zsh_source``, ``fish_source`` too).
"""

from __future__ import annotations

import os
import sys

import click

from cli import ops_commands, release_commands, spec_commands
from plumbing.exit_codes import ExitCode


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
def main() -> None:
    """One typed spec per environment drives Terraform, GitOps, pipelines and the inventory.

    \b
    Exit codes: 0 ok · 1 failed · 2 invalid input · 3 changes (plan, drift) · 4 refused by a gate
    """


for group in (spec_commands, release_commands, ops_commands):
    for command in group.COMMANDS:
        main.add_command(command)


def run(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code (usage errors: 2; ``--help``: 0)."""
    try:
        result = main.main(args=argv, prog_name="sesacthon", standalone_mode=False)
    except click.exceptions.Exit as done:
        return done.exit_code
    except click.ClickException as error:
        error.show()
        return error.exit_code
    except click.Abort:
        click.echo("error: aborted", err=True)
        return ExitCode.FAILED
    return int(result) if isinstance(result, int) else ExitCode.OK


def entry_point() -> None:
    """Console script: run, flush, and exit without tearing down the jsii object graph (~3 s).

    The jsii client's temporary directory (its ~2 MB runtime copy, which it would remove only at
    interpreter exit) is removed first (``stacks.aws.remove_jsii_scratch``); node's own
    ``jsii-kernel-*`` directory is removed by node when its input closes.
    """
    code = run()
    sys.stdout.flush()
    sys.stderr.flush()
    bindings = sys.modules.get("stacks.aws")  # loaded only by commands that synthesize
    if bindings is not None:
        bindings.remove_jsii_scratch()
    os._exit(code)
