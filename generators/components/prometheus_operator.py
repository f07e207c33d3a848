"""Wave 20: the Prometheus Operator alone (kube-prometheus-stack with everything else off)."""

from __future__ import annotations

from generators.components.charts import KUBE_PROMETHEUS_STACK
from generators.placement import node_selector
from generators.waves import Component, Doc
from platform_spec.model import EnvironmentSpec
from platform_spec.namespaces import MONITORING


def values(spec: EnvironmentSpec) -> Doc:
    """Only the operator, on the monitoring nodes."""
    disabled = {"enabled": False}
    return {
        "fullnameOverride": "prometheus-operator",
        "crds": disabled,
        "defaultRules": {"create": False},
        "kubernetesServiceMonitors": {"enabled": False},  # the monitoring release (wave 30) owns them
        "alertmanager": disabled,
        "grafana": disabled,
        "prometheus": disabled,
        "kubeStateMetrics": disabled,
        "nodeExporter": disabled,
        "prometheusOperator": {"nodeSelector": node_selector(spec, "monitoring")},
    }


COMPONENT = Component(20, "prometheus-operator", "operator", MONITORING, KUBE_PROMETHEUS_STACK,
                      needs=("prometheus-crds",), values=values, creates=("monitoring.coreos.com/ServiceMonitor",))
