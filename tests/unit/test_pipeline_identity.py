"""The bootstrap stack's identities and the security baseline, read from the synthesized JSON.

Trust: GitHub's OIDC subjects (docs.github.com, "OpenID Connect reference"); boundary: IAM User
Guide, "Permissions boundaries for IAM entities" (an action needs the role's policy *and* the
boundary); write-only arguments: Terraform 1.11 ("Use temporary write-only arguments").
"""

from __future__ import annotations

import json
import re

from moto.iam.aws_managed_policies import aws_managed_policies_data

from platform_spec import boundary as boundary_module
from platform_spec import naming
from platform_spec.boundary import MANAGED_POLICIES, managed_policy
from platform_spec.model import EnvironmentSpec
from platform_spec.pipeline_identity import (
    GITHUB_OIDC_HOST,
    PROTECTED_ACTIONS,
    key_arn_placeholder,
    protected_arns,
)
from platform_spec.policy import MANAGED_POLICY_MAX_CHARS, size
from tests.e2e.moto_iam import Decision, evaluate, sar
from tests.iam_examples import concrete, resource_types

SUB, AUD = f"{GITHUB_OIDC_HOST}:sub", f"{GITHUB_OIDC_HOST}:aud"


def _resources(stack: dict, kind: str) -> list[dict]:
    return list(stack.get("resource", {}).get(kind, {}).values())


def _roles(stack: dict) -> dict[str, dict]:
    return {role["name"]: role for role in _resources(stack, "aws_iam_role")}


def _trust(stack: dict, name: str) -> dict:
    [statement] = json.loads(_roles(stack)[name]["assume_role_policy"])["Statement"]
    return statement


def test_deploy_role_trusts_only_the_github_environment(stack_json: dict, specs: dict[str, EnvironmentSpec]) -> None:
    for spec in specs.values():
        statement = _trust(stack_json[spec.bootstrap_stack], f"{spec.prefix}-deploy")
        assert statement["Principal"] == {
            "Federated": f"arn:aws:iam::{spec.aws.account_id}:oidc-provider/{GITHUB_OIDC_HOST}"
        }
        assert statement["Action"] == ["sts:AssumeRoleWithWebIdentity"]
        assert statement["Condition"] == {"StringEquals": {
            AUD: "sts.amazonaws.com", SUB: f"repo:sesacthon/platform:environment:{spec.name}",
        }}


def test_plan_role_trusts_the_default_branch_and_development_pull_requests(stack_json: dict, specs: dict) -> None:
    for spec in specs.values():
        statement = _trust(stack_json[spec.bootstrap_stack], f"{spec.prefix}-plan")
        subjects = statement["Condition"]["StringEquals"][SUB]
        subjects = [subjects] if isinstance(subjects, str) else subjects
        expected = {"repo:sesacthon/platform:ref:refs/heads/main"}
        if spec.tier == "development":
            expected.add("repo:sesacthon/platform:pull_request")
        assert set(subjects) == expected
        assert list(statement["Condition"]) == ["StringEquals"], "no StringLike, no wildcard subject"
        assert not any("*" in subject for subject in subjects)


def test_oidc_provider_only_where_the_spec_creates_it(stack_json: dict, specs: dict[str, EnvironmentSpec]) -> None:
    """GitHub's provider is the account's (one per URL and account): the bootstrap stack creates it where the
    spec says so, the platform stack never. The cluster's IRSA issuer is the environment's own: the platform
    stack always creates exactly that one."""
    github = f"https://{GITHUB_OIDC_HOST}"
    for spec in specs.values():
        providers = _resources(stack_json[spec.bootstrap_stack], "aws_iam_openid_connect_provider")
        expected = [github] if spec.access.release_pipeline.create_oidc_provider else []
        assert [provider["url"] for provider in providers] == expected
        platform = _resources(stack_json[spec.name], "aws_iam_openid_connect_provider")
        assert [provider["url"] for provider in platform] == [naming.oidc_issuer(spec)], "only the IRSA issuer"


