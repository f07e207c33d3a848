"""The identities the e2e test acts as, under moto's IAM enforcement.

GitHub's OIDC token cannot be had offline (and moto 5.2.5 answers ``AssumeRoleWithWebIdentity`` with
HTTP 500 under enforcement), so a stand-in IAM user, allowed nothing but ``sts:AssumeRole`` on the
pipeline's roles, is added to their trust *out of band* after the generated trust policy has been
checked as deployed. Everything after that runs with the role sessions' own permissions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from platform_spec import naming
from platform_spec.model import EnvironmentSpec
from platform_spec.pipeline_identity import deploy_trust_policy, plan_trust_policy
from tests.e2e.conftest import MotoServer

STAND_IN = "github-actions-stand-in"
"""The IAM user standing in for GitHub Actions' OIDC federation."""
DEVELOPERS = "sesacthon-developers"
"""The developer principal of dev's spec (``access.developer_principals``), created by the test."""


@dataclass
class Identities:
    """One environment's administrator and the stand-in user that assumes its pipeline roles."""

    moto: MotoServer
    spec: EnvironmentSpec
    admin: dict[str, str]
    stand_in: dict[str, str]

    def deploy(self) -> dict[str, str]:
        """A session of the environment's deploy role."""
        return self.moto.assume(self.stand_in, naming.deploy_role_arn(self.spec), "e2e-deploy")

    def plan(self) -> dict[str, str]:
        """A session of the environment's read-only plan role."""
        return self.moto.assume(self.stand_in, naming.plan_role_arn(self.spec), "e2e-plan")

    def developer(self) -> dict[str, str]:
        """A session of the developer role, reached like a developer would: through ``sesacthon-developers``."""
        developers = self.moto.assume(self.stand_in, f"arn:aws:iam::{self.spec.aws.account_id}:role/{DEVELOPERS}",
                                      "e2e-developer")
        return self.moto.assume(developers, naming.role_arn(self.spec, "developer"), "e2e-developer")

    def client(self, service: str, credentials: dict[str, str] | None = None) -> Any:
        return self.moto.client(service, credentials or self.admin, self.spec.aws.region)


def _statement_for(user_arn: str) -> dict[str, Any]:
    return {"Sid": "E2eStandIn", "Effect": "Allow", "Principal": {"AWS": user_arn}, "Action": "sts:AssumeRole"}


def stand_in(moto: MotoServer, spec: EnvironmentSpec) -> Identities:
    """Check the deployed trust of the pipeline roles, then let the stand-in user assume them."""
    admin = moto.admin(spec.aws.account_id)
    iam = moto.client("iam", admin)
    account = spec.aws.account_id
    user_arn = f"arn:aws:iam::{account}:user/{STAND_IN}"
    roles = [naming.deploy_role_arn(spec), naming.plan_role_arn(spec)]
    developers = f"arn:aws:iam::{account}:role/{DEVELOPERS}"
    iam.create_user(UserName=STAND_IN)
    iam.put_user_policy(UserName=STAND_IN, PolicyName="assume-pipeline-roles", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": [*roles, developers]}],
    }))
    key = iam.create_access_key(UserName=STAND_IN)["AccessKey"]
    for role_arn, generated in zip(roles, (deploy_trust_policy(spec), plan_trust_policy(spec)), strict=True):
        name = role_arn.rsplit("/", 1)[1]
        deployed = iam.get_role(RoleName=name)["Role"]["AssumeRolePolicyDocument"]
        deployed = json.loads(deployed) if isinstance(deployed, str) else deployed
        assert deployed == generated, f"{name}: the deployed trust policy is not the generated one"
        trust = {**generated, "Statement": [*generated["Statement"], _statement_for(user_arn)]}
        iam.update_assume_role_policy(RoleName=name, PolicyDocument=json.dumps(trust))
    if spec.access.developers_may_assume:
        iam.create_role(RoleName=DEVELOPERS, AssumeRolePolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [_statement_for(user_arn)]}))
        iam.put_role_policy(RoleName=DEVELOPERS, PolicyName="assume-developer", PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                           "Resource": naming.role_arn(spec, "developer")}],
        }))
    return Identities(moto, spec, admin, {"AWS_ACCESS_KEY_ID": key["AccessKeyId"],
                                          "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"]})
