"""Wave 40: the ServiceMonitor scraping the APIs' ``/metrics``."""

from __future__ import annotations

from collections.abc import Sequence

from generators.kustomize import component_files, meta, shared_overlay
from generators.waves import Component, Files
from platform_spec.labels import KIND_LABEL
from platform_spec.model import EnvironmentSpec, Workload
from platform_spec.namespaces import APPS, MONITORING

NAME = "exporters"


def base(workloads: Sequence[Workload]) -> Files:
    """A ServiceMonitor for every API Service."""
    monitor = {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "ServiceMonitor",
        "metadata": meta("apis", MONITORING, release="monitoring"),
        "spec": {
            "namespaceSelector": {"matchNames": [APPS]},
            "selector": {"matchLabels": {KIND_LABEL: "api"}},
            "endpoints": [{"port": "http", "path": "/metrics", "interval": "30s"}],
        },
    }
    return component_files(f"k8s/base/{NAME}", {"servicemonitor-apis.yaml": monitor})


def overlay(spec: EnvironmentSpec) -> Files:
    """The environment label only."""
    return shared_overlay(spec, NAME)


COMPONENT = Component(40, NAME, "exporters", MONITORING, needs=("monitoring", "postgresql", "redis", "rabbitmq"),
                      base=base, overlay=overlay)
