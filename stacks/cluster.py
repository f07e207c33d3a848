"""The control plane: the nodes' instance role, the node AMI, and one fixed instance per control-plane node.

Control-plane nodes are fixed instances, one per zone (etcd needs a quorum and stable members); every
other node group is an Auto Scaling Group (``stacks/node_groups.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

from cdktf import TerraformResourceLifecycle
from cdktf_cdktf_provider_aws.data_aws_ssm_parameter import DataAwsSsmParameter
from cdktf_cdktf_provider_aws.iam_instance_profile import IamInstanceProfile
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment
from cdktf_cdktf_provider_aws.instance import Instance, InstanceMetadataOptions, InstanceRootBlockDevice
from cdktf_cdktf_provider_aws.security_group import SecurityGroup
from cdktf_cdktf_provider_aws.subnet import Subnet
from constructs import Construct

from platform_spec.iam_documents import SSM_MANAGED_INSTANCE_CORE, node_policy, node_trust_policy
from platform_spec.model import EnvironmentSpec, NodeGroup
from platform_spec.naming import boundary_policy_arn, cluster_name
from platform_spec.policy import to_json

METADATA_HOP_LIMIT = 1
"""IMDSv2 responses reach the node itself but not a pod behind the container network's extra hop (EC2 user
guide, "Configure the instance metadata options": a hop limit of 1 keeps containers from the node role)."""


@dataclass(frozen=True)
class Node:
    """A control-plane node placed by :func:`placement`: name, group, zone (a zone with a private subnet)."""

    name: str
    group: NodeGroup
    zone: str


def placement(spec: EnvironmentSpec) -> list[Node]:
    """The control-plane nodes, one per zone in zone order (the spec checks there are enough zones)."""
    group = spec.cluster.control_plane
    zones = spec.network.node_zones
    return [Node(f"{group.name}-{index + 1}", group, zones[index % len(zones)].name) for index in range(group.count)]


def cluster_tags(spec: EnvironmentSpec) -> dict[str, str]:
    """``kubernetes.io/cluster/<name>: owned``: the tag cloud controllers and the dynamic inventory filter by."""
    return {f"kubernetes.io/cluster/{cluster_name(spec)}": "owned"}


def metadata_options() -> InstanceMetadataOptions:
    """IMDSv2 only, hop limit 1 (no pod reaches the node's credentials)."""
    return InstanceMetadataOptions(
        http_tokens="required", http_endpoint="enabled", http_put_response_hop_limit=METADATA_HOP_LIMIT
    )


class Cluster(Construct):
    """Instance role and profile, the node AMI lookup, and one ``aws_instance`` per control-plane node.

    Inputs: spec, private subnets by zone name, security groups, the environment key's ARN. Outputs:
    ``instances`` (``(Node, aws_instance)`` in placement order), ``profile``, ``image`` and ``role`` (which
    carries the permissions boundary).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        spec: EnvironmentSpec,
        private_subnets: dict[str, Subnet],
        node_security_group: SecurityGroup,
        control_plane_security_group: SecurityGroup,
        key_arn: str,
    ) -> None:
        super().__init__(scope, construct_id)
        prefix = spec.prefix
        self.role = IamRole(self, "node-role", name=f"{prefix}-node", assume_role_policy=to_json(node_trust_policy()),
                            permissions_boundary=boundary_policy_arn(spec))
        IamRolePolicy(self, "node-policy", name=f"{prefix}-node", role=self.role.id,
                      policy=to_json(node_policy(spec, key_arn)))
        IamRolePolicyAttachment(self, "node-ssm-core", role=self.role.name, policy_arn=SSM_MANAGED_INSTANCE_CORE)
        self.profile = IamInstanceProfile(self, "node-profile", name=f"{prefix}-node", role=self.role.name)
        self.image = DataAwsSsmParameter(self, "node-image", name=spec.cluster.node_image_parameter)
        self.instances: list[tuple[Node, Instance]] = []
        for node in placement(spec):
            group = node.group
            tags = {
                "Name": f"{prefix}-{node.name}",
                "Role": group.role,
                "NodeGroup": group.name,
                **cluster_tags(spec),
            }
            instance = Instance(
                self,
                f"node-{node.name}",
                ami=self.image.value,
                instance_type=group.instance_type,
                subnet_id=private_subnets[node.zone].id,
                vpc_security_group_ids=[node_security_group.id, control_plane_security_group.id],
                iam_instance_profile=self.profile.name,
                metadata_options=metadata_options(),
                ebs_optimized=True,
                root_block_device=InstanceRootBlockDevice(
                    volume_size=group.volume_gb, volume_type="gp3", encrypted=True
                ),
                lifecycle=TerraformResourceLifecycle(ignore_changes=["ami"]),
                tags=tags,
            )
            self.instances.append((node, instance))
