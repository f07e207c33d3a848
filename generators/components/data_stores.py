"""The data services a workload can use: where they listen, who they are, which Secret they consume.

One table read by the data ExternalSecrets, the store instances (Postgres, Redis, RabbitMQ), the
workloads' connection settings and the NetworkPolicies, so a workload that declares
``data_stores: [redis]`` gets Redis's password, host and port, may reach Redis's port on Redis's pods
only, and nothing of Postgres or RabbitMQ.
"""

from __future__ import annotations

from dataclasses import dataclass

from platform_spec.model import DataStore
from platform_spec.namespaces import DATA


@dataclass(frozen=True)
class Store:
    """One data service instance in the ``data`` namespace."""

    name: DataStore
    service: str
    """Service the clients connect to."""
    port: int
    """Client port."""
    metrics_port: int
    """Exporter port scraped by Prometheus."""
    pod_labels: dict[str, str]
    """Labels the operator sets on the store's pods (selected by the NetworkPolicies)."""
    parameter: str
    """SSM parameter (relative to the environment's root) holding the generated password."""
    secret: str
    """Secret in ``data`` the store itself consumes (made by an ExternalSecret from ``parameter``)."""
    env_prefix: str
    """Prefix of the connection variables a workload receives (``<PREFIX>_HOST``, ``_PORT``, ...)."""
    user: str = "app"
    """Application user of the store."""

    @property
    def host(self) -> str:
        """Cluster DNS name of the client Service."""
        return f"{self.service}.{DATA}.svc.cluster.local"


POSTGRESQL = Store(
    "postgresql", "postgresql-rw", 5432, 9187,
    # CloudNativePG labels every instance pod cnpg.io/cluster=<cluster> (cloudnative-pg.io/documentation,
    # "Labels and annotations"); the read-write Service is <cluster>-rw ("Service management").
    {"cnpg.io/cluster": "postgresql"},
    "data/postgres-password", "postgresql-app-credentials", "POSTGRES",
)
REDIS = Store(
    "redis", "redis", 6379, 9121,
    # OT redis-operator v0.26.0 internal/k8sutils/labels.go: app=<name>, redis_setup_type=standalone.
    {"app": "redis", "redis_setup_type": "standalone"},
    "data/redis-password", "redis-credentials", "REDIS",
)
RABBITMQ = Store(
    "rabbitmq", "rabbitmq", 5672, 15692,
    # RabbitMQ Cluster Operator v2.21.1 internal/metadata/label.go: app.kubernetes.io/name=<cluster>;
    # the client Service is named after the RabbitmqCluster (AMQP 5672, Prometheus 15692).
    {"app.kubernetes.io/name": "rabbitmq"},
    "data/rabbitmq-password", "rabbitmq-default-user", "RABBITMQ",
)

STORES: dict[DataStore, Store] = {store.name: store for store in (POSTGRESQL, REDIS, RABBITMQ)}
"""Every data store by name (the spec's ``DataStore`` values)."""

USES_LABEL_PREFIX = "sesacthon.io/uses-"
"""Pod label ``sesacthon.io/uses-<store>: "true"`` on workloads that declared the store."""


def uses_label(store: DataStore) -> str:
    """The pod label marking a workload as a client of ``store``."""
    return f"{USES_LABEL_PREFIX}{store}"


def credentials_secret(workload: str) -> str:
    """The Secret in ``apps`` holding exactly the passwords of the workload's stores."""
    return f"{workload}-credentials"
