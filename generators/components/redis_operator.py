"""Wave 25: the Redis operator (OT-Container-Kit; pin: see ``charts``)."""

from __future__ import annotations

from generators.components.charts import REDIS_OPERATOR
from generators.placement import node_selector
from generators.waves import Component, Doc
from platform_spec.model import EnvironmentSpec
from platform_spec.namespaces import DATA


def values(spec: EnvironmentSpec) -> Doc:
    """On the Redis nodes."""
    return {"nodeSelector": node_selector(spec, "redis")}


COMPONENT = Component(25, "redis-operator", "operator", DATA, REDIS_OPERATOR, needs=("namespaces",), values=values,
                      provides=tuple(f"redis.redis.opstreelabs.in/{kind}" for kind in (
                          "Redis", "RedisCluster", "RedisReplication", "RedisSentinel")))
