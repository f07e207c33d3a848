"""The Kustomize renderers as pure functions: each spec option tested on its own."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from generators import gitops
from generators.components import admission_policies as policies
from generators.components import generated_for, network_policies
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
        for component in generated_for(spec):
            assert f"k8s/overlays/{spec.name}/{component.name}/kustomization.yaml" in overlay
            if component.name not in ("apis", "workers"):
                assert f"k8s/base/{component.name}/kustomization.yaml" in base
        aggregate = yaml.safe_load(overlay[f"k8s/overlays/{spec.name}/kustomization.yaml"])
        assert aggregate["resources"] == [component.name for component in generated_for(spec)]


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


@pytest.mark.parametrize(("action", "expected"), [("Audit", ["Audit", "Warn"]), ("Enforce", ["Deny"])])
def test_policy_action_sets_every_binding(specs: dict[str, EnvironmentSpec], action: str, expected: list[str]) -> None:
    spec = _with(specs["dev"], policy_action=action)
    bindings = list(yaml.safe_load_all(_overlay(spec, "admission-policies")["bindings.yaml"]))
    assert {b["spec"]["policyName"] for b in bindings} == {p.name for p in policies.POLICIES}
    for binding in bindings:
        digest = binding["spec"]["policyName"] == "sesacthon-images-by-digest"
        assert binding["spec"]["validationActions"] == (["Audit", "Warn"] if digest else expected)


def test_images_by_digest_are_denied_in_production_only(specs: dict[str, EnvironmentSpec]) -> None:
    digest = next(p for p in policies.POLICIES if p.production_only)
    assert policies.validation_actions(specs["prod"], digest) == ["Deny"]
    assert policies.validation_actions(specs["staging"], digest) == ["Audit", "Warn"]


def test_base_policies_cover_the_policy_set() -> None:
    names = [p.name for p in policies.POLICIES]
    assert names == ["sesacthon-run-as-non-root", "sesacthon-no-privilege-escalation", "sesacthon-requests-limits",
                     "sesacthon-probes", "sesacthon-pinned-images", "sesacthon-env-label",
                     "sesacthon-images-by-digest"]
    probes = next(p for p in policies.POLICIES if p.name == "sesacthon-probes")
    assert ("batch", "jobs") not in probes.resources and ("", "pods") not in probes.resources


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
    assert values["/metadata/annotations/alb.ingress.kubernetes.io~1target-type"] == "instance"
    assert values["/metadata/annotations/alb.ingress.kubernetes.io~1security-groups"] == "sesacthon-stg-alb"


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
    keys = {name: [item["remoteRef"]["key"] for item in yaml.safe_load(base[f"k8s/base/data-secrets/{name}.yaml"])
                   ["spec"]["data"]] for name in ("postgresql", "redis", "rabbitmq")}
    assert keys == {"postgresql": ["data/postgres-password"], "redis": ["data/redis-password"],
                    "rabbitmq": ["data/rabbitmq-password"]}


def test_each_workload_gets_only_its_own_stores_passwords(specs: dict[str, EnvironmentSpec]) -> None:
    base = gitops.base_files(specs.values())
    secrets = {doc["metadata"]["name"]: doc for doc in
               yaml.safe_load_all(_overlay(specs["prod"], "data-secrets")["workloads.yaml"])}
    for workload in specs["prod"].workloads:
        directory = f"k8s/base/{'apis' if workload.kind == 'api' else 'workers'}/{workload.name}"
        secret = secrets[f"{workload.name}-credentials"]
        keys = sorted(item["remoteRef"]["key"] for item in secret["spec"]["data"])
        wanted = {"postgresql": "data/postgres-password", "redis": "data/redis-password",
                  "rabbitmq": "data/rabbitmq-password"}
        assert keys == sorted(wanted[store] for store in workload.data_stores)
        deployment = yaml.safe_load(base[f"{directory}/deployment.yaml"])
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        refs = {e["valueFrom"]["secretKeyRef"]["name"] for e in container.get("env", []) if "valueFrom" in e}
        assert refs == {f"{workload.name}-credentials"}
        assert all("secretRef" not in source for source in container["envFrom"])


def test_egress_rules_exclude_the_vpc_and_link_local(specs: dict[str, EnvironmentSpec]) -> None:
    chat = next(w for w in specs["prod"].workloads if w.name == "chat-llm")
    policy = network_policies.workload_egress(specs["prod"], chat)
    internet = [peer for rule in policy["spec"]["egress"] for peer in rule["to"] if "ipBlock" in peer]
    assert internet == [{"ipBlock": {"cidr": "0.0.0.0/0", "except": ["10.30.0.0/16", "169.254.0.0/16"]}}]


def test_ingress_controller_allow_uses_the_public_subnets(specs: dict[str, EnvironmentSpec]) -> None:
    policy = network_policies.ingress_allow(specs["staging"])
    assert policy["spec"]["ingress"][0]["from"] == [
        {"ipBlock": {"cidr": f"10.20.{i}.0/24"}} for i in range(3)
    ]


def test_every_namespace_gets_default_deny_and_dns(specs: dict[str, EnvironmentSpec]) -> None:
    by_namespace = network_policies.base_policies(specs["dev"].workloads)
    assert set(by_namespace) == {namespace.name for namespace in NAMESPACES}
    for policies_of_namespace in by_namespace.values():
        names = [policy["metadata"]["name"] for policy in policies_of_namespace]
        assert names[:2] == ["default-deny", "allow-dns"]
    assert {p["metadata"]["name"] for p in by_namespace["data"]} >= {
        "allow-postgresql-clients", "allow-redis-clients", "allow-rabbitmq-clients", "allow-monitoring-scrape"}


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
