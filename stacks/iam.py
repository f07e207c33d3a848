"""Access: the release pipeline's role (GitHub OIDC) and, where allowed, the developer role."""

from __future__ import annotations

from cdktf import ITerraformDependable
from cdktf_cdktf_provider_aws.iam_openid_connect_provider import IamOpenidConnectProvider
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from constructs import Construct

from platform_spec.iam_documents import (
    GITHUB_OIDC_HOST,
    GITHUB_OIDC_THUMBPRINT,
    developer_policy,
    developer_trust_policy,
    release_policy,
    release_trust_policy,
    to_json,
)
from platform_spec.model import EnvironmentSpec


class Access(Construct):
    """IAM roles of the environment.

    Outputs: ``release_role`` (always) and ``developer_role`` (``None`` unless the spec lets
    developers assume a role, which the spec only allows outside staging and prod).
    """

    def __init__(self, scope: Construct, construct_id: str, *, spec: EnvironmentSpec) -> None:
        super().__init__(scope, construct_id)
        prefix = spec.prefix
        depends_on: list[ITerraformDependable] = []
        if spec.access.release_pipeline.create_oidc_provider:
            depends_on.append(
                IamOpenidConnectProvider(
                    self,
                    "github-oidc",
                    url=f"https://{GITHUB_OIDC_HOST}",
                    client_id_list=["sts.amazonaws.com"],
                    thumbprint_list=[GITHUB_OIDC_THUMBPRINT],
                )
            )
        self.release_role = self._role("release", prefix, to_json(release_trust_policy(spec)), depends_on)
        IamRolePolicy(
            self, "release-policy", name=f"{prefix}-release", role=self.release_role.id,
            policy=to_json(release_policy(spec)),
        )
        self.developer_role: IamRole | None = None
        if spec.access.developers_may_assume:
            self.developer_role = self._role("developer", prefix, to_json(developer_trust_policy(spec)), [])
            IamRolePolicy(
                self, "developer-policy", name=f"{prefix}-developer", role=self.developer_role.id,
                policy=to_json(developer_policy(spec)),
            )

    def _role(self, name: str, prefix: str, trust: str, depends_on: list[ITerraformDependable]) -> IamRole:
        return IamRole(
            self, f"{name}-role", name=f"{prefix}-{name}", assume_role_policy=trust,
            max_session_duration=3600, depends_on=depends_on or None,
        )
