"""Wave -1: the Prometheus Operator CRDs, before any operator or ServiceMonitor (pin: see ``charts``)."""

from __future__ import annotations

from generators.components.charts import PROMETHEUS_OPERATOR_CRDS
from generators.waves import Component
from platform_spec.namespaces import MONITORING

MONITORING_KINDS = tuple(f"monitoring.coreos.com/{kind}" for kind in (
    "Alertmanager", "AlertmanagerConfig", "PodMonitor", "Probe", "Prometheus", "PrometheusAgent", "PrometheusRule",
    "ScrapeConfig", "ServiceMonitor", "ThanosRuler"))
"""The CRDs of prometheus-operator-crds (charts/prometheus-operator-crds/charts/crds/templates)."""

COMPONENT = Component(-1, "prometheus-crds", "crds", MONITORING, PROMETHEUS_OPERATOR_CRDS, server_side_apply=True,
                      provides=MONITORING_KINDS)
