"""Security groups of the cluster: load balancers, nodes, control plane.

Rules are standalone ``aws_vpc_security_group_*_rule`` resources, one per rule, so each rule is
a reviewable address in the plan and drift on one rule is reported on that rule.
"""

from __future__ import annotations

from dataclasses import dataclass

from cdktf_cdktf_provider_aws.security_group import SecurityGroup
from cdktf_cdktf_provider_aws.vpc_security_group_egress_rule import VpcSecurityGroupEgressRule
from cdktf_cdktf_provider_aws.vpc_security_group_ingress_rule import VpcSecurityGroupIngressRule
from constructs import Construct

from platform_spec.model import EnvironmentSpec

NODE_PORTS = (30000, 32767)


@dataclass(frozen=True)
class Rule:
    """One ingress rule: a port range from a CIDR or from another security group."""

    name: str
    ports: tuple[int, int]
    description: str
    cidr: str | None = None
    source: str | None = None
    protocol: str = "tcp"

    def __post_init__(self) -> None:
        if (self.cidr is None) == (self.source is None):
            raise ValueError(f"rule {self.name}: give exactly one of cidr and source")


class SecurityGroups(Construct):
    """``alb``, ``nodes`` and ``control_plane`` security groups of the environment's VPC."""

    def __init__(self, scope: Construct, construct_id: str, *, spec: EnvironmentSpec, vpc_id: str) -> None:
        super().__init__(scope, construct_id)
        self._vpc_id = vpc_id
        self._prefix = spec.prefix
        self.alb = self._group("alb", "Internet-facing load balancers")
        self.nodes = self._group("nodes", "All cluster nodes")
        self.control_plane = self._group("control-plane", "Kubernetes control plane")
        groups = {"alb": self.alb, "nodes": self.nodes, "control-plane": self.control_plane}
        admin = [str(cidr) for cidr in spec.network.admin_cidrs]
        rules: dict[str, list[Rule]] = {
            "alb": [
                Rule("https", (443, 443), "HTTPS from the internet", cidr="0.0.0.0/0"),
                Rule("http", (80, 80), "HTTP from the internet (redirected to HTTPS)", cidr="0.0.0.0/0"),
            ],
            "nodes": [
                Rule("node-to-node", (0, 65535), "Pod and node traffic between nodes", source="nodes", protocol="-1"),
                Rule("alb-nodeports", NODE_PORTS, "Load balancer to NodePorts", source="alb"),
            ],
            "control-plane": [
                Rule("api-from-nodes", (6443, 6443), "Kubernetes API from nodes", source="nodes"),
                *[Rule(f"api-admin-{i}", (6443, 6443), "Kubernetes API from admins", cidr=c)
                  for i, c in enumerate(admin)],
            ],
        }
        for group_name, group_rules in rules.items():
            for rule in group_rules:
                self._ingress(group_name, groups[group_name], rule, groups)
        for group_name in ("alb", "nodes", "control-plane"):
            VpcSecurityGroupEgressRule(
                self, f"{group_name}-egress", security_group_id=groups[group_name].id,
                ip_protocol="-1", cidr_ipv4="0.0.0.0/0", description="All outbound traffic",
            )

    def _group(self, name: str, description: str) -> SecurityGroup:
        return SecurityGroup(
            self, name, name=f"{self._prefix}-{name}", description=description, vpc_id=self._vpc_id,
            tags={"Name": f"{self._prefix}-{name}"},
        )

    def _ingress(self, group_name: str, group: SecurityGroup, rule: Rule, groups: dict[str, SecurityGroup]) -> None:
        all_ports = rule.protocol == "-1"  # protocol -1 takes no port range
        VpcSecurityGroupIngressRule(
            self, f"{group_name}-{rule.name}", security_group_id=group.id, ip_protocol=rule.protocol,
            description=rule.description,
            from_port=None if all_ports else rule.ports[0],
            to_port=None if all_ports else rule.ports[1],
            cidr_ipv4=rule.cidr,
            referenced_security_group_id=groups[rule.source].id if rule.source else None,
        )
