"""The ExternalSecret document shared by the components that materialise SSM parameters."""

from __future__ import annotations

from generators.kustomize import meta
from generators.waves import Doc

SECRET_STORE = "parameter-store"
"""The ClusterSecretStore reading the environment's SSM root."""


def external_secret(name: str, namespace: str, keys: dict[str, str]) -> Doc:
    """An ExternalSecret creating Secret ``name`` from SSM parameters (key → path under the SSM root)."""
    return {
        "apiVersion": "external-secrets.io/v1",
        "kind": "ExternalSecret",
        "metadata": meta(name, namespace),
        "spec": {
            "refreshInterval": "1h",
            "secretStoreRef": {"kind": "ClusterSecretStore", "name": SECRET_STORE},
            "target": {"name": name, "creationPolicy": "Owner"},
            "data": [{"secretKey": key, "remoteRef": {"key": remote}} for key, remote in keys.items()],
        },
    }
