"""Wave 35: Redis (OT-Container-Kit ``redis`` chart), requiring the generated password.

Values keys checked in OT-CONTAINER-KIT/redis-operator charts/redis/values.yaml at cca0315b (chart 0.16.9):
``redisStandalone.redisSecret.{secretName,secretKey}`` (rendered into ``kubernetesConfig.redisSecret``
of the Redis CR by templates/redis-standalone.yaml), ``redisExporter.enabled`` (exporter on 9121),
``nodeSelector``; image ``quay.io/opstree/redis:v7.0.15`` and exporter ``quay.io/opstree/redis-exporter:v1.44.0``
are the chart's defaults.
"""

from __future__ import annotations

from generators.components.charts import REDIS
from generators.components.data_secrets import PASSWORD
from generators.components.data_stores import REDIS as STORE
from generators.placement import node_selector
from generators.waves import Component, Doc
from platform_spec.model import EnvironmentSpec
from platform_spec.namespaces import DATA


def values(spec: EnvironmentSpec) -> Doc:
    """The password Secret, the exporter, on the Redis nodes."""
    return {
        "redisStandalone": {"name": STORE.service, "redisSecret": {"secretName": STORE.secret, "secretKey": PASSWORD}},
        "redisExporter": {"enabled": True},
        "nodeSelector": node_selector(spec, "redis"),
    }


COMPONENT = Component(35, "redis", "instance", DATA, REDIS, needs=("redis-operator", "data-secrets"), values=values,
                      creates=("redis.redis.opstreelabs.in/Redis",))
