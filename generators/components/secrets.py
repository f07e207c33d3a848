"""The ExternalSecret document shared by the components that materialise SSM parameters."""

from __future__ import annotations

from generators.kustomize import meta
from generators.waves import Doc

SECRET_STORE = "parameter-store"
"""The ClusterSecretStore reading the environment's SSM root."""


def external_secret(name: str, namespace: str, keys: dict[str, str], template: Doc | None = None) -> Doc:
    """An ExternalSecret creating Secret ``name`` from SSM parameters (key → path under the SSM root).

    ``template`` is the target Secret's ``spec.target.template`` (type and templated data, External
    Secrets "Advanced Templating", engine v2); without it the Secret holds the keys as fetched.
    """
    target: Doc = {"name": name, "creationPolicy": "Owner"}
    if template is not None:
        target["template"] = {"engineVersion": "v2", **template}
    return {
        "apiVersion": "external-secrets.io/v1",
        "kind": "ExternalSecret",
        "metadata": meta(name, namespace),
        "spec": {
            "refreshInterval": "1h",
            "secretStoreRef": {"kind": "ClusterSecretStore", "name": SECRET_STORE},
            "target": target,
            "data": [{"secretKey": key, "remoteRef": {"key": remote}} for key, remote in keys.items()],
        },
    }
