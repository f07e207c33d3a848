"""ArgoCD renderers and the wave plan: sync policy per mode, waves, paths, projects, ApplicationSet."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
import yaml

from generators import argocd
from generators.components import PLAN, by_name, for_environment
from generators.waves import APPLICATION_WAVE, plan_problems
from platform_spec.model import ChangeWindow, EnvironmentSpec


def _with(spec: EnvironmentSpec, **gitops: Any) -> EnvironmentSpec:
    return spec.model_copy(update={"gitops": spec.gitops.model_copy(update=gitops)})


def _apps(spec: EnvironmentSpec) -> dict[str, dict[str, Any]]:
    return {path: yaml.safe_load(text) for path, text in argocd.environment_files(spec).items()
            if path.startswith(f"argocd/apps/{spec.name}/")}


def test_the_plan_is_sound() -> None:
    assert plan_problems(PLAN) == []


def test_plan_rules_catch_violations() -> None:
    components = by_name()
    early_app = replace(components["apis"], wave=55)
    assert any("wave 60 or later" in p for p in plan_problems((*PLAN[:-3], early_app, *PLAN[-2:])))
    late_namespaces = replace(components["namespaces"], wave=20)
    assert any("before every operator" in p for p in plan_problems((late_namespaces, *PLAN[1:])))
    instance_first = replace(components["cluster-secret-store"], wave=5)
    problems = plan_problems(tuple(instance_first if c.name == "cluster-secret-store" else c for c in PLAN))
    assert any("cluster-secret-store (wave 5) must come after external-secrets" in p for p in problems)


def test_plan_spans_minus_one_to_eighty_with_applications_last() -> None:
    waves = [component.wave for component in PLAN]
    assert min(waves) == -1 and max(waves) == 80
    assert waves == sorted(waves)
    for component in PLAN:
        if component.layer in ("apps", "ingress"):
            assert component.wave >= APPLICATION_WAVE
        if component.layer in ("namespaces", "crds"):
            assert component.wave < min(c.wave for c in PLAN if c.layer == "operator")


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_every_application_has_a_wave_and_its_file_is_prefixed_by_it(specs: dict[str, EnvironmentSpec],
                                                                     env: str) -> None:
    apps = _apps(specs[env])
    assert len(apps) == len(for_environment(specs[env]))
    assert ("health-gate" in {c.name for c in for_environment(specs[env])}) == (specs[env].promotes_to is not None)
    for path, app in apps.items():
        wave = app["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"]
        assert path.rsplit("/", 1)[1].startswith(f"{int(wave):02d}-" if int(wave) >= 0 else f"{wave}-")
        assert app["spec"]["project"] == env
        assert app["metadata"]["name"].startswith(f"{env}-")


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_generated_components_point_at_their_overlay_and_the_env_revision(specs: dict[str, EnvironmentSpec],
                                                                          env: str) -> None:
    spec = specs[env]
    for component in PLAN:
        source = argocd.application(spec, component)["spec"]["source"]
        if component.generated:
            assert source["path"] == f"k8s/overlays/{env}/{component.name}"
            assert source["targetRevision"] == spec.git.target_revision
            assert source["repoURL"] == spec.gitops.repo_url
        elif component.upstream is not None:
            assert source["path"] == component.upstream.path and source["targetRevision"].startswith("v")
            assert all(":" in image and not image.endswith(":latest") for image in source["kustomize"]["images"])
        else:
            assert source["chart"] == component.chart.name and source["targetRevision"] == component.chart.version


def test_sync_policy_auto_is_automated_with_prune_and_self_heal(specs: dict[str, EnvironmentSpec]) -> None:
    policy = argocd.sync_policy(_with(specs["dev"], sync_mode="auto"))
    assert policy["automated"] == {"prune": True, "selfHeal": True}


def test_sync_policy_auto_with_hooks_is_automated(specs: dict[str, EnvironmentSpec]) -> None:
    assert "automated" in argocd.sync_policy(_with(specs["dev"], sync_mode="auto-with-hooks"))


def test_manual_sync_puts_the_approval_on_the_root_and_children_converge(specs: dict[str, EnvironmentSpec]) -> None:
    assert "automated" not in argocd.sync_policy(_with(specs["dev"], sync_mode="manual"), root=True)
    assert "automated" in argocd.sync_policy(_with(specs["dev"], sync_mode="manual"))
    for app in _apps(specs["prod"]).values():
        assert app["spec"]["syncPolicy"]["automated"] == {"prune": True, "selfHeal": True}
    assert "automated" not in argocd.root_application(specs["prod"])["spec"]["syncPolicy"]
    assert "automated" in argocd.root_application(specs["staging"])["spec"]["syncPolicy"]


def test_bundled_sync_modes(specs: dict[str, EnvironmentSpec]) -> None:
    assert all("automated" in app["spec"]["syncPolicy"] for app in _apps(specs["dev"]).values())
    assert all("automated" in app["spec"]["syncPolicy"] for app in _apps(specs["staging"]).values())


def test_high_availability_apps_ignore_replica_drift(specs: dict[str, EnvironmentSpec]) -> None:
    apis = by_name()["apis"]
    assert "ignoreDifferences" in argocd.application(specs["prod"], apis)["spec"]
    assert "ignoreDifferences" not in argocd.application(specs["dev"], apis)["spec"]


def test_change_window_becomes_a_sync_window(specs: dict[str, EnvironmentSpec]) -> None:
    window = argocd.project(specs["prod"])["spec"]["syncWindows"][0]
    assert window == {"kind": "allow", "schedule": "0 22 * * 2", "duration": "2h", "timeZone": "Asia/Seoul",
                      "applications": ["*"], "manualSync": False}
    assert "syncWindows" not in argocd.project(specs["dev"])["spec"]
    windowed = _with(specs["dev"], change_window=ChangeWindow(schedule="0 1 * * *", duration="1h"))
    assert argocd.project(windowed)["spec"]["syncWindows"][0]["schedule"] == "0 1 * * *"


def test_project_allows_the_sources_and_destinations_it_uses(specs: dict[str, EnvironmentSpec]) -> None:
    spec = specs["staging"]
    project = argocd.project(spec)["spec"]
    namespaces = {destination["namespace"] for destination in project["destinations"]}
    for component in PLAN:
        assert component.namespace in namespaces
        source = argocd.application(spec, component)["spec"]["source"]
        assert source["repoURL"] in project["sourceRepos"]
    kinds = {(item["group"], item["kind"]) for item in project["clusterResourceWhitelist"]}
    assert {("", "Namespace"), ("admissionregistration.k8s.io", "ValidatingAdmissionPolicy"),
            ("external-secrets.io", "ClusterSecretStore")} <= kinds
    assert {role["name"] for role in project["roles"]} == {"release", "operator", "developer", "health-gate"}
    gate = next(role for role in project["roles"] if role["name"] == "health-gate")
    assert gate["policies"] == [f"p, proj:{spec.name}:health-gate, applications, {action}, "
                                f"{spec.name}/{spec.name}-health-gate, allow" for action in ("get", "sync")]


def test_developers_may_sync_only_where_they_may_assume(specs: dict[str, EnvironmentSpec]) -> None:
    def developer(spec: EnvironmentSpec) -> list[str]:
        return next(r for r in argocd.project(spec)["spec"]["roles"] if r["name"] == "developer")["policies"]

    assert any(", sync," in policy for policy in developer(specs["dev"]))
    assert not any(", sync," in policy for policy in developer(specs["prod"]))


def test_root_app_has_one_document_per_environment(specs: dict[str, EnvironmentSpec]) -> None:
    roots = list(yaml.safe_load_all(argocd.shared_files(specs.values())["argocd/root-app.yaml"]))
    assert [root["metadata"]["labels"]["sesacthon.io/env"] for root in roots] == list(specs)
    assert [root["spec"]["source"]["path"] for root in roots] == [f"argocd/apps/{env}" for env in specs]


def test_application_set_selects_the_spec_cluster_name(specs: dict[str, EnvironmentSpec]) -> None:
    spec = _with(specs["prod"], cluster_name="prod-eks")
    generator = argocd.application_set(spec)["spec"]["generators"][0]["clusters"]
    assert generator["selector"]["matchLabels"] == {"sesacthon.io/cluster-name": "prod-eks"}
    assert generator["values"]["clusterName"] == "prod-eks"


def test_chart_values_place_data_services_on_their_node_group(specs: dict[str, EnvironmentSpec]) -> None:
    redis = argocd.application(specs["prod"], by_name()["redis"])["spec"]["source"]["helm"]["valuesObject"]
    assert redis["nodeSelector"] == {"sesacthon.io/node-group": "infra-redis"}
    dev = argocd.application(specs["dev"], by_name()["redis"])["spec"]["source"]["helm"]["valuesObject"]
    assert dev["nodeSelector"] == {"sesacthon.io/node-group": "infra-data"}
