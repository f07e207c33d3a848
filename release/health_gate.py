"""Promotion health gate: are the source environment's Alertmanager alerts clean?

Two documented paths to the same check (``plumbing.alert_check``):

* **in-cluster** (the pipeline's path): Alertmanager is a cluster-internal Service, so the gate runs
  inside the cluster as the PostSync hook Job of the ``<env>-health-gate`` Argo CD Application
  (``generators/components/health_gate.py``). The promotion triggers a sync of that Application through
  the Argo CD API the release pipeline already uses (``ARGOCD_SERVER`` + ``ARGOCD_AUTH_TOKEN``, the
  release role's ``get``/``sync`` on the project) and reads the sync's result: ``Succeeded`` is clean,
  ``Failed``/``Error`` is blocked (the Job exits 1 on a blocking alert or an unanswered query).
  API: ``POST /api/v1/applications/{name}/sync``, ``GET /api/v1/applications/{name}``
  (``status.operationState``: phase, message, syncResult.resources[].hookPhase/message).
* **direct**: ``ALERTMANAGER_URL``/``--alertmanager-url`` (e.g. a ``kubectl port-forward``) asks
  Alertmanager's API v2 from here.

Anything that prevents an answer blocks: the gate never passes blind.
"""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from platform_spec import naming
from platform_spec.model import EnvironmentSpec
from platform_spec.rules.urls import url_problem
from plumbing import alert_check
from plumbing.alert_check import blocking_alerts, severity_rank

__all__ = ["GateResult", "blocking_alerts", "check", "gate_application", "severity_rank"]

URL_OVERRIDE_VARIABLE = "ALERTMANAGER_URL"
ARGOCD_SERVER_VARIABLE = "ARGOCD_SERVER"
ARGOCD_TOKEN_VARIABLE = "ARGOCD_AUTH_TOKEN"
TERMINAL_PHASES = ("Succeeded", "Failed", "Error")


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


def gate_application(spec: EnvironmentSpec) -> str:
    """Name of the environment's health-gate Application."""
    return naming.health_gate_application(spec)


def check(spec: EnvironmentSpec, url: str | None = None, timeout: float = 5.0, wait: float = 300.0) -> GateResult:
    """Ask the gate: directly when a URL is given (argument or ``ALERTMANAGER_URL``), else in-cluster through
    Argo CD (``ARGOCD_SERVER``, ``ARGOCD_AUTH_TOKEN``); never raises for network or data errors."""
    direct = url or os.environ.get(URL_OVERRIDE_VARIABLE)
    if direct:
        return _direct(spec, direct, timeout)
    server, token = os.environ.get(ARGOCD_SERVER_VARIABLE), os.environ.get(ARGOCD_TOKEN_VARIABLE)
    if server and token:
        return _through_argocd(spec, server, token, timeout, wait)
    return GateResult(spec.name, "-", False, [
        f"cannot ask the health gate of {spec.name}: set {ARGOCD_SERVER_VARIABLE} and {ARGOCD_TOKEN_VARIABLE} "
        f"(the gate runs in-cluster as {gate_application(spec)}), or port-forward Alertmanager and set "
        f"{URL_OVERRIDE_VARIABLE}",
    ])


def _direct(spec: EnvironmentSpec, base: str, timeout: float) -> GateResult:
    problem = url_problem(base, ("http", "https"))  # the same rule as the spec's (no file://, no credentials)
    if problem:
        return GateResult(spec.name, base, False, [f"Alertmanager URL {base!r} {problem}"])
    reasons, blocking = alert_check.query(base, spec.gitops.alert_severity, timeout)
    return GateResult(spec.name, alert_check.endpoint(base), not reasons, reasons, blocking)


# --- in-cluster, through Argo CD ------------------------------------------------------------------
def _api(server: str) -> str:
    return server if "://" in server else f"https://{server}"


def _call(method: str, url: str, token: str, timeout: float, body: Any = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers={
        "Authorization": f"Bearer {token}", "Accept": "application/json", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read() or b"null")


def _operation(application: Any) -> dict[str, Any]:
    status = application.get("status") if isinstance(application, dict) else None
    state = (status or {}).get("operationState")
    return state if isinstance(state, dict) else {}


def _through_argocd(spec: EnvironmentSpec, server: str, token: str, timeout: float, wait: float) -> GateResult:
    app = gate_application(spec)
    base = f"{_api(server).rstrip('/')}/api/v1/applications/{urllib.parse.quote(app)}"
    where = f"{base} (in-cluster Job asking {spec.gitops.alertmanager_url})"
    try:
        previous = _operation(_call("GET", base, token, timeout)).get("startedAt")
        _call("POST", f"{base}/sync", token, timeout, {"prune": False})
        deadline = time.monotonic() + wait
        state: dict[str, Any] = {}
        while time.monotonic() < deadline:
            state = _operation(_call("GET", base, token, timeout))
            if state.get("startedAt") != previous and state.get("phase") in TERMINAL_PHASES:
                break
            time.sleep(min(2.0, max(0.05, wait / 50)))
        else:
            return GateResult(spec.name, where, False, [f"{app}: no finished sync within {wait:.0f} s"])
    except urllib.error.HTTPError as error:
        return GateResult(spec.name, where, False, [f"Argo CD answered HTTP {error.code} {error.reason} for {app}"])
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        return GateResult(spec.name, where, False, [f"Argo CD unreachable: {getattr(error, 'reason', error)}"])
    except ValueError as error:
        return GateResult(spec.name, where, False, [f"Argo CD sent an invalid answer: {error}"])
    if state.get("phase") == "Succeeded":
        return GateResult(spec.name, where, True)
    reasons = [f"{app} sync {state.get('phase')}: {state.get('message', 'no message')}"]
    for resource in (state.get("syncResult") or {}).get("resources") or []:
        if resource.get("hookType") and resource.get("hookPhase") != "Succeeded":
            reasons.append(f"{resource.get('kind')}/{resource.get('name')} ({resource.get('hookType')}): "
                           f"{resource.get('message', resource.get('hookPhase'))}")
    reasons.append(f"the blocking alerts are in the Job's log: argocd app logs {app} --kind Job")
    return GateResult(spec.name, where, False, reasons)
