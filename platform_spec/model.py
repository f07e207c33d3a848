"""The typed environment spec: one YAML file per environment, validated by this model.

Every field is documented where it is declared; the README's spec reference is generated from
these declarations (``python -m generators spec-reference``). Names that other modules need
(prefix, state bucket, lock table, SSM root) are derived here and nowhere else.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

NodeRole = Literal["control-plane", "api", "worker", "infra"]
"""Roles a node group can play; the Ansible inventory groups hosts by role."""

SyncMode = Literal["auto", "auto-with-hooks", "manual"]
"""ArgoCD sync policy: automated, automated with PreSync/PostSync validation hooks, or manual."""

NODE_GROUP_LABEL = "sesacthon.io/node-group"
ROLE_LABEL = "sesacthon.io/role"
SPOT_TAINT_KEY = "sesacthon.io/spot"
"""Node labels and the Spot taint: applied by Ansible (inventory), selected/tolerated by workloads."""

NatMode = Literal["none", "single", "per-zone"]
PolicyAction = Literal["Audit", "Enforce"]
Severity = Literal["info", "warning", "critical"]

_NAME = r"^[a-z][a-z0-9-]{0,30}[a-z0-9]$"
_IMAGE_TAG = r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$"


class SpecModel(BaseModel):
    """Base for every spec section: frozen, unknown keys are errors, docs on every field."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class GitRefs(SpecModel):
    refs: list[str] = Field(min_length=1)
    """Git refs (glob patterns) whose changes deploy to this environment, e.g. `feature/*`."""
    target_revision: str = Field(min_length=1)
    """What ArgoCD tracks for this environment: a branch (`develop`, `main`) or a promoted tag."""
    release_tag: str | None = None
    """The release tag currently promoted to this environment (set by `make promote`)."""


class AwsTarget(SpecModel):
    account_id: str = Field(pattern=r"^\d{12}$")
    """The 12-digit AWS account; the provider refuses to run against any other account."""
    region: str = Field(default="ap-northeast-2", pattern=r"^[a-z]{2}-[a-z]+-\d$")
    """AWS region of every resource of the environment."""


class Zone(SpecModel):
    name: str = Field(pattern=r"^[a-z]{2}-[a-z]+-\d[a-z]$")
    """Availability zone name, e.g. `ap-northeast-2a`."""
    public_cidr: ipaddress.IPv4Network
    """CIDR of the public subnet in this zone (load balancers, NAT gateway)."""
    private_cidr: ipaddress.IPv4Network
    """CIDR of the private subnet in this zone (cluster nodes)."""


class Network(SpecModel):
    vpc_cidr: ipaddress.IPv4Network
    """The VPC CIDR; must not overlap any other environment's VPC."""
    zones: list[Zone] = Field(min_length=1)
    """Availability zones with one public and one private subnet each; nodes spread round-robin."""
    nat: NatMode = "single"
    """NAT gateways for the private subnets: `none`, `single` (cost), or `per-zone` (HA)."""
    admin_cidrs: list[ipaddress.IPv4Network] = Field(default_factory=list)
    """CIDRs allowed to reach the Kubernetes API (6443) and SSH on the control plane."""

    @model_validator(mode="after")
    def _subnets_fit_the_vpc(self) -> Network:
        seen: list[tuple[str, ipaddress.IPv4Network]] = []
        for index, zone in enumerate(self.zones):
            for kind in ("public_cidr", "private_cidr"):
                cidr = getattr(zone, kind)
                where = f"zones.{index}.{kind}"
                if not cidr.subnet_of(self.vpc_cidr):
                    raise ValueError(f"{where}: {cidr} is not inside vpc_cidr {self.vpc_cidr}")
                for other_where, other in seen:
                    if cidr.overlaps(other):
                        raise ValueError(f"{where}: {cidr} overlaps {other_where} ({other})")
                seen.append((where, cidr))
        names = [zone.name for zone in self.zones]
        if len(set(names)) != len(names):
            raise ValueError(f"zones: availability zones must be distinct, got {names}")
        return self


