"""The promotion health gate against a local Alertmanager stub serving recorded v2 answers."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from generators.components import health_gate as health_gate_component
from platform_spec.model import EnvironmentSpec
from plumbing import alert_check
from release import health_gate
from tests.fixtures.alertmanager.stub import Stub, alertmanager_stub, closed_port_url
from tests.fixtures.argocd.stub import TOKEN as ARGOCD_TOKEN
from tests.fixtures.argocd.stub import argocd_stub


@pytest.fixture()
def stub() -> Iterator[Stub]:
    with alertmanager_stub(slow_seconds=1.5) as running:
        yield running


def test_clean_alerts_pass(stub: Stub, specs: dict[str, EnvironmentSpec]) -> None:
    result = health_gate.check(specs["staging"], stub.url("clean"))
    assert result.ok, result.describe()
    assert result.reasons == []


def test_query_asks_for_active_unsilenced_uninhibited_alerts(stub: Stub, specs: dict[str, EnvironmentSpec]) -> None:
    health_gate.check(specs["staging"], stub.url("clean"))
    assert stub.requests == ["/clean/api/v2/alerts?active=true&silenced=false&inhibited=false"]


def test_firing_alerts_block_and_are_named(stub: Stub, specs: dict[str, EnvironmentSpec]) -> None:
    result = health_gate.check(specs["staging"], stub.url("firing"))
    assert not result.ok
    assert [alert.split(" ")[0] for alert in result.blocking] == ["KubeDeploymentReplicasMismatch", "PostgresqlDown"]
    assert "2 active alert(s) at or above 'warning'" in result.describe()


def test_threshold_comes_from_the_spec(stub: Stub, specs: dict[str, EnvironmentSpec]) -> None:
    assert specs["dev"].gitops.alert_severity == "critical"
    assert health_gate.check(specs["dev"], stub.url("warning")).ok
    assert not health_gate.check(specs["staging"], stub.url("warning")).ok
    assert not health_gate.check(specs["dev"], stub.url("firing")).ok


@pytest.mark.parametrize(
    ("scenario", "reason"),
    [("error", "HTTP 500"), ("invalid", "invalid answer"), ("missing", "HTTP 404"), ("slow", "unreachable")],
)
def test_broken_answers_block(stub: Stub, specs: dict[str, EnvironmentSpec], scenario: str, reason: str) -> None:
    result = health_gate.check(specs["staging"], stub.url(scenario), timeout=0.5)
    assert not result.ok
    assert reason in result.reasons[0]


def test_unreachable_blocks(specs: dict[str, EnvironmentSpec]) -> None:
    result = health_gate.check(specs["staging"], closed_port_url(), timeout=2)
    assert not result.ok
    assert "unreachable" in result.reasons[0]


def test_missing_url_blocks(specs: dict[str, EnvironmentSpec], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(health_gate.URL_OVERRIDE_VARIABLE, raising=False)
    spec = specs["staging"].model_copy(
        update={"gitops": specs["staging"].gitops.model_copy(update={"alertmanager_url": None})}
    )
    result = health_gate.check(spec)
    assert not result.ok
    assert "cannot ask the health gate of staging: set ARGOCD_SERVER and ARGOCD_AUTH_TOKEN" in result.reasons[0]


def test_environment_variable_overrides_the_spec(
    stub: Stub, specs: dict[str, EnvironmentSpec], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(health_gate.URL_OVERRIDE_VARIABLE, stub.url("firing"))
    assert not health_gate.check(specs["staging"]).ok
    monkeypatch.setenv(health_gate.URL_OVERRIDE_VARIABLE, stub.url("clean"))
    assert health_gate.check(specs["staging"]).ok


def test_unsupported_scheme_blocks(specs: dict[str, EnvironmentSpec]) -> None:
    result = health_gate.check(specs["staging"], "file:///etc")
    assert not result.ok
    assert "scheme" in result.reasons[0]


def _alert(severity: str | None, state: str = "active", silenced: list[str] | None = None) -> dict:
    labels = {"alertname": "Example", "namespace": "auth"}
    if severity is not None:
        labels["severity"] = severity
    return {"labels": labels, "status": {"state": state, "silencedBy": silenced or [], "inhibitedBy": []}}


def test_severity_ranking_fails_closed() -> None:
    assert health_gate.blocking_alerts([_alert("info")], "warning") == []
    assert health_gate.blocking_alerts([_alert("none")], "info") == []
    assert health_gate.blocking_alerts([_alert("warning")], "warning") != []
    assert health_gate.blocking_alerts([_alert(None)], "critical") != []  # no severity: treated as critical
    assert health_gate.blocking_alerts([_alert("page")], "critical") != []  # unknown: treated as critical


def test_silenced_and_suppressed_alerts_do_not_block() -> None:
    assert health_gate.blocking_alerts([_alert("critical", state="suppressed")], "info") == []
    assert health_gate.blocking_alerts([_alert("critical", silenced=["id"])], "info") == []


def test_malformed_bodies_raise() -> None:
    with pytest.raises(ValueError, match="JSON list"):
        health_gate.blocking_alerts({"data": []}, "warning")
    with pytest.raises(ValueError, match="object"):
        health_gate.blocking_alerts(["alert"], "warning")


# --- the in-cluster gate, asked through Argo CD -----------------------------------------------------
def _argocd_env(monkeypatch: pytest.MonkeyPatch, base: str, token: str = ARGOCD_TOKEN) -> None:
    monkeypatch.setenv(health_gate.ARGOCD_SERVER_VARIABLE, base)
    monkeypatch.setenv(health_gate.ARGOCD_TOKEN_VARIABLE, token)


def test_in_cluster_gate_passes_when_its_sync_succeeds(specs: dict[str, EnvironmentSpec],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    with argocd_stub("Succeeded") as argocd:
        _argocd_env(monkeypatch, argocd.base)
        result = health_gate.check(specs["staging"], wait=10)
    assert result.ok, result.describe()
    assert ("POST", "/api/v1/applications/staging-health-gate/sync") in argocd.requests
    assert argocd.syncs == 1 and argocd.requests[-1][0] == "GET"


def test_in_cluster_gate_blocks_when_its_job_fails(specs: dict[str, EnvironmentSpec],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    with argocd_stub("Failed") as argocd:
        _argocd_env(monkeypatch, argocd.base)
        result = health_gate.check(specs["dev"], wait=10)
    assert not result.ok
    assert "dev-health-gate sync Failed" in result.reasons[0]
    assert "Job/health-gate (PostSync): Job has reached the specified backoff limit" in result.reasons[1]
    assert "argocd app logs dev-health-gate" in result.reasons[-1]


def test_in_cluster_gate_blocks_without_a_valid_token_or_server(specs: dict[str, EnvironmentSpec],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    with argocd_stub() as argocd:
        _argocd_env(monkeypatch, argocd.base, token="wrong")
        assert "HTTP 401" in health_gate.check(specs["staging"], wait=2).reasons[0]
    _argocd_env(monkeypatch, closed_port_url())
    assert "Argo CD unreachable" in health_gate.check(specs["staging"], wait=2).reasons[0]


@pytest.mark.parametrize(("scenario", "code"), [("clean", 0), ("firing", 1), ("error", 1)])
def test_the_in_cluster_job_runs_the_same_check(stub: Stub, specs: dict[str, EnvironmentSpec], tmp_path: Path,
                                                scenario: str, code: int) -> None:
    files = health_gate_component.base([])
    config = yaml.safe_load(files["k8s/base/health-gate/configmap.yaml"])
    assert config["data"]["alert_check.py"] == Path(alert_check.__file__).read_text()
    job = yaml.safe_load(files["k8s/base/health-gate/job.yaml"])
    assert job["metadata"]["annotations"]["argocd.argoproj.io/hook"] == "PostSync"
    overlay = health_gate_component.overlay(specs["staging"])
    arguments = yaml.safe_load(yaml.safe_load(overlay["k8s/overlays/staging/health-gate/kustomization.yaml"])
                               ["patches"][0]["patch"])[0]["value"]
    assert arguments == ["http://monitoring-alertmanager.monitoring.svc:9093", "warning"]
    script = tmp_path / "alert_check.py"
    script.write_text(config["data"]["alert_check.py"])
    done = subprocess.run([sys.executable, str(script), stub.url(scenario), arguments[1]], capture_output=True,
                          text=True, timeout=30, check=False)
    assert done.returncode == code, done.stdout + done.stderr
