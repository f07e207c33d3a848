"""Wave -1: Argo CD's own ``argocd-cm`` with the Application health check an App-of-Apps needs."""

from __future__ import annotations

from collections.abc import Sequence

from generators.kustomize import KEEP, component_files, shared_overlay
from generators.waves import Component, Files
from platform_spec.model import EnvironmentSpec, Workload
from platform_spec.namespaces import ARGOCD

NAME = "argocd-config"

APPLICATION_HEALTH = """\
hs = {}
hs.status = "Progressing"
hs.message = ""
if obj.status ~= nil then
  if obj.status.health ~= nil then
    hs.status = obj.status.health.status
    if obj.status.health.message ~= nil then
      hs.message = obj.status.health.message
    end
  end
end
return hs
"""
"""Argo CD operator manual (upgrading 1.7 → 1.8): restores health assessment of Applications so
an App-of-Apps waits for lower-wave child Applications to be Healthy (argo-cd #8778, #27917)."""

HEALTH_KEY = "resource.customizations.health.argoproj.io_Application"


def base(workloads: Sequence[Workload]) -> Files:
    """``argocd-cm`` carrying the Application health check."""
    config = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": "argocd-cm",
            "namespace": ARGOCD,
            "labels": {"app.kubernetes.io/name": "argocd-cm", "app.kubernetes.io/part-of": "argocd"},
            "annotations": dict(KEEP),
        },
        "data": {HEALTH_KEY: APPLICATION_HEALTH},
    }
    return component_files(f"k8s/base/{NAME}", {"argocd-cm.yaml": config})


def overlay(spec: EnvironmentSpec) -> Files:
    """The environment label only."""
    return shared_overlay(spec, NAME)


COMPONENT = Component(-1, NAME, "bootstrap", ARGOCD, base=base, overlay=overlay)
