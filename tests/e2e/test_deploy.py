"""End to end, against moto_server with IAM enforced: the release pipeline's roles can deploy exactly
their environment, and nothing else.

dev, staging, prod (and qa) are bootstrapped by their administrators (``conftest.bootstrapped``); from
then on every call is authorized by moto against the caller's policies (``moto_launcher.py``). For dev
and prod, as the **deploy role**: deploy (real cdktf + terraform + hashicorp/aws), a clean plan,
drift repaired, destroy; as the **plan role**: a clean plan, inventory, drift detection, and an apply
that is denied; dev's deploy role and dev's developers are refused everything of the other
environments; no secret value is in any synthesized stack or in the state.
"""

from __future__ import annotations

import ipaddress
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from platform_spec import naming
from platform_spec.parameters import DATA_SECRETS, layout
from tests.e2e.access_checks import denied, refusals, state_and_parameter_calls
from tests.e2e.conftest import Bootstrapped
from tests.e2e.helpers import error_lines, step_times, timed_make

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _ok(result: subprocess.CompletedProcess, what: str) -> None:
    output = f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    assert result.returncode == 0, f"{what} failed ({result.returncode}):\n{output}"


def _state_objects(s3: object, bucket: str) -> list[str]:
    listing = s3.list_objects_v2(Bucket=bucket)  # type: ignore[attr-defined]
    return sorted(item["Key"] for item in listing.get("Contents", []))


def _secrets_are_nowhere(env: Bootstrapped, secrets: list[str]) -> None:
    """No secret value in a synthesized stack, in the state, or in the local working directories."""
    assert all(len(secret) == 32 for secret in secrets)
    s3 = env.identities.client("s3")
    state = s3.get_object(Bucket=env.spec.state_bucket_name, Key=env.spec.state_key)["Body"].read().decode()
    scanned = {"state": state}
    scanned |= {str(path): path.read_text(errors="replace") for path in env.outdir.parent.rglob("*")
                if path.is_file() and path.suffix in (".json", ".tfstate", ".txt", ".tfplan")}
    assert any(path.endswith("cdk.tf.json") for path in scanned)
    for where, text in scanned.items():
        for secret in secrets:
            assert secret not in text, f"a generated secret is in {where}"
    resources = json.loads(state)["resources"]
    parameters = [r for r in resources if r["type"] == "aws_ssm_parameter"
                  and r["instances"][0]["attributes"]["type"] == "SecureString"]
    assert len(parameters) == len(DATA_SECRETS)
    for parameter in parameters:
        attributes = parameter["instances"][0]["attributes"]
        assert attributes["value"] in ("", None) and attributes["value_wo"] is None and attributes["has_value_wo"]


def _inventory(env: Bootstrapped, plan: dict[str, str], tmp_path: Path) -> float:
    spec = env.spec
    root = tmp_path / "repo"
    result, seconds = timed_make("inventory", env.env(plan), f"ENV={spec.name}", f"INVENTORY_ROOT={root}")
    _ok(result, "make inventory (plan role)")
    hosts = root / "ansible" / "inventory" / spec.name / "hosts.ini"
    assert (root / "ansible" / "inventory" / spec.name / "group_vars" / f"{spec.name}.yml").is_file()
    parsed = subprocess.run(
        [str(Path(sys.executable).parent / "ansible-inventory"), "-i", str(hosts), "--list"],
        capture_output=True, text=True, check=True,
        env={**os.environ, "ANSIBLE_LOCAL_TEMP": str(tmp_path / "ansible-tmp"),
             "ANSIBLE_HOME": str(tmp_path / "ansible-home")},
    )
    listing = json.loads(parsed.stdout)
    # kubespray's groups (the ASG nodes come from the dynamic inventory: tests/e2e/test_cluster.py)
    assert len(listing["kube_control_plane"]["hosts"]) == spec.cluster.control_plane.count
    assert listing["etcd"]["children"] == ["kube_control_plane"]
    assert listing[spec.name]["children"] == ["k8s_cluster"]
    host_vars = listing["_meta"]["hostvars"]
    assert len(host_vars) == spec.cluster.control_plane.count
    assert all(ipaddress.ip_address(v["ip"]) in spec.network.vpc_cidr for v in host_vars.values())
    assert all(v["ansible_host"].startswith("i-") for v in host_vars.values())
    return seconds


