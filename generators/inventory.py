"""Ansible inventory and group_vars of one environment, from the spec and ``terraform output -json``.

A pure function: ``render(spec, outputs)`` returns ``{relative path: content}`` for
``ansible/inventory/<env>/hosts.ini`` and ``ansible/group_vars/<env>.yml``; the writer adds the
generated header. Hosts are grouped by node role (control plane, APIs, workers, infrastructure)
under a parent group named after the environment, so ``group_vars/<env>.yml`` applies to all.
"""

from __future__ import annotations

from typing import Any

import yaml

from platform_spec.model import EnvironmentSpec
from platform_spec.parameters import ROLES

ROLE_GROUPS: dict[str, str] = {"control-plane": "control_plane", "api": "api", "worker": "workers", "infra": "infra"}
"""Inventory group of each node role (Ansible group names may not contain dashes)."""


def _value(outputs: dict[str, Any], name: str) -> Any:
    """An output's value, whether given as ``terraform output -json`` (``{"value": ...}``) or plain."""
    if name not in outputs:
        raise KeyError(f"terraform output '{name}' is missing (is the stack deployed?)")
    entry = outputs[name]
    return entry["value"] if isinstance(entry, dict) and "value" in entry and "type" in entry else entry


def inventory_path(spec: EnvironmentSpec) -> str:
    """Relative path of the environment's ``hosts.ini``."""
    return f"ansible/inventory/{spec.name}/hosts.ini"


def group_vars_path(spec: EnvironmentSpec) -> str:
    """Relative path of the environment's group_vars file."""
    return f"ansible/group_vars/{spec.name}.yml"


def _host_line(spec: EnvironmentSpec, name: str, node: dict[str, Any]) -> str:
    fields = [
        f"{name}",
        f"ansible_host={node['private_ip']}",
        f"instance_id={node['instance_id']}",
        f"node_group={node['group']}",
        f"zone={node['zone']}",
    ]
    services = node.get("services", [])
    if len(services) == 1:
        fields.append(f"service={services[0]}")
    if services:
        fields.append(f"services={','.join(services)}")
    group = spec.cluster.group(node["group"])
    labels = {**group.node_labels(), "topology.kubernetes.io/zone": node["zone"]}
    fields.append("node_labels=" + ",".join(f"{key}={value}" for key, value in labels.items()))
    if taints := group.node_taints():
        fields.append(f"node_taints={','.join(taints)}")
    return " ".join(fields)


def render_hosts(spec: EnvironmentSpec, outputs: dict[str, Any]) -> str:
    """``hosts.ini``: one section per role, the ``<env>`` parent group and its vars."""
    nodes: dict[str, dict[str, Any]] = _value(outputs, "nodes")
    spec_groups = {group.name: group for group in spec.cluster.node_groups}
    lines: list[str] = []
    present = []
    for role in ROLES:
        members = sorted(
            (name for name, node in nodes.items() if node["role"] == role),
            key=lambda name: (list(spec_groups).index(nodes[name]["group"]) if nodes[name]["group"] in spec_groups
                              else len(spec_groups), name),
        )
        if not members:
            continue
        group = ROLE_GROUPS[role]
        present.append(group)
        lines.append(f"[{group}]")
        lines += [_host_line(spec, name, nodes[name]) for name in members]
        lines.append("")
    lines.append(f"[{spec.name}:children]")
    lines += present
    lines.append("")
    lines.append(f"[{spec.name}:vars]")
    lines.append(f"env={spec.name}")
    lines.append("")
    return "\n".join(lines)


def render_group_vars(spec: EnvironmentSpec, outputs: dict[str, Any]) -> str:
    """``group_vars/<env>.yml``: CNI, cluster-autoscaler bounds, domain, SSM root, endpoints."""
    cluster = spec.cluster
    data = {
        "env": spec.name,
        "tier": spec.tier,
        "aws_region": spec.aws.region,
        "domain": spec.dns.domain,
        "ssm_root": spec.ssm_root,
        "cni": cluster.cni,
        "api_endpoint": _value(outputs, "api_endpoint"),
        "vpc_id": _value(outputs, "vpc_id"),
        "cluster_autoscaler": {
            "enabled": not cluster.autoscaling.always_on,
            "node_groups": [
                {
                    "name": group.name,
                    "role": group.role,
                    "min_size": cluster.min_size(group),
                    "max_size": cluster.max_size(group),
                    "desired": group.count,
                }
                for group in cluster.node_groups
            ],
        },
    }
    return yaml.safe_dump(data, sort_keys=False, default_flow_style=False)


def render(spec: EnvironmentSpec, outputs: dict[str, Any]) -> dict[str, str]:
    """``{relative path: content}`` of the environment's inventory and group_vars."""
    return {
        inventory_path(spec): render_hosts(spec, outputs),
        group_vars_path(spec): render_group_vars(spec, outputs),
    }
