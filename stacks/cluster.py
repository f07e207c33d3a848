"""Cluster nodes by role: one EC2 instance per node, spread round-robin over the zones."""

from __future__ import annotations

from dataclasses import dataclass

from cdktf import TerraformResourceLifecycle
from cdktf_cdktf_provider_aws.data_aws_ssm_parameter import DataAwsSsmParameter
from cdktf_cdktf_provider_aws.iam_instance_profile import IamInstanceProfile
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment
from cdktf_cdktf_provider_aws.instance import (
    Instance,
    InstanceInstanceMarketOptions,
    InstanceMetadataOptions,
    InstanceRootBlockDevice,
)
from cdktf_cdktf_provider_aws.security_group import SecurityGroup
from cdktf_cdktf_provider_aws.subnet import Subnet
from constructs import Construct

from platform_spec import naming
from platform_spec.iam_documents import SSM_MANAGED_INSTANCE_CORE, node_policy, node_trust_policy
from platform_spec.model import EnvironmentSpec, NodeGroup
from platform_spec.policy import to_json


@dataclass(frozen=True)
class Node:
    """A node placed by :func:`placement`: name, group, zone index."""

    name: str
    group: NodeGroup
    zone_index: int


def placement(spec: EnvironmentSpec) -> list[Node]:
    """Every node of the spec with its zone, in a stable order (group order, then index)."""
    nodes: list[Node] = []
    position = 0
    for group in spec.cluster.node_groups:
        for index in range(group.count):
            nodes.append(Node(f"{group.name}-{index + 1}", group, position % len(spec.network.zones)))
            position += 1
    return nodes


class Cluster(Construct):
    """Instance role and profile, the node AMI lookup, and one ``aws_instance`` per node.

    Inputs: spec, private subnets (zone order), security groups, the environment key's ARN. Output:
    ``instances``, a list of ``(Node, aws_instance)`` in placement order. The node role carries the
    permissions boundary.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        spec: EnvironmentSpec,
        private_subnets: list[Subnet],
        node_security_group: SecurityGroup,
        control_plane_security_group: SecurityGroup,
        key_arn: str,
    ) -> None:
        super().__init__(scope, construct_id)
        prefix = spec.prefix
        role = IamRole(self, "node-role", name=f"{prefix}-node", assume_role_policy=to_json(node_trust_policy()),
                       permissions_boundary=naming.boundary_policy_arn(spec))
        IamRolePolicy(self, "node-policy", name=f"{prefix}-node", role=role.id,
                      policy=to_json(node_policy(spec, key_arn)))
        IamRolePolicyAttachment(self, "node-ssm-core", role=role.name, policy_arn=SSM_MANAGED_INSTANCE_CORE)
        profile = IamInstanceProfile(self, "node-profile", name=f"{prefix}-node", role=role.name)
        image = DataAwsSsmParameter(self, "node-image", name=spec.cluster.node_image_parameter)
        self.instances: list[tuple[Node, Instance]] = []
        for node in placement(spec):
            group = node.group
            security_groups = [node_security_group.id]
            if group.role == "control-plane":
                security_groups.append(control_plane_security_group.id)
            tags = {
                "Name": f"{prefix}-{node.name}",
                "Role": group.role,
                "NodeGroup": group.name,
                "Services": ",".join(group.services),
            }
            market = InstanceInstanceMarketOptions(market_type="spot") if group.spot else None
            self.instances.append(
                (
                    node,
                    Instance(
                        self,
                        f"node-{node.name}",
                        ami=image.value,
                        instance_type=group.instance_type,
                        subnet_id=private_subnets[node.zone_index].id,
                        vpc_security_group_ids=security_groups,
                        iam_instance_profile=profile.name,
                        instance_market_options=market,
                        metadata_options=InstanceMetadataOptions(http_tokens="required", http_endpoint="enabled"),
                        ebs_optimized=True,
                        root_block_device=InstanceRootBlockDevice(
                            volume_size=group.volume_gb, volume_type="gp3", encrypted=True
                        ),
                        lifecycle=TerraformResourceLifecycle(ignore_changes=["ami"]),
                        tags=tags,
                    ),
                )
            )
