"""Turning failures into one ``error:`` line per problem and the contract's exit code."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import ParamSpec

import click

from ops.errors import OpsError
from platform_spec.loader import SpecError
from plumbing.exit_codes import ExitCode
from plumbing.writer import OwnershipError, ValidationFailed
from release.promote import PromotionRefused

P = ParamSpec("P")


def fail(message: str, code: ExitCode) -> ExitCode:
    """Print ``error: <message>`` to stderr and return ``code``."""
    for line in message.splitlines() or [""]:
        click.echo(f"error: {line}", err=True)
    return code


def reported(command: Callable[P, ExitCode]) -> Callable[P, ExitCode]:
    """Run a command; known failures become one ``error:`` line each and their exit code."""

    @wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> ExitCode:
        try:
            return command(*args, **kwargs)
        except SpecError as error:
            return fail("\n".join(error.problems), ExitCode.INVALID)
        except OpsError as error:
            return fail(error.message, error.code)
        except PromotionRefused as refused:
            return fail(str(refused), ExitCode.REFUSED)
        except (ValidationFailed, OwnershipError) as error:
            return fail(str(error), ExitCode.FAILED)
        except NotADirectoryError as error:  # e.g. cdktf.out is a file (stacks.synth says which)
            return fail(str(error), ExitCode.INVALID)
        except KeyboardInterrupt:
            sys.stdout.flush()
            return fail("interrupted", ExitCode.FAILED)

    return run
