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


def cluster_name(spec: EnvironmentSpec) -> str:
    """The Kubernetes cluster's name (cluster-autoscaler tags, the ALB controller's ``clusterName``)."""
    return spec.prefix


def oidc_bucket(spec: EnvironmentSpec) -> str:
    """S3 bucket serving the service-account issuer's discovery document and JWKS (public, read-only)."""
    return f"{spec.prefix}-oidc"


DISCOVERY_KEY = ".well-known/openid-configuration"
"""Object key of the issuer's OIDC discovery document (written by the platform stack)."""
JWKS_KEY = "keys.json"
"""Object key of the issuer's public keys (written by ``ansible/post-install.yml``)."""


def oidc_issuer(spec: EnvironmentSpec) -> str:
    """The kube-apiserver's ``--service-account-issuer`` (the bucket's regional HTTPS URL)."""
    return f"https://{oidc_bucket(spec)}.s3.{spec.aws.region}.amazonaws.com"


def oidc_jwks_uri(spec: EnvironmentSpec) -> str:
    """The kube-apiserver's ``--service-account-jwks-uri`` (published by the control-plane play)."""
    return f"{oidc_issuer(spec)}/{JWKS_KEY}"


def ansible_transfer_bucket(spec: EnvironmentSpec) -> str:
    """S3 bucket the ``community.aws.aws_ssm`` connection moves files through."""
    return f"{spec.prefix}-ansible-ssm"


def platform_buckets(spec: EnvironmentSpec) -> list[str]:
    """The S3 buckets the platform stack creates (the state buckets belong to the bootstrap stack)."""
    return [oidc_bucket(spec), ansible_transfer_bucket(spec)]


def node_group_asg(spec: EnvironmentSpec, group: str) -> str:
    """Auto Scaling Group name of a node group."""
    return f"{spec.prefix}-{group}"


HEALTH_GATE = "health-gate"
"""Component name of the in-cluster health gate (``<env>-health-gate`` Application)."""


def health_gate_application(spec: EnvironmentSpec) -> str:
    """The environment's health-gate Application, which a promotion out of it syncs."""
    return application(spec, HEALTH_GATE)


def health_gate_environment(spec: EnvironmentSpec) -> str:
    """The GitHub environment holding the token a promotion out of ``spec`` asks the gate with."""
    return f"{spec.name}-{HEALTH_GATE}"
