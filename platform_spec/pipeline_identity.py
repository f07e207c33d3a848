"""The release pipeline's identities (created by the bootstrap stack): trust and permissions.

* **deploy role** ``<prefix>-deploy``: assumed only by GitHub Actions jobs running in the GitHub
  environment of the same name (``sub`` = ``repo:<repo>:environment:<env>``, no wildcard); may use the
  state and do exactly what the platform stack's resource types need (:mod:`deploy_permissions`),
  scoped to the environment, create roles only under the permissions boundary and never touch the
  bootstrap's own identities;
* **plan role** ``<prefix>-plan``: runs on the default branch (the weekly drift check) and, for
  development environments, pull requests; reads everything a plan refreshes, reads the state and
  may hold the lock, writes nothing else.

Trust follows GitHub's OIDC reference (docs.github.com, "OpenID Connect reference": subject claims
``repo:<owner>/<repo>:environment:<name>``, ``repo:<owner>/<repo>:pull_request`` and
``repo:<owner>/<repo>:ref:refs/heads/<branch>`` for a job without an environment) and AWS's
(IAM User Guide, "Configuring a role for GitHub OIDC identity provider": ``aud`` = ``sts.amazonaws.com``).
"""

from __future__ import annotations

from collections import defaultdict

from platform_spec import deploy_permissions, naming
from platform_spec.iam_documents import arn
from platform_spec.model import EnvironmentSpec
from platform_spec.policy import Policy, Statement, allow, deny, document, pack

GITHUB_OIDC_HOST = "token.actions.githubusercontent.com"
GITHUB_OIDC_THUMBPRINT = "6938fd4d98bab03faadb97b34396831e3780aea1"
GITHUB_OIDC_AUDIENCE = "sts.amazonaws.com"
MAX_SESSION_SECONDS = 3600


def key_arn_placeholder(spec: EnvironmentSpec) -> str:
    """An ARN of the environment key's exact length: documents are built and sized with it, and the stack
    puts the real key's ARN (known only once created) in its place."""
    return arn(spec, "kms", "key/00000000-0000-0000-0000-000000000000")


def oidc_provider_arn(spec: EnvironmentSpec) -> str:
    """ARN of the account's GitHub OIDC provider."""
    return f"arn:aws:iam::{spec.aws.account_id}:oidc-provider/{GITHUB_OIDC_HOST}"


def environment_subject(spec: EnvironmentSpec) -> str:
    """The ``sub`` claim of a job running in the environment's GitHub environment."""
    return f"repo:{spec.access.release_pipeline.github_repository}:environment:{spec.name}"


def default_branch_subject(spec: EnvironmentSpec) -> str:
    """The ``sub`` claim of a job without a GitHub environment on the default branch (schedules)."""
    pipeline = spec.access.release_pipeline
    return f"repo:{pipeline.github_repository}:ref:refs/heads/{pipeline.default_branch}"


def pull_request_subject(spec: EnvironmentSpec) -> str:
    """The ``sub`` claim of a pull-request job without a GitHub environment."""
    return f"repo:{spec.access.release_pipeline.github_repository}:pull_request"


def plans_pull_requests(spec: EnvironmentSpec) -> bool:
    """Pull requests plan development environments (read-only, with the plan role)."""
    return spec.tier == "development"


def _github_trust(spec: EnvironmentSpec, subjects: list[str]) -> Policy:
    return document(
        {
            "Sid": "GitHubActions",
            "Effect": "Allow",
            "Principal": {"Federated": oidc_provider_arn(spec)},
            "Action": ["sts:AssumeRoleWithWebIdentity"],
            "Condition": {
                "StringEquals": {
                    f"{GITHUB_OIDC_HOST}:aud": GITHUB_OIDC_AUDIENCE,
                    f"{GITHUB_OIDC_HOST}:sub": subjects if len(subjects) > 1 else subjects[0],
                }
            },
        }
    )


def deploy_trust_policy(spec: EnvironmentSpec) -> Policy:
    """Only jobs in the environment's GitHub environment (its reviewers and deployment branches apply)."""
    return _github_trust(spec, [environment_subject(spec)])


def plan_trust_policy(spec: EnvironmentSpec) -> Policy:
    """Jobs on the default branch (drift) and, for development environments, pull requests."""
    subjects = [default_branch_subject(spec)]
    if plans_pull_requests(spec):
        subjects.append(pull_request_subject(spec))
    return _github_trust(spec, sorted(subjects))


# --- state -------------------------------------------------------------------------------------


def _state_statements(spec: EnvironmentSpec, *, write: bool) -> list[Statement]:
    """Terraform's S3 backend (developer.hashicorp.com/terraform/language/backend/s3, "Permissions Required")."""
    bucket = f"arn:aws:s3:::{spec.state_bucket_name}"
    table = arn(spec, "dynamodb", f"table/{spec.lock_table_name}")
    statements = [
        allow("StateBucket", ["s3:ListBucket"], [bucket]),
        allow("StateObject", ["s3:GetObject", *(["s3:PutObject"] if write else [])],
              [f"{bucket}/{spec.state_key}"]),
    ]
    if spec.uses_lock_file:
        statements.append(allow("StateLockFile", ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
                                [f"{bucket}/{spec.lock_file_key}"]))
    if spec.uses_lock_table:
        statements.append(allow("StateLockTable", ["dynamodb:DeleteItem", "dynamodb:DescribeTable",
                                                   "dynamodb:GetItem", "dynamodb:PutItem"], [table]))
    return statements


