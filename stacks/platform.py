"""The per-environment stacks: ``<env>-bootstrap`` (applied once by an administrator, local state) and
``<env>`` (the platform, deployed by the release pipeline's deploy role)."""

from __future__ import annotations

from pathlib import Path

from cdktf import LocalBackend, S3Backend, TerraformStack
from cdktf_cdktf_provider_aws.data_aws_kms_alias import DataAwsKmsAlias
from cdktf_cdktf_provider_aws.provider import AwsProvider, AwsProviderDefaultTags
from constructs import Construct

from platform_spec import naming
from platform_spec.model import EnvironmentSpec
from platform_spec.naming import oidc_issuer
from stacks.addon_roles import AddonRoles
from stacks.ansible_access import AnsibleAccess
from stacks.cluster import Cluster
from stacks.dns import Dns
from stacks.environment_key import EnvironmentKey
from stacks.flow_logs import FlowLogs
from stacks.iam import Access
from stacks.irsa import Irsa
from stacks.network import Network
from stacks.node_groups import NodeGroups
from stacks.parameters import NodeGroupOutput, NodeOutput, OutputValue, Parameters, outputs
from stacks.pipeline_identity import PipelineIdentity
from stacks.security_groups import SecurityGroups
from stacks.state_backend import StateBackend

LOCAL_STATE_DIR = Path(".state")
"""Where the bootstrap stacks keep their local state, relative to the project root."""


def _provider(scope: Construct, spec: EnvironmentSpec) -> None:
    AwsProvider(
        scope,
        "aws",
        region=spec.aws.region,
        allowed_account_ids=[spec.aws.account_id],
        skip_metadata_api_check="true",
        default_tags=[
            AwsProviderDefaultTags(
                tags={
                    "Environment": spec.name,
                    "Project": spec.project,
                    "Owner": spec.operated_by,
                    "ManagedBy": "cdktf",
                    "Tier": spec.tier,
                }
            )
        ],
    )


class BootstrapStack(TerraformStack):
    """``<env>-bootstrap``: everything the release pipeline needs before its first deploy, with local state.

    State bucket (+ access-log bucket) and lock table, the environment's KMS key, the GitHub OIDC
    provider (once per account), the permissions boundary, the deploy and plan roles (the model is
    AWS CDK's ``cdk bootstrap``: an administrator applies it once; the stack it serves cannot change it).
    """

    def __init__(self, scope: Construct, spec: EnvironmentSpec) -> None:
        super().__init__(scope, spec.bootstrap_stack)
        _provider(self, spec)
        # Relative to the stack's working directory cdktf.out/stacks/<stack>/.
        LocalBackend(self, path=f"../../../{LOCAL_STATE_DIR}/{spec.bootstrap_stack}.tfstate")
        backend = StateBackend(self, "state", spec=spec)
        key = EnvironmentKey(self, "key", spec=spec)
        identity = PipelineIdentity(self, "pipeline", spec=spec, key_arn=key.key.arn)
        values: dict[str, OutputValue] = {
            "state_bucket": backend.bucket.bucket,
            "access_log_bucket": backend.log_bucket.bucket,
            "key_arn": key.key.arn,
            "deploy_role_arn": identity.deploy_role.arn,
            "plan_role_arn": identity.plan_role.arn,
            "boundary_arn": identity.boundary.arn,
        }
        if backend.lock_table is not None:
            values["lock_table"] = backend.lock_table.name
        outputs(self, values)


