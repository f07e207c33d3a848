"""Wave 25: the Redis operator (OT-Container-Kit)."""

from __future__ import annotations

from generators.components.charts import OT_CONTAINER_KIT
from generators.placement import node_selector
from generators.waves import Chart, Component, Doc
from platform_spec.model import EnvironmentSpec
from platform_spec.namespaces import DATA


def values(spec: EnvironmentSpec) -> Doc:
    """On the Redis nodes."""
    return {"nodeSelector": node_selector(spec, "redis")}


COMPONENT = Component(25, "redis-operator", "operator", DATA, Chart(OT_CONTAINER_KIT, "redis-operator", "0.19.1"),
                      needs=("namespaces",), values=values)
