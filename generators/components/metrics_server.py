"""Wave 10: metrics-server, the resource metrics API the HorizontalPodAutoscalers read.

Pin: chart ``metrics-server`` 3.13.1 (app/image ``registry.k8s.io/metrics-server/metrics-server:v0.8.1``),
checked in kubernetes-sigs/metrics-server (tag metrics-server-helm-chart-3.13.1; gh-pages index.yaml).
Its default args keep kubelet TLS verified (``--kubelet-insecure-tls`` stays off): the cluster's kubelets
need CA-signed serving certificates (kubespray ``kubelet_rotate_server_certificates``).
"""

from __future__ import annotations

from generators.waves import Chart, Component, Doc
from platform_spec.model import EnvironmentSpec


def values(spec: EnvironmentSpec) -> Doc:
    """Two replicas and a disruption budget with high availability."""
    if not spec.gitops.high_availability:
        return {"replicas": 1}
    return {"replicas": 2, "podDisruptionBudget": {"enabled": True, "minAvailable": 1}}


COMPONENT = Component(10, "metrics-server", "operator", "kube-system",
                      Chart("https://kubernetes-sigs.github.io/metrics-server", "metrics-server", "3.13.1"),
                      needs=("namespaces",), values=values)
