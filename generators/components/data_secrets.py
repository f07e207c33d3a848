"""Wave 30: the data services' passwords, materialised from SSM into the data and apps namespaces."""

from __future__ import annotations

from collections.abc import Sequence

from generators.components.secrets import external_secret
from generators.kustomize import component_files, shared_overlay
from generators.waves import Component, Files
from platform_spec.model import EnvironmentSpec, Workload
from platform_spec.namespaces import APPS, DATA
from platform_spec.parameters import DATA_SECRETS

NAME = "data-secrets"
CREDENTIALS = "data-credentials"
"""Secret holding every data password (one key per ``DATA_SECRETS`` entry)."""


def base(workloads: Sequence[Workload]) -> Files:
    """One ExternalSecret per namespace that needs the passwords."""
    keys = {name: f"data/{name}" for name in DATA_SECRETS}
    return component_files(f"k8s/base/{NAME}", {
        f"{namespace}.yaml": external_secret(CREDENTIALS, namespace, keys) for namespace in (DATA, APPS)
    })


def overlay(spec: EnvironmentSpec) -> Files:
    """The environment label only."""
    return shared_overlay(spec, NAME)


COMPONENT = Component(30, NAME, "instance", DATA, needs=("cluster-secret-store",), base=base, overlay=overlay)
