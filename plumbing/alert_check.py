"""The health gate's check, in one file with no dependency beyond the standard library.

The promotion (``release.health_gate``) imports it; the in-cluster gate Job (``generators/components/
health_gate.py``) runs this very file (shipped in a ConfigMap) against the Alertmanager Service:

    python alert_check.py <alertmanager-base-url> <threshold>    # exit 0 clean, 1 blocked

Alertmanager API v2: ``GET <url>/api/v2/alerts?active=true&silenced=false&inhibited=false`` returns
GettableAlerts (github.com/prometheus/alertmanager api/v2/openapi.yaml). An alert blocks when its
``severity`` label is at or above the threshold (info < warning < critical; ``none`` is the Watchdog's;
a missing or unknown severity counts as critical). Anything that prevents an answer blocks too.
"""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

SEVERITY_RANK = {"none": -1, "info": 0, "warning": 1, "critical": 2}
"""Known severities, lowest first; an alert with an unknown or missing severity counts as critical."""
QUERY = "active=true&silenced=false&inhibited=false"
MAX_ANSWER_BYTES = 16 * 1024 * 1024
"""Largest alerts answer read (thousands of alerts fit); a larger one blocks."""


def severity_rank(value: Any) -> int:
    """Rank of a severity label; unknown or missing severities rank as the highest (fail closed)."""
    highest = max(SEVERITY_RANK.values())
    return SEVERITY_RANK.get(str(value).lower(), highest) if value else highest


def blocking_alerts(alerts: Any, threshold: str) -> list[str]:
    """Descriptions of the alerts that block promotion (sorted); raises ValueError on a malformed body."""
    if not isinstance(alerts, list):
        raise ValueError(f"expected a JSON list of alerts (GettableAlerts), got {type(alerts).__name__}")
    minimum = SEVERITY_RANK[threshold]
    found = []
    for alert in alerts:
        if not isinstance(alert, dict):
            raise ValueError(f"expected each alert to be an object, got {type(alert).__name__}")
        status = alert.get("status") or {}
        if status.get("state", "active") != "active":
            continue
        if status.get("silencedBy") or status.get("inhibitedBy"):
            continue
        labels = alert.get("labels") or {}
        severity = labels.get("severity")
        if severity_rank(severity) < minimum:
            continue
        where = ", ".join(f"{key}={labels[key]}" for key in sorted(labels) if key not in ("alertname", "severity"))
        detail = f"severity={severity or 'missing'}" + (f"; {where}" if where else "")
        found.append(f"{labels.get('alertname', '<unnamed>')} ({detail})")
    return sorted(found)


def endpoint(base: str) -> str:
    """The alerts query URL of an Alertmanager base URL."""
    return f"{base.rstrip('/')}/api/v2/alerts?{QUERY}"


def ask(base: str, threshold: str, timeout: float = 5.0) -> list[str]:
    """Reasons the gate is closed (empty: clean); never raises for network or data errors."""
    return query(base, threshold, timeout)[0]


def query(base: str, threshold: str, timeout: float = 5.0) -> tuple[list[str], list[str]]:
    """(reasons the gate is closed, the blocking alerts); both empty when clean."""
    url = endpoint(base)
    scheme = urllib.parse.urlsplit(url).scheme
    if scheme not in ("http", "https"):
        return [f"unsupported URL scheme '{scheme}' (allowed: http, https)"], []
    try:
        request = urllib.request.Request(url, headers={"Accept": "application/json"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read(MAX_ANSWER_BYTES + 1)
    except urllib.error.HTTPError as error:
        return [f"Alertmanager answered HTTP {error.code} {error.reason}"], []
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        return [f"Alertmanager unreachable: {getattr(error, 'reason', error)}"], []
    if len(body) > MAX_ANSWER_BYTES:
        return [f"Alertmanager answered more than {MAX_ANSWER_BYTES} bytes; refusing to read it"], []
    try:
        blocking = blocking_alerts(json.loads(body), threshold)
    except (ValueError, UnicodeDecodeError) as error:
        return [f"Alertmanager sent an invalid answer: {error}"], []
    if blocking:
        return [f"{len(blocking)} active alert(s) at or above '{threshold}': {', '.join(blocking)}"], blocking
    return [], []


def main(argv: list[str]) -> int:
    """``alert_check.py URL THRESHOLD``: print the verdict, exit 0 when clean and 1 when blocked."""
    if len(argv) != 2 or argv[1] not in SEVERITY_RANK:
        print("usage: alert_check.py <alertmanager-url> <info|warning|critical>", file=sys.stderr)
        return 2
    reasons = ask(argv[0], argv[1])
    for reason in reasons:
        print(f"BLOCKED: {reason}")
    if not reasons:
        print(f"clean: no active alert at or above '{argv[1]}' ({endpoint(argv[0])})")
    return 1 if reasons else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
