"""The exit-code contract of every command (CLI, Make targets, pipelines)."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """What a command's exit status means; the same for every subcommand."""

    OK = 0
    """Done: nothing to change, or the change was made."""
    FAILED = 1
    """A tool, an AWS call or the validation of generated files failed (one ``error:`` line says which)."""
    INVALID = 2
    """Bad input: a usage error, an invalid spec or argument. Nothing was written."""
    CHANGES = 3
    """``plan`` or ``drift`` found changes (the environment differs from its code)."""
    REFUSED = 4
    """A gate said no: promotion order, tag or health, outside the change window, production destroy
    without confirmation. Nothing was written."""
