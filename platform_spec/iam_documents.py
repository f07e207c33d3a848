"""IAM and resource policy documents of the environment's own resources and workload roles (no cdktf).

Least privilege: every statement lists its actions explicitly (no ``*`` in any action) and is
scoped to the environment's own resources where AWS supports resource-level permissions. The
roles of the platform stack (nodes, developers, flow logs) all carry the environment's
permissions boundary (:mod:`platform_spec.boundary`); the pipeline's own identities are in
:mod:`platform_spec.pipeline_identity`.
"""

from __future__ import annotations

from platform_spec import naming
from platform_spec.model import EnvironmentSpec
from platform_spec.policy import Policy, Statement, allow, document

SSM_MANAGED_INSTANCE_CORE = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
"""AWS managed policy attached to the node role (Session Manager, inventory)."""
SSM_MANAGED_INSTANCE_CORE_ACTIONS = (
    "ec2messages:AcknowledgeMessage", "ec2messages:DeleteMessage", "ec2messages:FailMessage",
    "ec2messages:GetEndpoint", "ec2messages:GetMessages", "ec2messages:SendReply",
    "ssm:DescribeAssociation", "ssm:DescribeDocument", "ssm:GetDeployablePatchSnapshotForInstance",
    "ssm:GetDocument", "ssm:GetManifest", "ssm:GetParameter", "ssm:GetParameters", "ssm:ListAssociations",
    "ssm:ListInstanceAssociations", "ssm:PutComplianceItems", "ssm:PutConfigurePackageResult", "ssm:PutInventory",
    "ssm:UpdateAssociationStatus", "ssm:UpdateInstanceAssociationStatus", "ssm:UpdateInstanceInformation",
    "ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
)
"""Actions of AmazonSSMManagedInstanceCore (default version v2, all on ``*``; AWS Managed Policy
Reference, as bundled in moto 5.2.5 ``iam/aws_managed_policies.py``)."""


def arn(spec: EnvironmentSpec, service: str, resource: str, *, region: bool = True) -> str:
    """An ARN in the environment's account (and region, for regional services)."""
    return f"arn:aws:{service}:{spec.aws.region if region else ''}:{spec.aws.account_id}:{resource}"


def parameters_arn(spec: EnvironmentSpec) -> str:
    """Every SSM parameter under the environment's root."""
    return arn(spec, "ssm", f"parameter{spec.ssm_root}/*")


def flow_log_group_arn(spec: EnvironmentSpec) -> str:
    """The VPC flow-log group (and its streams)."""
    return arn(spec, "logs", f"log-group:{naming.flow_log_group_name(spec)}")


def state_bucket_policy(spec: EnvironmentSpec) -> Policy:
    """Deny every non-TLS request to the state bucket."""
    return _tls_only(spec.state_bucket_name)