class PlatformStack(TerraformStack):
    """``<env>``: network, security groups, nodes, IAM, DNS and SSM parameters of one environment.

    Its state lives only in the environment's own bucket and lock table.
    """

    def __init__(self, scope: Construct, spec: EnvironmentSpec) -> None:
        super().__init__(scope, spec.platform_stack)
        _provider(self, spec)
        backend = S3Backend(
            self,
            bucket=spec.state_bucket_name,
            key=spec.state_key,
            region=spec.aws.region,
            dynamodb_table=spec.lock_table_name if spec.uses_lock_table else None,
            encrypt=True,
        )
        if spec.uses_lock_file:  # cdktf 0.21's S3Backend predates Terraform 1.10's `use_lockfile`
            backend.add_override("use_lockfile", True)
        key_arn = DataAwsKmsAlias(self, "environment-key", name=naming.environment_key_alias(spec)).target_key_arn
        network = Network(self, "network", spec=spec)
        FlowLogs(self, "flow-logs", spec=spec, vpc_id=network.vpc.id, key_arn=key_arn)
        groups = SecurityGroups(self, "security-groups", spec=spec, vpc_id=network.vpc.id)
        cluster = Cluster(
            self,
            "cluster",
            spec=spec,
            private_subnets=network.private_subnets_by_zone,
            node_security_group=groups.nodes,
            control_plane_security_group=groups.control_plane,
            key_arn=key_arn,
        )
        node_groups = NodeGroups(
            self, "node-groups", spec=spec, private_subnets=network.private_subnets,
            node_security_group=groups.nodes, profile=cluster.profile, image=cluster.image,
        )
        access = Access(self, "access", spec=spec, key_arn=key_arn)
        control_plane_ips = [instance.private_ip for _, instance in cluster.instances]
        dns = Dns(self, "dns", spec=spec, vpc=network.vpc, control_plane_ips=control_plane_ips)
        irsa = Irsa(self, "irsa", spec=spec)
        addon_roles = AddonRoles(self, "addon-roles", spec=spec, provider=irsa.provider, zone_id=dns.zone.zone_id)
        transfer = AnsibleAccess(self, "ansible-access", spec=spec)

        api_endpoint = f"https://{spec.dns.api_name}:6443"
        Parameters(
            self,
            "parameters",
            spec=spec,
            values={
                "network/vpc-id": network.vpc.id,
                "network/public-subnets": [subnet.id for subnet in network.public_subnets],
                "network/private-subnets": [subnet.id for subnet in network.private_subnets],
                "network/sg-alb": groups.alb.id,
                "network/sg-nodes": groups.nodes.id,
                "ingress/acm-arn": dns.certificate_arn,
                "dns/zone-id": dns.zone.zone_id,
                "dns/name-servers": dns.zone.name_servers,
                "cluster/region": spec.aws.region,
                "cluster/domain": spec.dns.domain,
                "cluster/api-endpoint": api_endpoint,
                "cluster/oidc-issuer": oidc_issuer(spec),
                "cluster/nodes/control-plane": control_plane_ips,
            },
        )
        nodes: dict[str, NodeOutput] = {
            node.name: {
                "role": node.group.role,
                "group": node.group.name,
                "zone": node.zone,
                "private_ip": instance.private_ip,
                "instance_id": instance.id,
                "services": list(node.group.services),
            }
            for node, instance in cluster.instances
        }
        scaling: dict[str, NodeGroupOutput] = {
            name: {"asg_name": group.name, "min_size": group.min_size, "max_size": group.max_size}
            for name, group in node_groups.groups.items()
        }
        outputs(
            self,
            {
                "vpc_id": network.vpc.id,
                "public_subnet_ids": [subnet.id for subnet in network.public_subnets],
                "private_subnet_ids": [subnet.id for subnet in network.private_subnets],
                "sg_alb_id": groups.alb.id,
                "api_endpoint": api_endpoint,
                "zone_id": dns.zone.zone_id,
                "developer_role_arn": access.developer_role.arn if access.developer_role else "",
                "nodes": nodes,
                "node_groups": scaling,
                "name_servers": dns.zone.name_servers,
                "oidc_provider_arn": irsa.provider.arn,
                "ansible_transfer_bucket": transfer.bucket.bucket,
                "addon_role_arns": {name: role.arn for name, role in addon_roles.roles.items()},
            },
        )