def test_every_platform_role_carries_the_boundary(stack_json: dict, specs: dict[str, EnvironmentSpec]) -> None:
    for spec in specs.values():
        roles = _resources(stack_json[spec.name], "aws_iam_role")
        assert roles
        for role in roles:
            assert role.get("permissions_boundary") == naming.boundary_policy_arn(spec), role["name"]


def _boundary(stack: dict, spec: EnvironmentSpec) -> dict:
    [policy] = [item for item in _resources(stack, "aws_iam_policy")
                if item["name"] == naming.boundary_policy_name(spec)]
    assert size(json.loads(policy["policy"])) <= MANAGED_POLICY_MAX_CHARS
    return json.loads(re.sub(r"\$\{aws_kms_key\.[^}]+\.arn\}", key_arn_placeholder(spec), policy["policy"]))


def _allowed_under(boundary: dict, action: str, resource: str, context: dict, spec: EnvironmentSpec) -> bool:
    """Whether the boundary allows ``action`` where the role's statement grants it on ``resource``: on ``*``,
    AWS evaluates the request on a resource of each type the action needs (on ``*`` if it needs none); an
    ARN pattern is evaluated on one ARN of this environment."""
    def allowed(arn: str) -> bool:
        return evaluate([boundary], action, arn, context) is Decision.ALLOW

    if resource != "*":
        return allowed(concrete(resource, spec))
    kinds = resource_types(action, spec)
    if not kinds:
        return allowed("*")
    required = [kind for kind in kinds if kind.required]
    if required:
        return all(any(allowed(arn) for arn in kind.examples) for kind in required)
    return any(allowed(arn) for kind in kinds for arn in kind.examples)  # the request concerns one of them


def _role_policies(stack: dict) -> list[tuple[str, dict]]:
    """(name, document) of every policy a role of the platform stack holds: inline and AWS managed."""
    found = [(policy["name"], json.loads(policy["policy"])) for policy in _resources(stack, "aws_iam_role_policy")]
    for attachment in _resources(stack, "aws_iam_role_policy_attachment"):
        assert attachment["policy_arn"] in MANAGED_POLICIES, (
            f"{attachment['policy_arn']}: vendor it in platform_spec/policies/ and add it to platform_spec/boundary.py")
        found.append((attachment["policy_arn"], managed_policy(attachment["policy_arn"])))
    return found


def _platform(stack_json: dict, spec: EnvironmentSpec) -> dict:
    """The platform stack with the environment key's reference replaced by the placeholder ARN."""
    text = json.dumps(stack_json[spec.name])
    text = re.sub(r"\$\{data\.aws_kms_alias\.[^}]+\.target_key_arn\}", key_arn_placeholder(spec), text)
    return json.loads(re.sub(r"\$\{aws_route53_zone\.[^}]+\.zone_id\}", "Z0123456789", text))


