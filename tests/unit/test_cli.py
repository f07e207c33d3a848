"""The CLI's contract: per-command options and help, one exit-code table."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.app import main, run
from plumbing.exit_codes import ExitCode
from plumbing.paths import PROJECT_ROOT

COMMANDS = sorted(main.commands)


@pytest.mark.parametrize("name", COMMANDS)
def test_help_lists_only_the_commands_own_options(name: str) -> None:
    command = main.commands[name]
    own = {option for parameter in command.params for option in getattr(parameter, "opts", [])
           if option.startswith("--")}
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0, result.output
    listed = {word.rstrip(",") for line in result.output.splitlines() for word in line.split()
              if word.startswith("--")}
    assert listed == own | {"--help"}


def test_an_option_of_another_command_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["gitops", "all", "--tag", "v1"]) == ExitCode.INVALID
    assert "No such option '--tag'" in capsys.readouterr().err


def test_positionals_instead_of_flags(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["diff", "staging"]) == ExitCode.INVALID
    assert "Missing argument 'B'" in capsys.readouterr().err


def test_the_exit_codes_are_one_table() -> None:
    assert [code.value for code in ExitCode] == [0, 1, 2, 3, 4]
    assert run(["--help"]) == ExitCode.OK


def test_the_bench_runs_commands_the_cli_accepts(tmp_path: Path) -> None:
    """``make bench`` is not run by the suite (no timed tests); the CLI calls it makes are parsed here."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench", PROJECT_ROOT / "scripts" / "bench.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    for name, argv in bench.cli_commands("staging", tmp_path).items():
        context = main.make_context("sesacthon", list(argv))
        command = main.get_command(context, argv[0])
        assert command is not None, name
        command.make_context(argv[0], argv[1:], parent=context)  # raises on an option it does not know
