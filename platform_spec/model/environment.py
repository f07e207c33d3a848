"""One environment: every section, the invariants across sections, and the derived names."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from platform_spec.model.access import Access
from platform_spec.model.aws import AwsTarget, Dns, Network
from platform_spec.model.base import SpecModel
from platform_spec.model.cluster import Cluster
from platform_spec.model.gitops import GitOps, Workload

StateLocking = Literal["dynamodb", "s3", "dynamodb+s3"]


class GitRefs(SpecModel):
    refs: list[str] = Field(min_length=1)
    """Git refs (glob patterns) whose changes deploy to this environment, e.g. `feature/*`."""
    target_revision: str = Field(min_length=1)
    """What ArgoCD tracks for this environment: a branch (`develop`, `main`) or a promoted tag."""
    release_tag: str | None = None
    """The release tag currently promoted to this environment (set by `make promote`)."""


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
