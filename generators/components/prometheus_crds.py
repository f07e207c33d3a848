"""Wave -1: the Prometheus Operator CRDs, before any operator or ServiceMonitor."""

from __future__ import annotations

from generators.components.charts import PROMETHEUS_COMMUNITY
from generators.waves import Chart, Component
from platform_spec.namespaces import MONITORING

COMPONENT = Component(-1, "prometheus-crds", "crds", MONITORING,
                      Chart(PROMETHEUS_COMMUNITY, "prometheus-operator-crds", "17.0.2"), server_side_apply=True)