# --- the platform's resources ------------------------------------------------------------------


def _service(action: str) -> str:
    return action.split(":", 1)[0]


def _sid(prefix: str, scope: str, kind: str) -> str:
    return f"{prefix}{scope[0].upper()}{scope[1:]}{kind}"


def _resource_statements(spec: EnvironmentSpec, key_arn: str, *, write: bool, prefix: str) -> list[Statement]:
    """Statements granting every action of every row, grouped by scope and kind."""
    wanted = deploy_permissions.actions(deploy_permissions.BY_TYPE, write=write)
    scopes = deploy_permissions.scopes(spec, key_arn)
    boundary = {"StringEquals": {"iam:PermissionsBoundary": naming.boundary_policy_arn(spec)}}
    grouped: dict[tuple[str, str], set[str]] = defaultdict(set)
    for action in wanted:
        if action in deploy_permissions.ANY_RESOURCE:
            grouped[(_service(action), "Any")].add(action)
        elif action in deploy_permissions.BOUNDARY_CONDITIONED:
            grouped[(_service(action), "UnderBoundary")].add(action)
        elif action in deploy_permissions.TAGGED_CHANGES:
            grouped[(_service(action), "Tagged")].add(action)
        else:
            scope = deploy_permissions.scope_of(action)
            if scope not in scopes:
                raise ValueError(f"{action}: no scope '{scope}' in deploy_permissions.scopes")
            grouped[(scope, "Own")].add(action)
    statements = []
    for (scope, kind), names in sorted(grouped.items()):
        sid = _sid(prefix, scope, kind)
        if kind == "Any":
            statements.append(allow(sid, names, ["*"]))
        elif kind == "UnderBoundary":
            statements.append(allow(sid, names, [arn(spec, "iam", f"role/{spec.prefix}-*", region=False)], boundary))
        elif kind == "Tagged":
            tag = {"StringEquals": {f"aws:ResourceTag/{deploy_permissions.ENVIRONMENT_TAG}": spec.name}}
            statements.append(allow(sid, names, scopes[scope], tag))
        else:
            statements.append(allow(sid, names, scopes[scope], deploy_permissions.CONDITIONS.get(scope)))
    services = sorted(deploy_permissions.passed_to(deploy_permissions.BY_TYPE))
    if write and services:
        statements.append(allow(f"{prefix}PassOwnRolesToTheirServices", ["iam:PassRole"],
                                [arn(spec, "iam", f"role/{spec.prefix}-*", region=False)],
                                {"StringEquals": {"iam:PassedToService": services}}))
    return statements


PROTECTED_ACTIONS = (
    "iam:AttachRolePolicy", "iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion", "iam:DeleteRole",
    "iam:DeleteRolePermissionsBoundary", "iam:DeleteRolePolicy", "iam:DetachRolePolicy", "iam:PassRole",
    "iam:PutRolePermissionsBoundary", "iam:PutRolePolicy", "iam:SetDefaultPolicyVersion", "iam:TagPolicy",
    "iam:TagRole", "iam:UntagPolicy", "iam:UntagRole", "iam:UpdateAssumeRolePolicy", "iam:UpdateRole",
    "iam:UpdateRoleDescription",
)
"""What nobody but the administrator may do to the bootstrap's identities (explicit deny)."""


def protected_arns(spec: EnvironmentSpec) -> list[str]:
    """The bootstrap's own identities: deploy and plan roles, the boundary and the deploy policies."""
    return [naming.deploy_role_arn(spec), naming.plan_role_arn(spec), naming.boundary_policy_arn(spec),
            arn(spec, "iam", f"policy/{spec.prefix}-deploy-*", region=False),
            arn(spec, "iam", f"policy/{spec.prefix}-plan-*", region=False)]


def _protect_bootstrap(spec: EnvironmentSpec) -> Statement:
    return deny("ProtectBootstrapIdentities", PROTECTED_ACTIONS, protected_arns(spec))


def deploy_policies(spec: EnvironmentSpec, key_arn: str) -> list[Policy]:
    """The deploy role's managed policies (packed under IAM's size quota)."""
    return pack([*_state_statements(spec, write=True), *_resource_statements(spec, key_arn, write=True, prefix=""),
                 _protect_bootstrap(spec)])


def plan_policies(spec: EnvironmentSpec, key_arn: str) -> list[Policy]:
    """The plan role's managed policies: refresh everything, read the state, hold the lock."""
    return pack([*_state_statements(spec, write=False),
                 *_resource_statements(spec, key_arn, write=False, prefix="Read")])
