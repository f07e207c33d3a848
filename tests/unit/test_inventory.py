"""The kubespray handoff: the generated inventory read by ``ansible-inventory`` against kubespray's contract."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from generators.inventory import node_group_name, render
from platform_spec.model import EnvironmentSpec
from plumbing.writer import MARKER, write_tree

FIXTURE = yaml.safe_load((Path(__file__).parents[1] / "fixtures/kubespray/inventory_structure.yaml").read_text())
TYPES = {"str": str, "dict": dict, "list": list, "bool": bool}


def fake_outputs(spec: EnvironmentSpec) -> dict[str, Any]:
    """What ``terraform output -json`` returns for a deployed spec (addresses made up)."""
    nodes = {}
    zones = spec.network.node_zones
    for index in range(spec.cluster.control_plane.count):
        zone = zones[index % len(zones)]
        assert zone.private_cidr is not None
        nodes[f"control-plane-{index + 1}"] = {
            "role": "control-plane", "group": "control-plane", "zone": zone.name,
            "private_ip": str(zone.private_cidr[10 + index]), "instance_id": f"i-{index:017x}", "services": [],
        }
    groups = {group.name: {"asg_name": f"{spec.prefix}-{group.name}", "min_size": spec.cluster.min_size(group),
                           "max_size": spec.cluster.max_size(group)} for group in spec.cluster.scaling_groups}
    plain = {
        "nodes": nodes, "node_groups": groups, "vpc_id": "vpc-0123456789abcdef0",
        "api_endpoint": f"https://{spec.dns.api_name}:6443", "ansible_transfer_bucket": f"{spec.prefix}-ansible-ssm",
    }
    return {name: {"sensitive": False, "type": "x", "value": value} for name, value in plain.items()}


def ansible_inventory(path: Path, tmp_path: Path) -> dict[str, Any]:
    """``ansible-inventory -i <path> --list``, parsed."""
    result = subprocess.run(
        [str(Path(sys.executable).parent / "ansible-inventory"), "-i", str(path), "--list"],
        capture_output=True, text=True, check=True,
        env={"PATH": os.environ["PATH"], "ANSIBLE_HOME": str(tmp_path / "ansible-home"),
             "ANSIBLE_LOCAL_TEMP": str(tmp_path / "ansible-tmp")},
    )
    return json.loads(result.stdout)


@pytest.fixture(params=["dev", "staging", "prod"])
def listing(request: pytest.FixtureRequest, specs: dict[str, EnvironmentSpec], tmp_path: Path) -> tuple[
        EnvironmentSpec, dict[str, Any]]:
    spec = specs[request.param]
    write_tree(tmp_path, render(spec, fake_outputs(spec)), owned_dirs=[f"ansible/inventory/{spec.name}"])
    return spec, ansible_inventory(tmp_path / "ansible" / "inventory" / spec.name / "hosts.ini", tmp_path)


def test_kubespray_groups(listing: tuple[EnvironmentSpec, dict[str, Any]]) -> None:
    spec, inventory = listing
    for group, shape in FIXTURE["groups"].items():
        if "children" in shape:
            assert sorted(inventory[group]["children"]) == sorted(shape["children"]), group
    control_plane = inventory["kube_control_plane"]["hosts"]
    assert len(control_plane) == spec.cluster.control_plane.count
    assert len(control_plane) % 2 == 1, "etcd needs an odd member count"
    assert inventory[spec.name]["children"] == ["k8s_cluster"]


def test_kubespray_variable_types(listing: tuple[EnvironmentSpec, dict[str, Any]]) -> None:
    spec, inventory = listing
    for host, variables in inventory["_meta"]["hostvars"].items():
        for name, kind in FIXTURE["host_variables"].items():
            assert isinstance(variables[name], TYPES[kind]), (host, name, variables[name])
        for name, rule in FIXTURE["cluster_variables"].items():
            assert isinstance(variables[name], TYPES[rule["type"]]), (name, variables[name])
            if "allowed" in rule:
                assert variables[name] in rule["allowed"], (name, variables[name])
        assert variables["ansible_connection"] == "community.aws.aws_ssm"
        assert variables["ansible_host"].startswith("i-"), "SSM connects by instance id"
        assert variables["kubelet_custom_flags"] == [f"--provider-id=aws:///{variables['zone']}/{variables['ansible_host']}"]
        assert variables["supplementary_addresses_in_ssl_keys"] == [spec.dns.api_name]
        assert variables["kube_kubeadm_apiserver_extra_args"]["service-account-issuer"].startswith("https://")
    zones = {variables["zone"] for variables in inventory["_meta"]["hostvars"].values()}
    assert len(zones) == spec.cluster.control_plane.count, "one control-plane node per zone"


def test_node_group_vars_are_typed(specs: dict[str, EnvironmentSpec], tmp_path: Path) -> None:
    spec = specs["dev"]
    files = render(spec, fake_outputs(spec))
    for group in spec.cluster.scaling_groups:
        data = yaml.safe_load(files[f"ansible/inventory/dev/group_vars/{node_group_name(group)}.yml"])
        assert data == {"node_labels": group.node_labels(), "node_taints": group.node_taints()}
    assert yaml.safe_load(files["ansible/inventory/dev/group_vars/node_group_api.yml"])["node_taints"] == [
        "sesacthon.io/spot=true:NoSchedule"]


def test_dynamic_inventory_config(specs: dict[str, EnvironmentSpec]) -> None:
    spec = specs["prod"]
    config = yaml.safe_load(render(spec, fake_outputs(spec))["ansible/inventory/prod/aws_ec2.yml"])
    assert config["plugin"] == "amazon.aws.aws_ec2"
    assert config["filters"]["tag:kubernetes.io/cluster/sesacthon-prod"] == "owned"
    assert config["filters"]["tag-key"] == "sesacthon.io/node-group"
    assert config["keyed_groups"][0]["prefix"] == "node_group"
    assert config["groups"] == {"kube_node": "true"}


def test_group_vars_autoscaler_bounds(specs: dict[str, EnvironmentSpec]) -> None:
    for spec in specs.values():
        path = f"ansible/inventory/{spec.name}/group_vars/{spec.name}.yml"
        data = yaml.safe_load(render(spec, fake_outputs(spec))[path])
        groups = data["cluster_autoscaler"]["node_groups"]
        bounds = {group["name"]: (group["min_size"], group["max_size"]) for group in groups}
        expected = {g.name: (spec.cluster.min_size(g), spec.cluster.max_size(g)) for g in spec.cluster.scaling_groups}
        assert bounds == expected
        assert data["kube_network_plugin"] == spec.cluster.cni and data["calico_vxlan_mode"] == "Always"


def test_plain_values_are_accepted(specs: dict[str, EnvironmentSpec]) -> None:
    spec = specs["dev"]
    plain = {key: value["value"] for key, value in fake_outputs(spec).items()}
    assert render(spec, plain) == render(spec, fake_outputs(spec))


def test_missing_output_names_it(specs: dict[str, EnvironmentSpec]) -> None:
    with pytest.raises(KeyError, match="nodes"):
        render(specs["dev"], {})


def test_written_with_header(specs: dict[str, EnvironmentSpec], tmp_path: Path) -> None:
    spec = specs["staging"]
    write_tree(tmp_path, render(spec, fake_outputs(spec)), owned_dirs=["ansible/inventory/staging"])
    assert MARKER in (tmp_path / "ansible/inventory/staging/hosts.ini").read_text().splitlines()[0]
