"""Waves 60: the API services and the workers, one base directory per workload.

``k8s/base/apis/<name>`` and ``k8s/base/workers/<name>`` hold each workload's Deployment,
ServiceAccount and (APIs) Service; an environment's overlay lists only the workloads its spec
has and adds placement, resources, image tag, replicas, and with high availability a PDB and an
HPA; environments syncing with hooks also get the PreSync/PostSync validation Jobs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal

from generators.components.cluster_config import CONFIG_MAP
from generators.components.data_secrets import CREDENTIALS
from generators.components.network_policies import hook_allow
from generators.kustomize import Documents, component_files, env_labels, kustomization, meta
from generators.placement import resources, tolerations
from generators.waves import Component, Doc, Files
from platform_spec.labels import HOOK_LABEL, KIND_LABEL, NAME_LABEL, NODE_GROUP_LABEL
from platform_spec.model import EnvironmentSpec, Workload
from platform_spec.namespaces import APPS
from platform_spec.parameters import DATA_SECRETS
from plumbing.yaml_io import dump, dump_all

Kind = Literal["apis", "workers"]

_CONTAINER_SECURITY = {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
                       "capabilities": {"drop": ["ALL"]}}


def workloads_union(specs: Iterable[EnvironmentSpec]) -> dict[str, Workload]:
    """Every workload of every environment. The loader has checked that a workload's image, kind and
    port are the same everywhere (``platform_spec.rules.kubernetes.cross_check``), as the base needs."""
    union: dict[str, Workload] = {}
    for spec in specs:
        for workload in spec.workloads:
            union.setdefault(workload.name, workload)
    return union


def kind_dir(workload: Workload) -> Kind:
    """The component (and base directory) a workload belongs to."""
    return "apis" if workload.kind == "api" else "workers"


# --- base --------------------------------------------------------------------------------------
def workload_documents(workload: Workload) -> Documents:
    """Deployment, ServiceAccount and, for an API, its Service."""
    labels = {NAME_LABEL: workload.name, KIND_LABEL: workload.kind}
    container: Doc = {"name": workload.name, "image": workload.image}
    if workload.kind == "api":
        container["ports"] = [{"name": "http", "containerPort": workload.port, "protocol": "TCP"}]
        container["readinessProbe"] = {"httpGet": {"path": "/healthz", "port": "http"}, "periodSeconds": 10}
    container["envFrom"] = [{"configMapRef": {"name": CONFIG_MAP}}, {"secretRef": {"name": CREDENTIALS}}]
    container["securityContext"] = dict(_CONTAINER_SECURITY)
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": meta(workload.name, APPS, **labels),
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": {NAME_LABEL: workload.name}},
            "template": {
                "metadata": {"labels": labels},
                "spec": {
                    "serviceAccountName": workload.name,
                    "automountServiceAccountToken": False,
                    "securityContext": {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}},
                    "containers": [container],
                },
            },
        },
    }
    documents: Documents = {
        "deployment.yaml": deployment,
        "serviceaccount.yaml": {
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": meta(workload.name, APPS, **labels),
            "automountServiceAccountToken": False,
        },
    }
    if workload.kind == "api":
        documents["service.yaml"] = {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": meta(workload.name, APPS, **labels),
            "spec": {
                "type": "ClusterIP",
                "selector": {NAME_LABEL: workload.name},
                "ports": [{"name": "http", "port": workload.port, "targetPort": "http", "protocol": "TCP"}],
            },
        }
    return documents


def _base(kind: Kind, workloads: Sequence[Workload]) -> Files:
    files: Files = {}
    for workload in workloads:
        if kind_dir(workload) == kind:
            files.update(component_files(f"k8s/base/{kind}/{workload.name}", workload_documents(workload)))
    return files


# --- overlay -----------------------------------------------------------------------------------
def _placement_patch(spec: EnvironmentSpec, workload: Workload) -> list[Doc]:
    """JSON 6902 operations placing the workload's pods (no strategic merge: keeps builds fast)."""
    group = spec.cluster.group(workload.node_group)
    pod = "/spec/template/spec"
    operations: list[Doc] = [{"op": "add", "path": f"{pod}/nodeSelector", "value": {NODE_GROUP_LABEL: group.name}}]
    needed = tolerations(group)
    if needed:
        operations.append({"op": "add", "path": f"{pod}/tolerations", "value": needed})
    operations.append({"op": "add", "path": f"{pod}/containers/0/resources", "value": resources(spec)})
    return operations


def _disruption_budget(workload: Workload) -> Doc:
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": workload.name, "namespace": APPS},
        "spec": {"maxUnavailable": 1, "selector": {"matchLabels": {NAME_LABEL: workload.name}}},
    }


