"""Wave 15: the load balancer's VPC, subnets, security group and certificate, materialised from SSM."""

from __future__ import annotations

from collections.abc import Sequence

from generators.components.secrets import external_secret
from generators.kustomize import component_files, shared_overlay
from generators.waves import Component, Files
from platform_spec.model import EnvironmentSpec, Workload

NAME = "ingress-values"
SECRET = "alb-ingress-values"
PARAMETERS: dict[str, str] = {
    "vpc-id": "network/vpc-id",
    "public-subnets": "network/public-subnets",
    "sg-alb": "network/sg-alb",
    "acm-arn": "ingress/acm-arn",
}
"""ALB/ingress values materialised from SSM (relative to the environment's SSM root)."""


def base(workloads: Sequence[Workload]) -> Files:
    """One ExternalSecret in kube-system."""
    return component_files(f"k8s/base/{NAME}", {"external-secret.yaml": external_secret(SECRET, "kube-system",
                                                                                         PARAMETERS)})


def overlay(spec: EnvironmentSpec) -> Files:
    """The environment label only."""
    return shared_overlay(spec, NAME)


COMPONENT = Component(15, NAME, "instance", "kube-system", needs=("cluster-secret-store",), base=base,
                      overlay=overlay)
