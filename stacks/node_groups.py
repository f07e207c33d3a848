"""Node groups that scale: one launch template and one Auto Scaling Group per non-control-plane group.

Bounds come from the spec's guardrail (``Cluster.min_size``/``max_size``: dev 0, staging 1, prod its count;
max = count + surge). Spot groups buy Spot through the ASG's mixed-instances policy, so an interrupted node
is replaced by the group. Tags follow cluster-autoscaler/cloudprovider/aws/README.md: the auto-discovery
keys ``k8s.io/cluster-autoscaler/enabled`` and ``k8s.io/cluster-autoscaler/<cluster>``, and for scale-up
from zero ``k8s.io/cluster-autoscaler/node-template/label/<label>`` and ``.../taint/<key>``
(``<value>:<effect>``) matching what the node's kubelet registers (``platform_spec/node_bootstrap.py``).
"""

from __future__ import annotations

from cdktf import Fn, TerraformResourceLifecycle
from cdktf_cdktf_provider_aws.autoscaling_group import (
    AutoscalingGroup,
    AutoscalingGroupLaunchTemplate,
    AutoscalingGroupMixedInstancesPolicy,
    AutoscalingGroupMixedInstancesPolicyInstancesDistribution,
    AutoscalingGroupMixedInstancesPolicyLaunchTemplate,
    AutoscalingGroupMixedInstancesPolicyLaunchTemplateLaunchTemplateSpecification,
    AutoscalingGroupMixedInstancesPolicyLaunchTemplateOverride,
    AutoscalingGroupTag,
)
from cdktf_cdktf_provider_aws.data_aws_ssm_parameter import DataAwsSsmParameter
from cdktf_cdktf_provider_aws.iam_instance_profile import IamInstanceProfile
from cdktf_cdktf_provider_aws.launch_template import (
    LaunchTemplate,
    LaunchTemplateBlockDeviceMappings,
    LaunchTemplateBlockDeviceMappingsEbs,
    LaunchTemplateIamInstanceProfile,
    LaunchTemplateMetadataOptions,
    LaunchTemplateTagSpecifications,
)
from cdktf_cdktf_provider_aws.security_group import SecurityGroup
from cdktf_cdktf_provider_aws.subnet import Subnet
from constructs import Construct

from platform_spec.labels import NODE_GROUP_LABEL
from platform_spec.model import EnvironmentSpec, NodeGroup
from platform_spec.naming import cluster_name, node_group_asg
from platform_spec.node_bootstrap import user_data
from stacks.cluster import METADATA_HOP_LIMIT, cluster_tags

AUTOSCALER_TAG = "k8s.io/cluster-autoscaler"


def autoscaler_tags(spec: EnvironmentSpec, group: NodeGroup) -> dict[str, str]:
    """Auto-discovery and node-template tags of a group's ASG (cluster-autoscaler AWS README)."""
    tags = {f"{AUTOSCALER_TAG}/enabled": "true", f"{AUTOSCALER_TAG}/{cluster_name(spec)}": "owned"}
    for key, value in group.node_labels().items():
        tags[f"{AUTOSCALER_TAG}/node-template/label/{key}"] = value
    for taint in group.node_taints():
        key, rest = taint.split("=", 1)
        tags[f"{AUTOSCALER_TAG}/node-template/taint/{key}"] = rest
    return tags


class NodeGroups(Construct):
    """Launch templates and Auto Scaling Groups of every non-control-plane group.

    Output: ``groups``, ``{group name: aws_autoscaling_group}`` in spec order.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        spec: EnvironmentSpec,
        private_subnets: list[Subnet],
        node_security_group: SecurityGroup,
        profile: IamInstanceProfile,
        image: DataAwsSsmParameter,
    ) -> None:
        super().__init__(scope, construct_id)
        self.groups: dict[str, AutoscalingGroup] = {}
        for group in spec.cluster.scaling_groups:
            name = node_group_asg(spec, group.name)
            instance_tags = {
                "Name": name, "Role": group.role, "NodeGroup": group.name, NODE_GROUP_LABEL: group.name,
                "Environment": spec.name, **cluster_tags(spec),
            }
            template = LaunchTemplate(
                self,
                f"template-{group.name}",
                name=name,
                image_id=image.value,
                instance_type=group.instance_type,
                vpc_security_group_ids=[node_security_group.id],
                iam_instance_profile=LaunchTemplateIamInstanceProfile(name=profile.name),
                metadata_options=LaunchTemplateMetadataOptions(
                    http_tokens="required", http_endpoint="enabled", http_put_response_hop_limit=METADATA_HOP_LIMIT
                ),
                block_device_mappings=[LaunchTemplateBlockDeviceMappings(
                    device_name="/dev/xvda",
                    ebs=LaunchTemplateBlockDeviceMappingsEbs(
                        volume_size=group.volume_gb, volume_type="gp3", encrypted="true", delete_on_termination="true"
                    ),
                )],
                # raw_string escapes the script's ${...} so Terraform leaves them to bash; the script stays readable
                # (and diffable) in the synthesized JSON
                user_data=Fn.base64encode(Fn.raw_string(user_data(spec, group))),
                tag_specifications=[
                    LaunchTemplateTagSpecifications(resource_type=kind, tags=instance_tags)
                    for kind in ("instance", "volume")
                ],
                update_default_version=True,
            )
            version = "$Latest"
            launch_template = None
            mixed = None
            if group.spot:
                mixed = AutoscalingGroupMixedInstancesPolicy(
                    launch_template=AutoscalingGroupMixedInstancesPolicyLaunchTemplate(
                        launch_template_specification=(
                            AutoscalingGroupMixedInstancesPolicyLaunchTemplateLaunchTemplateSpecification(
                                launch_template_id=template.id, version=version)
                        ),
                        override=[AutoscalingGroupMixedInstancesPolicyLaunchTemplateOverride(
                            instance_type=group.instance_type)],
                    ),
                    instances_distribution=AutoscalingGroupMixedInstancesPolicyInstancesDistribution(
                        on_demand_base_capacity=0,
                        on_demand_percentage_above_base_capacity=0,
                        spot_allocation_strategy="capacity-optimized",
                    ),
                )
            else:
                launch_template = AutoscalingGroupLaunchTemplate(id=template.id, version=version)
            tags = {**autoscaler_tags(spec, group), "Name": name}
            self.groups[group.name] = AutoscalingGroup(
                self,
                f"group-{group.name}",
                name=name,
                vpc_zone_identifier=[subnet.id for subnet in private_subnets],
                launch_template=launch_template,
                mixed_instances_policy=mixed,
                capacity_rebalance=group.spot,
                health_check_type="EC2",
                # the cluster-autoscaler owns the desired capacity once the group exists
                lifecycle=TerraformResourceLifecycle(ignore_changes=["desired_capacity"]),
                tag=[AutoscalingGroupTag(key=key, value=value, propagate_at_launch=False)
                     for key, value in sorted(tags.items())],
                min_size=spec.cluster.min_size(group),
                max_size=spec.cluster.max_size(group),
                desired_capacity=group.count,
            )
