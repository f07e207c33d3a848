"""One IAM role per add-on (``platform_spec/addons.py``), trusting only its service account (IRSA)."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.iam_openid_connect_provider import IamOpenidConnectProvider
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment
from constructs import Construct

from platform_spec.addon_policies import inline_policy, irsa_trust_policy, managed_policies
from platform_spec.addons import ADDONS
from platform_spec.model import EnvironmentSpec
from platform_spec.naming import boundary_policy_arn
from platform_spec.policy import to_json


class AddonRoles(Construct):
    """``<prefix>-<add-on>`` roles with their upstream-documented permissions, under the permissions boundary.

    Inputs: the OIDC provider and the public zone id (external-dns is scoped to it). Output: ``roles`` by
    add-on name.
    """

    def __init__(
        self, scope: Construct, construct_id: str, *, spec: EnvironmentSpec, provider: IamOpenidConnectProvider,
        zone_id: str,
    ) -> None:
        super().__init__(scope, construct_id)
        self.roles: dict[str, IamRole] = {}
        for identity in ADDONS:
            name = identity.role_name(spec)
            role = IamRole(
                self, f"{identity.name}-role", name=name, max_session_duration=3600,
                assume_role_policy=to_json(irsa_trust_policy(spec, identity, provider.arn)),
                permissions_boundary=boundary_policy_arn(spec),
            )
            policy = inline_policy(spec, identity, zone_id)
            if policy is not None:
                IamRolePolicy(self, f"{identity.name}-policy", name=name, role=role.id, policy=to_json(policy))
            for arn in managed_policies(identity):
                IamRolePolicyAttachment(self, f"{identity.name}-{arn.rsplit('/', 1)[-1]}", role=role.name,
                                        policy_arn=arn)
            self.roles[identity.name] = role
