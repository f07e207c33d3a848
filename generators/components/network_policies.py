"""Wave 5: NetworkPolicies of every namespace: default deny everywhere, then exactly the flows that run.

Shared by every environment (``k8s/base``): default deny + DNS everywhere; same-namespace traffic where
the namespace allows it; admission webhooks; each data store reachable on its port only from the apps
pods labelled as its clients; Prometheus scraping the APIs and the data exporters. Per environment
(the overlay, because the addresses are the environment's): the Kubernetes API and the node ports
Prometheus scrapes (kubelet 10250, node-exporter 9100, controller-manager 10257, scheduler 10259 on
the node subnets: host-network targets are node addresses, not pods), External Secrets' HTTPS to AWS
(STS, SSM), each workload's own egress (its data stores, its declared destinations), and the load
balancer's traffic to the APIs.

Every internet destination excludes the VPC and link-local ``169.254.0.0/16``: no pod reaches the
instance metadata service (169.254.169.254) and with it the node's credentials.
Semantics: kubernetes.io/docs/concepts/services-networking/network-policies/.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from typing import Any

from generators.components.data_stores import STORES, uses_label
from generators.kustomize import component_files, shared_overlay
from generators.waves import Component, Files
from platform_spec.labels import HOOK_LABEL, KIND_LABEL, NAME_LABEL
from platform_spec.model import EnvironmentSpec, Workload
from platform_spec.namespaces import APPS, DATA, EXTERNAL_SECRETS, MONITORING, NAMESPACES
from plumbing.yaml_io import dump_all

NAME = "network-policies"
Doc = dict[str, Any]

LINK_LOCAL = ipaddress.IPv4Network("169.254.0.0/16")
"""Instance metadata (169.254.169.254) and the rest of link-local: never a pod's destination."""
INTERNET = ipaddress.IPv4Network("0.0.0.0/0")
KUBE_API_PORT = 6443
NODE_SCRAPE_PORTS: tuple[int, ...] = (9100, 10250, 10257, 10259)
"""Host-network targets of kube-prometheus-stack: node-exporter, kubelet (+cAdvisor), controller-manager,
scheduler (kubespray binds the last two to 0.0.0.0)."""
COREDNS_METRICS_PORT = 9153


def _policy(name: str, namespace: str, spec: Doc) -> Doc:
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": name, "namespace": namespace},
        "spec": spec,
    }


