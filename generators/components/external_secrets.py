"""Wave 10: the External Secrets Operator (its CRDs too)."""

from __future__ import annotations

from generators.waves import Chart, Component, Doc
from platform_spec.model import EnvironmentSpec


def values(spec: EnvironmentSpec) -> Doc:
    """Install the CRDs with the operator."""
    return {"installCRDs": True}


COMPONENT = Component(10, "external-secrets", "operator", "external-secrets",
                      Chart("https://charts.external-secrets.io", "external-secrets", "0.20.4"),
                      needs=("namespaces", "network-policies"), server_side_apply=True, values=values)