def _cross_environment_checks(env: Bootstrapped, others: list[Bootstrapped], deploy: dict[str, str]) -> None:
    """dev's deploy role and dev's developers may not touch another environment's state or parameters."""
    who, spec = env.identities, env.spec
    own = state_and_parameter_calls(who, deploy, spec, own=True)
    for kind in ("read state", "read lock", "read parameter"):
        own[kind]()  # the same calls work on dev's own state, lock and parameters
    kinds = ("read state", "write state", "read lock", "take lock", "read parameter", "read secret", "write parameter")
    targets = [other.spec for other in others]
    assert all(refusals(who, deploy, targets, kinds).values()), refusals(who, deploy, targets, kinds)
    developer = who.developer()
    mine = state_and_parameter_calls(who, developer, spec, own=True)
    mine["read parameter"]()  # developers read dev's parameters ...
    assert denied(mine["write parameter"]) and denied(mine["read state"])  # ... and write nothing, no state
    result = refusals(who, developer, targets, kinds)
    assert all(result.values()), result


@pytest.mark.parametrize("name", ["dev", "prod"])
def test_deploy_role_full_cycle(name: str, bootstrapped: dict[str, Bootstrapped], tmp_path: Path,
                                timings: dict[str, dict[str, float]]) -> None:
    env = bootstrapped[name]
    spec, who = env.spec, env.identities
    recorded: dict[str, float] = {}
    timings[name] = recorded
    deploy, plan = who.deploy(), who.plan()
    variables = (f"ENV={name}",)

    result, recorded["deploy"] = timed_make("deploy", env.env(deploy), *variables)
    _ok(result, "make deploy (deploy role)")
    recorded["deploy.cdktf"] = step_times(result.stderr).get("deploy", 0.0)

    # The state object sits in this environment's bucket only.
    s3, ssm, ec2 = who.client("s3"), who.client("ssm"), who.client("ec2")
    assert _state_objects(s3, spec.state_bucket_name) == [spec.state_key]
    for other in bootstrapped.values():
        if other.spec.name != name:
            assert spec.state_key not in _state_objects(other.identities.client("s3"), other.spec.state_bucket_name)

    # Parameters under /sesacthon/<env>/; generated secrets in SSM (KMS key of the environment) only.
    pages = ssm.get_paginator("get_parameters_by_path").paginate(Path=f"{spec.ssm_root}/", Recursive=True,
                                                                 WithDecryption=True)
    parameters = {item["Name"]: item for page in pages for item in page["Parameters"]}
    assert sorted(parameters) == sorted(parameter.path(spec) for parameter in layout(spec))
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "tag:Environment", "Values": [name]}])["Vpcs"]
    assert [vpc["CidrBlock"] for vpc in vpcs] == [str(spec.network.vpc_cidr)]
    assert parameters[f"{spec.ssm_root}/network/vpc-id"]["Value"] == vpcs[0]["VpcId"]
    assert parameters[f"{spec.ssm_root}/cluster/domain"]["Value"] == spec.dns.domain
    assert len(parameters[f"{spec.ssm_root}/network/private-subnets"]["Value"].split(",")) == len(
        spec.network.node_zones)
    assert len(parameters[f"{spec.ssm_root}/network/public-subnets"]["Value"].split(",")) == len(spec.network.zones)
    secrets = [parameters[f"{spec.ssm_root}/data/{secret}"] for secret in DATA_SECRETS]
    assert all(item["Type"] == "SecureString" for item in secrets)
    described = ssm.describe_parameters(ParameterFilters=[{"Key": "Type", "Values": ["SecureString"]}])["Parameters"]
    assert {item["KeyId"] for item in described} == {naming.environment_key_alias(spec)}
    _secrets_are_nowhere(env, [item["Value"] for item in secrets])

    # A second plan reports no changes: as the deploy role and as the read-only plan role.
    for who_plans, credentials in (("deploy", deploy), ("plan", plan)):
        result, recorded[f"plan.{who_plans}"] = timed_make("plan", env.env(credentials), *variables)
        _ok(result, f"make plan as the {who_plans} role (must report no changes)")
        assert "No changes." in result.stdout
    recorded["inventory"] = _inventory(env, plan, tmp_path)

    # Drift: found by the plan role, which may not repair it (its apply is denied); the deploy role does.
    tampered = f"{spec.ssm_root}/network/vpc-id"
    ssm.put_parameter(Name=tampered, Value="vpc-tampered", Overwrite=True)
    result, recorded["drift"] = timed_make("drift", env.env(plan), *variables)
    assert result.returncode != 0 and tampered in result.stdout and '"vpc-tampered"' in result.stdout, result.stdout
    state_before = s3.head_object(Bucket=spec.state_bucket_name, Key=spec.state_key)["ETag"]
    result, recorded["apply.plan-role"] = timed_make("deploy", env.env(plan), *variables)
    assert result.returncode != 0, "an apply as the plan role must be denied"
    output = result.stdout + result.stderr
    assert "AccessDenied" in output and "ssm:PutParameter" in output and naming.role_name(spec, "plan") in output, \
        output[-6000:]
    assert ssm.get_parameter(Name=tampered)["Parameter"]["Value"] == "vpc-tampered"
    assert s3.head_object(Bucket=spec.state_bucket_name, Key=spec.state_key)["ETag"] == state_before
    result, recorded["repair"] = timed_make("deploy", env.env(who.deploy()), *variables)
    _ok(result, "make deploy (repair drift)")
    result, _ = timed_make("drift", env.env(who.plan()), *variables)
    _ok(result, "make drift after repair")

    if spec.access.developers_may_assume:
        _cross_environment_checks(env, [other for other in bootstrapped.values() if other.spec.name != name],
                                  who.deploy())

    # Destroy: prod refuses without confirmation; afterwards the environment is empty.
    deploy = who.deploy()
    if spec.tier == "production":
        refused, _ = timed_make("destroy", env.env(deploy), *variables)
        assert refused.returncode != 0 and any("CONFIRM=prod" in line for line in error_lines(refused))
    result, recorded["destroy"] = timed_make("destroy", env.env(deploy), *variables, f"CONFIRM={name}")
    _ok(result, "make destroy (deploy role)")
    live = [instance for reservation in ec2.describe_instances(Filters=[
        {"Name": "tag:Environment", "Values": [name]},
        {"Name": "instance-state-name", "Values": ["pending", "running", "stopping", "stopped"]}],
    )["Reservations"] for instance in reservation["Instances"]]
    assert live == []
    assert ec2.describe_vpcs(Filters=[{"Name": "tag:Environment", "Values": [name]}])["Vpcs"] == []
    assert ssm.get_parameters_by_path(Path=f"{spec.ssm_root}/", Recursive=True)["Parameters"] == []
    zones = who.client("route53").list_hosted_zones()["HostedZones"]
    assert [zone for zone in zones if zone["Name"].rstrip(".") == spec.dns.domain] == []
    roles = {role["RoleName"] for role in who.client("iam").list_roles()["Roles"]}
    assert {role for role in roles if role.startswith(f"{spec.prefix}-")} == {
        naming.role_name(spec, naming.DEPLOY), naming.role_name(spec, naming.PLAN)}, "only the bootstrap's roles stay"
    state = json.loads(s3.get_object(Bucket=spec.state_bucket_name, Key=spec.state_key)["Body"].read())
    assert state["resources"] == []


def test_plain_terraform_exit_ramp(bootstrapped: dict[str, Bootstrapped], timings: dict[str, dict[str, float]]) -> None:
    """The same synthesized JSON deploys with plain terraform init/apply (no cdktf CLI) as the deploy role."""
    env = bootstrapped["staging"]
    who = env.identities
    recorded: dict[str, float] = {}
    timings["staging (apply-terraform)"] = recorded
    result, recorded["apply-terraform"] = timed_make("apply-terraform", env.env(who.deploy()), "ENV=staging")
    _ok(result, "make apply-terraform (deploy role)")
    assert "Apply complete!" in result.stdout
    assert _state_objects(who.client("s3"), env.spec.state_bucket_name) == [env.spec.state_key]
    result, recorded["plan"] = timed_make("plan", env.env(who.plan()), "ENV=staging")
    _ok(result, "make plan after apply-terraform (plan role)")
