"""The Kustomize renderers as pure functions: each spec option tested on its own."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from generators import gitops
from generators.components import generated, network_policies
from generators.components import kyverno_policies as policies
from platform_spec.model import EnvironmentSpec
from platform_spec.namespaces import NAMESPACES


def _with(spec: EnvironmentSpec, **gitops: Any) -> EnvironmentSpec:
    return spec.model_copy(update={"gitops": spec.gitops.model_copy(update=gitops)})


def _overlay(spec: EnvironmentSpec, component: str) -> dict[str, str]:
    prefix = f"k8s/overlays/{spec.name}/{component}/"
    return {path.removeprefix(prefix): text for path, text in gitops.overlay_files(spec).items()
            if path.startswith(prefix)}


def _kustomization(spec: EnvironmentSpec, component: str) -> dict[str, Any]:
    return yaml.safe_load(_overlay(spec, component)["kustomization.yaml"])


def test_every_generated_component_has_a_base_and_an_overlay(specs: dict[str, EnvironmentSpec]) -> None:
    base = gitops.base_files(specs.values())
    for spec in specs.values():
        overlay = gitops.overlay_files(spec)
        for component in generated():
            assert f"k8s/overlays/{spec.name}/{component.name}/kustomization.yaml" in overlay
            if component.name not in ("apis", "workers"):
                assert f"k8s/base/{component.name}/kustomization.yaml" in base
        aggregate = yaml.safe_load(overlay[f"k8s/overlays/{spec.name}/kustomization.yaml"])
        assert aggregate["resources"] == [component.name for component in generated()]


def test_each_workload_has_deployment_serviceaccount_and_apis_a_service(specs: dict[str, EnvironmentSpec]) -> None:
    base = gitops.base_files(specs.values())
    for workload in specs["prod"].workloads:
        directory = f"k8s/base/{'apis' if workload.kind == 'api' else 'workers'}/{workload.name}"
        assert f"{directory}/deployment.yaml" in base
        assert f"{directory}/serviceaccount.yaml" in base
        assert (f"{directory}/service.yaml" in base) == (workload.kind == "api")
    apis = [w.name for w in specs["prod"].workloads if w.kind == "api"]
    assert apis == ["waste", "chat-llm", "auth", "userinfo", "location", "recycle-info"]
    assert len(specs["prod"].workloads) - len(apis) == 2


def test_high_availability_adds_pdb_and_hpa(specs: dict[str, EnvironmentSpec]) -> None:
    spec = _with(specs["dev"], high_availability=True, replicas=2, max_replicas=5)
    files = _overlay(spec, "apis")
    hpas = list(yaml.safe_load_all(files["horizontalpodautoscalers.yaml"]))
    pdbs = list(yaml.safe_load_all(files["poddisruptionbudgets.yaml"]))
    assert {h["metadata"]["name"] for h in hpas} == {w.name for w in spec.workloads if w.kind == "api"}
    assert {(h["spec"]["minReplicas"], h["spec"]["maxReplicas"]) for h in hpas} == {(2, 5)}
    assert {p["spec"]["maxUnavailable"] for p in pdbs} == {1}
    assert "poddisruptionbudgets.yaml" in _kustomization(spec, "apis")["resources"]


def test_without_high_availability_there_is_no_pdb_or_hpa(specs: dict[str, EnvironmentSpec]) -> None:
    files = _overlay(_with(specs["staging"], high_availability=False), "workers")
    assert "horizontalpodautoscalers.yaml" not in files and "poddisruptionbudgets.yaml" not in files


def test_staging_mirrors_prod_high_availability(specs: dict[str, EnvironmentSpec]) -> None:
    for env in ("staging", "prod"):
        assert "horizontalpodautoscalers.yaml" in _overlay(specs[env], "apis")
    assert "horizontalpodautoscalers.yaml" not in _overlay(specs["dev"], "apis")


def test_spot_groups_get_the_spot_toleration_others_do_not(specs: dict[str, EnvironmentSpec]) -> None:
    dev = _overlay(specs["dev"], "apis")
    operations = yaml.safe_load(dev["patches/waste.yaml"])
    tolerations = next(op["value"] for op in operations if op["path"].endswith("/tolerations"))
    assert tolerations == [{"key": "sesacthon.io/spot", "operator": "Equal", "value": "true", "effect": "NoSchedule"}]
    prod = yaml.safe_load(_overlay(specs["prod"], "apis")["patches/waste.yaml"])
    assert not any(op["path"].endswith("/tolerations") for op in prod)


def test_node_selector_follows_the_workload_node_group(specs: dict[str, EnvironmentSpec]) -> None:
    for spec in (specs["dev"], specs["prod"]):
        files = _overlay(spec, "apis")
        for workload in spec.workloads:
            if workload.kind != "api":
                continue
            operations = yaml.safe_load(files[f"patches/{workload.name}.yaml"])
            selector = next(op["value"] for op in operations if op["path"].endswith("/nodeSelector"))
            assert selector == {"sesacthon.io/node-group": workload.node_group}


def test_image_tags_replicas_and_resources_come_from_the_spec(specs: dict[str, EnvironmentSpec]) -> None:
    spec = _with(specs["dev"], image_tag="v9.9.9", replicas=3, max_replicas=3)
    kustomization = _kustomization(spec, "workers")
    assert {image["newTag"] for image in kustomization["images"]} == {"v9.9.9"}
    assert {replica["count"] for replica in kustomization["replicas"]} == {3}
    operations = yaml.safe_load(_overlay(spec, "workers")["patches/ai-worker.yaml"])
    resources = next(op["value"] for op in operations if op["path"].endswith("/resources"))
    assert resources["limits"] == {"cpu": spec.gitops.resources.cpu_limit, "memory": spec.gitops.resources.memory_limit}


def test_overlays_set_the_env_label_on_templates(specs: dict[str, EnvironmentSpec]) -> None:
    labels = _kustomization(specs["prod"], "apis")["labels"]
    assert labels == [{"pairs": {"sesacthon.io/env": "prod"}, "includeSelectors": False, "includeTemplates": True}]


@pytest.mark.parametrize("action", ["Audit", "Enforce"])
def test_policy_action_patches_every_cluster_policy(specs: dict[str, EnvironmentSpec], action: str) -> None:
    spec = _with(specs["dev"], policy_action=action)
    patch = _kustomization(spec, "kyverno-policies")["patches"][0]
    assert patch["target"] == {"group": "kyverno.io", "kind": "ClusterPolicy"}
    assert yaml.safe_load(patch["patch"]) == [{"op": "add", "path": "/spec/validationFailureAction", "value": action}]



def test_base_policies_cover_requests_latest_and_env_label() -> None:
    names = [policy["metadata"]["name"] for policy in policies.base_policies()]
    assert names == ["require-requests-limits", "disallow-latest-tag", "require-env-label"]
    assert all("validationFailureAction" not in policy["spec"] for policy in policies.base_policies())


def test_validation_hooks_only_with_auto_with_hooks(specs: dict[str, EnvironmentSpec]) -> None:
    hooked = _overlay(_with(specs["dev"], sync_mode="auto-with-hooks"), "apis")
    jobs = list(yaml.safe_load_all(hooked["validation-hooks.yaml"]))
    assert [job["metadata"]["annotations"]["argocd.argoproj.io/hook"] for job in jobs] == ["PreSync", "PostSync"]
    assert "allow-validation-hooks.yaml" in hooked
    for mode in ("auto", "manual"):
        assert "validation-hooks.yaml" not in _overlay(_with(specs["dev"], sync_mode=mode), "apis")


def test_ingress_host_and_load_balancer_name_per_environment(specs: dict[str, EnvironmentSpec]) -> None:
    patch = yaml.safe_load(_kustomization(specs["staging"], "ingress")["patches"][0]["patch"])
    values = {op["path"]: op["value"] for op in patch}
    assert values["/spec/rules/0/host"] == "api.staging.ecoeco.app"
    assert values["/spec/tls"] == [{"hosts": ["api.staging.ecoeco.app"]}]
    assert values["/metadata/annotations/alb.ingress.kubernetes.io~1load-balancer-name"] == "sesacthon-stg-apis"


def test_secret_store_is_scoped_to_the_environment(specs: dict[str, EnvironmentSpec]) -> None:
    operations = yaml.safe_load(_overlay(specs["prod"], "cluster-secret-store")["cluster-secret-store.yaml"])
    assert {op["path"]: op["value"] for op in operations} == {
        "/spec/provider/aws/region": "ap-northeast-2",
        "/spec/provider/aws/prefix": "/sesacthon/prod/",
    }


def test_cluster_config_holds_region_env_and_domain(specs: dict[str, EnvironmentSpec]) -> None:
    operations = yaml.safe_load(_overlay(specs["dev"], "cluster-config")["cluster-config.yaml"])
    assert operations == [{"op": "add", "path": "/data",
                           "value": {"aws_region": "ap-northeast-2", "env": "dev", "domain": "dev.ecoeco.app"}}]


def test_external_secrets_read_the_ssm_layout(specs: dict[str, EnvironmentSpec]) -> None:
    base = gitops.base_files(specs.values())
    data = yaml.safe_load(base["k8s/base/data-secrets/data.yaml"])
    assert data["apiVersion"] == "external-secrets.io/v1"
    assert [item["remoteRef"]["key"] for item in data["spec"]["data"]] == [
        "data/postgres-password", "data/redis-password", "data/rabbitmq-password",
    ]
    ingress = yaml.safe_load(base["k8s/base/ingress-values/external-secret.yaml"])
    assert "ingress/acm-arn" in [item["remoteRef"]["key"] for item in ingress["spec"]["data"]]


def test_ingress_controller_allow_uses_the_vpc_cidr(specs: dict[str, EnvironmentSpec]) -> None:
    policy = network_policies.ingress_allow(specs["staging"])
    assert policy["spec"]["ingress"][0]["from"] == [{"ipBlock": {"cidr": "10.20.0.0/16"}}]


def test_every_namespace_gets_default_deny_and_dns(specs: dict[str, EnvironmentSpec]) -> None:
    by_namespace = network_policies.base_policies(specs["dev"].workloads)
    assert set(by_namespace) == {namespace.name for namespace in NAMESPACES}
    for policies_of_namespace in by_namespace.values():
        names = [policy["metadata"]["name"] for policy in policies_of_namespace]
        assert names[:2] == ["default-deny", "allow-dns"]
    assert {p["metadata"]["name"] for p in by_namespace["apps"]} >= {"allow-egress-to-data", "allow-monitoring-scrape"}
    assert {p["metadata"]["name"] for p in by_namespace["data"]} >= {"allow-from-apps", "allow-monitoring-scrape"}


def test_argocd_cm_carries_the_application_health_check() -> None:
    config = yaml.safe_load(gitops.base_files([])["k8s/base/argocd-config/argocd-cm.yaml"])
    lua = config["data"]["resource.customizations.health.argoproj.io_Application"]
    assert config["metadata"]["name"] == "argocd-cm" and config["metadata"]["namespace"] == "argocd"
    assert "hs.status = obj.status.health.status" in lua and lua.rstrip().endswith("return hs")


def test_conflicting_workloads_across_environments_are_refused(specs: dict[str, EnvironmentSpec]) -> None:
    """The shared base needs one image, kind and port per workload; the spec layer refuses a conflict
    before anything renders (``check`` and ``synth`` say the same)."""
    from platform_spec.rules.kubernetes import cross_check

    workloads = [w.model_copy(update={"port": 9000}) if w.name == "auth" else w for w in specs["dev"].workloads]
    changed = specs["dev"].model_copy(update={"workloads": workloads})
    [problem] = cross_check({"prod": specs["prod"], "dev": changed})["dev"]
    assert problem.path == ("workloads", 2, "port") and "'auth'" in problem.reason and problem.allowed == "8000"


def test_no_yaml_anchors_even_for_shared_objects(specs: dict[str, EnvironmentSpec]) -> None:
    files = gitops.base_files(specs.values()) | gitops.overlay_files(specs["prod"])
    assert all("&id" not in text and "*id" not in text for text in files.values())
