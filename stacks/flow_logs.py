"""VPC flow logs: every accepted and rejected flow of the VPC, to an encrypted CloudWatch Logs group."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from cdktf_cdktf_provider_aws.flow_log import FlowLog
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from constructs import Construct

from platform_spec import naming
from platform_spec.iam_documents import flow_log_policy, flow_log_trust_policy
from platform_spec.model import EnvironmentSpec
from platform_spec.policy import to_json

AGGREGATION_SECONDS = 600
"""Flow records are aggregated over 10 minutes (the AWS default; 60 costs more)."""


class FlowLogs(Construct):
    """Log group (KMS-encrypted with the environment key, retention from the spec), delivery role, flow log."""

    def __init__(self, scope: Construct, construct_id: str, *, spec: EnvironmentSpec, vpc_id: str,
                 key_arn: str) -> None:
        super().__init__(scope, construct_id)
        name = naming.flow_log_group_name(spec)
        group = CloudwatchLogGroup(self, "group", name=name, retention_in_days=spec.network.flow_log_retention_days,
                                   kms_key_id=key_arn)
        role = IamRole(self, "role", name=name, assume_role_policy=to_json(flow_log_trust_policy(spec)),
                       permissions_boundary=naming.boundary_policy_arn(spec))
        IamRolePolicy(self, "policy", name=name, role=role.id, policy=to_json(flow_log_policy(spec)))
        FlowLog(self, "vpc", vpc_id=vpc_id, traffic_type="ALL", log_destination_type="cloud-watch-logs",
                log_destination=group.arn, iam_role_arn=role.arn, max_aggregation_interval=AGGREGATION_SECONDS,
                tags={"Name": name})
