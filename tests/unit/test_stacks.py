"""Synthesized stacks: isolation between environments, security defaults, fast == eager bindings."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cdktf import TerraformResource
from cdktf import Testing as CdktfTesting
from cdktf_cdktf_provider_aws.dynamodb_table import DynamodbTable
from cdktf_cdktf_provider_aws.iam_policy import IamPolicy
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_aws.instance import Instance
from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket
from cdktf_cdktf_provider_aws.s3_bucket_policy import S3BucketPolicy
from cdktf_cdktf_provider_aws.s3_bucket_public_access_block import S3BucketPublicAccessBlock
from cdktf_cdktf_provider_aws.s3_bucket_server_side_encryption_configuration import (
    S3BucketServerSideEncryptionConfigurationA,
)
from cdktf_cdktf_provider_aws.s3_bucket_versioning import S3BucketVersioningA
from cdktf_cdktf_provider_aws.ssm_parameter import SsmParameter

from platform_spec import naming
from platform_spec.boundary import READ_FAMILIES
from platform_spec.model import EnvironmentSpec
from platform_spec.parameters import layout
from plumbing.jsii_runtime import eager_environment


def _resources(stack: dict, resource: type[TerraformResource]) -> list[dict]:
    """Every resource of one type (the binding class's ``TF_RESOURCE_TYPE``) in a synthesized stack."""
    return list(stack.get("resource", {}).get(resource.TF_RESOURCE_TYPE, {}).values())


def _has(stack: dict, resource: type[TerraformResource], properties: dict) -> bool:
    """cdktf's own matcher: some resource of the type has (at least) these properties."""
    return CdktfTesting.to_have_resource_with_properties(json.dumps(stack), resource.TF_RESOURCE_TYPE, properties)


def _own_names(spec: EnvironmentSpec) -> list[str]:
    return [spec.prefix, spec.state_bucket_name, spec.lock_table_name, f"{spec.ssm_root}/", spec.dns.domain]


def _mentions(text: str, name: str) -> bool:
    # Domains nest (dev.ecoeco.app ends with ecoeco.app): match whole names only.
    return re.search(rf"(?<![A-Za-z0-9.-]){re.escape(name)}(?![A-Za-z0-9])", text) is not None


def test_every_environment_has_its_two_stacks(stack_json: dict, specs: dict[str, EnvironmentSpec]) -> None:
    assert sorted(stack_json) == sorted(name for spec in specs.values() for name in (spec.name, spec.bootstrap_stack))


def test_no_stack_references_another_environment(stack_json: dict, specs: dict[str, EnvironmentSpec]) -> None:
    for spec in specs.values():
        for stack_name in (spec.name, spec.bootstrap_stack):
            text = json.dumps(stack_json[stack_name])
            assert any(_mentions(text, name) for name in _own_names(spec))
            for other in specs.values():
                if other.name == spec.name:
                    continue
                leaked = [name for name in _own_names(other) if _mentions(text, name)]
                assert not leaked, f"stack {stack_name} references {other.name}: {leaked}"


def test_platform_state_lives_in_its_own_bucket_and_table(stack_json: dict, specs: dict[str, EnvironmentSpec]) -> None:
    for spec in specs.values():
        backend = stack_json[spec.name]["terraform"]["backend"]
        assert backend == {
            "s3": {
                "bucket": spec.state_bucket_name,
                "key": spec.state_key,
                "region": spec.aws.region,
                "dynamodb_table": spec.lock_table_name,
                "encrypt": True,
            }
        }
        assert list(stack_json[spec.bootstrap_stack]["terraform"]["backend"]) == ["local"]


def test_state_bucket_is_versioned_encrypted_private_and_tls_only(stack_json: dict, specs: dict) -> None:
    for spec in specs.values():
        stack = stack_json[spec.bootstrap_stack]
        for bucket in (spec.state_bucket_name, spec.access_log_bucket_name):
            assert _has(stack, S3Bucket, {"bucket": bucket})
        assert len(_resources(stack, S3BucketVersioningA)) == 2
        assert _has(stack, S3BucketVersioningA, {"versioning_configuration": {"status": "Enabled"}})
        assert not _has(stack, S3BucketVersioningA, {"versioning_configuration": {"status": "Suspended"}})
        assert _has(stack, S3BucketServerSideEncryptionConfigurationA,
                    {"rule": [{"apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms"}}]})
        assert len(_resources(stack, S3BucketPublicAccessBlock)) == 2
        assert not _has(stack, S3BucketPublicAccessBlock, {"block_public_acls": False})
        policies = _resources(stack, S3BucketPolicy)
        assert len(policies) == 2
        for policy in policies:
            statement = json.loads(policy["policy"])["Statement"][-1]
            assert statement["Effect"] == "Deny"
            assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        assert _has(stack, DynamodbTable, {"name": spec.lock_table_name, "point_in_time_recovery": {"enabled": True}})
        assert not _has(stack, DynamodbTable, {"point_in_time_recovery": {"enabled": False}})  # the matcher can fail


