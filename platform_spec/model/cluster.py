"""Cluster nodes by role, their autoscaling bounds and Spot use."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from platform_spec.labels import NODE_GROUP_LABEL, ROLE_LABEL, SPOT_TAINT_KEY
from platform_spec.model.base import NAME_PATTERN, SpecModel

NodeRole = Literal["control-plane", "api", "worker", "infra"]
"""Roles a node group can play; the Ansible inventory groups hosts by role."""


class NodeGroup(SpecModel):
    name: str = Field(pattern=NAME_PATTERN)
    """Node group name; nodes are labelled `sesacthon.io/node-group=<name>`."""
    role: NodeRole
    """What the nodes do: `control-plane`, `api`, `worker` or `infra`."""
    count: int = Field(ge=1, le=50)
    """Number of nodes, 1 to 50 (an environment has at most 100 nodes, surge included): the control plane's
    fixed instances (one per zone), or an Auto Scaling Group's desired capacity at creation (the
    cluster-autoscaler moves it between the guardrail's bounds)."""
    instance_type: str = Field(pattern=r"^[a-z][a-z0-9-]*\.[a-z0-9]+$")
    """EC2 instance type, e.g. `t3.small` (one the EC2 API knows; x86_64 for the default node image)."""
    services: list[str] = Field(default_factory=list, max_length=20)
    """Workloads scheduled on this group; a single service also labels nodes `service=<name>`."""
    spot: bool = False
    """Run on Spot capacity through the Auto Scaling Group's mixed-instances policy (only where
    `cluster.spot_allowed`; never the control plane)."""
    volume_gb: int = Field(default=30, ge=8, le=1000)
    """Root volume size in GiB (gp3, encrypted)."""

    def node_labels(self) -> dict[str, str]:
        """Kubernetes labels of this group's nodes (``service=`` when it hosts exactly one service)."""
        labels = {ROLE_LABEL: self.role, NODE_GROUP_LABEL: self.name}
        if len(self.services) == 1:
            labels["service"] = self.services[0]
        if self.spot:
            labels[SPOT_TAINT_KEY] = "true"
        return labels

    def node_taints(self) -> list[str]:
        """Taints of this group's nodes (`key=value:Effect`): Spot nodes repel pods that do not tolerate them."""
        return [f"{SPOT_TAINT_KEY}=true:NoSchedule"] if self.spot else []


class Autoscaling(SpecModel):
    always_on: bool = False
    """Keep every node group at its full size (prod): the Auto Scaling Group minimum equals `count`."""
    min_size: int = Field(default=0, ge=0)
    """The cost guardrail: Auto Scaling Group minimum per node group when not `always_on` (dev 0, staging 1);
    the cluster-autoscaler scales idle groups down to it."""
    max_surge: int = Field(default=1, ge=0, le=50)
    """How many nodes above `count` the cluster-autoscaler may add per group (the group's maximum)."""


class Cluster(SpecModel):
    node_groups: list[NodeGroup] = Field(min_length=1, max_length=30)
    """Cluster nodes by role (1 to 30 groups; see the 13-node layout in the seed)."""
    spot_allowed: bool = False
    """Whether node groups may use Spot capacity (dev only by policy)."""
    autoscaling: Autoscaling = Autoscaling()
    """Cluster-autoscaler bounds (written to the Ansible group_vars)."""
    cni: Literal["calico", "cilium"] = "calico"
    """Container network interface installed by kubespray (`kube_network_plugin`); Calico runs VXLAN
    encapsulation for every packet, which crosses the per-zone subnets without route-table entries."""
    kube_version: str = Field(default="1.33.7", pattern=r"^1\.\d+\.\d+$")
    """Kubernetes version: kubespray's `kube_version` and the kubeadm/kubelet packages the Auto Scaling
    nodes install (kubespray v2.29.1 supports 1.33.x)."""
    node_image_parameter: str = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-x86_64"
    """Public SSM parameter holding the node AMI id (a `/`-rooted parameter name)."""

    @model_validator(mode="after")
    def _groups_are_consistent(self) -> Cluster:
        names = [group.name for group in self.node_groups]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"node_groups: duplicate group names {duplicates}")
        control_planes = [group for group in self.node_groups if group.role == "control-plane"]
        if len(control_planes) != 1:
            raise ValueError(
                f"node_groups: exactly one group must have role 'control-plane', got {len(control_planes)}"
            )
        if control_planes[0].count % 2 == 0:
            raise ValueError(
                f"node_groups: the control plane needs an odd count for an etcd quorum, got {control_planes[0].count}"
            )
        if control_planes[0].spot:
            raise ValueError("node_groups: the control plane never runs on Spot (allowed: spot: false)")
        for index, group in enumerate(self.node_groups):
            if group.spot and not self.spot_allowed:
                raise ValueError(
                    f"node_groups.{index}.spot: group '{group.name}' uses Spot but "
                    "cluster.spot_allowed is false (allowed: spot: false)"
                )
        return self

    @property
    def control_plane(self) -> NodeGroup:
        """The control-plane group (fixed instances, one per zone)."""
        return next(group for group in self.node_groups if group.role == "control-plane")

    @property
    def scaling_groups(self) -> list[NodeGroup]:
        """Every other group: one Auto Scaling Group each."""
        return [group for group in self.node_groups if group.role != "control-plane"]

    def group(self, name: str) -> NodeGroup:
        """The node group called ``name`` (workload references are validated against these names)."""
        for group in self.node_groups:
            if group.name == name:
                return group
        raise KeyError(f"no node group '{name}' (allowed: {', '.join(sorted(g.name for g in self.node_groups))})")

    @property
    def node_count(self) -> int:
        """Total number of nodes over all groups."""
        return sum(group.count for group in self.node_groups)

    def min_size(self, group: NodeGroup) -> int:
        """Autoscaler minimum of a node group (the control plane never scales down)."""
        if self.autoscaling.always_on or group.role == "control-plane":
            return group.count
        return min(self.autoscaling.min_size, group.count)

    def max_size(self, group: NodeGroup) -> int:
        """Autoscaler maximum of a node group (the control plane never scales out)."""
        if group.role == "control-plane":
            return group.count
        return group.count + self.autoscaling.max_surge
