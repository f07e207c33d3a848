"""The inventory generator: a pure function of the spec and ``terraform output -json``."""

from __future__ import annotations

import configparser
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from generators.inventory import ROLE_GROUPS, render
from platform_spec.model import EnvironmentSpec
from plumbing.writer import MARKER, write_tree


def fake_outputs(spec: EnvironmentSpec) -> dict[str, Any]:
    """What ``terraform output -json`` returns for a deployed spec (addresses made up)."""
    nodes = {}
    position = 0
    for group in spec.cluster.node_groups:
        for index in range(group.count):
            zone = spec.network.zones[position % len(spec.network.zones)]
            nodes[f"{group.name}-{index + 1}"] = {
                "role": group.role, "group": group.name, "zone": zone.name,
                "private_ip": str(zone.private_cidr[10 + position]), "instance_id": f"i-{position:017x}",
                "services": list(group.services),
            }
            position += 1
    return {
        "nodes": {"sensitive": False, "type": ["object", {}], "value": nodes},
        "vpc_id": {"sensitive": False, "type": "string", "value": "vpc-0123456789abcdef0"},
        "api_endpoint": {"sensitive": False, "type": "string", "value": f"https://k8s-api.{spec.dns.domain}:6443"},
    }


def _hosts(text: str) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines():
        if line.startswith("["):
            current = line.strip("[]")
            groups[current] = []
        elif line.strip() and current:
            groups[current].append(line.split()[0])
    return groups


@pytest.mark.parametrize("name", ["dev", "staging", "prod"])
def test_hosts_grouped_by_role(name: str, specs: dict[str, EnvironmentSpec]) -> None:
    spec = specs[name]
    files = render(spec, fake_outputs(spec))
    assert sorted(files) == [f"ansible/group_vars/{name}.yml", f"ansible/inventory/{name}/hosts.ini"]
    groups = _hosts(files[f"ansible/inventory/{name}/hosts.ini"])
    for role, group in ROLE_GROUPS.items():
        expected = sum(g.count for g in spec.cluster.node_groups if g.role == role)
        assert len(groups.get(group, [])) == expected
    assert sorted(groups[f"{name}:children"]) == sorted(g for g in ROLE_GROUPS.values() if g in groups)


def test_host_variables_and_service_labels(specs: dict[str, EnvironmentSpec]) -> None:
    spec = specs["prod"]
    text = render(spec, fake_outputs(spec))["ansible/inventory/prod/hosts.ini"]
    line = next(line for line in text.splitlines() if line.startswith("api-waste-1 "))
    fields = dict(part.split("=", 1) for part in line.split()[1:])
    assert fields["service"] == "waste"
    assert fields["ansible_host"].startswith("10.30.")
    assert "service=waste" in fields["node_labels"]
    # A group running several services gets no single service label.
    dev = specs["dev"]
    dev_text = render(dev, fake_outputs(dev))["ansible/inventory/dev/hosts.ini"]
    api = next(line for line in dev_text.splitlines() if line.startswith("api-1 "))
    assert " service=" not in api and "services=waste,chat-llm" in api


def test_spot_nodes_carry_the_taint_their_workloads_tolerate(specs: dict[str, EnvironmentSpec]) -> None:
    dev = specs["dev"]
    lines = render(dev, fake_outputs(dev))["ansible/inventory/dev/hosts.ini"].splitlines()
    fields = {line.split()[0]: dict(part.split("=", 1) for part in line.split()[1:]) for line in lines
              if " ansible_host=" in line}
    assert fields["api-1"]["node_taints"] == "sesacthon.io/spot=true:NoSchedule"
    assert "sesacthon.io/spot=true" in fields["api-1"]["node_labels"]
    assert "node_taints" not in fields["control-plane-1"] and "node_taints" not in fields["infra-data-1"]
    overlay = (Path(__file__).resolve().parents[2] / "k8s/overlays/dev/apis/patches/waste.yaml").read_text()
    assert "sesacthon.io/spot" in overlay, "dev workloads on Spot nodes must tolerate the taint"


def test_group_vars_from_spec_and_outputs(specs: dict[str, EnvironmentSpec]) -> None:
    for spec in specs.values():
        data = yaml.safe_load(render(spec, fake_outputs(spec))[f"ansible/group_vars/{spec.name}.yml"])
        assert data["cni"] == spec.cluster.cni
        assert data["domain"] == spec.dns.domain
        assert data["ssm_root"] == spec.ssm_root
        assert data["vpc_id"] == "vpc-0123456789abcdef0"
        groups = data["cluster_autoscaler"]["node_groups"]
        bounds = {group["name"]: (group["min_size"], group["max_size"]) for group in groups}
        for group in spec.cluster.node_groups:
            assert bounds[group.name] == (spec.cluster.min_size(group), spec.cluster.max_size(group))
    prod = yaml.safe_load(render(specs["prod"], fake_outputs(specs["prod"]))["ansible/group_vars/prod.yml"])
    assert all(group["min_size"] == group["desired"] for group in prod["cluster_autoscaler"]["node_groups"])


def test_plain_values_are_accepted(specs: dict[str, EnvironmentSpec]) -> None:
    spec = specs["dev"]
    plain = {key: value["value"] for key, value in fake_outputs(spec).items()}
    assert render(spec, plain) == render(spec, fake_outputs(spec))


def test_missing_output_names_it(specs: dict[str, EnvironmentSpec]) -> None:
    with pytest.raises(KeyError, match="nodes"):
        render(specs["dev"], {})


def test_written_with_header_and_parsed_by_ansible(specs: dict[str, EnvironmentSpec], tmp_path: Path) -> None:
    spec = specs["staging"]
    write_tree(tmp_path, render(spec, fake_outputs(spec)), owned_dirs=["ansible/inventory/staging"])
    hosts = tmp_path / "ansible/inventory/staging/hosts.ini"
    assert MARKER in hosts.read_text().splitlines()[0]
    parser = configparser.ConfigParser(allow_no_value=True, delimiters=(" ",))
    parser.read_string(hosts.read_text())
    assert "staging:children" in parser
    listing = subprocess.run(
        [str(Path(sys.executable).parent / "ansible-inventory"), "-i", str(hosts), "--list"],
        capture_output=True, text=True, check=True,
        env={"PATH": "/usr/bin:/bin", "ANSIBLE_HOME": str(tmp_path / "ansible-home"),
             "ANSIBLE_LOCAL_TEMP": str(tmp_path / "ansible-tmp")},
    )
    assert '"control_plane"' in listing.stdout