def _bucket_name(stack: dict, reference: str) -> str:
    found = re.fullmatch(r"\$\{aws_s3_bucket\.([\w-]+)\.(?:id|bucket)\}", reference)
    assert found, reference
    return stack["resource"]["aws_s3_bucket"][found.group(1)]["bucket"]


def _public(statement: dict) -> bool:
    return statement["Effect"] == "Allow" and statement.get("Principal") in ("*", {"AWS": "*"})


def test_only_the_issuer_bucket_is_public(stack_json: dict, specs: dict) -> None:
    """The IRSA issuer's two documents are the only public objects (STS reads them anonymously): every other
    bucket blocks all public access, and no other bucket policy allows anyone (what checkov's CKV_AWS_54,
    CKV_AWS_56, CKV_AWS_70 and CKV2_AWS_6, skipped in .checkov.yaml for the issuer, check)."""
    for spec in specs.values():
        issuer = naming.oidc_bucket(spec)
        for stack in (stack_json[spec.name], stack_json[spec.bootstrap_stack]):
            buckets = {bucket["bucket"] for bucket in _resources(stack, S3Bucket)}
            blocks = {_bucket_name(stack, block["bucket"]): block
                      for block in _resources(stack, S3BucketPublicAccessBlock)}
            assert set(blocks) == buckets, "every bucket has a public access block"
            for name, block in blocks.items():
                flags = [block[key] for key in ("block_public_acls", "ignore_public_acls", "block_public_policy",
                                                "restrict_public_buckets")]
                assert flags == ([True, True, False, False] if name == issuer else [True] * 4), name
            for policy in _resources(stack, S3BucketPolicy):
                name = _bucket_name(stack, policy["bucket"])
                public = [statement for statement in json.loads(policy["policy"])["Statement"] if _public(statement)]
                if name != issuer:
                    assert public == [], name
                    continue
                [statement] = public
                assert statement["Action"] == ["s3:GetObject"]
                assert statement["Resource"] == [f"arn:aws:s3:::{issuer}/{naming.DISCOVERY_KEY}",
                                                 f"arn:aws:s3:::{issuer}/{naming.JWKS_KEY}"]


def test_no_null_or_empty_nested_blocks(stack_json: dict) -> None:
    """Dicts passed where struct classes belong synthesize as nulls or `{}`: none may appear."""

    def walk(value: object, where: str) -> None:
        if isinstance(value, dict):
            assert value != {} or where.endswith("tags"), f"empty block at {where}"
            for key, inner in value.items():
                assert inner is not None, f"null at {where}.{key}"
                walk(inner, f"{where}.{key}")
        elif isinstance(value, list):
            for index, inner in enumerate(value):
                walk(inner, f"{where}[{index}]")

    for name, stack in stack_json.items():
        walk(stack["resource"], name)


