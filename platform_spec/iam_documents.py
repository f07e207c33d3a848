"""IAM policy documents of an environment, as plain data (no cdktf).

Least privilege: every statement lists its actions explicitly (no ``*`` in any action) and is
scoped to the environment's own resources where AWS supports resource-level permissions.
"""

from __future__ import annotations

import json
from typing import Any

from platform_spec.model import EnvironmentSpec

GITHUB_OIDC_HOST = "token.actions.githubusercontent.com"
GITHUB_OIDC_THUMBPRINT = "6938fd4d98bab03faadb97b34396831e3780aea1"

Policy = dict[str, Any]


def to_json(policy: Policy) -> str:
    """Serialise a policy deterministically."""
    return json.dumps(policy, sort_keys=True, separators=(",", ":"))


def _document(*statements: Policy) -> Policy:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def state_bucket_policy(spec: EnvironmentSpec) -> Policy:
    """Deny every non-TLS request to the state bucket."""
    bucket = f"arn:aws:s3:::{spec.state_bucket_name}"
    return _document(
        {
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": {"AWS": "*"},
            "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket"],
            "Resource": [bucket, f"{bucket}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }
    )


def github_subjects(spec: EnvironmentSpec) -> list[str]:
    """OIDC `sub` claims of the release pipeline's runs allowed into this environment."""
    repository = spec.access.release_pipeline.github_repository
    subjects = []
    for ref in spec.git.refs:
        kind = "tags" if ref.startswith("v") else "heads"
        subjects.append(f"repo:{repository}:ref:refs/{kind}/{ref}")
    subjects.append(f"repo:{repository}:environment:{spec.name}")
    return sorted(subjects)


def oidc_provider_arn(spec: EnvironmentSpec) -> str:
    """ARN of the account's GitHub OIDC provider."""
    return f"arn:aws:iam::{spec.aws.account_id}:oidc-provider/{GITHUB_OIDC_HOST}"


def release_trust_policy(spec: EnvironmentSpec) -> Policy:
    """Trust policy of the release role: only GitHub Actions runs of the environment's refs."""
    return _document(
        {
            "Sid": "GitHubActionsRelease",
            "Effect": "Allow",
            "Principal": {"Federated": oidc_provider_arn(spec)},
            "Action": ["sts:AssumeRoleWithWebIdentity"],
            "Condition": {
                "StringEquals": {f"{GITHUB_OIDC_HOST}:aud": "sts.amazonaws.com"},
                "StringLike": {f"{GITHUB_OIDC_HOST}:sub": github_subjects(spec)},
            },
        }
    )


def developer_trust_policy(spec: EnvironmentSpec) -> Policy:
    """Trust policy of the developer role (only environments that allow developers)."""
    return _document(
        {
            "Sid": "Developers",
            "Effect": "Allow",
            "Principal": {"AWS": sorted(spec.access.developer_principals)},
            "Action": ["sts:AssumeRole"],
        }
    )


def node_trust_policy() -> Policy:
    """Trust policy of the cluster nodes' instance role."""
    return _document(
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": ["sts:AssumeRole"]}
    )


def _ssm_arn(spec: EnvironmentSpec) -> str:
    return f"arn:aws:ssm:{spec.aws.region}:{spec.aws.account_id}:parameter{spec.ssm_root}/*"


def _read_own_parameters(spec: EnvironmentSpec) -> Policy:
    return {
        "Sid": "ReadEnvironmentParameters",
        "Effect": "Allow",
        "Action": ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"],
        "Resource": [_ssm_arn(spec)],
    }


def node_policy(spec: EnvironmentSpec) -> Policy:
    """What nodes may do: read the join parameters (Auto Scaling nodes join on their own) and describe EC2.

    Add-ons get their AWS permissions from their own roles (IRSA, ``addon_policies.py``), never from the node.
    """
    join = f"arn:aws:ssm:{spec.aws.region}:{spec.aws.account_id}:parameter{spec.ssm_root}/cluster/join/*"
    return _document(
        {
            "Sid": "ReadJoinParameters",
            "Effect": "Allow",
            "Action": ["ssm:GetParameter"],
            "Resource": [join],
        },
        {
            "Sid": "DescribeForCloudProvider",
            "Effect": "Allow",
            "Action": ["ec2:DescribeInstances", "ec2:DescribeRegions", "ec2:DescribeAvailabilityZones"],
            "Resource": ["*"],
        },
    )


def developer_policy(spec: EnvironmentSpec) -> Policy:
    """What developers may do in their environment: read parameters, inspect, reach nodes via SSM."""
    return _document(
        _read_own_parameters(spec),
        {
            "Sid": "Inspect",
            "Effect": "Allow",
            "Action": [
                "ec2:DescribeInstances",
                "ec2:DescribeSecurityGroups",
                "ec2:DescribeSubnets",
                "ec2:DescribeVpcs",
            ],
            "Resource": ["*"],
        },
        {
            "Sid": "SessionsToOwnNodes",
            "Effect": "Allow",
            "Action": ["ssm:StartSession"],
            "Resource": [f"arn:aws:ec2:{spec.aws.region}:{spec.aws.account_id}:instance/*"],
            "Condition": {"StringEquals": {"aws:ResourceTag/Environment": spec.name}},
        },
    )


def release_policy(spec: EnvironmentSpec) -> Policy:
    """What the release pipeline may do: use this environment's state and manage its parameters.

    Infrastructure changes beyond state and parameters are applied through a separately reviewed
    permissions boundary in the account; this role deliberately cannot touch another
    environment's state bucket, lock table or SSM path.
    """
    bucket = f"arn:aws:s3:::{spec.state_bucket_name}"
    table = f"arn:aws:dynamodb:{spec.aws.region}:{spec.aws.account_id}:table/{spec.lock_table_name}"
    return _document(
        {
            "Sid": "TerraformState",
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
            "Resource": [f"{bucket}/{spec.state_key}"],
        },
        {"Sid": "TerraformStateList", "Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": [bucket]},
        {
            "Sid": "TerraformLock",
            "Effect": "Allow",
            "Action": ["dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"],
            "Resource": [table],
        },
        {
            "Sid": "EnvironmentParameters",
            "Effect": "Allow",
            "Action": [
                "ssm:AddTagsToResource",
                "ssm:DeleteParameter",
                "ssm:GetParameter",
                "ssm:GetParameters",
                "ssm:ListTagsForResource",
                "ssm:PutParameter",
            ],
            "Resource": [_ssm_arn(spec)],
        },
    )