def _tls_only(bucket_name: str, *statements: Statement) -> Policy:
    bucket = f"arn:aws:s3:::{bucket_name}"
    return document(
        *statements,
        {
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": {"AWS": "*"},
            "Action": ["s3:DeleteObject", "s3:GetObject", "s3:ListBucket", "s3:PutObject"],
            "Resource": [bucket, f"{bucket}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        },
    )


def access_log_bucket_policy(spec: EnvironmentSpec) -> Policy:
    """Server access logs of the state bucket and of the platform stack's buckets may be written by the S3
    logging service, TLS only.

    Source: Amazon S3 User Guide, "Enabling Amazon S3 server access logging" (bucket policy for the
    ``logging.s3.amazonaws.com`` principal with ``aws:SourceArn`` and ``aws:SourceAccount``).
    """
    return _tls_only(
        spec.access_log_bucket_name,
        {
            "Sid": "S3ServerAccessLogs",
            "Effect": "Allow",
            "Principal": {"Service": "logging.s3.amazonaws.com"},
            "Action": ["s3:PutObject"],
            "Resource": f"arn:aws:s3:::{spec.access_log_bucket_name}/*",
            "Condition": {
                "ArnLike": {"aws:SourceArn": [f"arn:aws:s3:::{name}"
                                              for name in (spec.state_bucket_name, *naming.platform_buckets(spec))]},
                "StringEquals": {"aws:SourceAccount": spec.aws.account_id},
            },
        },
    )


KEY_ADMINISTRATION = (
    "kms:CancelKeyDeletion", "kms:CreateAlias", "kms:CreateGrant", "kms:Decrypt", "kms:DeleteAlias",
    "kms:DescribeKey", "kms:DisableKey", "kms:DisableKeyRotation", "kms:EnableKey", "kms:EnableKeyRotation",
    "kms:Encrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus", "kms:ListGrants", "kms:ListKeyPolicies", "kms:ListResourceTags",
    "kms:PutKeyPolicy", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:RetireGrant", "kms:RevokeGrant",
    "kms:ScheduleKeyDeletion", "kms:TagResource", "kms:UntagResource", "kms:UpdateAlias", "kms:UpdateKeyDescription",
)
"""What the account's IAM policies may be granted on the key (the default key policy's ``kms:*``,
spelled out)."""
KEY_USE_BY_LOGS = (
    "kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext",
    "kms:ReEncryptFrom", "kms:ReEncryptTo",
)


def environment_key_policy(spec: EnvironmentSpec) -> Policy:
    """Key policy of the environment's customer-managed key.

    The account statement lets IAM policies grant use of the key (AWS KMS Developer Guide,
    "Default key policy"); CloudWatch Logs may use it for the environment's own log groups only
    (CloudWatch Logs User Guide, "Encrypt log data in CloudWatch Logs using AWS KMS").
    """
    return document(
        {
            "Sid": "AccountIamPolicies",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{spec.aws.account_id}:root"},
            "Action": list(KEY_ADMINISTRATION),
            "Resource": "*",
        },
        {
            "Sid": "CloudWatchLogsOfTheEnvironment",
            "Effect": "Allow",
            "Principal": {"Service": f"logs.{spec.aws.region}.amazonaws.com"},
            "Action": list(KEY_USE_BY_LOGS),
            "Resource": "*",
            "Condition": {
                "ArnLike": {"kms:EncryptionContext:aws:logs:arn": arn(spec, "logs", f"log-group:{spec.prefix}-*")}
            },
        },
    )


def service_trust_policy(service: str, spec: EnvironmentSpec | None = None) -> Policy:
    """Trust policy of a role assumed by an AWS service (confused-deputy guard when ``spec`` is given)."""
    statement: Statement = {"Effect": "Allow", "Principal": {"Service": service}, "Action": ["sts:AssumeRole"]}
    if spec is not None:
        statement["Condition"] = {"StringEquals": {"aws:SourceAccount": spec.aws.account_id}}
    return document(statement)


def node_trust_policy() -> Policy:
    """Trust policy of the cluster nodes' instance role."""
    return service_trust_policy("ec2.amazonaws.com")


def read_own_parameters(spec: EnvironmentSpec, key_arn: str) -> list[Statement]:
    """Read the environment's parameters, SecureStrings included (decrypt through SSM only)."""
    return [
        allow("ReadEnvironmentParameters", ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"],
              [parameters_arn(spec)]),
        allow("DecryptEnvironmentSecureStrings", ["kms:Decrypt"], [key_arn],
              {"StringEquals": {"kms:ViaService": f"ssm.{spec.aws.region}.amazonaws.com"}}),
    ]


def node_policy(spec: EnvironmentSpec, key_arn: str) -> Policy:
    """What nodes may do: read the join parameters (Auto Scaling nodes join on their own) and describe EC2.

    Add-ons get their AWS permissions from their own roles (IRSA, ``addon_policies.py``), never from the node.
    """
    return document(
        allow("ReadJoinParameters", ["ssm:GetParameter"],
              [arn(spec, "ssm", f"parameter{spec.ssm_root}/cluster/join/*")]),
        allow("DecryptJoinToken", ["kms:Decrypt"], [key_arn],
              {"StringEquals": {"kms:ViaService": f"ssm.{spec.aws.region}.amazonaws.com"}}),
        allow("DescribeForCloudProvider",
              ["ec2:DescribeAvailabilityZones", "ec2:DescribeInstances", "ec2:DescribeRegions"], ["*"]),
    )


def developer_trust_policy(spec: EnvironmentSpec) -> Policy:
    """Trust policy of the developer role (only environments that allow developers)."""
    return document(
        {
            "Sid": "Developers",
            "Effect": "Allow",
            "Principal": {"AWS": sorted(spec.access.developer_principals)},
            "Action": ["sts:AssumeRole"],
        }
    )


def developer_policy(spec: EnvironmentSpec, key_arn: str) -> Policy:
    """What developers may do in their environment: read parameters, inspect, reach nodes via SSM."""
    return document(
        *read_own_parameters(spec, key_arn),
        allow("Inspect", ["ec2:DescribeInstances", "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets",
                          "ec2:DescribeVpcs"], ["*"]),
        allow("SessionsToOwnNodes", ["ssm:StartSession"], [arn(spec, "ec2", "instance/*")],
              {"StringEquals": {"aws:ResourceTag/Environment": spec.name}}),
    )


def flow_log_trust_policy(spec: EnvironmentSpec) -> Policy:
    """Trust policy of the role VPC Flow Logs assumes to publish to CloudWatch Logs."""
    return service_trust_policy("vpc-flow-logs.amazonaws.com", spec)


def flow_log_policy(spec: EnvironmentSpec) -> Policy:
    """Publish flow logs to the environment's log group only (Amazon VPC User Guide, "IAM role for
    publishing flow logs to CloudWatch Logs"). ``logs:DescribeLogGroups`` has no resource type (Service
    Authorization Reference): AWS authorizes it on ``*`` only."""
    group = flow_log_group_arn(spec)
    return document(
        allow("PublishFlowLogs", ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
              [group, f"{group}:log-stream:*"]),
        allow("FindTheLogGroup", ["logs:DescribeLogGroups"], ["*"]),
    )
