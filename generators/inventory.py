"""The Ansible handoff of one environment, from the spec and ``terraform output -json``: kubespray's inventory.

A pure function: ``render(spec, outputs)`` returns ``{relative path: content}`` under ``ansible/inventory/<env>/``:

- ``hosts.ini``: kubespray's groups (``inventory/sample/inventory.ini`` of kubespray v2.29.1):
  ``kube_control_plane`` (the fixed control-plane instances), ``etcd:children`` = the control plane,
  ``kube_node`` (filled by the dynamic inventory), ``k8s_cluster:children``, and ``<env>:children``.
  Hosts are reached through the SSM session manager (``ansible_host`` = instance id); ``ip``/``access_ip``
  are their private addresses; ``node_labels`` is a mapping and ``node_taints`` a list
  (kubespray docs/ansible/vars.md), written as Python literals that the INI parser turns into those types.
- ``aws_ec2.yml``: an ``amazon.aws.aws_ec2`` dynamic inventory of the Auto Scaling nodes, keyed by the
  node-group tag into ``node_group_<group>`` and all into ``kube_node``.
- ``group_vars/<env>.yml``: kubespray's variables (CNI, Calico VXLAN, SANs, service-account issuer) and the
  connection; ``group_vars/node_group_<group>.yml``: each group's labels and taints.
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from platform_spec.addons import ADDONS
from platform_spec.labels import NODE_GROUP_LABEL
from platform_spec.model import EnvironmentSpec, NodeGroup
from platform_spec.naming import cluster_name, oidc_bucket, oidc_issuer, oidc_jwks_uri
from platform_spec.parameters import JOIN_CA_HASH, JOIN_TOKEN

KUBESPRAY_VERSION = "v2.29.1"
"""The kubespray release the handoff runs (ansible/requirements.yml pins the same tag)."""
ARGOCD_VERSION = "2.14.21"
ARGOCD_CHECKSUM = "sha256:ee39d40847bbb36154ebcdf2f5c93e0a9001ab60131afb60dbe42981a069699e"
"""Argo CD's install.yaml as kubespray v2.29.1 pins it (roles/kubespray_defaults/vars/main/checksums.yml)."""


def _value(outputs: dict[str, Any], name: str) -> Any:
    """An output's value, whether given as ``terraform output -json`` (``{"value": ...}``) or plain."""
    if name not in outputs:
        raise KeyError(f"terraform output '{name}' is missing (is the stack deployed?)")
    entry = outputs[name]
    return entry["value"] if isinstance(entry, dict) and "value" in entry and "type" in entry else entry


def directory(spec: EnvironmentSpec) -> str:
    """The environment's inventory directory (``ansible-playbook -i`` takes it whole)."""
    return f"ansible/inventory/{spec.name}"


def inventory_path(spec: EnvironmentSpec) -> str:
    """Relative path of the environment's ``hosts.ini``."""
    return f"{directory(spec)}/hosts.ini"


def group_vars_path(spec: EnvironmentSpec) -> str:
    """Relative path of the environment's group_vars file (group ``<env>``: every host)."""
    return f"{directory(spec)}/group_vars/{spec.name}.yml"


def node_group_name(group: NodeGroup) -> str:
    """Inventory group of a node group's hosts (Ansible group names take no dashes)."""
    return "node_group_" + group.name.replace("-", "_")


def _literal(value: Any) -> str:
    """A host variable in INI form: a Python literal (the INI parser evaluates it), quoted for its shlex."""
    return "'" + json.dumps(value, sort_keys=True) + "'"


def provider_id(zone: str, instance_id: str) -> str:
    """The kubelet's ``--provider-id`` (``aws:///<zone>/<instance-id>``): cluster-autoscaler and the ALB
    controller find a node's instance by it."""
    return f"aws:///{zone}/{instance_id}"


def _host_line(spec: EnvironmentSpec, name: str, node: dict[str, Any], index: int) -> str:
    group = spec.cluster.group(node["group"])
    labels = {**group.node_labels(), "topology.kubernetes.io/zone": node["zone"]}
    fields = [
        name,
        f"ansible_host={node['instance_id']}",
        f"ip={node['private_ip']}",
        f"access_ip={node['private_ip']}",
        f"etcd_member_name=etcd{index}",
        f"zone={node['zone']}",
        f"node_labels={_literal(labels)}",
        f"node_taints={_literal(group.node_taints())}",
        f"kubelet_custom_flags={_literal(['--provider-id=' + provider_id(node['zone'], node['instance_id'])])}",
    ]
    return " ".join(fields)


def render_hosts(spec: EnvironmentSpec, outputs: dict[str, Any]) -> str:
    """``hosts.ini``: kubespray's groups with the control plane's hosts."""
    nodes: dict[str, dict[str, Any]] = _value(outputs, "nodes")
    control_plane = sorted(name for name, node in nodes.items() if node["role"] == "control-plane")
    lines = ["[kube_control_plane]"]
    lines += [_host_line(spec, name, nodes[name], index + 1) for index, name in enumerate(control_plane)]
    lines += ["", "[etcd:children]", "kube_control_plane", "",
              "# Auto Scaling nodes: aws_ec2.yml adds them (they join by user data; kubespray reaches them later)",
              "[kube_node]", "", "[k8s_cluster:children]", "kube_control_plane", "kube_node", "",
              f"[{spec.name}:children]", "k8s_cluster", ""]
    return "\n".join(lines)


