"""Every Application of every environment can become Healthy when Argo CD syncs the root (tests/argocd_model.py),
and the model refuses plans that would hang: children without ``automated`` under a manual root (prod before
this fix), a custom resource before its CRD, a PreSync hook needing what its own sync creates, a secret store
without credentials, an ``argocd-cm`` without the Application health check."""

from __future__ import annotations

import copy
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml

from generators.components import by_name
from platform_spec.loader import load_all
from plumbing import manifests
from plumbing.paths import PROJECT_ROOT
from tests.argocd_model import App, Outcome, converge

pytestmark = pytest.mark.tools
ENVS = ("dev", "staging", "prod")


def _chart_secrets(name: str, values: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """Secrets the charts' instances consume, read from their values (CloudNativePG initdb, Redis password)."""
    if name == "postgresql":
        return (("data", values["cluster"]["initdb"]["secret"]["name"]),)
    if name == "redis":
        return (("data", values["redisStandalone"]["redisSecret"]["secretName"]),)
    return ()


@pytest.fixture(scope="module")
def plans() -> dict[str, tuple[dict[str, Any], list[App], dict[str, Any]]]:
    """Per environment: its root Application, its children as the model sees them, its argocd-cm."""
    components = by_name()
    roots = {doc["metadata"]["labels"]["sesacthon.io/env"]: doc
             for doc in yaml.safe_load_all((PROJECT_ROOT / "argocd/root-app.yaml").read_text()) if doc}
    applications: dict[str, list[dict[str, Any]]] = {}
    paths: list[Path] = []
    for env in ENVS:
        files = sorted((PROJECT_ROOT / "argocd/apps" / env).glob("*"))
        applications[env] = [yaml.safe_load(path.read_text()) for path in files]
        paths += [PROJECT_ROOT / a["spec"]["source"]["path"] for a in applications[env]
                  if a["spec"]["source"].get("repoURL") == load_all()[env].gitops.repo_url]
    built = {path: manifests.documents(text) for path, text in manifests.build_all(paths).items()}
    result = {}
    for env in ENVS:
        apps, config = [], None
        for application in applications[env]:
            component = components[application["metadata"]["name"].removeprefix(f"{env}-")]
            source = application["spec"]["source"]
            documents = built.get(PROJECT_ROOT / source["path"], []) if "path" in source and not component.upstream \
                else []
            values = (source.get("helm") or {}).get("valuesObject") or {}
            policy = application["spec"]["syncPolicy"]
            apps.append(App(component.name, int(application["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"]),
                            "automated" in policy, application["spec"]["destination"]["namespace"],
                            "CreateNamespace=true" in policy.get("syncOptions", []), documents,
                            component.provides, component.creates, _chart_secrets(component.name, values)))
            config = config or next((d for d in documents if d["kind"] == "ConfigMap"
                                     and d["metadata"]["name"] == "argocd-cm"), None)
        result[env] = (roots[env], apps, config)
    return result


def _run(plan: tuple[dict[str, Any], list[App], dict[str, Any]], env: str) -> Outcome:
    root, apps, config = plan
    # the release workflow syncs the root of every environment it deploys (prod: the manual approval)
    pipeline = load_all()[env].tier != "development"
    return converge("automated" in root["spec"]["syncPolicy"], pipeline, config, apps)


@pytest.mark.parametrize("env", ENVS)
def test_every_application_becomes_healthy_in_wave_order(plans: dict[str, Any], env: str) -> None:
    outcome = _run(plans[env], env)
    assert outcome.problems == []
    assert outcome.converged and len(outcome.healthy) == len(plans[env][1])


def test_prod_root_is_the_only_manual_step(plans: dict[str, Any]) -> None:
    root, apps, _ = plans["prod"]
    assert "automated" not in root["spec"]["syncPolicy"]
    assert all(app.automated for app in apps)
    assert converge(False, False, plans["prod"][2], apps).problems == [
        "the root is never synced (no automated policy and nobody syncs it)"]


def test_children_without_automated_sync_hang_the_root(plans: dict[str, Any]) -> None:
    _, apps, config = plans["prod"]
    manual = [replace(app, automated=False) for app in apps]
    outcome = converge(False, True, config, manual)
    assert not outcome.converged and outcome.healthy == []
    assert "wave -1: namespaces can never become Healthy: no syncPolicy.automated" in outcome.problems[1]


def test_a_custom_resource_before_its_crd_is_refused(plans: dict[str, Any]) -> None:
    _, apps, config = plans["dev"]
    early = [replace(app, wave=20) if app.name == "rabbitmq" else app for app in apps]
    outcome = converge(True, False, config, early)
    assert any("rabbitmq.com/RabbitmqCluster has no CRD installed" in p for p in outcome.problems), outcome.problems


def test_a_presync_hook_cannot_use_what_its_own_sync_creates(plans: dict[str, Any]) -> None:
    _, apps, config = plans["staging"]
    secrets = next(app for app in apps if app.name == "data-secrets")
    moved = [d for d in secrets.documents if d["kind"] == "ExternalSecret" and d["metadata"]["namespace"] == "apps"]
    assert moved, "staging's workloads read their credentials from data-secrets"
    changed = []
    for app in apps:
        if app.name == "data-secrets":
            app = replace(app, documents=[d for d in app.documents if d not in moved])
        elif app.name == "apis":
            app = replace(app, documents=moved + app.documents)
        changed.append(app)
    outcome = converge(True, False, config, changed)
    assert any("its PreSync hook preflight needs Secret apps/" in p for p in outcome.problems), outcome.problems


def test_a_store_without_credentials_never_becomes_ready(plans: dict[str, Any]) -> None:
    _, apps, config = plans["dev"]
    changed = []
    for app in apps:
        if app.name == "cluster-secret-store":
            documents = copy.deepcopy(app.documents)
            for document in documents:
                if document["kind"] == "ClusterSecretStore":
                    del document["spec"]["provider"]["aws"]["auth"]
            app = replace(app, documents=documents)
        changed.append(app)
    outcome = converge(True, False, config, changed)
    assert any("has no auth and would fall back to the node's instance role" in p for p in outcome.problems)


def test_without_the_application_health_check_the_root_does_not_wait(plans: dict[str, Any]) -> None:
    _, apps, config = plans["dev"]
    outcome = converge(True, False, {"data": {}}, apps)
    assert outcome.problems and "lacks resource.customizations.health.argoproj.io_Application" in outcome.problems[0]
    assert config is not None
