"""Change-window gate: is a moment inside the environment's ``gitops.change_window``?

The window opens at every time matching the 5-field cron ``schedule`` (minute hour day-of-month
month day-of-week, evaluated in the window's ``timezone``, Sunday = 0 or 7) and lasts ``duration``.
Used by the production workflow (the ``change-window`` command) before anything is applied.
An environment without a window is always open.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from platform_spec.model import ChangeWindow

_RANGES = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 7))


def _field(text: str, low: int, high: int) -> set[int]:
    values: set[int] = set()
    for part in text.split(","):
        spec, _, step_text = part.partition("/")
        step = int(step_text) if step_text else 1
        if step < 1:
            raise ValueError(f"cron step must be positive: {part!r}")
        if spec == "*":
            start, end = low, high
        elif "-" in spec:
            first, last = spec.split("-", 1)
            start, end = int(first), int(last)
        else:
            start = int(spec)
            end = high if step_text else start
        if not low <= start <= end <= high:
            raise ValueError(f"cron field {part!r} is outside {low}-{high}")
        values.update(range(start, end + 1, step))
    return values


def parse_cron(schedule: str) -> list[set[int]]:
    """The allowed values of each of the five cron fields."""
    fields = schedule.split()
    if len(fields) != 5:
        raise ValueError(f"cron schedule {schedule!r}: expected 5 fields")
    parsed = [_field(text, low, high) for text, (low, high) in zip(fields, _RANGES, strict=True)]
    if 7 in parsed[4]:
        parsed[4].add(0)
    return parsed


def matches(schedule: list[set[int]], moment: datetime) -> bool:
    """Whether ``moment`` (minute precision, local time) matches the parsed cron schedule."""
    minute, hour, day, month, weekday = schedule
    cron_weekday = (moment.weekday() + 1) % 7  # Python: Monday = 0; cron: Sunday = 0
    day_restricted = not set(range(1, 32)) <= day
    weekday_restricted = not set(range(7)) <= weekday
    if day_restricted and weekday_restricted:  # cron: either day field may match
        day_ok = moment.day in day or cron_weekday in weekday
    else:
        day_ok = moment.day in day and cron_weekday in weekday
    return moment.minute in minute and moment.hour in hour and moment.month in month and day_ok


def duration_of(text: str) -> timedelta:
    """``2h`` or ``90m`` as a timedelta."""
    amount, unit = int(text[:-1]), text[-1]
    return timedelta(hours=amount) if unit == "h" else timedelta(minutes=amount)


def window_start(window: ChangeWindow, now: datetime) -> datetime | None:
    """When the window containing ``now`` opened (local time), or ``None`` when ``now`` is outside."""
    schedule = parse_cron(window.schedule)
    local = now.astimezone(ZoneInfo(window.timezone)).replace(second=0, microsecond=0)
    length = duration_of(window.duration)
    minutes = int(length.total_seconds() // 60)
    for back in range(minutes):
        candidate = local - timedelta(minutes=back)
        if matches(schedule, candidate):
            return candidate
    return None


def describe(window: ChangeWindow | None, now: datetime) -> tuple[bool, str]:
    """Whether ``now`` is inside the window, and a sentence saying so."""
    if window is None:
        return True, "no change window configured: always open"
    start = window_start(window, now)
    where = f"'{window.schedule}' for {window.duration}, {window.timezone}"
    local = now.astimezone(ZoneInfo(window.timezone)).strftime("%Y-%m-%d %H:%M %Z")
    if start is None:
        return False, f"outside the change window ({where}); now is {local}"
    closes = (start + duration_of(window.duration)).strftime("%H:%M")
    return True, f"inside the change window ({where}): opened {start:%Y-%m-%d %H:%M}, closes {closes}; now is {local}"
