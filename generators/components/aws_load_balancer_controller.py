"""Wave 15: the AWS Load Balancer Controller (ALBs for Ingresses)."""

from __future__ import annotations

from generators.waves import Chart, Component, Doc
from platform_spec.model import EnvironmentSpec


def values(spec: EnvironmentSpec) -> Doc:
    """Cluster name and region."""
    return {"clusterName": spec.prefix, "region": spec.aws.region}


COMPONENT = Component(15, "aws-load-balancer-controller", "operator", "kube-system",
                      Chart("https://aws.github.io/eks-charts", "aws-load-balancer-controller", "1.11.0"),
                      needs=("network-policies",), values=values)
