"""The namespaces the platform creates, and what their pods may reach (one table, read by the
namespace, NetworkPolicy, Argo CD project and admission-policy renderers)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

PodSecurityLevel = Literal["privileged", "baseline", "restricted"]
"""Pod Security Standards level (kubernetes.io/docs/concepts/security/pod-security-standards/)."""

APPS = "apps"
"""API services and workers."""
DATA = "data"
"""Postgres, Redis, RabbitMQ and their operators."""
MONITORING = "monitoring"
"""Prometheus operator, Prometheus, Alertmanager, Grafana."""
ARGOCD = "argocd"
"""Argo CD itself (installed by Ansible; its config map is managed at wave -1)."""


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
    pod_security: PodSecurityLevel = "restricted"
    """The strictest Pod Security level every pod of the namespace meets (enforced where the environment enforces)."""


EXTERNAL_SECRETS = "external-secrets"
"""External Secrets Operator (reads the environment's SSM parameters)."""

NAMESPACES: tuple[Namespace, ...] = (
    # external-secrets chart 2.9.0 values: runAsNonRoot, seccompProfile RuntimeDefault, capabilities drop ALL
    Namespace(EXTERNAL_SECRETS, "External Secrets Operator", kube_api_egress=True, webhook_ports=(10250,)),
    # prometheus-node-exporter runs with hostNetwork, hostPID and hostPath mounts: privileged only
    Namespace(MONITORING, "Prometheus operator, Prometheus, Alertmanager, Grafana", kube_api_egress=True,
              webhook_ports=(10250,), pod_security="privileged"),
    # the redis-operator's Redis pods set no seccompProfile (chart redis 0.16.9 values): baseline
    Namespace(DATA, "Postgres, Redis, RabbitMQ and their operators", kube_api_egress=True, webhook_ports=(9443,),
              pod_security="baseline"),
    Namespace("ops", "GitOps and operations tools (Argo Workflows)", kube_api_egress=True, pod_security="baseline"),
    Namespace(APPS, "API services and workers", same_namespace=False),
)
"""Namespaces created at wave -1; every one gets a default-deny policy."""
