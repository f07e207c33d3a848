"""Wave 50: Argo Workflows (operations tooling).

Pin: chart ``argo-workflows`` 1.0.18 (app v4.0.6), checked in argoproj/argo-helm (tag argo-workflows-1.0.18,
master af0a9310, 2026-07-02); ``controller.nodeSelector`` is in that chart's values.yaml.
"""

from __future__ import annotations

from generators.placement import node_selector
from generators.waves import Chart, Component, Doc
from platform_spec.model import EnvironmentSpec


def values(spec: EnvironmentSpec) -> Doc:
    """The controller on the monitoring nodes."""
    return {"controller": {"nodeSelector": node_selector(spec, "monitoring")}}


COMPONENT = Component(50, "argo-workflows", "tools", "ops",
                      Chart("https://argoproj.github.io/argo-helm", "argo-workflows", "1.0.18"),
                      needs=("postgresql",), values=values)
