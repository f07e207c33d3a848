"""Wave 10: the Kyverno admission controller."""

from __future__ import annotations

from generators.waves import Chart, Component, Doc
from platform_spec.model import EnvironmentSpec


def values(spec: EnvironmentSpec) -> Doc:
    """Three admission controller replicas with high availability."""
    return {"admissionController": {"replicas": 3 if spec.gitops.high_availability else 1}}


COMPONENT = Component(10, "kyverno", "operator", "kyverno",
                      Chart("https://kyverno.github.io/kyverno", "kyverno", "3.3.4"),
                      needs=("namespaces", "network-policies"), server_side_apply=True, values=values)
