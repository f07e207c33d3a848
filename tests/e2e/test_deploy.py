"""End to end, against moto_server: bootstrap, deploy (real cdktf + terraform + hashicorp/aws),
SSM values, a clean second plan, inventory, drift, destroy — for dev and prod.

Every step runs the real Make target with the standard AWS variables pointing at moto; each
environment uses its own account (the spec's) and its own synth directory.
"""

from __future__ import annotations

import ipaddress
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import boto3
import pytest

from platform_spec.loader import load
from platform_spec.parameters import layout
from tests.e2e.conftest import MotoServer
from tests.e2e.helpers import error_lines, step_times, timed_make

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _session(env: dict[str, str]) -> boto3.session.Session:
    return boto3.session.Session(
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"], aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        region_name=env["AWS_REGION"],
    )


def _client(env: dict[str, str], service: str) -> Any:
    return _session(env).client(service, endpoint_url=env["AWS_ENDPOINT_URL"])


def _ok(result: subprocess.CompletedProcess, what: str) -> None:
    output = f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    assert result.returncode == 0, f"{what} failed ({result.returncode}):\n{output}"


def _state_objects(env: dict[str, str], bucket: str) -> list[str]:
    listing = _client(env, "s3").list_objects_v2(Bucket=bucket)
    return sorted(item["Key"] for item in listing.get("Contents", []))


