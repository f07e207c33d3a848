"""The change window: a cron schedule both Argo CD and the pipeline gate read the same way.

The schedule goes to two consumers: Argo CD's sync window (``robfig/cron/v3`` with the five
standard fields and no descriptors: ``cron.NewParser(Minute | Hour | Dom | Month | Dow)`` in
argo-cd ``pkg/apis/application/v1alpha1/types.go``, ``SyncWindow.Validate``) and the pipeline's
change-window gate (``release/change_window.py``, evaluated with ``cronsim``, which follows
Debian cron). So a schedule must be accepted by both and mean the same to both:

- exactly five fields; ``cronsim`` must accept it (ranges, steps, names, day 31 in a month that has it);
- day of week 0-6 (robfig/cron refuses 7, ``spec.go`` ``dow = bounds{0, 6, …}``);
- none of cronsim's extensions robfig/cron lacks (``L``, ``W``, ``#``) and no ``?``;
- not both day fields restricted with one written as ``*/N`` (robfig/cron and Debian cron then
  disagree on whether the day fields are OR-ed);
- the time zone is an IANA name Python's ``zoneinfo`` knows (Argo CD: Go's ``time.LoadLocation``);
- the duration is ``<n>h`` or ``<n>m``, from 1 minute to ``MAX_WINDOW`` (Go ``time.ParseDuration``
  reads both forms);
- the window opens at least once in every calendar year (checked over a leap-year cycle), so
  it can never be a window that never opens, and the gate finds the last opening in one step.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cronsim import CronSim, CronSimError

from platform_spec.model import ChangeWindow, EnvironmentSpec
from platform_spec.problems import Problem

MAX_WINDOW = timedelta(days=7)
"""Longest change window (a longer one is never closed)."""
CHECKED_YEARS = range(2028, 2032)
"""A leap-year cycle of calendar years in which the window must open every year."""
_FIELDS = ("minute", "hour", "day of month", "month", "day of week")
_EXTENSIONS = re.compile(r"[LW#?]")
_DURATION = re.compile(r"^([1-9]\d{0,5})([hm])$")


@cache
def zone(name: str) -> ZoneInfo | None:
    """The IANA time zone called ``name``, or ``None``."""
    if not re.fullmatch(r"[A-Za-z0-9_+-]+(/[A-Za-z0-9_+-]+)*", name) or name.lower() in ("local", "localtime"):
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def duration(text: str) -> timedelta | None:
    """``2h`` or ``90m`` as a timedelta, ``None`` when not of that form or outside 1 minute … MAX_WINDOW."""
    found = _DURATION.match(text)
    if not found:
        return None
    amount = int(found[1])
    length = timedelta(hours=amount) if found[2] == "h" else timedelta(minutes=amount)
    return length if length <= MAX_WINDOW else None


def schedule_problem(schedule: str) -> str | None:
    """Why ``schedule`` is not a five-field cron both Argo CD and the gate read the same way, or ``None``."""
    fields = schedule.split()
    if len(fields) != 5:
        return f"has {len(fields)} fields; a cron schedule has 5 (minute hour day-of-month month day-of-week)"
    for name, text in zip(_FIELDS, fields, strict=True):
        extension = _EXTENSIONS.search(text)
        if extension:
            return f"uses {extension.group()!r} in the {name} field, which Argo CD's cron parser lacks"
    if re.search(r"(^|[,-])0*7($|[,/-])", fields[4]):
        return "uses 7 for Sunday in the day-of-week field; Argo CD's cron parser takes 0-6 (Sunday = 0)"
    day_restricted = [not text.startswith("*") or "/" in text for text in (fields[2], fields[4])]
    if all(day_restricted) and any(text.startswith("*/") for text in (fields[2], fields[4])):
        return "restricts both day fields with */N; cron implementations disagree on such schedules"
    try:
        CronSim(schedule, datetime(2028, 1, 1))
    except CronSimError as error:
        return f"is not a valid cron schedule: {str(error).lower()}"
    return None


def never_opens(window: ChangeWindow, tz: ZoneInfo) -> int | None:
    """A calendar year (of ``CHECKED_YEARS``) in which the window never opens, or ``None``."""
    for year in CHECKED_YEARS:
        start = datetime(year, 1, 1, tzinfo=tz)
        try:
            first = next(CronSim(window.schedule, start - timedelta(minutes=1)))
        except StopIteration:
            return year
        if first.year != year:
            return year
    return None


def check(spec: EnvironmentSpec) -> list[Problem]:
    """The change window's schedule, time zone and duration, and that it ever opens."""
    window = spec.gitops.change_window
    if window is None:
        return []
    where = ("gitops", "change_window")
    problems: list[Problem] = []
    reason = schedule_problem(window.schedule)
    if reason:
        problems.append(Problem((*where, "schedule"), reason, "minute hour day-of-month month day-of-week, e.g. "
                                "'0 22 * * 2' (Tuesdays 22:00)"))
    tz = zone(window.timezone)
    if tz is None:
        problems.append(Problem((*where, "timezone"), "is not an IANA time zone", "e.g. Asia/Seoul, UTC, "
                                "Europe/Berlin", value=window.timezone))
    if duration(window.duration) is None:
        problems.append(Problem((*where, "duration"), "is not a window length",
                                f"<n>h or <n>m from 1m to {int(MAX_WINDOW.total_seconds() // 3600)}h, e.g. 2h"))
    if not problems and tz is not None and (year := never_opens(window, tz)) is not None:
        problems.append(Problem((*where, "schedule"), f"never opens in {year}; a change window must open every year",
                                "a schedule that matches at least once a year"))
    return problems
