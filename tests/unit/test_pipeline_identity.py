"""The bootstrap stack's identities and the security baseline, read from the synthesized JSON.

Trust: GitHub's OIDC subjects (docs.github.com, "OpenID Connect reference"); boundary: IAM User
Guide, "Permissions boundaries for IAM entities" (an action needs the role's policy *and* the
boundary); write-only arguments: Terraform 1.11 ("Use temporary write-only arguments").
"""

from __future__ import annotations

import json
import re

from platform_spec import naming
from platform_spec.boundary import MANAGED_POLICY_ACTIONS
from platform_spec.model import EnvironmentSpec
from platform_spec.pipeline_identity import GITHUB_OIDC_HOST, key_arn_placeholder
from platform_spec.policy import MANAGED_POLICY_MAX_CHARS, size
from tests.e2e.moto_iam import Decision, evaluate

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
    for spec in specs.values():
        providers = _resources(stack_json[spec.bootstrap_stack], "aws_iam_openid_connect_provider")
        assert len(providers) == int(spec.access.release_pipeline.create_oidc_provider)
        assert not _resources(stack_json[spec.name], "aws_iam_openid_connect_provider")


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


def _examples(resource: str) -> str:
    return resource.replace("*", "example")


def test_the_boundary_allows_every_platform_role_policy(stack_json: dict, specs: dict[str, EnvironmentSpec]) -> None:
    """Every statement a platform role holds (inline and AWS managed) works under the boundary."""
    for spec in specs.values():
        boundary = _boundary(stack_json[spec.bootstrap_stack], spec)
        platform = json.dumps(stack_json[spec.name])
        platform = re.sub(r"\$\{data\.aws_kms_alias\.[^}]+\.target_key_arn\}", key_arn_placeholder(spec), platform)
        stack = json.loads(platform)
        for policy in _resources(stack, "aws_iam_role_policy"):
            for statement in json.loads(policy["policy"])["Statement"]:
                context = {key: [value] if isinstance(value, str) else value
                           for block in statement.get("Condition", {}).values() for key, value in block.items()}
                for action in statement["Action"]:
                    for resource in statement["Resource"]:
                        assert evaluate([boundary], action, _examples(resource), context) is Decision.ALLOW, (
                            f"{spec.name}: the boundary does not allow {action} on {resource} ({policy['name']}): "
                            "add the policy to platform_spec/boundary.py WORKLOAD_POLICIES"
                        )
        for attachment in _resources(stack, "aws_iam_role_policy_attachment"):
            assert attachment["policy_arn"] in MANAGED_POLICY_ACTIONS, (
                f"{attachment['policy_arn']}: list its actions in platform_spec/boundary.py MANAGED_POLICY_ACTIONS"
            )
            for action in MANAGED_POLICY_ACTIONS[attachment["policy_arn"]]:
                scoped = "*" if not action.startswith("ssm:GetParameter") else \
                    f"arn:aws:ssm:{spec.aws.region}:{spec.aws.account_id}:parameter{spec.ssm_root}/x"
                assert evaluate([boundary], action, scoped, {}) is Decision.ALLOW, action


def test_the_boundary_caps_what_roles_may_do(stack_json: dict, specs: dict[str, EnvironmentSpec]) -> None:
    dev, prod = specs["dev"], specs["prod"]
    boundary = _boundary(stack_json[dev.bootstrap_stack], dev)
    for action, resource in (
        ("ssm:GetParameter", f"arn:aws:ssm:ap-northeast-2:{dev.aws.account_id}:parameter{prod.ssm_root}/data/x"),
        ("iam:CreateRole", f"arn:aws:iam::{dev.aws.account_id}:role/anything"),
        ("iam:PutRolePolicy", naming.deploy_role_arn(dev)),
        ("s3:GetObject", f"arn:aws:s3:::{dev.state_bucket_name}/{dev.state_key}"),
        ("kms:Decrypt", "arn:aws:kms:ap-northeast-2:111111111111:key/other"),
        ("ec2:TerminateInstances", "*"),
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
