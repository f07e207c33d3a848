"""ops without AWS: failure translation, drift summaries, flags, guards."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli.app import run
from ops import drift, terraform
from ops.errors import OpsError, explain, lock_message
from platform_spec.model import EnvironmentSpec
from plumbing.exit_codes import ExitCode

LOCK_OUTPUT = """
\x1b[31m╷\x1b[0m
│ Error: Error acquiring the state lock
│
│ Error message: operation error DynamoDB: PutItem, https response error StatusCode: 400,
│ ConditionalCheckFailedException: The conditional request failed
│ Lock Info:
│   ID:        0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0
│   Path:      sesacthon-tfstate-dev/dev/terraform.tfstate
│   Operation: OperationTypeApply
│   Who:       ci@runner
│   Version:   1.11.4
│   Created:   2026-11-27 04:00:00.000000000 +0000 UTC
│   Info:
│
│ Terraform acquires a state lock to protect the state from being written
╵
"""


def test_lock_names_id_and_unlock_command(specs: dict[str, EnvironmentSpec]) -> None:
    line = explain(LOCK_OUTPUT, specs["dev"])
    assert line is not None
    assert "LOCK_ID=0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0" in line
    assert "make unlock ENV=dev LOCK_ID=0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0" in line
    assert "OperationTypeApply" in line and "ci@runner" in line
    assert "\n" not in line


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        ("Error: Failed to get existing workspaces: S3 bucket \"x\" does not exist.", "make bootstrap ENV=dev"),
        ("operation error S3: ListObjectsV2, api error NoSuchBucket: The specified bucket", "make bootstrap ENV=dev"),
        ("Error: No valid credential sources found", "no AWS credentials"),
        ("Error: AWS account ID not allowed: 123456789012", "account 123456789012"),
        ("dial tcp 127.0.0.1:4566: connect: connection refused", "cannot reach the AWS endpoint 127.0.0.1:4566"),
        ("Error: invalid AWS Region: xx-nowhere-1", "wrong AWS region"),
        ("api error AccessDeniedException: User: arn:aws:sts::111111111111:assumed-role/sesacthon-dev-plan/s is not "
         "authorized to perform: ssm:PutParameter on resource: arn:aws:ssm:ap-northeast-2:111111111111:parameter/x",
         "AWS denied ssm:PutParameter on arn:aws:ssm:ap-northeast-2:111111111111:parameter/x to "
         "arn:aws:sts::111111111111:assumed-role/sesacthon-dev-plan/s"),
    ],
)
def test_known_failures_are_one_line(output: str, expected: str, specs: dict[str, EnvironmentSpec]) -> None:
    line = explain(output, specs["dev"])
    assert line is not None and expected in line and "\n" not in line


def test_unknown_failure_is_not_guessed(specs: dict[str, EnvironmentSpec]) -> None:
    assert explain("Error: something new", specs["dev"]) is None


def test_lock_message_without_details(specs: dict[str, EnvironmentSpec]) -> None:
    assert lock_message(specs["prod"], "abc").endswith("make unlock ENV=prod LOCK_ID=abc")


def _plan(value_before: str, value_after: str, kind: str = "String") -> dict:
    parameter = {"name": "/sesacthon/dev/network/vpc-id", "type": kind, "insecure_value": None, "tags": None}
    sensitive = {"value": True}
    return {
        "resource_drift": [{
            "address": "aws_ssm_parameter.vpc",
            "change": {"actions": ["update"], "before": {**parameter, "value": "vpc-123", "version": 1},
                       "after": {**parameter, "value": value_before, "version": 2, "tags": {}},
                       "before_sensitive": sensitive, "after_sensitive": sensitive},
        }, {
            "address": "aws_route53_zone.zone",
            "change": {"actions": ["update"], "before": {"tags": None}, "after": {"tags": {}}},
        }],
        "resource_changes": [{
            "address": "aws_ssm_parameter.vpc",
            "change": {"actions": ["update"], "before": {**parameter, "value": value_before, "version": 2},
                       "after": {**parameter, "value": value_after}, "after_unknown": {"version": True},
                       "before_sensitive": sensitive, "after_sensitive": sensitive},
        }, {"address": "aws_vpc.main", "change": {"actions": ["no-op"], "before": {}, "after": {}}}],
    }


def test_drift_names_the_parameter_and_values() -> None:
    lines, changes = drift.summarize(_plan("tampered", "vpc-123"))
    assert lines == [
        '~ aws_ssm_parameter.vpc (name=/sesacthon/dev/network/vpc-id): value "vpc-123" -> "tampered"; version 1 -> 2'
    ]
    assert changes == []
    assert "1 resource(s) changed outside Terraform" in drift.report("dev", _plan("tampered", "vpc-123"))


def test_drift_masks_secure_strings() -> None:
    lines, _ = drift.summarize(_plan("tampered", "vpc-123", kind="SecureString"))
    assert "tampered" not in lines[0] and "(sensitive)" in lines[0]


def test_no_changes_report() -> None:
    assert drift.report("dev", {"resource_changes": []}) == "dev: no drift, infrastructure matches the configuration"


def test_replacements_and_deletions_are_listed() -> None:
    plan = {"resource_changes": [
        {"address": "aws_instance.a", "change": {"actions": ["delete", "create"], "before": {"ami": "x"},
                                                 "after": {"ami": "y"}}},
        {"address": "aws_eip.b", "change": {"actions": ["delete"], "before": {}, "after": None}},
    ]}
    _, changes = drift.summarize(plan)
    assert changes == ['-/+ aws_instance.a: ami "x" -> "y"', "- aws_eip.b"]


def test_backend_flags_only_for_a_local_endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    assert terraform.backend_flags() == []
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:5000")
    assert terraform.backend_flags() == ["-backend-config=use_path_style=true"]


def test_prod_destroy_refuses_without_confirmation(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["destroy", "prod"]) == ExitCode.REFUSED
    assert "make destroy ENV=prod CONFIRM=prod" in capsys.readouterr().err


def test_unknown_environment_is_one_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["plan", "nope"]) == ExitCode.INVALID
    assert "ENV=nope: no such environment" in capsys.readouterr().err


def test_unlock_needs_a_lock_id(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["unlock", "dev", "--lock-id", ""]) == ExitCode.INVALID
    assert "LOCK_ID is required" in capsys.readouterr().err


def test_refuses_a_stack_wired_to_another_environments_state(
    specs: dict[str, EnvironmentSpec], tmp_path: Path
) -> None:
    stack_dir = tmp_path / "stacks" / "dev"
    stack_dir.mkdir(parents=True)
    prod = specs["prod"]
    backend = {"bucket": prod.state_bucket_name, "key": prod.state_key, "dynamodb_table": prod.lock_table_name}
    (stack_dir / "cdk.tf.json").write_text(json.dumps({"terraform": {"backend": {"s3": backend}}}))
    stack = terraform.Stack(specs["dev"], "dev", root=tmp_path)
    with pytest.raises(OpsError, match="refusing to touch another environment's state"):
        stack.check_backend()
    dev = specs["dev"]
    backend = {"bucket": dev.state_bucket_name, "key": dev.state_key, "dynamodb_table": dev.lock_table_name}
    (stack_dir / "cdk.tf.json").write_text(json.dumps({"terraform": {"backend": {"s3": backend}}}))
    stack.check_backend()


@pytest.mark.parametrize("locking", ["s3", "dynamodb+s3"])
def test_locking_modes_synthesize_their_backend_and_permissions(
    locking: str, specs: dict[str, EnvironmentSpec], tmp_path: Path
) -> None:
    """`state_locking` decides the S3 backend's lock (table, lock file or both), the bootstrap's table and
    the roles' lock permissions; the runner refuses a backend that does not match the spec."""
    from stacks.synth import synth_to

    spec = specs["dev"].model_copy(update={"state_locking": locking})
    synth_to(tmp_path, [spec])
    platform = json.loads((tmp_path / "stacks" / "dev" / "cdk.tf.json").read_text())
    backend = platform["terraform"]["backend"]["s3"]
    assert backend.get("use_lockfile") is True
    assert ("dynamodb_table" in backend) == (locking == "dynamodb+s3")
    bootstrap = json.loads((tmp_path / "stacks" / "dev-bootstrap" / "cdk.tf.json").read_text())
    assert ("aws_dynamodb_table" in bootstrap["resource"]) == (locking == "dynamodb+s3")
    policies = json.dumps(bootstrap["resource"]["aws_iam_policy"])
    assert f"arn:aws:s3:::{spec.state_bucket_name}/{spec.lock_file_key}" in policies
    assert ("dynamodb:PutItem" in policies) == (locking == "dynamodb+s3")
    terraform.Stack(spec, "dev", root=tmp_path).check_backend()
    with pytest.raises(OpsError, match="refusing to touch another environment's state"):
        terraform.Stack(specs["dev"], "dev", root=tmp_path).check_backend()  # the table-only spec
