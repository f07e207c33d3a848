"""End to end against moto_server: the cluster works once applied (issue 10).

- dev and prod deployed by the real `make deploy`: Auto Scaling Groups with the guardrail's bounds and the
  autoscaler's tags (moto launches their instances), the certificate ISSUED (the launcher issues it only once
  the validation CNAME exists), the API name in the private zone only;
- the delegation path: `sesacthon delegation dev` names the missing entry, the parent's spec gets it, prod's
  deploy writes NS records equal to dev's zone's name servers, and the command then agrees;
- the `amazon.aws.aws_ec2` dynamic inventory `make inventory` writes lists the ASG instances from the local
  endpoint, in kubespray's `kube_node` and per node group.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml

from platform_spec.loader import load_all
from platform_spec.naming import node_group_asg
from plumbing.exit_codes import ExitCode
from tests.conftest import ENVIRONMENTS
from tests.e2e.conftest import MotoServer
from tests.e2e.helpers import timed_make

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _client(env: dict[str, str], service: str) -> Any:
    return boto3.session.Session(
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"], aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        region_name=env["AWS_REGION"],
    ).client(service, endpoint_url=env["AWS_ENDPOINT_URL"])


def _ok(result: subprocess.CompletedProcess, what: str) -> None:
    output = f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    assert result.returncode == 0, f"{what} failed ({result.returncode}):\n{output}"


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cli", *args], env=env, capture_output=True, text=True, timeout=300,
                          cwd=Path(__file__).parents[2])


def _zone_id(route53: Any, name: str, private: bool) -> str:
    zones = route53.list_hosted_zones()["HostedZones"]
    [zone] = [z for z in zones if z["Name"].rstrip(".") == name and z["Config"]["PrivateZone"] == private]
    return zone["Id"].rsplit("/", 1)[-1]


def _records(route53: Any, zone_id: str) -> list[dict]:
    return route53.list_resource_record_sets(HostedZoneId=zone_id)["ResourceRecordSets"]


def _deploy(name: str, env: dict[str, str], recorded: dict[str, float]) -> None:
    result, recorded[f"{name}.bootstrap"] = timed_make("bootstrap", env, f"ENV={name}")
    _ok(result, f"make bootstrap ENV={name}")
    result, recorded[f"{name}.deploy"] = timed_make("deploy", env, f"ENV={name}")
    _ok(result, f"make deploy ENV={name}")


def _check_node_groups(name: str, env: dict[str, str]) -> None:
    spec = load_all(Path(env["SESACTHON_ENVIRONMENTS_DIR"]))[name]
    autoscaling = _client(env, "autoscaling")
    groups = {g["AutoScalingGroupName"]: g for g in autoscaling.describe_auto_scaling_groups()["AutoScalingGroups"]}
    assert sorted(groups) == sorted(node_group_asg(spec, g.name) for g in spec.cluster.scaling_groups)
    for group in spec.cluster.scaling_groups:
        asg = groups[node_group_asg(spec, group.name)]
        assert (asg["MinSize"], asg["MaxSize"]) == (spec.cluster.min_size(group), spec.cluster.max_size(group))
        assert len(asg["Instances"]) == group.count, "moto launches the desired capacity"
        tags = {tag["Key"]: tag["Value"] for tag in asg["Tags"]}
        assert tags["k8s.io/cluster-autoscaler/enabled"] == "true"
        assert tags[f"k8s.io/cluster-autoscaler/{spec.prefix}"] == "owned"
        for key, value in group.node_labels().items():
            assert tags[f"k8s.io/cluster-autoscaler/node-template/label/{key}"] == value
        assert ("MixedInstancesPolicy" in asg) == group.spot
    ec2 = _client(env, "ec2")
    reservations = ec2.describe_instances(Filters=[{"Name": "tag:Environment", "Values": [name]}])["Reservations"]
    instances = [i for r in reservations for i in r["Instances"] if i["State"]["Name"] == "running"]
    assert len(instances) == spec.cluster.node_count
    fixed = [i for i in instances if {"Key": "NodeGroup", "Value": "control-plane"} in i["Tags"]]
    assert len(fixed) == spec.cluster.control_plane.count
    assert all(i["MetadataOptions"]["HttpTokens"] == "required" for i in fixed)
    # ASG instances take their metadata options from the launch template (moto does not copy them over)
    for group in spec.cluster.scaling_groups:
        [version] = ec2.describe_launch_template_versions(
            LaunchTemplateName=node_group_asg(spec, group.name), Versions=["$Latest"])["LaunchTemplateVersions"]
        options = version["LaunchTemplateData"]["MetadataOptions"]
        assert (options["HttpTokens"], options["HttpPutResponseHopLimit"]) == ("required", 1)


def _check_dns_and_certificate(name: str, env: dict[str, str]) -> None:
    spec = load_all(Path(env["SESACTHON_ENVIRONMENTS_DIR"]))[name]
    acm = _client(env, "acm")
    [summary] = acm.list_certificates()["CertificateSummaryList"]
    certificate = acm.describe_certificate(CertificateArn=summary["CertificateArn"])["Certificate"]
    assert certificate["Status"] == "ISSUED"
    route53 = _client(env, "route53")
    public = _records(route53, _zone_id(route53, spec.dns.domain, private=False))
    [option] = {o["ResourceRecord"]["Name"]: o for o in certificate["DomainValidationOptions"]}.values()
    assert any(r["Name"] == option["ResourceRecord"]["Name"] and r["Type"] == "CNAME" for r in public)
    assert not any(r["Name"].rstrip(".") == spec.dns.api_name for r in public)
    private = _records(route53, _zone_id(route53, spec.dns.internal_zone, private=True))
    [api] = [r for r in private if r["Name"].rstrip(".") == spec.dns.api_name]
    assert len(api["ResourceRecords"]) == spec.cluster.control_plane.count
    ssm = _client(env, "ssm")
    parameter = ssm.get_parameter(Name=f"{spec.ssm_root}/ingress/acm-arn")["Parameter"]["Value"]
    assert parameter == summary["CertificateArn"]


def _check_dynamic_inventory(name: str, env: dict[str, str], tmp_path: Path) -> None:
    spec = load_all(Path(env["SESACTHON_ENVIRONMENTS_DIR"]))[name]
    root = tmp_path / f"inventory-{name}"
    result, _ = timed_make("inventory", env, f"ENV={name}", f"INVENTORY_ROOT={root}")
    _ok(result, "make inventory")
    directory = root / "ansible" / "inventory" / name
    listing = json.loads(subprocess.run(
        [str(Path(sys.executable).parent / "ansible-inventory"), "-i", str(directory / "aws_ec2.yml"), "--list"],
        capture_output=True, text=True, check=True,
        env={**env, "ANSIBLE_HOME": str(tmp_path / "ansible-home"), "ANSIBLE_LOCAL_TEMP": str(tmp_path / "tmp")},
    ).stdout)
    autoscaling = _client(env, "autoscaling")
    expected = {group["AutoScalingGroupName"]: sorted(i["InstanceId"] for i in group["Instances"])
                for group in autoscaling.describe_auto_scaling_groups()["AutoScalingGroups"]}
    assert sorted(listing["kube_node"]["hosts"]) == sorted(i for ids in expected.values() for i in ids)
    for group in spec.cluster.scaling_groups:
        inventory_group = "node_group_" + group.name.replace("-", "_")
        assert sorted(listing[inventory_group]["hosts"]) == expected[node_group_asg(spec, group.name)]
        variables = yaml.safe_load((directory / "group_vars" / f"{inventory_group}.yml").read_text())
        assert variables["node_labels"] == group.node_labels()
    some_host = listing["_meta"]["hostvars"][listing["kube_node"]["hosts"][0]]
    assert some_host["ansible_host"].startswith("i-") and some_host["kubelet_custom_flags"][0].startswith(
        "--provider-id=aws:///ap-northeast-2")


def test_cluster_scales_resolves_and_hands_off(tmp_path: Path, timings: dict[str, dict[str, float]]) -> None:
    environments = tmp_path / "environments"
    environments.mkdir()
    for path in ENVIRONMENTS.glob("*.yaml"):
        (environments / path.name).write_text(path.read_text())
    server = MotoServer(tmp_path / "moto_server.log")
    recorded: dict[str, float] = {}
    timings["cluster (dev + prod, delegation)"] = recorded
    try:
        specs = load_all(environments)
        envs = {}
        for name in ("dev", "prod"):
            env = server.aws_env(specs[name], tmp_path / f"cdktf.out-{name}")
            env["SESACTHON_ENVIRONMENTS_DIR"] = str(environments)
            envs[name] = env
        _deploy("dev", envs["dev"], recorded)
        _check_node_groups("dev", envs["dev"])
        _check_dns_and_certificate("dev", envs["dev"])

        # Delegation: the child's published name servers are missing from the parent's spec.
        asked = _cli(envs["dev"], "delegation", "dev")
        assert asked.returncode == ExitCode.CHANGES, asked.stdout + asked.stderr
        entry = asked.stdout.split("delegations:\n", 1)[1]
        prod_spec = environments / "prod.yaml"
        prod_spec.write_text(prod_spec.read_text().replace(
            "  domain: ecoeco.app\n", "  domain: ecoeco.app\n  delegations:\n" + entry.rstrip("\n") + "\n"))
        assert load_all(environments)["prod"].dns.delegations[0].zone == "dev.ecoeco.app"

        _deploy("prod", envs["prod"], recorded)
        _check_node_groups("prod", envs["prod"])
        _check_dns_and_certificate("prod", envs["prod"])
        route53_dev, route53_prod = _client(envs["dev"], "route53"), _client(envs["prod"], "route53")
        child_ns = next(r for r in _records(route53_dev, _zone_id(route53_dev, "dev.ecoeco.app", private=False))
                        if r["Type"] == "NS")
        parent = _records(route53_prod, _zone_id(route53_prod, "ecoeco.app", private=False))
        [delegation] = [r for r in parent if r["Type"] == "NS" and r["Name"].rstrip(".") == "dev.ecoeco.app"]
        assert sorted(v["Value"].rstrip(".") for v in delegation["ResourceRecords"]) == sorted(
            v["Value"].rstrip(".") for v in child_ns["ResourceRecords"])
        agreed = _cli(envs["dev"], "delegation", "dev")
        assert agreed.returncode == ExitCode.OK, agreed.stdout + agreed.stderr
        assert "ecoeco.app (prod) delegates dev.ecoeco.app" in agreed.stdout

        _check_dynamic_inventory("prod", envs["prod"], tmp_path)
        _check_dynamic_inventory("dev", envs["dev"], tmp_path)
    finally:
        server.stop()
    assert os.path.exists(tmp_path / "moto_server.log")
