"""Access: the developer role, where the spec allows developers (the pipeline's roles are the bootstrap's)."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from constructs import Construct

from platform_spec import naming
from platform_spec.iam_documents import developer_policy, developer_trust_policy
from platform_spec.model import EnvironmentSpec
from platform_spec.pipeline_identity import MAX_SESSION_SECONDS
from platform_spec.policy import to_json


class Access(Construct):
    """IAM roles of the environment for people.

    Output: ``developer_role`` (``None`` unless the spec lets developers assume a role, which the spec
    only allows outside staging and prod). It carries the permissions boundary like every role here.
    """

    def __init__(self, scope: Construct, construct_id: str, *, spec: EnvironmentSpec, key_arn: str) -> None:
        super().__init__(scope, construct_id)
        self.developer_role: IamRole | None = None
        if spec.access.developers_may_assume:
            name = naming.role_name(spec, "developer")
            self.developer_role = IamRole(
                self, "developer-role", name=name, assume_role_policy=to_json(developer_trust_policy(spec)),
                max_session_duration=MAX_SESSION_SECONDS, permissions_boundary=naming.boundary_policy_arn(spec),
            )
            IamRolePolicy(self, "developer-policy", name=name, role=self.developer_role.id,
                          policy=to_json(developer_policy(spec, key_arn)))
