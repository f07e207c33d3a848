"""Names other systems know an environment by, derived from the spec in one place.

The resource prefix, state bucket, lock table and SSM root are properties of
``EnvironmentSpec``; this module adds the names that pipelines, Argo CD and the stacks share.
"""

from __future__ import annotations

from platform_spec.model import EnvironmentSpec

DEPLOY = "deploy"
"""The release pipeline's deploy role: ``<prefix>-deploy`` (created by the bootstrap stack)."""
PLAN = "plan"
"""The read-only role of plans and drift checks: ``<prefix>-plan`` (created by the bootstrap stack)."""


def role_name(spec: EnvironmentSpec, purpose: str) -> str:
    """IAM role name of the environment, e.g. ``sesacthon-stg-deploy``."""
    return f"{spec.prefix}-{purpose}"


def role_arn(spec: EnvironmentSpec, purpose: str) -> str:
    """IAM role ARN in the environment's account."""
    return f"arn:aws:iam::{spec.aws.account_id}:role/{role_name(spec, purpose)}"


def deploy_role_arn(spec: EnvironmentSpec) -> str:
    """The release pipeline's deploy role, assumed through GitHub OIDC from the environment's jobs."""
    return role_arn(spec, DEPLOY)


def plan_role_arn(spec: EnvironmentSpec) -> str:
    """The read-only plan role (pull-request plans, drift checks)."""
    return role_arn(spec, PLAN)


def boundary_policy_name(spec: EnvironmentSpec) -> str:
    """The permissions boundary every role of the platform stack carries."""
    return f"{spec.prefix}-boundary"


def boundary_policy_arn(spec: EnvironmentSpec) -> str:
    """ARN of :func:`boundary_policy_name` (a customer-managed policy of the bootstrap stack)."""
    return f"arn:aws:iam::{spec.aws.account_id}:policy/{boundary_policy_name(spec)}"


def environment_key_alias(spec: EnvironmentSpec) -> str:
    """Alias of the environment's customer-managed KMS key (SecureStrings, flow-log group)."""
    return f"alias/{spec.prefix}"


def flow_log_group_name(spec: EnvironmentSpec) -> str:
    """CloudWatch Logs group of the VPC flow logs."""
    return f"{spec.prefix}-vpc-flow-logs"


def root_application(spec: EnvironmentSpec) -> str:
    """Name of the environment's Argo CD root (App-of-Apps) Application."""
    return f"root-{spec.name}"


def application(spec: EnvironmentSpec, component: str) -> str:
    """Name of the Argo CD Application of one wave-plan component."""
    return f"{spec.name}-{component}"
