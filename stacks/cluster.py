"""Cluster nodes by role: one EC2 instance per node, spread round-robin over the zones."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cdktf import TerraformResourceLifecycle
from constructs import Construct

from platform_spec.iam_documents import node_policy, node_trust_policy, to_json
from platform_spec.model import EnvironmentSpec, NodeGroup
from stacks.aws import aws

SSM_CORE_POLICY = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"


@dataclass(frozen=True)
class Node:
    """A node placed by :func:`placement`: name, group, zone index."""

    name: str
    group: NodeGroup
    zone_index: int


def placement(spec: EnvironmentSpec) -> list[Node]:
    """Every node of the spec with its zone, in a stable order (group order, then index)."""
    nodes, position = [], 0
    for group in spec.cluster.node_groups:
        for index in range(group.count):
            nodes.append(Node(f"{group.name}-{index + 1}", group, position % len(spec.network.zones)))
            position += 1
    return nodes


class Cluster(Construct):
    """Instance role and profile, the node AMI lookup, and one ``aws_instance`` per node.

    Inputs: spec, private subnets (zone order), security groups. Output: ``instances``, a list of
    ``(Node, aws_instance)`` in placement order.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        spec: EnvironmentSpec,
        private_subnets: list[Any],
        node_security_group: Any,
        control_plane_security_group: Any,
    ) -> None:
        super().__init__(scope, construct_id)
        prefix = spec.prefix
        role = aws("iam_role", "IamRole")(
            self, "node-role", name=f"{prefix}-node", assume_role_policy=to_json(node_trust_policy())
        )
        aws("iam_role_policy", "IamRolePolicy")(
            self, "node-policy", name=f"{prefix}-node", role=role.id, policy=to_json(node_policy(spec))
        )
        aws("iam_role_policy_attachment", "IamRolePolicyAttachment")(
            self, "node-ssm-core", role=role.name, policy_arn=SSM_CORE_POLICY
        )
        profile = aws("iam_instance_profile", "IamInstanceProfile")(
            self, "node-profile", name=f"{prefix}-node", role=role.name
        )
        image = aws("data_aws_ssm_parameter", "DataAwsSsmParameter")(
            self, "node-image", name=spec.cluster.node_image_parameter
        )
        instance = "instance"
        self.instances: list[tuple[Node, Any]] = []
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
            market = None
            if group.spot:
                market = aws(instance, "InstanceInstanceMarketOptions")(market_type="spot")
            self.instances.append(
                (
                    node,
                    aws(instance, "Instance")(
                        self,
                        f"node-{node.name}",
                        ami=image.value,
                        instance_type=group.instance_type,
                        subnet_id=private_subnets[node.zone_index].id,
                        vpc_security_group_ids=security_groups,
                        iam_instance_profile=profile.name,
                        instance_market_options=market,
                        metadata_options=aws(instance, "InstanceMetadataOptions")(
                            http_tokens="required", http_endpoint="enabled"
                        ),
                        root_block_device=aws(instance, "InstanceRootBlockDevice")(
                            volume_size=group.volume_gb, volume_type="gp3", encrypted=True
                        ),
                        lifecycle=TerraformResourceLifecycle(ignore_changes=["ami"]),
                        tags=tags,
                    ),
                )
            )