def _ns(name: str) -> Doc:
    return {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": name}}}


def _ports(ports: Iterable[int]) -> list[Doc]:
    return [{"protocol": "TCP", "port": port} for port in sorted(set(ports))]


def api_ports(workloads: Sequence[Workload]) -> list[int]:
    """Container ports of the API workloads."""
    return sorted({workload.port for workload in workloads if workload.kind == "api"})


def outside(spec: EnvironmentSpec, cidr: ipaddress.IPv4Network) -> Doc:
    """An ipBlock peer for ``cidr`` minus the VPC and link-local (only excepts inside ``cidr`` are legal)."""
    excepted = [str(block) for block in (spec.network.vpc_cidr, LINK_LOCAL) if block.subnet_of(cidr)]
    block: Doc = {"cidr": str(cidr)}
    if excepted:
        block["except"] = excepted
    return {"ipBlock": block}


def node_peers(spec: EnvironmentSpec) -> list[Doc]:
    """The node subnets (private subnets: every node, the control plane included)."""
    return [{"ipBlock": {"cidr": str(zone.private_cidr)}} for zone in spec.network.node_zones]


def load_balancer_peers(spec: EnvironmentSpec) -> list[Doc]:
    """The public subnets, where the ALB's nodes live (the source of instance-target traffic with
    ``externalTrafficPolicy: Local``)."""
    return [{"ipBlock": {"cidr": str(zone.public_cidr)}} for zone in spec.network.zones]


# --- base: environment-independent --------------------------------------------------------------
def base_policies(workloads: Sequence[Workload]) -> dict[str, list[Doc]]:
    """NetworkPolicies by namespace (environment-independent)."""
    result: dict[str, list[Doc]] = {}
    for namespace in NAMESPACES:
        name = namespace.name
        policies = [
            _policy("default-deny", name, {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}),
            _policy("allow-dns", name, {
                "podSelector": {},
                "policyTypes": ["Egress"],
                "egress": [{
                    "to": [{**_ns("kube-system"), "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}],
                    "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}],
                }],
            }),
        ]
        if namespace.same_namespace:
            policies.append(_policy("allow-same-namespace", name, {
                "podSelector": {},
                "policyTypes": ["Ingress", "Egress"],
                "ingress": [{"from": [{"podSelector": {}}]}],
                "egress": [{"to": [{"podSelector": {}}]}],
            }))
        if namespace.webhook_ports:
            policies.append(_policy("allow-webhooks", name, {
                "podSelector": {},
                "policyTypes": ["Ingress"],
                "ingress": [{"ports": _ports(namespace.webhook_ports)}],
            }))
        result[name] = policies
    result[APPS].append(_policy("allow-monitoring-scrape", APPS, {
        "podSelector": {"matchLabels": {KIND_LABEL: "api"}},
        "policyTypes": ["Ingress"],
        "ingress": [{"from": [_ns(MONITORING)], "ports": _ports(api_ports(workloads))}],
    }))
    for store in STORES.values():
        result[DATA].append(_policy(f"allow-{store.name}-clients", DATA, {
            "podSelector": {"matchLabels": dict(store.pod_labels)},
            "policyTypes": ["Ingress"],
            "ingress": [{
                "from": [{**_ns(APPS), "podSelector": {"matchLabels": {uses_label(store.name): "true"}}}],
                "ports": _ports([store.port]),
            }],
        }))
    result[DATA].append(_policy("allow-monitoring-scrape", DATA, {
        "podSelector": {},
        "policyTypes": ["Ingress"],
        "ingress": [{"from": [_ns(MONITORING)], "ports": _ports(s.metrics_port for s in STORES.values())}],
    }))
    result[MONITORING].append(_policy("allow-scrape-egress", MONITORING, {
        "podSelector": {},
        "policyTypes": ["Egress"],
        "egress": [
            {"to": [{**_ns(APPS), "podSelector": {"matchLabels": {KIND_LABEL: "api"}}}],
             "ports": _ports(api_ports(workloads))},
            {"to": [_ns(DATA)], "ports": _ports(s.metrics_port for s in STORES.values())},
            {"to": [{**_ns("kube-system"), "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}],
             "ports": _ports([COREDNS_METRICS_PORT])},
        ],
    }))
    return result


# --- overlay: the environment's addresses -------------------------------------------------------
def kube_api_allow(spec: EnvironmentSpec, namespace: str) -> Doc:
    """Pods of ``namespace`` → the Kubernetes API on the control plane (a node address, port 6443)."""
    return _policy("allow-kube-api", namespace, {
        "podSelector": {},
        "policyTypes": ["Egress"],
        "egress": [{"to": node_peers(spec), "ports": _ports([KUBE_API_PORT])}],
    })


def aws_api_allow(spec: EnvironmentSpec) -> Doc:
    """External Secrets → AWS STS (AssumeRoleWithWebIdentity) and SSM over HTTPS, through the NAT gateway.

    NetworkPolicy has no DNS names, so the destination is the internet minus the VPC and link-local: the
    instance metadata service stays unreachable and the store cannot fall back to the node's role.
    """
    return _policy("allow-aws-apis", EXTERNAL_SECRETS, {
        "podSelector": {},
        "policyTypes": ["Egress"],
        "egress": [{"to": [outside(spec, INTERNET)], "ports": _ports([443])}],
    })


def node_scrape_allow(spec: EnvironmentSpec) -> Doc:
    """Prometheus → the host-network targets on the nodes (kubelet, node-exporter, control plane)."""
    return _policy("allow-node-scrape", MONITORING, {
        "podSelector": {},
        "policyTypes": ["Egress"],
        "egress": [{"to": node_peers(spec), "ports": _ports(NODE_SCRAPE_PORTS)}],
    })


def workload_egress(spec: EnvironmentSpec, workload: Workload) -> Doc:
    """One workload's egress: its data stores on their ports, its declared destinations (minus VPC and
    link-local). A workload with neither gets an empty allow list (DNS only, from ``allow-dns``)."""
    rules: list[Doc] = []
    for name in workload.data_stores:
        store = STORES[name]
        rules.append({"to": [{**_ns(DATA), "podSelector": {"matchLabels": dict(store.pod_labels)}}],
                      "ports": _ports([store.port])})
    for destination in workload.egress:
        rules.append({"to": [outside(spec, cidr) for cidr in destination.cidrs], "ports": _ports(destination.ports)})
    policy: Doc = {"podSelector": {"matchLabels": {NAME_LABEL: workload.name}}, "policyTypes": ["Egress"]}
    if rules:
        policy["egress"] = rules
    return _policy(f"egress-{workload.name}", APPS, policy)


def ingress_allow(spec: EnvironmentSpec) -> Doc:
    """ALB → API pods on their ports. With instance targets the ALB reaches a NodePort and kube-proxy
    forwards to a local pod (``externalTrafficPolicy: Local``: no SNAT), so the source is the ALB's
    address in a public subnet."""
    return _policy("allow-ingress-controller", APPS, {
        "podSelector": {"matchLabels": {KIND_LABEL: "api"}},
        "policyTypes": ["Ingress"],
        "ingress": [{"from": load_balancer_peers(spec), "ports": _ports(api_ports(spec.workloads))}],
    })


def hook_allow(spec: EnvironmentSpec) -> list[Doc]:
    """Validation hook Jobs → API pods (environments syncing with hooks only)."""
    ports = _ports(api_ports(spec.workloads))
    return [
        _policy("allow-validation-hooks-egress", APPS, {
            "podSelector": {"matchLabels": dict(HOOK_LABEL)},
            "policyTypes": ["Egress"],
            "egress": [{"to": [{"podSelector": {"matchLabels": {KIND_LABEL: "api"}}}], "ports": ports}],
        }),
        _policy("allow-validation-hooks-ingress", APPS, {
            "podSelector": {"matchLabels": {KIND_LABEL: "api"}},
            "policyTypes": ["Ingress"],
            "ingress": [{"from": [{"podSelector": {"matchLabels": dict(HOOK_LABEL)}}], "ports": ports}],
        }),
    ]


def environment_policies(spec: EnvironmentSpec) -> list[Doc]:
    """Every policy whose addresses come from the environment's spec."""
    policies = [kube_api_allow(spec, ns.name) for ns in NAMESPACES if ns.kube_api_egress]
    policies += [aws_api_allow(spec), node_scrape_allow(spec), ingress_allow(spec)]
    policies += [workload_egress(spec, workload) for workload in spec.workloads]
    return policies


def base(workloads: Sequence[Workload]) -> Files:
    """Default deny plus the environment-independent allows, one file per namespace."""
    return component_files(f"k8s/base/{NAME}", {
        f"{namespace}.yaml": documents for namespace, documents in base_policies(workloads).items()
    })


def overlay(spec: EnvironmentSpec) -> Files:
    """The allows whose addresses are the environment's (VPC, subnets, workloads' egress)."""
    return shared_overlay(
        spec, NAME,
        files={"environment.yaml": dump_all(environment_policies(spec))},
        resources=["environment.yaml"],
    )


COMPONENT = Component(5, NAME, "network", "default", needs=("namespaces",), base=base, overlay=overlay)