def test_iam_has_no_wildcard_actions_and_access_follows_the_spec(stack_json: dict, specs: dict) -> None:
    for spec in specs.values():
        stack = stack_json[spec.name]
        roles = {role["name"]: role for role in _resources(stack, IamRole)}
        assert (f"{spec.prefix}-developer" in roles) == spec.access.developers_may_assume
        assert f"{spec.prefix}-deploy" not in roles, "the pipeline's roles belong to the bootstrap stack"
        documents = [json.loads(policy["policy"]) for policy in _resources(stack, IamRolePolicy)]
        bootstrap = stack_json[spec.bootstrap_stack]
        boundary = naming.boundary_policy_name(spec)
        documents += [json.loads(policy["policy"]) for policy in _resources(bootstrap, IamPolicy)
                      if policy["name"] != boundary]
        for document in documents:
            for statement in document["Statement"]:
                assert not any("*" in action for action in statement["Action"]), statement
        # the boundary grants nothing; its only patterns are the read-only Describe families (platform_spec/boundary.py)
        [document] = [json.loads(policy["policy"]) for policy in _resources(bootstrap, IamPolicy)
                      if policy["name"] == boundary]
        patterns = {action for statement in document["Statement"] for action in statement["Action"] if "*" in action}
        assert patterns == set(READ_FAMILIES)


def test_ssm_parameters_follow_the_layout(stack_json: dict, specs: dict) -> None:
    for spec in specs.values():
        parameters = {item["name"]: item for item in _resources(stack_json[spec.name], SsmParameter)}
        assert sorted(parameters) == sorted(parameter.path(spec) for parameter in layout(spec))
        for parameter in layout(spec):
            assert parameters[parameter.path(spec)]["type"] == parameter.kind
        secrets = [name for name, item in parameters.items() if item["type"] == "SecureString"]
        assert sorted(secrets) == [f"{spec.ssm_root}/data/{name}" for name in
                                   ("postgres-password", "rabbitmq-password", "redis-password")]


def test_control_plane_nodes_one_per_zone(stack_json: dict, specs: dict) -> None:
    for spec in specs.values():
        nodes = stack_json[spec.name]["output"]["nodes"]["value"]
        assert len(nodes) == spec.cluster.control_plane.count
        assert len({node["zone"] for node in nodes.values()}) == len(nodes), "one control-plane node per zone"
        instances = _resources(stack_json[spec.name], Instance)
        assert len(instances) == spec.cluster.control_plane.count, "only the control plane is a fixed instance"
        assert not any("instance_market_options" in instance for instance in instances)


@pytest.mark.slow
def test_fast_path_synthesizes_the_same_json_as_the_eager_import(synth_dir: Path, tmp_path: Path) -> None:
    """Bypassing the bindings' eager imports must not change a single byte of any stack."""
    eager_out = tmp_path / "eager"
    result = subprocess.run(
        [sys.executable, "-m", "cli", "synth", "all", "--terraform-only", "--outdir", str(eager_out)],
        env=eager_environment(), capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr
    fast = sorted((synth_dir / "stacks").glob("*/cdk.tf.json"))
    assert len(fast) == 6
    for path in fast:
        eager_file = eager_out / "stacks" / path.parent.name / "cdk.tf.json"
        assert eager_file.read_bytes() == path.read_bytes(), path.parent.name


def test_the_fast_path_did_not_import_the_package_root(synth_dir: Path) -> None:
    import cdktf_cdktf_provider_aws

    assert not hasattr(cdktf_cdktf_provider_aws, "vpc_ipam"), "package __init__ ran: all 2,135 submodules loaded"
    loaded = {name.split(".")[1] for name in sys.modules if name.startswith("cdktf_cdktf_provider_aws.")}
    assert 10 < len(loaded) < 100, sorted(loaded)  # the stacks import tens of modules; the package root 2,135