class Dns(SpecModel):
    domain: str = Field(pattern=r"^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$")
    """The environment's DNS domain; a Route 53 zone is created for it."""


class NodeGroup(SpecModel):
    name: str = Field(pattern=_NAME)
    """Node group name; nodes are labelled `sesacthon.io/node-group=<name>`."""
    role: NodeRole
    """What the nodes do: `control-plane`, `api`, `worker` or `infra`."""
    count: int = Field(ge=1, le=50)
    """Number of nodes (desired size)."""
    instance_type: str = Field(pattern=r"^[a-z][a-z0-9-]*\.[a-z0-9]+$")
    """EC2 instance type, e.g. `t3.small`."""
    services: list[str] = Field(default_factory=list)
    """Workloads scheduled on this group; a single service also labels nodes `service=<name>`."""
    spot: bool = False
    """Run on Spot capacity (only where `cluster.spot_allowed`)."""
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
    """Keep every node group at its full size (prod): the autoscaler minimum equals `count`."""
    min_size: int = Field(default=0, ge=0)
    """Autoscaler minimum per node group when not `always_on` (dev 0, staging 1)."""
    max_surge: int = Field(default=1, ge=0)
    """How many nodes above `count` the autoscaler may add per group."""


class Cluster(SpecModel):
    node_groups: list[NodeGroup] = Field(min_length=1)
    """Cluster nodes by role (see the 13-node layout in the seed)."""
    spot_allowed: bool = False
    """Whether node groups may use Spot capacity (dev only by policy)."""
    autoscaling: Autoscaling = Autoscaling()
    """Cluster-autoscaler bounds (written to the Ansible group_vars)."""
    cni: Literal["calico", "cilium"] = "calico"
    """Container network interface installed by Ansible."""
    node_image_parameter: str = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-x86_64"
    """Public SSM parameter holding the node AMI id."""

    @model_validator(mode="after")
    def _groups_are_consistent(self) -> Cluster:
        names = [group.name for group in self.node_groups]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"node_groups: duplicate group names {duplicates}")
        if not any(group.role == "control-plane" for group in self.node_groups):
            raise ValueError("node_groups: at least one group must have role 'control-plane'")
        for index, group in enumerate(self.node_groups):
            if group.spot and not self.spot_allowed:
                raise ValueError(
                    f"node_groups.{index}.spot: group '{group.name}' uses Spot but "
                    "cluster.spot_allowed is false (allowed: spot: false)"
                )
        return self

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


