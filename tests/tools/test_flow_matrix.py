"""The flow matrix of every environment, built from its rendered NetworkPolicies (tests/netpol_model.py):
each flow a component needs is allowed, each flow that must not happen is denied."""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest

from generators.components.data_stores import STORES
from platform_spec.loader import load_all
from platform_spec.model import EnvironmentSpec
from plumbing import manifests
from plumbing.paths import PROJECT_ROOT
from tests.netpol_model import Host, Pod, allowed, selects

pytestmark = pytest.mark.tools
ENVS = ("dev", "staging", "prod")
POD_NETWORK = ipaddress.ip_network("10.233.64.0/18")
"""kubespray's default kube_pods_subnet: where pod addresses come from."""


class Cluster:
    """The endpoints of one environment and its policies."""

    def __init__(self, spec: EnvironmentSpec, documents: list[dict[str, Any]]) -> None:
        self.spec = spec
        self.policies = [d for d in documents if d["kind"] == "NetworkPolicy"]
        addresses = (str(address) for address in POD_NETWORK.hosts())
        self.workloads: dict[str, Pod] = {}
        for deployment in (d for d in documents if d["kind"] == "Deployment"):
            template = deployment["spec"]["template"]
            ports = {p["name"]: p["containerPort"] for c in template["spec"]["containers"] for p in c.get("ports", [])}
            self.workloads[deployment["metadata"]["name"]] = Pod(deployment["metadata"]["name"], "apps",
                                                                 template["metadata"]["labels"], next(addresses), ports)
        self.hook = Pod("validation-hook", "apps", {"sesacthon.io/hook": "validation"}, next(addresses))
        self.stores = {name: Pod(name, "data", store.pod_labels, next(addresses),
                                 {"client": store.port, "metrics": store.metrics_port})
                       for name, store in STORES.items()}
        self.operator = Pod("cnpg-operator", "data", {"app.kubernetes.io/name": "cloudnative-pg"}, next(addresses))
        self.prometheus = Pod("prometheus", "monitoring", {"app.kubernetes.io/name": "prometheus"}, next(addresses))
        self.alertmanager = Pod("alertmanager", "monitoring", {"app.kubernetes.io/name": "alertmanager"},
                                next(addresses), {"http-web": 9093})
        self.gate = Pod("health-gate", "monitoring", {"app.kubernetes.io/name": "health-gate"}, next(addresses))
        self.eso = Pod("external-secrets", "external-secrets", {"app.kubernetes.io/name": "external-secrets"},
                       next(addresses), {"webhook": 10250})
        self.dns = Pod("coredns", "kube-system", {"k8s-app": "kube-dns"}, next(addresses), {"dns": 53})
        zone = spec.network.zones[0]
        self.node = Host("control-plane node", str(zone.private_cidr.network_address + 10))
        self.alb = Host("ALB node", str(zone.public_cidr.network_address + 20))
        self.imds = Host("instance metadata", "169.254.169.254")
        self.aws_api = Host("sts/ssm endpoint", "52.95.195.109")
        self.internet = Host("an LLM API", "104.18.33.45")

    def ok(self, source: Any, destination: Any, port: int, protocol: str = "TCP") -> bool:
        return allowed(self.policies, source, destination, port, protocol)


@pytest.fixture(scope="module")
def clusters() -> dict[str, Cluster]:
    specs = load_all()
    directories = [PROJECT_ROOT / "k8s/overlays" / env / part for env in ENVS
                   for part in ("network-policies", "apis", "workers")]
    built = manifests.build_all(directories)
    return {env: Cluster(specs[env], [doc for part in ("network-policies", "apis", "workers") for doc in
                                      manifests.documents(built[PROJECT_ROOT / "k8s/overlays" / env / part])])
            for env in ENVS}


@pytest.mark.parametrize("env", ENVS)
def test_every_workload_reaches_dns_and_its_own_stores_only(clusters: dict[str, Cluster], env: str) -> None:
    cluster = clusters[env]
    assert len(cluster.workloads) == len(cluster.spec.workloads)
    for workload in cluster.spec.workloads:
        pod = cluster.workloads[workload.name]
        assert cluster.ok(pod, cluster.dns, 53, "UDP") and cluster.ok(pod, cluster.dns, 53, "TCP")
        for name, store in STORES.items():
            reachable = cluster.ok(pod, cluster.stores[name], store.port)
            assert reachable == (name in workload.data_stores), f"{workload.name} → {name}"
            assert not cluster.ok(pod, cluster.stores[name], store.metrics_port)
        assert not cluster.ok(pod, cluster.operator, 9443)


@pytest.mark.parametrize("env", ENVS)
def test_declared_egress_only_and_never_the_metadata_service(clusters: dict[str, Cluster], env: str) -> None:
    cluster = clusters[env]
    for workload in cluster.spec.workloads:
        pod = cluster.workloads[workload.name]
        assert cluster.ok(pod, cluster.internet, 443) == bool(workload.egress), workload.name
        for port in (80, 443):
            assert not cluster.ok(pod, cluster.imds, port), f"{workload.name} → 169.254.169.254:{port}"
        assert not cluster.ok(pod, cluster.node, 443), "egress to the internet must exclude the VPC"
        assert not cluster.ok(pod, cluster.node, 6443)
        assert not cluster.ok(pod, cluster.alertmanager, 9093)
        assert not cluster.ok(pod, cluster.eso, 10250)
        for other in cluster.workloads.values():
            if other is not pod:
                assert not cluster.ok(pod, other, 8000), f"{workload.name} → {other.name}"
    assert {w.name for w in cluster.spec.workloads if w.egress} == {"chat-llm", "storage-worker", "ai-worker"}


