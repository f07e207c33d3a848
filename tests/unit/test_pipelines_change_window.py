"""The change-window gate at fixed times (prod: Tuesdays 22:00 for 2h, Asia/Seoul)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from platform_spec.model import ChangeWindow, EnvironmentSpec
from release.change_window import describe, window_start
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


def test_steps_ranges_and_names() -> None:
    window = ChangeWindow(schedule="*/15 9-17 * * mon-fri", duration="10m", timezone="UTC")
    assert describe(window, datetime(2026, 12, 1, 9, 49, tzinfo=UTC))[0]  # a Tuesday, opened 9:45
    assert not describe(window, datetime(2026, 12, 1, 9, 55, tzinfo=UTC))[0]  # 9:45 + 10m closed at 9:55
    assert not describe(window, datetime(2026, 12, 6, 9, 49, tzinfo=UTC))[0]  # a Sunday


def test_dst_gap_follows_debian_cron() -> None:
    """02:30 does not exist on 2026-03-29 in Berlin; Debian cron (and cronsim) runs such a job at 03:00."""
    window = ChangeWindow(schedule="30 2 * * *", duration="30m", timezone="Europe/Berlin")
    start = window_start(window, datetime(2026, 3, 29, 1, 10, tzinfo=UTC))  # 03:10 CEST
    assert start is not None and start.utcoffset() is not None


def test_a_long_window_is_answered_at_once() -> None:
    """The gate finds the last opening in one step: a week-long window costs nothing."""
    import time

    window = ChangeWindow(schedule="0 0 1 1 *", duration="168h", timezone="UTC")
    started = time.perf_counter()
    assert describe(window, datetime(2027, 1, 7, 23, 59, tzinfo=UTC))[0]
    assert not describe(window, datetime(2027, 6, 1, tzinfo=UTC))[0]
    assert time.perf_counter() - started < 0.5


def test_cli_exit_codes(specs: dict[str, EnvironmentSpec]) -> None:
    inside = run_cli("change-window", "prod", "--at", "2026-12-01T13:30:00+00:00")
    assert inside.returncode == 0, inside.stderr
    assert "inside the change window" in inside.stdout
    outside = run_cli("change-window", "prod", "--at", "2026-12-01T12:30:00+00:00")
    assert outside.returncode == 4
    assert "outside the change window ('0 22 * * 2' for 2h, Asia/Seoul)" in outside.stderr
    assert run_cli("change-window", "staging", "--at", "2026-12-01T12:30:00+00:00").returncode == 0
