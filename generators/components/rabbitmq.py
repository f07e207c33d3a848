"""Wave 35: RabbitMQ (Bitnami chart) with its password from the data credentials."""

from __future__ import annotations

from generators.components.data_secrets import CREDENTIALS
from generators.placement import instances, node_selector
from generators.waves import Chart, Component, Doc
from platform_spec.model import EnvironmentSpec
from platform_spec.namespaces import DATA


def values(spec: EnvironmentSpec) -> Doc:
    """Replicas, the password secret and the RabbitMQ nodes."""
    return {
        "replicaCount": instances(spec),
        "auth": {"existingPasswordSecret": CREDENTIALS, "existingSecretPasswordKey": "rabbitmq-password"},
        "nodeSelector": node_selector(spec, "rabbitmq"),
    }


COMPONENT = Component(35, "rabbitmq", "instance", DATA,
                      Chart("registry-1.docker.io/bitnamicharts", "rabbitmq", "15.2.3"),
                      needs=("data-secrets",), values=values)
