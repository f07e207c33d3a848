"""Wave 25: the CloudNativePG operator (pin: see ``charts``)."""

from __future__ import annotations

from generators.components.charts import CLOUDNATIVE_PG_OPERATOR
from generators.placement import node_selector
from generators.waves import Component, Doc
from platform_spec.model import EnvironmentSpec
from platform_spec.namespaces import DATA


def values(spec: EnvironmentSpec) -> Doc:
    """On the PostgreSQL nodes."""
    return {"nodeSelector": node_selector(spec, "postgresql")}


COMPONENT = Component(25, "postgres-operator", "operator", DATA, CLOUDNATIVE_PG_OPERATOR,
                      needs=("namespaces",), server_side_apply=True, values=values,
                      provides=tuple(f"postgresql.cnpg.io/{kind}" for kind in (
                          "Backup", "Cluster", "Database", "Pooler", "Publication", "ScheduledBackup", "Subscription")))