def render_dynamic(spec: EnvironmentSpec) -> str:
    """``aws_ec2.yml``: the Auto Scaling nodes of this cluster, by node-group tag (amazon.aws 8.2.1 aws_ec2)."""
    data = {
        "plugin": "amazon.aws.aws_ec2",
        "regions": [spec.aws.region],
        "filters": {
            f"tag:kubernetes.io/cluster/{cluster_name(spec)}": "owned",
            "tag-key": NODE_GROUP_LABEL,
            "instance-state-name": ["pending", "running"],
        },
        "hostnames": ["instance-id"],
        "keyed_groups": [{
            "key": f"tags['{NODE_GROUP_LABEL}'] | replace('-', '_')",
            "prefix": "node_group",
            "separator": "_",
        }],
        "groups": {"kube_node": "true"},
        "compose": {
            "ansible_host": "instance_id",
            "ip": "private_ip_address",
            "access_ip": "private_ip_address",
            "zone": "placement.availability_zone",
            "kubelet_custom_flags": "['--provider-id=aws:///' ~ placement.availability_zone ~ '/' ~ instance_id]",
        },
        "strict": True,
    }
    return yaml.safe_dump(data, sort_keys=False, default_flow_style=False)


def render_group_vars(spec: EnvironmentSpec, outputs: dict[str, Any]) -> str:
    """``group_vars/<env>.yml``: kubespray's variables, the SSM connection, the post-install play's inputs."""
    cluster = spec.cluster
    scaling: dict[str, dict[str, Any]] = _value(outputs, "node_groups")
    data: dict[str, Any] = {
        "env": spec.name,
        "tier": spec.tier,
        "aws_region": spec.aws.region,
        "domain": spec.dns.domain,
        "ssm_root": spec.ssm_root,
        "vpc_id": _value(outputs, "vpc_id"),
        # connection: SSM session manager (community.aws.aws_ssm), files through the transfer bucket
        "ansible_connection": "community.aws.aws_ssm",
        "ansible_aws_ssm_region": spec.aws.region,
        "ansible_aws_ssm_bucket_name": _value(outputs, "ansible_transfer_bucket"),
        "ansible_aws_ssm_bucket_sse_mode": "AES256",
        "ansible_python_interpreter": "/usr/bin/python3",
        # kubespray (docs/ansible/vars.md, inventory/sample/group_vars of kubespray v2.29.1)
        "cluster_name": "cluster.local",
        "kube_version": cluster.kube_version,
        "kube_network_plugin": cluster.cni,
        "calico_network_backend": "vxlan",
        "calico_vxlan_mode": "Always",
        "calico_ipip_mode": "Never",
        "supplementary_addresses_in_ssl_keys": [spec.dns.api_name],
        "kube_kubeadm_apiserver_extra_args": {
            "service-account-issuer": oidc_issuer(spec),
            "service-account-jwks-uri": oidc_jwks_uri(spec),
        },
        "cert_manager_enabled": True,
        "download_run_once": False,
        # the post-install play (ansible/post-install.yml)
        "sesacthon": {
            "api_endpoint": _value(outputs, "api_endpoint"),
            "oidc_bucket": oidc_bucket(spec),
            # kubespray's kube_cert_dir and bin_dir defaults; kubeadm writes the service-account key pair there
            "cert_dir": "/etc/kubernetes/ssl",
            "service_account_public_key": "/etc/kubernetes/ssl/sa.pub",
            "bin_dir": "/usr/local/bin",
            "join_token_parameter": JOIN_TOKEN.path(spec),
            "join_ca_hash_parameter": JOIN_CA_HASH.path(spec),
            "argocd_version": ARGOCD_VERSION,
            "argocd_checksum": ARGOCD_CHECKSUM,
            "addon_roles": {addon.name: addon.role_arn(spec) for addon in ADDONS},
        },
        "cluster_autoscaler": {
            "enabled": any(cluster.min_size(group) < cluster.max_size(group) for group in cluster.scaling_groups),
            "node_groups": [
                {
                    "name": group.name,
                    "asg": scaling[group.name]["asg_name"] if group.name in scaling else "",
                    "role": group.role,
                    "min_size": cluster.min_size(group),
                    "max_size": cluster.max_size(group),
                    "desired": group.count,
                }
                for group in cluster.scaling_groups
            ],
        },
    }
    return yaml.safe_dump(data, sort_keys=False, default_flow_style=False)


def render_node_group_vars(group: NodeGroup) -> str:
    """``group_vars/node_group_<group>.yml``: the labels (mapping) and taints (list) of a group's nodes."""
    return yaml.safe_dump({"node_labels": group.node_labels(), "node_taints": group.node_taints()},
                          sort_keys=False, default_flow_style=False)


def render(spec: EnvironmentSpec, outputs: dict[str, Any]) -> dict[str, str]:
    """``{relative path: content}`` of the environment's inventory directory."""
    files = {
        inventory_path(spec): render_hosts(spec, outputs),
        f"{directory(spec)}/aws_ec2.yml": render_dynamic(spec),
        group_vars_path(spec): render_group_vars(spec, outputs),
    }
    for group in spec.cluster.scaling_groups:
        files[f"{directory(spec)}/group_vars/{node_group_name(group)}.yml"] = render_node_group_vars(group)
    return files

