"""User data of an Auto Scaling node: install the node packages, then ``kubeadm join`` on its own.

The join token and the CA hash come from SSM (SecureString, written by ``ansible/post-install.yml``); the
kubelet gets ``--provider-id=aws:///<zone>/<instance-id>`` (what the cluster-autoscaler and the ALB
controller match nodes by), the group's labels and taints (the same the ASG's node-template tags announce).

Sources: kubernetes.io "Installing kubeadm" (pkgs.k8s.io RPM repository, ``/etc/sysconfig/kubelet``
``KUBELET_EXTRA_ARGS``), "Creating a cluster with kubeadm" (``kubeadm join --token
--discovery-token-ca-cert-hash``), container-runtimes (overlay, br_netfilter, ip_forward, systemd cgroups),
EC2 user guide "Use IMDSv2" (token PUT, then the metadata GET). The script holds no backslash: Terraform
reads the user data as an HCL string, where a backslash is an escape.
"""

from __future__ import annotations

import shlex

from platform_spec.model import EnvironmentSpec, NodeGroup
from platform_spec.parameters import JOIN_CA_HASH, JOIN_TOKEN

_SCRIPT = """#!/bin/bash
# Joins this Auto Scaling node to the cluster on its own (platform_spec/node_bootstrap.py).
set -euo pipefail

REGION={region}
KUBE_MINOR={kube_minor}
KUBE_VERSION={kube_version}
API_ENDPOINT={api_endpoint}
TOKEN_PARAMETER={token_parameter}
CA_HASH_PARAMETER={ca_hash_parameter}
NODE_LABELS={node_labels}
NODE_TAINTS={node_taints}

imds() {{
  local token
  token=$(curl -sf -X PUT http://169.254.169.254/latest/api/token -H 'X-aws-ec2-metadata-token-ttl-seconds: 300')
  curl -sf -H "X-aws-ec2-metadata-token: ${{token}}" "http://169.254.169.254/latest/meta-data/$1"
}}
INSTANCE_ID=$(imds instance-id)
ZONE=$(imds placement/availability-zone)

modprobe overlay
modprobe br_netfilter
cat > /etc/modules-load.d/kubernetes.conf <<EOF
overlay
br_netfilter
EOF
cat > /etc/sysctl.d/99-kubernetes.conf <<EOF
net.bridge.bridge-nf-call-iptables = 1
net.bridge.bridge-nf-call-ip6tables = 1
net.ipv4.ip_forward = 1
EOF
sysctl --system

cat > /etc/yum.repos.d/kubernetes.repo <<EOF
[kubernetes]
name=Kubernetes
baseurl=https://pkgs.k8s.io/core:/stable:/v${{KUBE_MINOR}}/rpm/
enabled=1
gpgcheck=1
gpgkey=https://pkgs.k8s.io/core:/stable:/v${{KUBE_MINOR}}/rpm/repodata/repomd.xml.key
exclude=kubelet kubeadm kubectl cri-tools kubernetes-cni
EOF
dnf install -y containerd
dnf install -y "kubelet-${{KUBE_VERSION}}" "kubeadm-${{KUBE_VERSION}}" --disableexcludes=kubernetes
mkdir -p /etc/containerd
containerd config default | sed 's/SystemdCgroup = false/SystemdCgroup = true/' > /etc/containerd/config.toml
systemctl enable --now containerd
systemctl enable kubelet

EXTRA_ARGS="--provider-id=aws:///${{ZONE}}/${{INSTANCE_ID}}"
EXTRA_ARGS="${{EXTRA_ARGS}} --node-labels=${{NODE_LABELS}},topology.kubernetes.io/zone=${{ZONE}}"
if [ -n "${{NODE_TAINTS}}" ]; then
  EXTRA_ARGS="${{EXTRA_ARGS}} --register-with-taints=${{NODE_TAINTS}}"
fi
echo "KUBELET_EXTRA_ARGS=${{EXTRA_ARGS}}" > /etc/sysconfig/kubelet

parameter() {{
  aws ssm get-parameter --region "${{REGION}}" --with-decryption --name "$1" --query Parameter.Value --output text
}}
join_cluster() {{
  local token ca_hash
  token=$(parameter "${{TOKEN_PARAMETER}}") || return 1
  ca_hash=$(parameter "${{CA_HASH_PARAMETER}}") || return 1
  kubeadm join "${{API_ENDPOINT}}" --token "${{token}}" --discovery-token-ca-cert-hash "${{ca_hash}}"
}}
# The group may start before the control plane exists: wait until the play has stored the join parameters.
until join_cluster; do
  kubeadm reset --force || true
  sleep 30
done
"""


def user_data(spec: EnvironmentSpec, group: NodeGroup) -> str:
    """The bash script a node of ``group`` runs at first boot (plain text; the launch template base64s it)."""
    labels = ",".join(f"{key}={value}" for key, value in group.node_labels().items())
    return _SCRIPT.format(
        region=shlex.quote(spec.aws.region),
        kube_minor=shlex.quote(".".join(spec.cluster.kube_version.split(".")[:2])),
        kube_version=shlex.quote(spec.cluster.kube_version),
        api_endpoint=shlex.quote(f"{spec.dns.api_name}:6443"),
        token_parameter=shlex.quote(JOIN_TOKEN.path(spec)),
        ca_hash_parameter=shlex.quote(JOIN_CA_HASH.path(spec)),
        node_labels=shlex.quote(labels),
        node_taints=shlex.quote(",".join(group.node_taints())),
    )
