"""Wave 35: the PostgreSQL cluster (CloudNativePG ``cluster`` chart), bootstrapped with the generated password.

Values keys checked in cloudnative-pg/charts charts/cluster/values.yaml (0.8.1): ``fullnameOverride``,
``cluster.instances``, ``cluster.affinity``, ``cluster.enableSuperuserAccess`` (off: no superuser
password exists), ``cluster.initdb.{database,owner,secret.name}`` (templates/_bootstrap.tpl copies
``initdb`` into ``bootstrap.initdb``; the secret is the basic-auth Secret of ``data-secrets``).
"""

from __future__ import annotations

from generators.components.charts import CLOUDNATIVE_PG_CLUSTER
from generators.components.data_stores import POSTGRESQL
from generators.placement import instances, node_selector
from generators.waves import Component, Doc
from platform_spec.model import EnvironmentSpec
from platform_spec.namespaces import DATA

CLUSTER = "postgresql"
"""The Cluster's name: pods labelled ``cnpg.io/cluster=postgresql``, Service ``postgresql-rw``."""


def values(spec: EnvironmentSpec) -> Doc:
    """Instances from the environment's availability, on the PostgreSQL nodes, the app user's Secret."""
    return {
        "fullnameOverride": CLUSTER,
        "cluster": {
            "instances": instances(spec),
            "affinity": {"nodeSelector": node_selector(spec, "postgresql")},
            "enableSuperuserAccess": False,
            "initdb": {"database": POSTGRESQL.user, "owner": POSTGRESQL.user,
                       "secret": {"name": POSTGRESQL.secret}},
        },
    }


COMPONENT = Component(35, "postgresql", "instance", DATA, CLOUDNATIVE_PG_CLUSTER,
                      needs=("postgres-operator", "data-secrets"), values=values,
                      creates=("postgresql.cnpg.io/Cluster",))