def _autoscaler(spec: EnvironmentSpec, workload: Workload) -> Doc:
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": workload.name, "namespace": APPS},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": workload.name},
            "minReplicas": spec.gitops.replicas,
            "maxReplicas": spec.gitops.max_replicas,
            "metrics": [{"type": "Resource", "resource": {
                "name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70},
            }}],
        },
    }


def _hook_job(spec: EnvironmentSpec, name: str, phase: str, script: str, secret: bool) -> Doc:
    container: Doc = {
        "name": name,
        "image": spec.gitops.hook_image,
        "command": ["sh", "-ec", script],
        "resources": resources(spec),
        "securityContext": dict(_CONTAINER_SECURITY),
    }
    pod: Doc = {
        "restartPolicy": "Never",
        "automountServiceAccountToken": False,
        "securityContext": {"runAsNonRoot": True, "runAsUser": 100, "seccompProfile": {"type": "RuntimeDefault"}},
        "containers": [container],
    }
    if secret:
        container["envFrom"] = [{"configMapRef": {"name": CONFIG_MAP}}]
        container["volumeMounts"] = [{"name": CREDENTIALS, "mountPath": "/credentials", "readOnly": True}]
        pod["volumes"] = [{"name": CREDENTIALS, "secret": {"secretName": CREDENTIALS}}]
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {
            "name": name,
            "namespace": APPS,
            "annotations": {
                "argocd.argoproj.io/hook": phase,
                "argocd.argoproj.io/hook-delete-policy": "BeforeHookCreation",
            },
        },
        "spec": {
            "backoffLimit": 0,
            "activeDeadlineSeconds": 300,
            "template": {"metadata": {"labels": dict(HOOK_LABEL)}, "spec": pod},
        },
    }


def hook_jobs(spec: EnvironmentSpec) -> list[Doc]:
    """PreSync (cluster-config and data credentials present) and PostSync (APIs healthy) Jobs."""
    checks = [f'test "$env" = "{spec.name}"', f'test "$domain" = "{spec.dns.domain}"']
    checks += [f"test -s /credentials/{name}" for name in DATA_SECRETS]
    smoke = [
        f"curl -fsS --retry 10 --retry-connrefused --retry-delay 6 "
        f"http://{w.name}.{APPS}.svc.cluster.local:{w.port}/healthz"
        for w in spec.workloads
        if w.kind == "api"
    ]
    return [
        _hook_job(spec, "preflight", "PreSync", "\n".join(checks) + "\n", secret=True),
        _hook_job(spec, "smoke-test", "PostSync", "\n".join(smoke) + "\n", secret=False),
    ]


def _overlay(kind: Kind, spec: EnvironmentSpec) -> Files:
    directory = f"k8s/overlays/{spec.name}/{kind}"
    chosen = [workload for workload in spec.workloads if kind_dir(workload) == kind]
    files: Files = {}
    bases = [f"../../../base/{kind}/{workload.name}" for workload in chosen]
    patches = []
    for workload in chosen:
        files[f"{directory}/patches/{workload.name}.yaml"] = dump(_placement_patch(spec, workload))
        target = {"kind": "Deployment", "name": workload.name}
        patches.append({"path": f"patches/{workload.name}.yaml", "target": target})
    extra_documents: dict[str, list[Doc]] = {}
    if spec.gitops.high_availability:
        extra_documents["poddisruptionbudgets.yaml"] = [_disruption_budget(w) for w in chosen]
        extra_documents["horizontalpodautoscalers.yaml"] = [_autoscaler(spec, w) for w in chosen]
    if spec.gitops.sync_mode == "auto-with-hooks" and kind == "apis":
        extra_documents["validation-hooks.yaml"] = hook_jobs(spec)
        extra_documents["allow-validation-hooks.yaml"] = hook_allow(spec)
    for name, documents in extra_documents.items():
        files[f"{directory}/{name}"] = dump_all(documents)
    files[f"{directory}/kustomization.yaml"] = kustomization(
        bases + sorted(extra_documents),
        labels=env_labels(spec),
        images=[{"name": w.image, "newTag": spec.gitops.image_tag} for w in chosen],
        replicas=[{"name": w.name, "count": spec.gitops.replicas} for w in chosen],
        patches=patches,
    )
    return files


_APPS_NEED = ("cluster-config", "data-secrets", "kyverno-policies")

APIS = Component(60, "apis", "apps", APPS, needs=_APPS_NEED,
                 base=lambda workloads: _base("apis", workloads), overlay=lambda spec: _overlay("apis", spec))
WORKERS = Component(60, "workers", "apps", APPS, needs=_APPS_NEED,
                    base=lambda workloads: _base("workers", workloads), overlay=lambda spec: _overlay("workers", spec))
