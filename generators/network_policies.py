"""Namespaces and their NetworkPolicies: default deny everywhere, then the minimal allows.

Allows: DNS egress (every namespace); the API server / AWS over HTTPS for operator namespaces;
admission-webhook ingress where a webhook runs; ALB (VPC CIDR, ip targets) → APIs on their
ports; apps → data on the data ports; monitoring → scrape ports. The VPC CIDR differs per
environment, so the ingress-controller allow lives in the overlay (``ingress_allow``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from platform_spec.model import EnvironmentSpec, Workload

APPS = "apps"
DATA = "data"
MONITORING = "monitoring"

DATA_PORTS: dict[str, int] = {"postgresql": 5432, "redis": 6379, "rabbitmq": 5672}
"""Client ports of the data services (apps → data)."""

DATA_METRICS_PORTS: tuple[int, ...] = (9187, 9121, 15692)
"""Exporter ports in the data namespace (Postgres, Redis, RabbitMQ) scraped by monitoring."""

HOOK_LABEL = {"sesacthon.io/hook": "validation"}
"""Label of the PreSync/PostSync validation Job pods."""


@dataclass(frozen=True)
class Namespace:
    """A namespace the platform creates, and what its pods may reach."""

    name: str
    purpose: str
    kube_api_egress: bool = False
    """Pods call the Kubernetes API or AWS APIs (HTTPS 443/6443)."""
    webhook_ports: tuple[int, ...] = ()
    """Admission-webhook ports the API server calls."""
    same_namespace: bool = True
    """Pods of the namespace may talk to each other."""


NAMESPACES: tuple[Namespace, ...] = (
    Namespace("external-secrets", "External Secrets Operator", kube_api_egress=True, webhook_ports=(10250,)),
    Namespace("kyverno", "Kyverno admission controller", kube_api_egress=True, webhook_ports=(9443,)),
    Namespace(MONITORING, "Prometheus operator, Prometheus, Alertmanager, Grafana", kube_api_egress=True,
              webhook_ports=(10250,)),
    Namespace(DATA, "Postgres, Redis, RabbitMQ and their operators", kube_api_egress=True, webhook_ports=(9443,)),
    Namespace("ops", "GitOps and operations tools (Argo Workflows)", kube_api_egress=True),
    Namespace(APPS, "API services and workers", same_namespace=False),
)
"""Namespaces created at wave -1; every one gets a default-deny policy."""


def _policy(name: str, namespace: str, spec: dict[str, Any]) -> dict[str, Any]:
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": name, "namespace": namespace},
        "spec": spec,
    }


def _ns(name: str) -> dict[str, Any]:
    return {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": name}}}


def _ports(ports: list[int] | tuple[int, ...]) -> list[dict[str, Any]]:
    return [{"protocol": "TCP", "port": port} for port in sorted(set(ports))]


def api_ports(workloads: list[Workload]) -> list[int]:
    """Container ports of the API workloads."""
    return sorted({workload.port for workload in workloads if workload.kind == "api"})


def base_policies(workloads: list[Workload]) -> dict[str, list[dict[str, Any]]]:
    """NetworkPolicies by namespace (environment-independent)."""
    result: dict[str, list[dict[str, Any]]] = {}
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
        if namespace.kube_api_egress:
            policies.append(_policy("allow-https-egress", name, {
                "podSelector": {},
                "policyTypes": ["Egress"],
                "egress": [{"ports": _ports((443, 6443))}],
            }))
        if namespace.webhook_ports:
            policies.append(_policy("allow-webhooks", name, {
                "podSelector": {},
                "policyTypes": ["Ingress"],
                "ingress": [{"ports": _ports(namespace.webhook_ports)}],
            }))
        result[name] = policies
    result[APPS] += [
        _policy("allow-egress-to-data", APPS, {
            "podSelector": {},
            "policyTypes": ["Egress"],
            "egress": [{"to": [_ns(DATA)], "ports": _ports(list(DATA_PORTS.values()))}],
        }),
        _policy("allow-monitoring-scrape", APPS, {
            "podSelector": {"matchLabels": {"sesacthon.io/kind": "api"}},
            "policyTypes": ["Ingress"],
            "ingress": [{"from": [_ns(MONITORING)], "ports": _ports(api_ports(workloads))}],
        }),
    ]
    result[DATA] += [
        _policy("allow-from-apps", DATA, {
            "podSelector": {},
            "policyTypes": ["Ingress"],
            "ingress": [{"from": [_ns(APPS)], "ports": _ports(list(DATA_PORTS.values()))}],
        }),
        _policy("allow-monitoring-scrape", DATA, {
            "podSelector": {},
            "policyTypes": ["Ingress"],
            "ingress": [{"from": [_ns(MONITORING)], "ports": _ports(DATA_METRICS_PORTS)}],
        }),
    ]
    result[MONITORING].append(_policy("allow-scrape-egress", MONITORING, {
        "podSelector": {},
        "policyTypes": ["Egress"],
        "egress": [{"to": [{"namespaceSelector": {}}]}],
    }))
    return result


def ingress_allow(spec: EnvironmentSpec) -> dict[str, Any]:
    """ALB (ip targets, addresses in the environment's VPC) → API pods on their ports."""
    return _policy("allow-ingress-controller", APPS, {
        "podSelector": {"matchLabels": {"sesacthon.io/kind": "api"}},
        "policyTypes": ["Ingress"],
        "ingress": [{
            "from": [{"ipBlock": {"cidr": str(spec.network.vpc_cidr)}}],
            "ports": _ports(api_ports(spec.workloads)),
        }],
    })


def hook_allow(spec: EnvironmentSpec) -> list[dict[str, Any]]:
    """Validation hook Jobs → API pods (environments syncing with hooks only)."""
    ports = _ports(api_ports(spec.workloads))
    return [
        _policy("allow-validation-hooks-egress", APPS, {
            "podSelector": {"matchLabels": dict(HOOK_LABEL)},
            "policyTypes": ["Egress"],
            "egress": [{"to": [{"podSelector": {"matchLabels": {"sesacthon.io/kind": "api"}}}], "ports": ports}],
        }),
        _policy("allow-validation-hooks-ingress", APPS, {
            "podSelector": {"matchLabels": {"sesacthon.io/kind": "api"}},
            "policyTypes": ["Ingress"],
            "ingress": [{"from": [{"podSelector": {"matchLabels": dict(HOOK_LABEL)}}], "ports": ports}],
        }),
    ]