def test_the_boundary_allows_every_platform_role_policy(stack_json: dict, specs: dict[str, EnvironmentSpec]) -> None:
    """Every statement a platform role holds (inline and AWS managed: the ALB controller's, the EBS CSI
    driver's, the node's SSM core) works under the boundary, on the resources AWS evaluates it on."""
    for spec in specs.values():
        boundary = _boundary(stack_json[spec.bootstrap_stack], spec)
        for name, policy in _role_policies(_platform(stack_json, spec)):
            for statement in policy["Statement"]:
                context = {key: [value] if isinstance(value, str) else value
                           for block in statement.get("Condition", {}).values() for key, value in block.items()}
                actions = [statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"]
                resources = [statement["Resource"]] if isinstance(statement["Resource"], str) else statement["Resource"]
                for action in actions:
                    for resource in resources:
                        assert _allowed_under(boundary, action, resource, context, spec), (
                            f"{spec.name}: the boundary does not allow {action} on {resource} ({name}): see "
                            "platform_spec/boundary.py (WORKLOAD_POLICIES, ANY_RESOURCE, environment_scopes)")


def test_role_policies_grant_unscoped_actions_on_any_resource(stack_json: dict, specs: dict) -> None:
    """An action the SAR lists without a resource type is authorized on ``*``: a statement naming an ARN
    for it never matches (AWS-correct policies, the same rule as the deploy role's)."""
    for spec in specs.values():
        for name, policy in _role_policies(_platform(stack_json, spec)):
            for statement in policy["Statement"]:
                actions = [statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"]
                for action in actions:
                    if not resource_types(action, spec):
                        assert statement["Resource"] in ("*", ["*"]), f"{name}: grant {action} on *"


def test_boundary_lists_what_aws_authorizes_only_on_any_resource() -> None:
    for action in boundary_module.ANY_RESOURCE:
        service, name = action.split(":")
        assert not [kind for kind in sar()[service]["privileges"][name]["resource_types"] if kind], action


def test_vendored_managed_policies_are_the_ones_moto_bundles() -> None:
    """The boundary is built from copies; moto bundles AWS's current documents (a moto upgrade that changes one
    fails here: vendor the new version)."""
    bundled = json.loads(aws_managed_policies_data)
    for policy_arn in MANAGED_POLICIES:
        assert managed_policy(policy_arn) == bundled[policy_arn.rsplit("/", 1)[1]]["Document"], policy_arn


def test_the_boundary_never_allows_iam_changes(stack_json: dict, specs: dict[str, EnvironmentSpec]) -> None:
    """No role under the boundary may change a role or policy (the bootstrap's identities above all), create
    or pass one: its only IAM writes are Elastic Load Balancing's service-linked role."""
    for spec in specs.values():
        boundary = _boundary(stack_json[spec.bootstrap_stack], spec)
        context = {"iam:PermissionsBoundary": [naming.boundary_policy_arn(spec)],
                   "iam:PassedToService": ["ec2.amazonaws.com"]}
        for action in (*PROTECTED_ACTIONS, "iam:CreateRole", "iam:CreatePolicy", "iam:CreateOpenIDConnectProvider"):
            for resource in (*protected_arns(spec), naming.role_arn(spec, "node"), "*"):
                assert evaluate([boundary], action, resource, context) is not Decision.ALLOW, (action, resource)
        iam_actions = {action for statement in boundary["Statement"] for action in statement["Action"]
                       if action.startswith("iam:")}
        writes = {action for action in iam_actions
                  if sar()["iam"]["privileges"][action.split(":")[1]]["access_level"] not in ("Read", "List")}
        assert writes == {"iam:CreateServiceLinkedRole"}
        linked = f"arn:aws:iam::{spec.aws.account_id}:role/aws-service-role/autoscaling.amazonaws.com/x"
        assert evaluate([boundary], "iam:CreateServiceLinkedRole", linked,
                        {"iam:AWSServiceName": ["autoscaling.amazonaws.com"]}) is not Decision.ALLOW


def test_the_boundary_uses_action_patterns_only_for_describe_families(stack_json: dict, specs: dict) -> None:
    for spec in specs.values():
        boundary = _boundary(stack_json[spec.bootstrap_stack], spec)
        patterns = {action for statement in boundary["Statement"] for action in statement["Action"] if "*" in action}
        assert patterns == set(boundary_module.READ_FAMILIES)
        for pattern in patterns:
            service = pattern.split(":")[0]
            covered = [name for name, info in sar()[service]["privileges"].items() if name.startswith("Describe")]
            assert covered and all(sar()[service]["privileges"][name]["access_level"] in ("Read", "List")
                                   for name in covered), pattern


def test_the_boundary_caps_what_roles_may_do(stack_json: dict, specs: dict[str, EnvironmentSpec]) -> None:
    dev, prod = specs["dev"], specs["prod"]
    boundary = _boundary(stack_json[dev.bootstrap_stack], dev)
    for action, resource in (
        ("ssm:GetParameter", f"arn:aws:ssm:ap-northeast-2:{dev.aws.account_id}:parameter{prod.ssm_root}/data/x"),
        ("iam:CreateRole", f"arn:aws:iam::{dev.aws.account_id}:role/anything"),
        ("iam:PutRolePolicy", naming.deploy_role_arn(dev)),
        ("s3:GetObject", f"arn:aws:s3:::{dev.state_bucket_name}/{dev.state_key}"),
        ("kms:Decrypt", "arn:aws:kms:ap-northeast-2:111111111111:key/other"),
        ("kms:ScheduleKeyDeletion", key_arn_placeholder(dev)),
        ("ec2:TerminateInstances", "*"),
        ("ec2:TerminateInstances", f"arn:aws:ec2:ap-northeast-2:{dev.aws.account_id}:instance/i-1"),
        ("ec2:RunInstances", f"arn:aws:ec2:ap-northeast-2:{dev.aws.account_id}:instance/*"),
        ("ec2:CreateVolume", f"arn:aws:ec2:us-east-1:{dev.aws.account_id}:volume/*"),
        ("elasticloadbalancing:DeleteLoadBalancer",
         f"arn:aws:elasticloadbalancing:ap-northeast-2:{prod.aws.account_id}:loadbalancer/app/x/1"),
        ("autoscaling:SetDesiredCapacity",
         f"arn:aws:autoscaling:ap-northeast-2:{dev.aws.account_id}:autoScalingGroup:1:autoScalingGroupName/other"),
        ("s3:GetObject", f"arn:aws:s3:::{naming.oidc_bucket(dev)}/{naming.JWKS_KEY}"),
        ("secretsmanager:GetSecretValue", "*"),
        ("sts:AssumeRole", naming.deploy_role_arn(dev)),
    ):
        assert evaluate([boundary], action, resource, {}) is not Decision.ALLOW, (action, resource)


def test_no_secret_in_any_synthesized_stack(stack_json: dict, specs: dict[str, EnvironmentSpec]) -> None:
    """SecureStrings are written through write-only ``value_wo`` from an ephemeral password: no value in the
    configuration, the plan or the state; no data source that would store one."""
    for spec in specs.values():
        stack = stack_json[spec.name]
        secure = [item for item in _resources(stack, "aws_ssm_parameter") if item["type"] == "SecureString"]
        assert len(secure) == 3
        for item in secure:
            assert "value" not in item and "insecure_value" not in item, item["name"]
            assert re.fullmatch(r"\$\{ephemeral\.aws_secretsmanager_random_password\.[\w-]+\.random_password\}",
                                item["value_wo"])
            assert item["value_wo_version"] >= 1 and item["key_id"] == naming.environment_key_alias(spec)
        assert len(stack["ephemeral"]["aws_secretsmanager_random_password"]) == 3
        for name, document in stack_json.items():
            assert "aws_secretsmanager_random_password" not in document.get("data", {}), name
            assert "random_password" not in document.get("resource", {}), name


def test_security_baseline(stack_json: dict, specs: dict[str, EnvironmentSpec]) -> None:
    for spec in specs.values():
        stack, bootstrap = stack_json[spec.name], stack_json[spec.bootstrap_stack]
        [flow_log] = _resources(stack, "aws_flow_log")
        assert flow_log["traffic_type"] == "ALL" and flow_log["log_destination_type"] == "cloud-watch-logs"
        [group] = _resources(stack, "aws_cloudwatch_log_group")
        assert group["retention_in_days"] == spec.network.flow_log_retention_days and "kms_key_id" in group
        [default] = _resources(stack, "aws_default_security_group")
        assert default["ingress"] == [] and default["egress"] == []
        [key] = _resources(bootstrap, "aws_kms_key")
        assert key["enable_key_rotation"] is True and json.loads(key["policy"])["Statement"]
        lifecycles = {item["bucket"]: item for item in _resources(bootstrap, "aws_s3_bucket_lifecycle_configuration")}
        assert len(lifecycles) == 2
        for lifecycle in lifecycles.values():
            assert lifecycle["rule"][0]["noncurrent_version_expiration"][0]["noncurrent_days"] > 0
        [logging] = _resources(bootstrap, "aws_s3_bucket_logging")
        assert logging["target_prefix"] == f"{spec.state_bucket_name}/"
