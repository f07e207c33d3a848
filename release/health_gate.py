"""Promotion health gate: are the environment's Alertmanager alerts clean?

Reads the Alertmanager API v2 (``GET <url>/api/v2/alerts?active=true&silenced=false&inhibited=false``)
and blocks when any active, non-silenced, non-inhibited alert has a severity at or above the
environment's ``gitops.alert_severity`` (info < warning < critical). Anything that prevents an
answer (unreachable, timeout, non-200, invalid JSON) blocks too: the gate never passes blind.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from platform_spec.model import EnvironmentSpec
from platform_spec.rules.urls import url_problem

SEVERITY_RANK = {"none": -1, "info": 0, "warning": 1, "critical": 2}
"""Known severities, lowest first (`none` is kube-prometheus-stack's Watchdog); an alert with an
unknown or missing severity counts as critical (fail closed)."""

URL_OVERRIDE_VARIABLE = "ALERTMANAGER_URL"
QUERY = "active=true&silenced=false&inhibited=false"
MAX_ANSWER_BYTES = 16 * 1024 * 1024
"""Largest alerts answer read (thousands of alerts fit); a larger one blocks."""


@dataclass(frozen=True)
class GateResult:
    """The gate's verdict: ``ok`` and, when blocked, the reasons (one line each)."""

    environment: str
    url: str
    ok: bool
    reasons: list[str] = field(default_factory=list)
    blocking: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """One paragraph for the terminal."""
        if self.ok:
            return f"health gate of {self.environment}: clean ({self.url})"
        lines = [f"health gate of {self.environment}: BLOCKED ({self.url})"]
        lines += [f"  - {reason}" for reason in self.reasons]
        return "\n".join(lines)


def alerts_url(spec: EnvironmentSpec, override: str | None = None) -> str | None:
    """The Alertmanager base URL: ``override``, else ``$ALERTMANAGER_URL``, else the spec's."""
    return override or os.environ.get(URL_OVERRIDE_VARIABLE) or spec.gitops.alertmanager_url


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


def check(spec: EnvironmentSpec, url: str | None = None, timeout: float = 5.0) -> GateResult:
    """Query the environment's Alertmanager and decide; never raises for network or data errors."""
    base = alerts_url(spec, url)
    threshold = spec.gitops.alert_severity
    if not base:
        return GateResult(spec.name, "-", False, [f"{spec.name}: gitops.alertmanager_url is not set in the spec"])
    endpoint = f"{base.rstrip('/')}/api/v2/alerts?{QUERY}"
    problem = url_problem(base, ("http", "https"))  # the same rule as the spec's (no file://, no credentials)
    if problem:
        return GateResult(spec.name, base, False, [f"Alertmanager URL {base!r} {problem}"])
    try:
        request = urllib.request.Request(endpoint, headers={"Accept": "application/json"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read(MAX_ANSWER_BYTES + 1)
        if len(body) > MAX_ANSWER_BYTES:
            return GateResult(spec.name, endpoint, False, [f"answer larger than {MAX_ANSWER_BYTES:,} bytes"])
    except urllib.error.HTTPError as error:
        return GateResult(spec.name, endpoint, False, [f"Alertmanager answered HTTP {error.code} {error.reason}"])
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        return GateResult(spec.name, endpoint, False, [f"Alertmanager unreachable: {reason}"])
    try:
        blocking = blocking_alerts(json.loads(body), threshold)
    except (ValueError, UnicodeDecodeError) as error:
        return GateResult(spec.name, endpoint, False, [f"Alertmanager sent an invalid answer: {error}"])
    if blocking:
        reasons = [f"{len(blocking)} active alert(s) at or above '{threshold}': {', '.join(blocking)}"]
        return GateResult(spec.name, endpoint, False, reasons, blocking)
    return GateResult(spec.name, endpoint, True)
