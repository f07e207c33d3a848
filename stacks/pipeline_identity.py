"""The release pipeline's identities: GitHub OIDC provider, deploy and plan roles, permissions boundary."""

from __future__ import annotations

from collections.abc import Callable

from cdktf import ITerraformDependable
from cdktf_cdktf_provider_aws.iam_openid_connect_provider import IamOpenidConnectProvider
from cdktf_cdktf_provider_aws.iam_policy import IamPolicy
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment
from constructs import Construct

from platform_spec import naming
from platform_spec.boundary import boundary_policy
from platform_spec.model import EnvironmentSpec
from platform_spec.pipeline_identity import (
    GITHUB_OIDC_AUDIENCE,
    GITHUB_OIDC_HOST,
    GITHUB_OIDC_THUMBPRINT,
    MAX_SESSION_SECONDS,
    deploy_policies,
    deploy_trust_policy,
    key_arn_placeholder,
    plan_policies,
    plan_trust_policy,
)
from platform_spec.policy import Policy, to_json


class PipelineIdentity(Construct):
    """OIDC provider (when the spec's account needs one), boundary, ``<prefix>-deploy`` and ``<prefix>-plan``.

    Inputs: the spec and the environment key's ARN (a token: the documents are built and sized with a
    placeholder of the same length, then the token takes its place). Outputs: ``deploy_role``,
    ``plan_role``, ``boundary``.
    """

    def __init__(self, scope: Construct, construct_id: str, *, spec: EnvironmentSpec, key_arn: str) -> None:
        super().__init__(scope, construct_id)
        placeholder = key_arn_placeholder(spec)
        self._key_json: Callable[[Policy], str] = lambda policy: to_json(policy).replace(placeholder, key_arn)
        depends_on: list[ITerraformDependable] = []
        if spec.access.release_pipeline.create_oidc_provider:
            depends_on.append(IamOpenidConnectProvider(
                self, "github-oidc", url=f"https://{GITHUB_OIDC_HOST}", client_id_list=[GITHUB_OIDC_AUDIENCE],
                thumbprint_list=[GITHUB_OIDC_THUMBPRINT],
            ))
        self.boundary = IamPolicy(
            self, "boundary", name=naming.boundary_policy_name(spec),
            policy=self._key_json(boundary_policy(spec, placeholder)),
            description=f"Permissions boundary of every role the {spec.platform_stack} stack creates",
        )
        self.deploy_role = self._role(spec, naming.DEPLOY, deploy_trust_policy(spec),
                                      deploy_policies(spec, placeholder), depends_on)
        self.plan_role = self._role(spec, naming.PLAN, plan_trust_policy(spec), plan_policies(spec, placeholder),
                                    depends_on)

    def _role(self, spec: EnvironmentSpec, purpose: str, trust: Policy, policies: list[Policy],
              depends_on: list[ITerraformDependable]) -> IamRole:
        name = naming.role_name(spec, purpose)
        role = IamRole(self, f"{purpose}-role", name=name, assume_role_policy=to_json(trust),
                       max_session_duration=MAX_SESSION_SECONDS, depends_on=depends_on or None)
        for index, policy in enumerate(policies, start=1):
            managed = IamPolicy(self, f"{purpose}-policy-{index}", name=f"{name}-{index}",
                                policy=self._key_json(policy))
            IamRolePolicyAttachment(self, f"{purpose}-policy-{index}-attachment", role=role.name,
                                    policy_arn=managed.arn)
        return role
