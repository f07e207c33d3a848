"""Wave 5: NetworkPolicies of every namespace: default deny everywhere, then the minimal allows.

Allows: DNS egress (every namespace); the API server / AWS over HTTPS for operator namespaces;
admission-webhook ingress where a webhook runs; ALB (VPC CIDR, ip targets) → APIs on their
ports; apps → data on the data ports; monitoring → scrape ports. The VPC CIDR differs per
environment, so the ingress-controller allow lives in the overlay (``ingress_allow``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from generators.kustomize import component_files, shared_overlay
from generators.waves import Component, Files
from platform_spec.labels import HOOK_LABEL, KIND_LABEL
from platform_spec.model import EnvironmentSpec, Workload
from platform_spec.namespaces import APPS, DATA, MONITORING, NAMESPACES
from plumbing.yaml_io import dump

NAME = "network-policies"

DATA_PORTS: dict[str, int] = {"postgresql": 5432, "redis": 6379, "rabbitmq": 5672}
"""Client ports of the data services (apps → data)."""

DATA_METRICS_PORTS: tuple[int, ...] = (9187, 9121, 15692)
"""Exporter ports in the data namespace (Postgres, Redis, RabbitMQ) scraped by monitoring."""


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


def api_ports(workloads: Sequence[Workload]) -> list[int]:
    """Container ports of the API workloads."""
    return sorted({workload.port for workload in workloads if workload.kind == "api"})


def base_policies(workloads: Sequence[Workload]) -> dict[str, list[dict[str, Any]]]:
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
            "podSelector": {"matchLabels": {KIND_LABEL: "api"}},
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
        "podSelector": {"matchLabels": {KIND_LABEL: "api"}},
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
            "egress": [{"to": [{"podSelector": {"matchLabels": {KIND_LABEL: "api"}}}], "ports": ports}],
        }),
        _policy("allow-validation-hooks-ingress", APPS, {
            "podSelector": {"matchLabels": {KIND_LABEL: "api"}},
            "policyTypes": ["Ingress"],
            "ingress": [{"from": [{"podSelector": {"matchLabels": dict(HOOK_LABEL)}}], "ports": ports}],
        }),
    ]


def base(workloads: Sequence[Workload]) -> Files:
    """Default deny plus the environment-independent allows, one file per namespace."""
    return component_files(f"k8s/base/{NAME}", {
        f"{namespace}.yaml": documents for namespace, documents in base_policies(workloads).items()
    })


def overlay(spec: EnvironmentSpec) -> Files:
    """The allow from the load balancer, whose source range is the environment's VPC."""
    return shared_overlay(
        spec, NAME,
        files={"allow-ingress-controller.yaml": dump(ingress_allow(spec))},
        resources=["allow-ingress-controller.yaml"],
    )


COMPONENT = Component(5, NAME, "network", "default", needs=("namespaces",), base=base, overlay=overlay)
