"""Helm chart repositories and chart pins used by more than one component.

Where each pin was checked (chart repository source at the commit named, and the published index):
* prometheus-community/helm-charts: ``kube-prometheus-stack`` 88.5.3 and ``prometheus-operator-crds``
  31.0.1 (both Prometheus Operator v0.93.1; tags kube-prometheus-stack-88.5.3, 2026-08-21, and
  prometheus-operator-crds-31.0.1, 2026-08-10).
* cloudnative-pg/charts: ``cloudnative-pg`` 0.29.0 (operator 1.30.0; tag cloudnative-pg-v0.29.0) and
  ``cluster`` 0.8.1 (tag cluster-v0.8.1), master at b21ad2d (2026-07-20).
* OT-CONTAINER-KIT/helm-charts gh-pages index.yaml (948d03d, 2026-05-15): ``redis-operator`` 0.24.0 and
  ``redis`` 0.16.9 (chart sources now in OT-CONTAINER-KIT/redis-operator charts/, redis at cca0315b).
"""

from __future__ import annotations

from generators.waves import Chart

PROMETHEUS_COMMUNITY = "https://prometheus-community.github.io/helm-charts"
CLOUDNATIVE_PG = "https://cloudnative-pg.github.io/charts"
OT_CONTAINER_KIT = "https://ot-container-kit.github.io/helm-charts"

KUBE_PROMETHEUS_STACK = Chart(PROMETHEUS_COMMUNITY, "kube-prometheus-stack", "88.5.3")
"""One chart for the operator (wave 20) and the monitoring instances (wave 30)."""
PROMETHEUS_OPERATOR_CRDS = Chart(PROMETHEUS_COMMUNITY, "prometheus-operator-crds", "31.0.1")
CLOUDNATIVE_PG_OPERATOR = Chart(CLOUDNATIVE_PG, "cloudnative-pg", "0.29.0")
CLOUDNATIVE_PG_CLUSTER = Chart(CLOUDNATIVE_PG, "cluster", "0.8.1")
REDIS_OPERATOR = Chart(OT_CONTAINER_KIT, "redis-operator", "0.24.0")
REDIS = Chart(OT_CONTAINER_KIT, "redis", "0.16.9")
