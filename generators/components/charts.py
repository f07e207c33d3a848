"""Helm chart repositories used by more than one component."""

from __future__ import annotations

PROMETHEUS_COMMUNITY = "https://prometheus-community.github.io/helm-charts"
CLOUDNATIVE_PG = "https://cloudnative-pg.github.io/charts"
OT_CONTAINER_KIT = "https://ot-container-kit.github.io/helm-charts"
