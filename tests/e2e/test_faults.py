"""Fault cases against moto_server: one clear line each, and nothing lost after killed applies."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import boto3
import pytest

from ops.preflight import lock_item_id
from platform_spec.loader import load
from tests.e2e.conftest import MotoServer, free_port
from tests.e2e.helpers import PROJECT_ROOT, error_lines, make, signal_terraform

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _one_clear_line(result: subprocess.CompletedProcess, expected: str) -> str:
    assert result.returncode != 0
    errors = error_lines(result)
    assert len(errors) == 1, result.stderr
    assert expected in errors[0], errors[0]
    assert "Traceback" not in result.stderr and "╷" not in result.stdout + result.stderr
    return errors[0]


def test_deploy_before_bootstrap_says_run_bootstrap(fresh_moto: MotoServer, tmp_path: Path) -> None:
    env = fresh_moto.aws_env(load("dev"), tmp_path / "cdktf.out")
    result = make("deploy", env, "ENV=dev")
    _one_clear_line(result, "run `make bootstrap ENV=dev` first")


def test_missing_credentials(fresh_moto: MotoServer, tmp_path: Path) -> None:
    env = fresh_moto.aws_env(load("dev"), tmp_path / "cdktf.out")
    del env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"]
    _one_clear_line(make("plan", env, "ENV=dev"), "no AWS credentials")


def test_unreachable_endpoint(fresh_moto: MotoServer, tmp_path: Path) -> None:
    env = fresh_moto.aws_env(load("dev"), tmp_path / "cdktf.out")
    env["AWS_ENDPOINT_URL"] = f"http://127.0.0.1:{free_port()}"
    _one_clear_line(make("deploy", env, "ENV=dev"), "cannot reach the AWS endpoint http://127.0.0.1:")


def test_wrong_region(fresh_moto: MotoServer, tmp_path: Path) -> None:
    env = fresh_moto.aws_env(load("dev"), tmp_path / "cdktf.out")
    env["AWS_REGION"] = env["AWS_DEFAULT_REGION"] = "us-east-1"
    _one_clear_line(make("bootstrap", env, "ENV=dev"), "wrong AWS region: AWS_REGION=us-east-1")


def test_wrong_account(fresh_moto: MotoServer, tmp_path: Path) -> None:
    env = {**fresh_moto.aws_env(load("dev"), tmp_path / "cdktf.out"), **fresh_moto.credentials("333333333333")}
    _one_clear_line(make("bootstrap", env, "ENV=dev"), "belong to AWS account 333333333333")


def _deploy_in_background(env: dict[str, str]) -> tuple[subprocess.Popen, list[str]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "cli", "deploy", "dev"], cwd=PROJECT_ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    lines: list[str] = []

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)

    threading.Thread(target=pump, daemon=True).start()
    return process, lines


def _wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_killed_apply_loses_nothing(fresh_moto: MotoServer, tmp_path: Path) -> None:
    """SIGKILL while terraform holds the lock, then SIGINT mid-apply: state survives, deploy converges."""
    spec = load("dev")
    outdir = tmp_path / "cdktf.out"
    env = fresh_moto.aws_env(spec, outdir)
    stack_dir = outdir / "stacks" / spec.platform_stack
    assert make("bootstrap", env, "ENV=dev").returncode == 0
    session = boto3.session.Session(
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"], aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        region_name=spec.aws.region,
    )
    dynamodb = session.client("dynamodb", endpoint_url=env["AWS_ENDPOINT_URL"])
    s3 = session.client("s3", endpoint_url=env["AWS_ENDPOINT_URL"])

    def locked() -> bool:
        item = dynamodb.get_item(TableName=spec.lock_table_name, Key={"LockID": {"S": lock_item_id(spec)}})
        return "Info" in item.get("Item", {})

    # 1. SIGKILL terraform as soon as it holds the state lock: the lock stays behind.
    process, lines = _deploy_in_background(env)
    _wait_for(locked, 120, "terraform to take the state lock")
    assert signal_terraform(stack_dir, signal.SIGKILL), "no terraform process found"
    assert process.wait(timeout=120) != 0, "".join(lines)[-3000:]

    blocked = make("deploy", env, "ENV=dev")
    line = _one_clear_line(blocked, "is locked")
    command = re.search(r"make unlock ENV=dev LOCK_ID=(\S+)", line)
    assert command, line
    item = dynamodb.get_item(TableName=spec.lock_table_name, Key={"LockID": {"S": lock_item_id(spec)}})["Item"]
    lock = json.loads(item["Info"]["S"])
    assert command.group(1) == lock["ID"]
    unlocked = make("unlock", env, "ENV=dev", f"LOCK_ID={command.group(1)}")
    assert unlocked.returncode == 0, unlocked.stdout + unlocked.stderr
    assert not locked()

    # 2. SIGINT terraform in the middle of creating resources: it stops cleanly and saves state.
    process, lines = _deploy_in_background(env)
    _wait_for(lambda: any("Creation complete" in line for line in lines), 180, "the first created resource")
    assert signal_terraform(stack_dir, signal.SIGINT)
    assert process.wait(timeout=300) != 0, "".join(lines)[-3000:]
    assert not locked(), "an interrupted terraform must release the lock"

    # 3. The next deploy converges; the state is in dev's bucket only and a plan is clean.
    converged = make("deploy", env, "ENV=dev")
    assert converged.returncode == 0, converged.stdout[-3000:] + converged.stderr
    assert sorted(item["Key"] for item in s3.list_objects_v2(Bucket=spec.state_bucket_name)["Contents"]) == [
        spec.state_key
    ]
    plan = make("plan", env, "ENV=dev")
    assert plan.returncode == 0, plan.stdout[-3000:]
    state = json.loads(s3.get_object(Bucket=spec.state_bucket_name, Key=spec.state_key)["Body"].read())
    instances = [resource for resource in state["resources"] if resource["type"] == "aws_instance"]
    groups = [resource for resource in state["resources"] if resource["type"] == "aws_autoscaling_group"]
    assert (len(instances), len(groups)) == (spec.cluster.control_plane.count, len(spec.cluster.scaling_groups))


def test_prod_destroy_refuses_without_confirmation(fresh_moto: MotoServer, tmp_path: Path) -> None:
    env = fresh_moto.aws_env(load("prod"), tmp_path / "cdktf.out")
    result = make("destroy", env, "ENV=prod")
    _one_clear_line(result, "make destroy ENV=prod CONFIRM=prod")
