"""The SSM Parameter Store layout under ``/<project>/<env>/`` (shared by Terraform and External Secrets)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from platform_spec.model import EnvironmentSpec, NodeRole

ROLES: tuple[NodeRole, ...] = ("control-plane", "api", "worker", "infra")

DATA_SECRETS: tuple[str, ...] = ("postgres-password", "redis-password", "rabbitmq-password")
"""Generated credentials (SecureString) under ``data/``."""


@dataclass(frozen=True)
class Parameter:
    """One parameter: its path relative to the SSM root, type, and description."""

    relative: str
    kind: Literal["String", "StringList", "SecureString"]
    description: str

    def path(self, spec: EnvironmentSpec) -> str:
        """Absolute parameter name for an environment."""
        return f"{spec.ssm_root}/{self.relative}"


JOIN_TOKEN = Parameter("cluster/join/token", "SecureString", "kubeadm bootstrap token for Auto Scaling nodes")
"""Written by the control-plane play (ansible/post-install.yml), read by the nodes' user data."""
JOIN_CA_HASH = Parameter("cluster/join/ca-cert-hash", "SecureString", "sha256:<hash> of the cluster CA's public key")
"""Written by the control-plane play, read by the nodes' user data (``--discovery-token-ca-cert-hash``)."""


def layout(spec: EnvironmentSpec) -> list[Parameter]:
    """Every parameter the platform stack writes, in a stable order (the join parameters are the play's)."""
    return [
        Parameter("network/vpc-id", "String", "VPC id"),
        Parameter("network/public-subnets", "StringList", "Public subnet ids, zone order"),
        Parameter("network/private-subnets", "StringList", "Private subnet ids, zone order"),
        Parameter("network/sg-alb", "String", "Security group of internet-facing load balancers"),
        Parameter("network/sg-nodes", "String", "Security group of cluster nodes"),
        Parameter("ingress/acm-arn", "String", "ACM certificate for the ingress"),
        Parameter("dns/zone-id", "String", "Route 53 hosted zone id"),
        Parameter("dns/name-servers", "StringList", "Name servers of the public zone (the parent delegates to them)"),
        Parameter("cluster/region", "String", "AWS region"),
        Parameter("cluster/domain", "String", "DNS domain"),
        Parameter("cluster/api-endpoint", "String", "Kubernetes API endpoint (private zone)"),
        Parameter("cluster/oidc-issuer", "String", "Service-account issuer URL (IRSA)"),
        Parameter("cluster/nodes/control-plane", "StringList", "Private IPs of the control-plane nodes"),
        *[Parameter(f"data/{name}", "SecureString", f"Generated {name}") for name in DATA_SECRETS],
    ]
