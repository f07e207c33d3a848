"""The sync-wave plan: one module per component (wave, needs, base/overlay, chart/values or upstream path).

Companion facts: -1 namespaces/CRDs … 10 operators … 35 data instances … 60 applications, 70 ingress.
Waves shifted so each instance follows its operator: the ClusterSecretStore at 12, the data
ExternalSecrets at 30; the admission policies sit with the network at 5 (native, nothing to install);
the health gate comes last (80) and only where the environment promotes to another one. The pod
identity webhook (IRSA) joins wave -1 so every add-on with an AWS role (EBS CSI driver at 0 onwards)
starts with its credentials; the cluster-autoscaler syncs at 10 and external-dns with the ingress
controller at 15.
"""

from __future__ import annotations

from generators.components import (
    admission_policies,
    argo_workflows,
    argocd_config,
    aws_load_balancer_controller,
    cluster_autoscaler,
    cluster_config,
    cluster_secret_store,
    data_secrets,
    ebs_csi_driver,
    exporters,
    external_dns,
    external_secrets,
    health_gate,
    ingress,
    metrics_server,
    monitoring,
    namespaces,
    network_policies,
    pod_identity_webhook,
    postgres_operator,
    postgresql,
    prometheus_crds,
    prometheus_operator,
    rabbitmq,
    rabbitmq_operator,
    redis,
    redis_operator,
    workloads,
)
from generators.waves import Component
from platform_spec.model import EnvironmentSpec

PLAN: tuple[Component, ...] = (
    namespaces.COMPONENT,
    argocd_config.COMPONENT,
    pod_identity_webhook.COMPONENT,
    prometheus_crds.COMPONENT,
    cluster_config.COMPONENT,
    ebs_csi_driver.COMPONENT,
    network_policies.COMPONENT,
    admission_policies.COMPONENT,
    external_secrets.COMPONENT,
    metrics_server.COMPONENT,
    cluster_autoscaler.COMPONENT,
    cluster_secret_store.COMPONENT,
    aws_load_balancer_controller.COMPONENT,
    external_dns.COMPONENT,
    prometheus_operator.COMPONENT,
    postgres_operator.COMPONENT,
    redis_operator.COMPONENT,
    rabbitmq_operator.COMPONENT,
    monitoring.COMPONENT,
    data_secrets.COMPONENT,
    postgresql.COMPONENT,
    redis.COMPONENT,
    rabbitmq.COMPONENT,
    exporters.COMPONENT,
    argo_workflows.COMPONENT,
    workloads.APIS,
    workloads.WORKERS,
    ingress.COMPONENT,
    health_gate.COMPONENT,
)
"""Every Application of an environment, in wave order (ties in this order)."""


def by_name() -> dict[str, Component]:
    """The plan indexed by component name."""
    return {component.name: component for component in PLAN}


def generated() -> list[Component]:
    """Components whose manifests this project generates (one base directory each)."""
    return [component for component in PLAN if component.generated]


def for_environment(spec: EnvironmentSpec) -> list[Component]:
    """The components ``spec``'s environment has, in wave order."""
    return [component for component in PLAN if component.enabled_in(spec)]


def generated_for(spec: EnvironmentSpec) -> list[Component]:
    """Generated components of ``spec``'s environment (one overlay directory each)."""
    return [component for component in for_environment(spec) if component.generated]
