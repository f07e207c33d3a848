"""The change-window gate at fixed times (prod: Tuesdays 22:00 for 2h, Asia/Seoul)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from platform_spec.model import ChangeWindow, EnvironmentSpec
from release.change_window import describe, matches, parse_cron
from tests.conftest import run_cli

PROD_WINDOW = ChangeWindow(schedule="0 22 * * 2", duration="2h", timezone="Asia/Seoul")


@pytest.mark.parametrize(
    ("utc", "inside"),
    [
        ("2026-12-01T12:59:00+00:00", False),  # Tue 21:59 KST
        ("2026-12-01T13:00:00+00:00", True),  # Tue 22:00 KST: opens
        ("2026-12-01T14:59:59+00:00", True),  # Tue 23:59 KST
        ("2026-12-01T15:00:00+00:00", False),  # Wed 00:00 KST: closed
        ("2026-12-02T13:30:00+00:00", False),  # Wed 22:30 KST: wrong day
        ("2026-12-08T14:00:00+00:00", True),  # next Tuesday 23:00 KST
    ],
)
def test_prod_window(utc: str, inside: bool) -> None:
    assert describe(PROD_WINDOW, datetime.fromisoformat(utc))[0] is inside


def test_no_window_is_always_open() -> None:
    assert describe(None, datetime(2026, 12, 2, tzinfo=UTC)) == (True, "no change window configured: always open")


def test_window_crossing_midnight_and_minutes() -> None:
    window = ChangeWindow(schedule="30 23 * * 5", duration="90m", timezone="UTC")
    assert describe(window, datetime(2026, 12, 5, 0, 59, tzinfo=UTC))[0]  # Sat 00:59, opened Fri 23:30
    assert not describe(window, datetime(2026, 12, 5, 1, 0, tzinfo=UTC))[0]


def test_cron_fields() -> None:
    schedule = parse_cron("*/15 9-17 * * 1-5")
    assert schedule[0] == {0, 15, 30, 45}
    assert schedule[1] == set(range(9, 18))
    assert matches(schedule, datetime(2026, 12, 1, 9, 45))  # a Tuesday
    assert not matches(schedule, datetime(2026, 12, 6, 9, 45))  # a Sunday
    assert 0 in parse_cron("0 0 * * 7")[4]  # 7 is Sunday too
    with pytest.raises(ValueError, match="outside"):
        parse_cron("61 * * * *")
    with pytest.raises(ValueError, match="5 fields"):
        parse_cron("* * *")


def test_cli_exit_codes(specs: dict[str, EnvironmentSpec]) -> None:
    inside = run_cli("change-window", "prod", "--at", "2026-12-01T13:30:00+00:00")
    assert inside.returncode == 0, inside.stderr
    assert "inside the change window" in inside.stdout
    outside = run_cli("change-window", "prod", "--at", "2026-12-01T12:30:00+00:00")
    assert outside.returncode == 4
    assert "outside the change window ('0 22 * * 2' for 2h, Asia/Seoul)" in outside.stderr
    assert run_cli("change-window", "staging", "--at", "2026-12-01T12:30:00+00:00").returncode == 0
