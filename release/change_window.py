"""Change-window gate: is a moment inside the environment's ``gitops.change_window``?

The window opens at every time matching the 5-field cron ``schedule`` (minute hour day-of-month
month day-of-week, evaluated in the window's ``timezone``) and lasts ``duration``. The schedule
is evaluated with ``cronsim`` (Debian cron semantics, DST included), the library the spec's rules
(``platform_spec.rules.cron``) validate it with, so a spec that loads can always be evaluated: the
last opening before ``now`` is found in one step, never by scanning minute by minute. Used by the
production workflow (the ``change-window`` command) before anything is applied. An environment
without a window is always open.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from cronsim import CronSim, CronSimError

from platform_spec.loader import SpecError
from platform_spec.model import ChangeWindow
from platform_spec.rules.cron import duration, zone


def window_start(window: ChangeWindow, now: datetime) -> datetime | None:
    """When the window containing ``now`` opened (local time), or ``None`` when ``now`` is outside."""
    tz, length = zone(window.timezone), duration(window.duration)
    if tz is None or length is None:
        raise SpecError([f"change window {window.schedule!r}: invalid time zone or duration (run `make check`)"])
    local = now.astimezone(tz)
    try:  # the latest opening at or before `now` (cronsim's reverse iteration excludes its start)
        start = next(CronSim(window.schedule, local.replace(second=0, microsecond=0) + timedelta(minutes=1),
                             reverse=True))
    except CronSimError as error:
        raise SpecError([f"change window {window.schedule!r}: {error} (run `make check`)"]) from None
    except StopIteration:  # no opening in the last 50 years
        return None
    return start if local < start + length else None


def describe(window: ChangeWindow | None, now: datetime) -> tuple[bool, str]:
    """Whether ``now`` is inside the window, and a sentence saying so."""
    if window is None:
        return True, "no change window configured: always open"
    start = window_start(window, now)
    where = f"'{window.schedule}' for {window.duration}, {window.timezone}"
    tz = zone(window.timezone)
    local = now.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z")
    if start is None:
        return False, f"outside the change window ({where}); now is {local}"
    length = duration(window.duration) or timedelta(0)
    closes = (start + length).strftime("%H:%M")
    return True, f"inside the change window ({where}): opened {start:%Y-%m-%d %H:%M}, closes {closes}; now is {local}"
