"""Argo CD and Kubernetes settings, and the workloads deployed on the cluster."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from platform_spec.model.base import IMAGE_TAG_PATTERN, NAME_PATTERN, SpecModel

SyncMode = Literal["auto", "auto-with-hooks", "manual"]
"""ArgoCD sync policy: automated, automated with PreSync/PostSync validation hooks, or manual."""

PolicyAction = Literal["Audit", "Enforce"]
Severity = Literal["info", "warning", "critical"]


class ChangeWindow(SpecModel):
    schedule: str = Field(min_length=1, max_length=100)
    """Cron expression of the window's start: five fields (minute hour day-of-month month day-of-week, Sunday = 0),
    read the same by Argo CD's sync window and the pipeline gate; it must open at least once a year."""
    duration: str = Field(pattern=r"^\d+[hm]$")
    """Length of the window, `<n>h` or `<n>m`, from 1m to 168h, e.g. `2h`."""
    timezone: str = "Asia/Seoul"
    """IANA time zone of the schedule, e.g. `Asia/Seoul`, `UTC`."""


QUANTITY_PATTERN = r"^[+]?(\d+(\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$"
"""A Kubernetes resource quantity (k8s.io/apimachinery resource.Quantity), e.g. `250m`, `1`, `0.5`, `128Mi`, `1G`."""


class Resources(SpecModel):
    cpu_request: str = Field(pattern=QUANTITY_PATTERN, max_length=32)
    """CPU request, a Kubernetes quantity, e.g. `100m`; at most `cpu_limit`."""
    memory_request: str = Field(pattern=QUANTITY_PATTERN, max_length=32)
    """Memory request, e.g. `128Mi`; at most `memory_limit`."""
    cpu_limit: str = Field(pattern=QUANTITY_PATTERN, max_length=32)
    """CPU limit, above zero (a quoted number such as `"1"`, or `1500m`)."""
    memory_limit: str = Field(pattern=QUANTITY_PATTERN, max_length=32)
    """Memory limit, above zero."""


class Workload(SpecModel):
    name: str = Field(pattern=NAME_PATTERN)
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
    """ArgoCD destination API server: an `https://` URL."""
    repo_url: str = "https://github.com/sesacthon/platform.git"
    """Git repository ArgoCD reads the overlays from (`https://`, `ssh://` or `git@host:path`)."""
    policy_action: PolicyAction = "Audit"
    """Kyverno `validationFailureAction`: Audit (dev) or Enforce (prod)."""
    high_availability: bool = False
    """Add PodDisruptionBudgets and HorizontalPodAutoscalers."""
    replicas: int = Field(default=1, ge=1, le=20)
    """Replicas per workload."""
    max_replicas: int = Field(default=1, ge=1, le=50)
    """HPA maximum replicas (high availability only)."""
    image_tag: str = Field(pattern=IMAGE_TAG_PATTERN)
    """Image tag deployed for every workload (moved by `make promote`); never `latest`."""
    resources: Resources
    """Requests and limits per workload container."""
    change_window: ChangeWindow | None = None
    """Window in which prod syncs and applies are allowed (ArgoCD sync window, pipeline gate)."""
    alertmanager_url: str | None = None
    """Alertmanager API base URL used by the promotion health gate (`http://` or `https://`, no credentials)."""
    alert_severity: Severity = "warning"
    """Alerts at or above this severity block promotion out of this environment."""
    hook_image: str = Field(default="docker.io/curlimages/curl:8.11.1", pattern=r"^[a-z0-9./_-]+:[A-Za-z0-9_.-]+$")
    """Pinned image (`repository:tag`, never `latest`) of the PreSync/PostSync validation hook Jobs
    (`auto-with-hooks` only)."""

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
