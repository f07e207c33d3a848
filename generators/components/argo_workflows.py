"""Wave 50: Argo Workflows (operations tooling)."""

from __future__ import annotations

from generators.placement import node_selector
from generators.waves import Chart, Component, Doc
from platform_spec.model import EnvironmentSpec


def values(spec: EnvironmentSpec) -> Doc:
    """The controller on the monitoring nodes."""
    return {"controller": {"nodeSelector": node_selector(spec, "monitoring")}}


COMPONENT = Component(50, "argo-workflows", "tools", "ops",
                      Chart("https://argoproj.github.io/argo-helm", "argo-workflows", "0.45.4"),
                      needs=("postgresql",), values=values)