@pytest.mark.parametrize("name", ["dev", "prod"])
def test_full_cycle(name: str, moto: MotoServer, tmp_path: Path, timings: dict[str, dict[str, float]]) -> None:
    spec = load(name)
    env = moto.aws_env(spec, tmp_path / "cdktf.out")
    recorded: dict[str, float] = {}
    timings[name] = recorded
    variables = (f"ENV={name}",)

    result, recorded["bootstrap"] = timed_make("bootstrap", env, *variables)
    _ok(result, "make bootstrap")
    assert (tmp_path / ".state" / f"{spec.state_stack}.tfstate").is_file()

    result, recorded["deploy"] = timed_make("deploy", env, *variables)
    _ok(result, "make deploy")
    recorded["deploy.synth"] = step_times(result.stderr).get("synth", 0.0)
    recorded["deploy.cdktf"] = step_times(result.stderr).get("deploy", 0.0)

    # The state object sits in this environment's bucket only.
    assert _state_objects(env, spec.state_bucket_name) == [spec.state_key]
    s3 = _client(env, "s3")
    other_buckets = [b["Name"] for b in s3.list_buckets()["Buckets"] if b["Name"] != spec.state_bucket_name]
    for bucket in other_buckets:
        assert spec.state_key not in _state_objects(env, bucket), f"{name} state leaked into {bucket}"

    # SSM parameters under /sesacthon/<env>/ with the right values.
    ssm = _client(env, "ssm")
    pages = ssm.get_paginator("get_parameters_by_path").paginate(
        Path=f"{spec.ssm_root}/", Recursive=True, WithDecryption=True
    )
    parameters = {item["Name"]: item for page in pages for item in page["Parameters"]}
    assert sorted(parameters) == sorted(parameter.path(spec) for parameter in layout(spec))
    ec2 = _client(env, "ec2")
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "tag:Environment", "Values": [name]}])["Vpcs"]
    assert [vpc["CidrBlock"] for vpc in vpcs] == [str(spec.network.vpc_cidr)]
    assert parameters[f"{spec.ssm_root}/network/vpc-id"]["Value"] == vpcs[0]["VpcId"]
    assert parameters[f"{spec.ssm_root}/cluster/region"]["Value"] == spec.aws.region
    assert parameters[f"{spec.ssm_root}/cluster/domain"]["Value"] == spec.dns.domain
    assert len(parameters[f"{spec.ssm_root}/network/private-subnets"]["Value"].split(",")) == len(
        spec.network.node_zones)
    assert len(parameters[f"{spec.ssm_root}/network/public-subnets"]["Value"].split(",")) == len(spec.network.zones)
    for secret in ("postgres-password", "redis-password", "rabbitmq-password"):
        item = parameters[f"{spec.ssm_root}/data/{secret}"]
        assert item["Type"] == "SecureString" and len(item["Value"]) == 32

    # A second plan reports no changes.
    result, recorded["plan"] = timed_make("plan", env, *variables)
    _ok(result, "make plan (second plan must report no changes)")
    assert "No changes." in result.stdout

    # Inventory: kubespray's groups, parsed by ansible-inventory (the ASG nodes: tests/e2e/test_cluster.py).
    root = tmp_path / "repo"
    result, recorded["inventory"] = timed_make("inventory", env, *variables, f"INVENTORY_ROOT={root}")
    _ok(result, "make inventory")
    hosts = root / "ansible" / "inventory" / name / "hosts.ini"
    assert (root / "ansible" / "inventory" / name / "group_vars" / f"{name}.yml").is_file()
    parsed = subprocess.run(
        [str(Path(sys.executable).parent / "ansible-inventory"), "-i", str(hosts), "--list"],
        capture_output=True, text=True, check=True, env={**env, "ANSIBLE_LOCAL_TEMP": str(tmp_path / "ansible-tmp"),
                                                         "ANSIBLE_HOME": str(tmp_path / "ansible-home")},
    )
    listing = json.loads(parsed.stdout)
    assert len(listing["kube_control_plane"]["hosts"]) == spec.cluster.control_plane.count
    assert listing["etcd"]["children"] == ["kube_control_plane"] and listing[name]["children"] == ["k8s_cluster"]
    host_vars = listing["_meta"]["hostvars"]
    assert len(host_vars) == spec.cluster.control_plane.count
    network = spec.network.vpc_cidr
    assert all(ipaddress.ip_address(vars_["ip"]) in network for vars_ in host_vars.values())
    assert all(vars_["ansible_host"].startswith("i-") for vars_ in host_vars.values())

    # Changing a parameter behind Terraform's back makes `make drift` fail and name it.
    tampered = f"{spec.ssm_root}/network/vpc-id"
    ssm.put_parameter(Name=tampered, Value="vpc-tampered", Overwrite=True)
    result, recorded["drift"] = timed_make("drift", env, *variables)
    assert result.returncode != 0, result.stdout
    assert tampered in result.stdout and '"vpc-tampered"' in result.stdout, result.stdout
    result, _ = timed_make("deploy", env, *variables)
    _ok(result, "make deploy (repair drift)")
    result, _ = timed_make("drift", env, *variables)
    _ok(result, "make drift after repair")

    # Destroy: prod refuses without confirmation; afterwards the environment is empty.
    if spec.tier == "production":
        refused, _ = timed_make("destroy", env, *variables)
        assert refused.returncode != 0
        assert any("CONFIRM=prod" in line for line in error_lines(refused)), refused.stderr
        assert ec2.describe_instances(Filters=[{"Name": "tag:Environment", "Values": [name]}])["Reservations"]
    result, recorded["destroy"] = timed_make("destroy", env, *variables, f"CONFIRM={name}")
    _ok(result, "make destroy")
    running = [
        instance for reservation in ec2.describe_instances(
            Filters=[{"Name": "tag:Environment", "Values": [name]},
                     {"Name": "instance-state-name", "Values": ["pending", "running", "stopping", "stopped"]}]
        )["Reservations"] for instance in reservation["Instances"]
    ]
    assert running == []
    assert ec2.describe_vpcs(Filters=[{"Name": "tag:Environment", "Values": [name]}])["Vpcs"] == []
    assert ssm.get_parameters_by_path(Path=f"{spec.ssm_root}/", Recursive=True)["Parameters"] == []
    zones = _client(env, "route53").list_hosted_zones()["HostedZones"]
    assert [zone for zone in zones if zone["Name"].rstrip(".") == spec.dns.domain] == []
    roles = _client(env, "iam").list_roles()["Roles"]
    assert [role["RoleName"] for role in roles if role["RoleName"].startswith(f"{spec.prefix}-")] == []
    state = json.loads(s3.get_object(Bucket=spec.state_bucket_name, Key=spec.state_key)["Body"].read())
    assert state["resources"] == []


def test_plain_terraform_exit_ramp(fresh_moto: MotoServer, tmp_path: Path,
                                   timings: dict[str, dict[str, float]]) -> None:
    """The same synthesized JSON deploys with plain terraform init/apply (no cdktf CLI) and converges."""
    spec = load("staging")
    env = fresh_moto.aws_env(spec, tmp_path / "cdktf.out")
    recorded: dict[str, float] = {}
    timings["staging (apply-terraform)"] = recorded
    result, recorded["bootstrap"] = timed_make("bootstrap", env, "ENV=staging")
    _ok(result, "make bootstrap")
    result, recorded["apply-terraform"] = timed_make("apply-terraform", env, "ENV=staging")
    _ok(result, "make apply-terraform")
    assert "Apply complete!" in result.stdout
    assert _state_objects(env, spec.state_bucket_name) == [spec.state_key]
    result, recorded["plan"] = timed_make("plan", env, "ENV=staging")
    _ok(result, "make plan after apply-terraform")