class ReleasePipeline(SpecModel):
    github_repository: str = Field(pattern=r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
    """`owner/repo` whose GitHub Actions may assume the release role through OIDC."""
    create_oidc_provider: bool = True
    """Create the account's GitHub OIDC provider (false when another stack in the account owns it)."""


class Access(SpecModel):
    developers_may_assume: bool = False
    """Whether developers may assume this environment's developer role (dev only)."""
    developer_principals: list[str] = Field(default_factory=list)
    """IAM principal ARNs allowed to assume the developer role."""
    release_pipeline: ReleasePipeline
    """The release pipeline, the only way into staging and prod."""

    @field_validator("developer_principals")
    @classmethod
    def _principals_are_arns(cls, value: list[str]) -> list[str]:
        for arn in value:
            if not re.fullmatch(r"arn:aws:iam::\d{12}:(root|role/[\w+=,.@/-]+|user/[\w+=,.@/-]+)", arn):
                raise ValueError(f"{arn!r} is not an IAM principal ARN (arn:aws:iam::<account>:role/<name>)")
        return value

    @model_validator(mode="after")
    def _developers_need_principals(self) -> Access:
        if self.developers_may_assume and not self.developer_principals:
            raise ValueError("developer_principals: required when developers_may_assume is true")
        if self.developer_principals and not self.developers_may_assume:
            raise ValueError("developer_principals: must be empty when developers_may_assume is false")
        return self


class ChangeWindow(SpecModel):
    schedule: str = Field(pattern=r"^(\S+\s+){4}\S+$")
    """Cron expression of the window's start (ArgoCD sync window syntax)."""
    duration: str = Field(pattern=r"^\d+[hm]$")
    """Length of the window, e.g. `2h`."""
    timezone: str = "Asia/Seoul"
    """Time zone of the schedule."""


class Resources(SpecModel):
    cpu_request: str = Field(pattern=r"^\d+m?$")
    """CPU request, e.g. `100m`."""
    memory_request: str = Field(pattern=r"^\d+(Mi|Gi)$")
    """Memory request, e.g. `128Mi`."""
    cpu_limit: str = Field(pattern=r"^\d+m?$")
    """CPU limit."""
    memory_limit: str = Field(pattern=r"^\d+(Mi|Gi)$")
    """Memory limit."""


class Workload(SpecModel):
    name: str = Field(pattern=_NAME)
    """Service name (Deployment, Service and ServiceAccount name)."""
    kind: Literal["api", "worker"] = "api"
    """`api` (exposed through the ingress) or `worker` (no ingress)."""
    image: str = Field(pattern=r"^[a-z0-9./_-]+$")
    """Container image repository without tag."""
    port: int = Field(default=8000, ge=1, le=65535)
    """Container port (APIs)."""
    node_group: str
    """Node group the pods are scheduled on (nodeSelector)."""


class GitOps(SpecModel):
    sync_mode: SyncMode
    """ArgoCD sync policy: `auto` (dev), `auto-with-hooks` (staging), `manual` (prod)."""
    cluster_name: str = "in-cluster"
    """ArgoCD destination cluster name (ApplicationSet cluster generator)."""
    cluster_server: str = "https://kubernetes.default.svc"
    """ArgoCD destination API server."""
    repo_url: str = "https://github.com/sesacthon/platform.git"
    """Git repository ArgoCD reads the overlays from."""
    policy_action: PolicyAction = "Audit"
    """Kyverno `validationFailureAction`: Audit (dev) or Enforce (prod)."""
    high_availability: bool = False
    """Add PodDisruptionBudgets and HorizontalPodAutoscalers."""
    replicas: int = Field(default=1, ge=1, le=20)
    """Replicas per workload."""
    max_replicas: int = Field(default=1, ge=1, le=50)
    """HPA maximum replicas (high availability only)."""
    image_tag: str = Field(pattern=_IMAGE_TAG)
    """Image tag deployed for every workload (moved by `make promote`); never `latest`."""
    resources: Resources
    """Requests and limits per workload container."""
    change_window: ChangeWindow | None = None
    """Window in which prod syncs and applies are allowed (ArgoCD sync window, pipeline gate)."""
    alertmanager_url: str | None = None
    """Alertmanager API base URL used by the promotion health gate."""
    alert_severity: Severity = "warning"
    """Alerts at or above this severity block promotion out of this environment."""
    hook_image: str = Field(default="docker.io/curlimages/curl:8.11.1", pattern=r"^[a-z0-9./_-]+:[A-Za-z0-9_.-]+$")
    """Pinned image of the PreSync/PostSync validation hook Jobs (`auto-with-hooks` only)."""

    @field_validator("image_tag")
    @classmethod
    def _no_latest(cls, value: str) -> str:
        if value == "latest":
            raise ValueError("image_tag 'latest' is not allowed: pin a version (e.g. v1.4.0)")
        return value

    @model_validator(mode="after")
    def _replica_bounds(self) -> GitOps:
        if self.max_replicas < self.replicas:
            raise ValueError(f"max_replicas: {self.max_replicas} is below replicas {self.replicas}")
        return self


class EnvironmentSpec(SpecModel):
    """One environment of the platform: everything that differs between environments."""

    name: str = Field(pattern=r"^[a-z][a-z0-9]{1,15}$")
    """Environment name; must equal the file name (`environments/<name>.yaml`)."""
    short_name: str = Field(pattern=r"^[a-z][a-z0-9]{1,7}$")
    """Short name used in AWS resource names (`sesacthon-<short_name>`)."""
    project: str = Field(default="sesacthon", pattern=r"^[a-z][a-z0-9]{1,15}$")
    """Project name: prefix of resources and SSM paths."""
    purpose: str = Field(min_length=1)
    """What the environment is for."""
    operated_by: str = Field(min_length=1)
    """Team operating the environment (tagged on every resource as `Owner`)."""
    tier: Literal["development", "staging", "production"]
    """Environment tier; production enforces the HA and access invariants."""
    promotes_to: str | None = None
    """The environment a release moves to next (dev → staging → prod)."""
    git: GitRefs
    """Git refs that deploy here and what ArgoCD tracks."""
    aws: AwsTarget
    """AWS account and region."""
    state_bucket: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
    """Terraform state bucket; default `<project>-tfstate-<short_name>`."""
    network: Network
    """VPC, subnets per AZ, NAT."""
    dns: Dns
    """DNS domain."""
    cluster: Cluster
    """Cluster nodes by role, autoscaling, Spot."""
    access: Access
    """Who may assume which role."""
    gitops: GitOps
    """ArgoCD and Kubernetes settings."""
    workloads: list[Workload] = Field(min_length=1)
    """Services deployed on the cluster (APIs and workers)."""

    @model_validator(mode="after")
    def _environment_invariants(self) -> EnvironmentSpec:
        groups = {group.name: group for group in self.cluster.node_groups}
        for index, workload in enumerate(self.workloads):
            if workload.node_group not in groups:
                raise ValueError(
                    f"workloads.{index}.node_group: '{workload.node_group}' is not a node group "
                    f"(allowed: {', '.join(sorted(groups))})"
                )
        if self.tier == "production":
            zones = len(self.network.zones)
            if zones < 3:
                raise ValueError(f"network.zones: production needs at least 3 availability zones, got {zones}")
            if self.cluster.node_count < 13:
                raise ValueError(
                    f"cluster.node_groups: production needs at least 13 nodes, got {self.cluster.node_count}"
                )
            if self.gitops.sync_mode != "manual":
                raise ValueError(
                    f"gitops.sync_mode: production must sync manually, got '{self.gitops.sync_mode}' (allowed: manual)"
                )
            if self.gitops.policy_action != "Enforce":
                raise ValueError("gitops.policy_action: production must use Enforce (allowed: Enforce)")
            if self.cluster.spot_allowed:
                raise ValueError("cluster.spot_allowed: production must not use Spot (allowed: false)")
        if self.tier != "development" and self.access.developers_may_assume:
            raise ValueError(
                f"access.developers_may_assume: developers may not assume roles in {self.tier} "
                "(only the release pipeline reaches staging and prod; allowed: false)"
            )
        return self

    # Names derived in one place -------------------------------------------------------------
    @property
    def prefix(self) -> str:
        """Prefix of every AWS resource name, e.g. `sesacthon-dev`."""
        return f"{self.project}-{self.short_name}"

    @property
    def state_bucket_name(self) -> str:
        """S3 bucket holding this environment's Terraform state."""
        return self.state_bucket or f"{self.project}-tfstate-{self.short_name}"

    @property
    def lock_table_name(self) -> str:
        """DynamoDB table holding this environment's Terraform state lock."""
        return f"{self.project}-tflock-{self.short_name}"

    @property
    def ssm_root(self) -> str:
        """Root of this environment's SSM parameters, e.g. `/sesacthon/dev`."""
        return f"/{self.project}/{self.name}"

    @property
    def state_stack(self) -> str:
        """Name of the CDKTF stack that creates the state bucket and lock table."""
        return f"{self.name}-state"

    @property
    def platform_stack(self) -> str:
        """Name of the CDKTF stack holding the environment's platform."""
        return self.name

    @property
    def state_key(self) -> str:
        """Object key of the platform stack's state in the state bucket."""
        return f"{self.name}/terraform.tfstate"
