"""Wave 80: the in-cluster promotion health gate (environments that promote to another one).

Alertmanager is a cluster-internal Service; a GitHub runner cannot reach it. The gate therefore runs
inside the cluster as an Argo CD PostSync hook (argo-cd.readthedocs.io, "Resource Hooks": a PostSync
hook runs after every successful sync; ``BeforeHookCreation`` replaces the previous Job): the Job runs
``plumbing/alert_check.py``, shipped verbatim in a ConfigMap, the same code ``make promote`` uses directly,
against ``gitops.alertmanager_url`` with ``gitops.alert_severity``; it exits 1 when an alert blocks or
Alertmanager does not answer, which fails the sync. ``release.health_gate`` triggers the sync through
the Argo CD API and reads that result.

Image: ``python:3.13-alpine`` by digest (the digest as pinned in public repositories' Dockerfiles and
compose files found with the code search; re-resolve it with the registry when bumping).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from generators.kustomize import component_files, inline_patch, meta, shared_overlay
from generators.waves import Component, Doc, Files
from platform_spec.labels import NAME_LABEL
from platform_spec.model import EnvironmentSpec, Workload
from platform_spec.namespaces import MONITORING
from plumbing import alert_check

NAME = "health-gate"
SCRIPT = "alert_check.py"
IMAGE = ("docker.io/library/python:3.13-alpine"
         "@sha256:399babc8b49529dabfd9c922f2b5eea81d611e4512e3ed250d75bd2e7683f4b0")
RESOURCES: Doc = {"requests": {"cpu": "50m", "memory": "64Mi"}, "limits": {"cpu": "200m", "memory": "128Mi"}}


def gates(spec: EnvironmentSpec) -> bool:
    """Whether the environment gates a promotion (it promotes to another environment)."""
    return spec.promotes_to is not None


def base(workloads: Sequence[Workload]) -> Files:
    """The check's source in a ConfigMap and the PostSync Job running it (arguments per environment)."""
    source = Path(alert_check.__file__).read_text(encoding="utf-8")
    config = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta(NAME, MONITORING), "data": {SCRIPT: source}}
    container: Doc = {
        "name": "check",
        "image": IMAGE,
        "command": ["python", f"/check/{SCRIPT}"],
        "args": [],
        "env": [{"name": "PYTHONDONTWRITEBYTECODE", "value": "1"}],
        "resources": RESOURCES,
        "volumeMounts": [{"name": "check", "mountPath": "/check", "readOnly": True}],
        "securityContext": {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
                            "capabilities": {"drop": ["ALL"]}},
    }
    job = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {
            **meta(NAME, MONITORING),
            "annotations": {"argocd.argoproj.io/hook": "PostSync",
                            "argocd.argoproj.io/hook-delete-policy": "BeforeHookCreation"},
        },
        "spec": {
            "backoffLimit": 0,
            "activeDeadlineSeconds": 120,
            "template": {
                "metadata": {"labels": {NAME_LABEL: NAME}},
                "spec": {
                    "restartPolicy": "Never",
                    "automountServiceAccountToken": False,
                    "securityContext": {"runAsNonRoot": True, "runAsUser": 65534, "runAsGroup": 65534,
                                        "seccompProfile": {"type": "RuntimeDefault"}},
                    "containers": [container],
                    "volumes": [{"name": "check", "configMap": {"name": NAME}}],
                },
            },
        },
    }
    return component_files(f"k8s/base/{NAME}", {"configmap.yaml": config, "job.yaml": job})


def overlay(spec: EnvironmentSpec) -> Files:
    """The environment's Alertmanager URL and blocking severity as the Job's arguments."""
    arguments = [spec.gitops.alertmanager_url or "", spec.gitops.alert_severity]
    operations = [{"op": "replace", "path": "/spec/template/spec/containers/0/args", "value": arguments}]
    return shared_overlay(spec, NAME, patches=[inline_patch({"kind": "Job", "name": NAME}, operations)])


COMPONENT = Component(80, NAME, "tools", MONITORING, needs=("monitoring",), base=base, overlay=overlay,
                      enabled=gates)
