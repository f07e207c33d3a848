"""Wave 35: the PostgreSQL cluster (CloudNativePG ``cluster`` chart)."""

from __future__ import annotations

from generators.components.charts import CLOUDNATIVE_PG
from generators.placement import instances, node_selector
from generators.waves import Chart, Component, Doc
from platform_spec.model import EnvironmentSpec
from platform_spec.namespaces import DATA


def values(spec: EnvironmentSpec) -> Doc:
    """Instances from the environment's availability, on the PostgreSQL nodes."""
    return {"cluster": {"instances": instances(spec), "affinity": {"nodeSelector": node_selector(spec, "postgresql")}}}


COMPONENT = Component(35, "postgresql", "instance", DATA, Chart(CLOUDNATIVE_PG, "cluster", "0.2.1"),
                      needs=("postgres-operator", "data-secrets"), values=values)
