"""Names other systems know an environment by, derived from the spec in one place.

The resource prefix, state bucket, lock table and SSM root are properties of
``EnvironmentSpec``; this module adds the names that pipelines, Argo CD and the stacks share.
"""

from __future__ import annotations

from platform_spec.model import EnvironmentSpec


def role_name(spec: EnvironmentSpec, purpose: str) -> str:
    """IAM role name of the environment, e.g. ``sesacthon-stg-release``."""
    return f"{spec.prefix}-{purpose}"


def role_arn(spec: EnvironmentSpec, purpose: str) -> str:
    """IAM role ARN in the environment's account."""
    return f"arn:aws:iam::{spec.aws.account_id}:role/{role_name(spec, purpose)}"


def release_role_arn(spec: EnvironmentSpec) -> str:
    """The release pipeline's role, assumed through GitHub OIDC."""
    return role_arn(spec, "release")


def root_application(spec: EnvironmentSpec) -> str:
    """Name of the environment's Argo CD root (App-of-Apps) Application."""
    return f"root-{spec.name}"


def application(spec: EnvironmentSpec, component: str) -> str:
    """Name of the Argo CD Application of one wave-plan component."""
    return f"{spec.name}-{component}"