@pytest.mark.parametrize("env", ENVS)
def test_the_load_balancer_reaches_the_apis_only(clusters: dict[str, Cluster], env: str) -> None:
    cluster = clusters[env]
    for workload in cluster.spec.workloads:
        assert cluster.ok(cluster.alb, cluster.workloads[workload.name], workload.port) == (workload.kind == "api")
    for name, store in STORES.items():
        assert not cluster.ok(cluster.alb, cluster.stores[name], store.port)
    assert not cluster.ok(cluster.internet, cluster.workloads["waste"], 8000)


@pytest.mark.parametrize("env", ENVS)
def test_monitoring_scrapes_nodes_apis_and_exporters(clusters: dict[str, Cluster], env: str) -> None:
    cluster = clusters[env]
    for port in (9100, 10250, 10257, 10259, 6443):
        assert cluster.ok(cluster.prometheus, cluster.node, port), f"prometheus → node:{port}"
    assert not cluster.ok(cluster.prometheus, cluster.imds, 80)
    for workload in cluster.spec.workloads:
        if workload.kind == "api":
            assert cluster.ok(cluster.prometheus, cluster.workloads[workload.name], workload.port)
    for name, store in STORES.items():
        assert cluster.ok(cluster.prometheus, cluster.stores[name], store.metrics_port), name
        assert not cluster.ok(cluster.prometheus, cluster.stores[name], store.port)
    assert cluster.ok(cluster.gate, cluster.alertmanager, 9093)
    assert not cluster.ok(cluster.prometheus, cluster.internet, 443)


@pytest.mark.parametrize("env", ENVS)
def test_external_secrets_reaches_sts_ssm_and_the_api_server_only(clusters: dict[str, Cluster], env: str) -> None:
    cluster = clusters[env]
    assert cluster.ok(cluster.eso, cluster.aws_api, 443)
    assert cluster.ok(cluster.eso, cluster.node, 6443)
    assert cluster.ok(cluster.eso, cluster.dns, 53, "UDP")
    for port in (80, 443):
        assert not cluster.ok(cluster.eso, cluster.imds, port), "no fallback to the node's instance role"
    assert not cluster.ok(cluster.eso, cluster.aws_api, 80)
    assert not cluster.ok(cluster.eso, cluster.stores["postgresql"], 5432)
    assert not cluster.ok(cluster.eso, cluster.workloads["waste"], 8000)
    assert cluster.ok(cluster.node, cluster.eso, 10250), "the API server calls the webhook"


def test_validation_hooks_reach_the_apis_where_they_run(clusters: dict[str, Cluster]) -> None:
    for env, cluster in clusters.items():
        hooked = cluster.spec.gitops.sync_mode == "auto-with-hooks"
        assert cluster.ok(cluster.hook, cluster.workloads["waste"], 8000) == hooked, env


# --- the model itself --------------------------------------------------------------------------
def test_the_model_follows_the_documented_semantics() -> None:
    a = Pod("a", "x", {"app": "a"}, "10.233.64.1", {"http": 8080})
    b = Pod("b", "y", {"app": "b"}, "10.233.64.2", {"http": 8080})
    assert allowed([], a, b, 8080), "no policy: not isolated"
    deny = {"metadata": {"namespace": "y"}, "spec": {"podSelector": {}, "policyTypes": ["Ingress"]}}
    assert not allowed([deny], a, b, 8080)
    allow = {"metadata": {"namespace": "y"}, "spec": {"podSelector": {"matchLabels": {"app": "b"}}, "ingress": [
        {"from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "x"}},
                   "podSelector": {"matchLabels": {"app": "a"}}}], "ports": [{"port": "http"}]}]}}
    assert allowed([deny, allow], a, b, 8080), "additive, named port resolved on the destination"
    assert not allowed([deny, allow], a, b, 9090)
    assert not allowed([deny, allow], Pod("c", "x", {"app": "c"}, "10.233.64.3"), b, 8080), "both selectors must match"
    egress = {"metadata": {"namespace": "x"}, "spec": {"podSelector": {}, "egress": [
        {"to": [{"ipBlock": {"cidr": "0.0.0.0/0", "except": ["169.254.0.0/16"]}}], "ports": [{"port": 443}]}]}}
    assert allowed([egress], a, Host("internet", "1.1.1.1"), 443)
    assert not allowed([egress], a, Host("imds", "169.254.169.254"), 443), "except"
    assert not allowed([egress], a, Host("internet", "1.1.1.1"), 443, "UDP"), "protocol defaults to TCP"
    assert selects({}, {"any": "thing"}) and not selects({"matchExpressions": [
        {"key": "k", "operator": "Exists"}]}, {})
