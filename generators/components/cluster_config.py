"""Wave 0: the ``cluster-config`` ConfigMap (region, env, domain) and the default gp3 StorageClass."""

from __future__ import annotations

from collections.abc import Sequence

from generators.kustomize import component_files, meta, shared_overlay
from generators.waves import Component, Files
from platform_spec.model import EnvironmentSpec, Workload
from platform_spec.namespaces import APPS
from plumbing.yaml_io import dump

NAME = "cluster-config"
CONFIG_MAP = "cluster-config"
"""ConfigMap every workload reads its environment from (``envFrom``)."""


def base(workloads: Sequence[Workload]) -> Files:
    """An empty ``cluster-config`` (filled per environment) and the default StorageClass."""
    return component_files(f"k8s/base/{NAME}", {
        "configmap.yaml": {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta(CONFIG_MAP, APPS)},
        "storageclass.yaml": {
            "apiVersion": "storage.k8s.io/v1",
            "kind": "StorageClass",
            "metadata": {**meta("gp3"), "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
            "provisioner": "ebs.csi.aws.com",
            "parameters": {"type": "gp3", "encrypted": "true"},
            "reclaimPolicy": "Delete",
            "allowVolumeExpansion": True,
            "volumeBindingMode": "WaitForFirstConsumer",
        },
    })


def overlay(spec: EnvironmentSpec) -> Files:
    """The environment's region, name and domain in ``cluster-config``."""
    data = {"aws_region": spec.aws.region, "env": spec.name, "domain": spec.dns.domain}
    return shared_overlay(
        spec, NAME,
        files={"cluster-config.yaml": dump([{"op": "add", "path": "/data", "value": data}])},
        patches=[{"path": "cluster-config.yaml", "target": {"kind": "ConfigMap", "name": CONFIG_MAP}}],
    )


COMPONENT = Component(0, NAME, "config", APPS, needs=("namespaces",), base=base, overlay=overlay)
