"""Wave 25: the CloudNativePG operator."""

from __future__ import annotations

from generators.components.charts import CLOUDNATIVE_PG
from generators.placement import node_selector
from generators.waves import Chart, Component, Doc
from platform_spec.model import EnvironmentSpec
from platform_spec.namespaces import DATA


def values(spec: EnvironmentSpec) -> Doc:
    """On the PostgreSQL nodes."""
    return {"nodeSelector": node_selector(spec, "postgresql")}


COMPONENT = Component(25, "postgres-operator", "operator", DATA, Chart(CLOUDNATIVE_PG, "cloudnative-pg", "0.23.0"),
                      needs=("namespaces",), server_side_apply=True, values=values)
