"""Wave 30: Prometheus, Alertmanager and Grafana (kube-prometheus-stack without its operator)."""

from __future__ import annotations

from generators.components.prometheus_operator import KUBE_PROMETHEUS_STACK
from generators.placement import instances, node_selector
from generators.waves import Component, Doc
from platform_spec.model import EnvironmentSpec
from platform_spec.namespaces import MONITORING


def values(spec: EnvironmentSpec) -> Doc:
    """Replicas from the environment's availability, on the monitoring nodes."""
    placement = node_selector(spec, "monitoring")
    return {
        "fullnameOverride": "monitoring",
        "crds": {"enabled": False},
        "prometheusOperator": {"enabled": False},
        "prometheus": {"prometheusSpec": {"replicas": instances(spec), "nodeSelector": placement}},
        "alertmanager": {"alertmanagerSpec": {"replicas": instances(spec), "nodeSelector": placement}},
        "grafana": {"nodeSelector": placement},
    }


COMPONENT = Component(30, "monitoring", "instance", MONITORING, KUBE_PROMETHEUS_STACK,
                      needs=("prometheus-operator",), server_side_apply=True, values=values)
