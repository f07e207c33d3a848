"""Wave 35: Redis (OT-Container-Kit ``redis`` chart)."""

from __future__ import annotations

from generators.components.charts import OT_CONTAINER_KIT
from generators.placement import node_selector
from generators.waves import Chart, Component, Doc
from platform_spec.model import EnvironmentSpec
from platform_spec.namespaces import DATA


def values(spec: EnvironmentSpec) -> Doc:
    """On the Redis nodes."""
    return {"nodeSelector": node_selector(spec, "redis")}


COMPONENT = Component(35, "redis", "instance", DATA, Chart(OT_CONTAINER_KIT, "redis", "0.16.4"),
                      needs=("redis-operator", "data-secrets"), values=values)
