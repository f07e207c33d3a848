"""One environment: every section, the invariants across sections, and the derived names."""

from __future__ import annotations

import ipaddress
from typing import Literal

from pydantic import Field, field_validator, model_validator

from platform_spec.model.access import Access
from platform_spec.model.aws import AwsTarget, Dns, Network
from platform_spec.model.base import RESERVED_NAMES, SpecModel
from platform_spec.model.cluster import Cluster
from platform_spec.model.gitops import GitOps, Workload

StateLocking = Literal["dynamodb", "s3", "dynamodb+s3"]


class GitRefs(SpecModel):
    refs: list[str] = Field(min_length=1, max_length=20)
    """Git refs (1 to 20 branch names or patterns, `*` for any part) whose changes deploy here, e.g. `feature/*`."""
    target_revision: str = Field(min_length=1, max_length=255)
    """What ArgoCD tracks for this environment: a branch (`develop`, `main`), a promoted tag or a commit SHA."""
    release_tag: str | None = Field(default=None, max_length=255)
    """The release tag currently promoted to this environment (set by `make promote`; a valid Git tag name)."""


class EnvironmentSpec(SpecModel):
    """One environment of the platform: everything that differs between environments."""

    name: str = Field(pattern=r"^[a-z][a-z0-9]{1,15}$")
    """Environment name; must equal the file name (`environments/<name>.yaml`); `all` is reserved."""
    short_name: str = Field(pattern=r"^[a-z][a-z0-9]{1,7}$")
    """Short name used in AWS resource names (`sesacthon-<short_name>`)."""
    project: str = Field(default="sesacthon", pattern=r"^[a-z][a-z0-9]{1,15}$")
    """Project name: prefix of resources and SSM paths."""
    purpose: str = Field(min_length=1, max_length=256)
    """What the environment is for (at most 256 characters)."""
    operated_by: str = Field(min_length=1, max_length=256)
    """Team operating the environment (tagged on every resource as `Owner`: letters, digits, spaces, `_.:/=+-@`)."""
    tier: Literal["development", "staging", "production"]
    """Environment tier; production enforces the HA and access invariants."""
    promotes_to: str | None = None
    """The environment a release moves to next (dev → staging → prod): another environment of the same
    or a higher tier that nothing else promotes to, never back along the chain."""
    git: GitRefs
    """Git refs that deploy here and what ArgoCD tracks."""
    aws: AwsTarget
    """AWS account and region."""
    state_bucket: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9.-]{1,56}[a-z0-9]$")
    """Terraform state bucket; default `<project>-tfstate-<short_name>` (at most 58 characters: its
    access-log bucket is `<state_bucket>-logs`)."""
    state_locking: StateLocking = "dynamodb"
    """How Terraform locks the platform state: `dynamodb` (the lock table), `s3` (S3-native lock file,
    `use_lockfile`, Terraform >= 1.10), or `dynamodb+s3` (both, while migrating; see the README)."""
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
    workloads: list[Workload] = Field(min_length=1, max_length=50)
    """Services deployed on the cluster (1 to 50 APIs and workers, each name once)."""

    @field_validator("name")
    @classmethod
    def _not_reserved(cls, value: str) -> str:
        if value in RESERVED_NAMES:
            raise ValueError(f"'{value}' is reserved: ENV={value} selects every environment (allowed: another name)")
        return value

    @model_validator(mode="after")
    def _environment_invariants(self) -> EnvironmentSpec:
        groups = {group.name: group for group in self.cluster.node_groups}
        for index, workload in enumerate(self.workloads):
            if workload.node_group not in groups:
                raise ValueError(
                    f"workloads.{index}.node_group: '{workload.node_group}' is not a node group "
                    f"(allowed: {', '.join(sorted(groups))})"
                )
        link_local = ipaddress.IPv4Network("169.254.0.0/16")
        for index, workload in enumerate(self.workloads):
            for rule_index, rule in enumerate(workload.egress):
                for cidr in rule.cidrs:
                    for forbidden in (self.network.vpc_cidr, link_local):
                        if cidr.overlaps(forbidden) and not forbidden.subnet_of(cidr):
                            raise ValueError(
                                f"workloads.{index}.egress.{rule_index}.cidrs: {cidr} overlaps {forbidden} "
                                "(egress is for destinations outside the VPC; the VPC and link-local ranges are "
                                "excluded from any range containing them, never allowed on their own)"
                            )
        names = [workload.name for workload in self.workloads]
        unknown = sorted(set(self.gitops.image_digests) - set(names))
        if unknown:
            raise ValueError(
                f"gitops.image_digests.{unknown[0]}: '{unknown[0]}' is not a workload (allowed: {', '.join(names)})"
            )
        if self.promotes_to is not None and not self.gitops.alertmanager_url:
            raise ValueError(
                f"gitops.alertmanager_url: required because '{self.name}' promotes to '{self.promotes_to}' "
                "(its in-cluster health gate asks this Alertmanager)"
            )
        if self.tier == "production":
            missing = [name for name in names if name not in self.gitops.image_digests]
            if missing:
                raise ValueError(
                    f"gitops.image_digests: production deploys images by digest; missing for {', '.join(missing)} "
                    "(`make promote` records them)"
                )
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
        control_plane = self.cluster.control_plane.count
        node_zones = len(self.network.node_zones)
        if control_plane > node_zones:
            raise ValueError(
                f"cluster.node_groups: {control_plane} control-plane nodes need as many zones with a private "
                f"subnet (one per zone), got {node_zones}"
            )
        if self.tier != "development" and control_plane < 3:
            raise ValueError(
                f"cluster.node_groups: {self.tier} needs 3 control-plane nodes (an etcd quorum over 3 zones), "
                f"got {control_plane}"
            )
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
    def access_log_bucket_name(self) -> str:
        """S3 bucket receiving the state bucket's server access logs."""
        return f"{self.state_bucket_name}-logs"

    @property
    def uses_lock_table(self) -> bool:
        """Whether Terraform locks the state in the DynamoDB lock table."""
        return self.state_locking in ("dynamodb", "dynamodb+s3")

    @property
    def uses_lock_file(self) -> bool:
        """Whether Terraform locks the state with an S3-native lock file (``<state_key>.tflock``)."""
        return self.state_locking in ("s3", "dynamodb+s3")

    @property
    def ssm_root(self) -> str:
        """Root of this environment's SSM parameters, e.g. `/sesacthon/dev`."""
        return f"/{self.project}/{self.name}"

    @property
    def bootstrap_stack(self) -> str:
        """Name of the CDKTF stack an administrator applies once: state backend, key, pipeline identities."""
        return f"{self.name}-bootstrap"

    @property
    def platform_stack(self) -> str:
        """Name of the CDKTF stack holding the environment's platform."""
        return self.name

    @property
    def state_key(self) -> str:
        """Object key of the platform stack's state in the state bucket."""
        return f"{self.name}/terraform.tfstate"

    @property
    def lock_file_key(self) -> str:
        """Object key of the S3-native state lock (Terraform appends ``.tflock`` to the state key)."""
        return f"{self.state_key}.tflock"
