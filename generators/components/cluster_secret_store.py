"""Wave 12: the ClusterSecretStore reading the environment's SSM parameters (``/sesacthon/<env>/``)."""

from __future__ import annotations

from collections.abc import Sequence

from generators.components.secrets import SECRET_STORE
from generators.kustomize import component_files, meta, shared_overlay
from generators.waves import Component, Files
from platform_spec.model import EnvironmentSpec, Workload
from platform_spec.namespaces import APPS, DATA
from plumbing.yaml_io import dump

NAME = "cluster-secret-store"


def base(workloads: Sequence[Workload]) -> Files:
    """The store, usable from the apps, data and kube-system namespaces."""
    store = {
        "apiVersion": "external-secrets.io/v1",
        "kind": "ClusterSecretStore",
        "metadata": meta(SECRET_STORE),
        "spec": {
            "provider": {"aws": {"service": "ParameterStore"}},
            "conditions": [{"namespaces": [APPS, DATA, "kube-system"]}],
        },
    }
    return component_files(f"k8s/base/{NAME}", {"cluster-secret-store.yaml": store})


def overlay(spec: EnvironmentSpec) -> Files:
    """The environment's region and SSM root."""
    aws = "/spec/provider/aws"
    operations = [
        {"op": "add", "path": f"{aws}/region", "value": spec.aws.region},
        {"op": "add", "path": f"{aws}/prefix", "value": f"{spec.ssm_root}/"},
    ]
    return shared_overlay(
        spec, NAME,
        files={"cluster-secret-store.yaml": dump(operations)},
        patches=[{"path": "cluster-secret-store.yaml", "target": {"kind": "ClusterSecretStore", "name": SECRET_STORE}}],
    )


COMPONENT = Component(12, NAME, "instance", "external-secrets", needs=("external-secrets",), base=base,
                      overlay=overlay)
