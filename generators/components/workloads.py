"""Waves 60: the API services and the workers, one base directory per workload.

``k8s/base/apis/<name>`` and ``k8s/base/workers/<name>`` hold each workload's Deployment,
ServiceAccount and (APIs) NodePort Service (its data-store passwords come from ``data-secrets``); an
environment's overlay lists only the workloads its spec
has and adds placement, resources, image tag, replicas, and with high availability a PDB and an
HPA; environments syncing with hooks also get the PreSync/PostSync validation Jobs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal

from generators.components.cluster_config import CONFIG_MAP
from generators.components.data_secrets import password_key
from generators.components.data_stores import POSTGRESQL, STORES, credentials_secret, uses_label
from generators.components.network_policies import hook_allow
from generators.kustomize import Documents, component_files, env_labels, kustomization, meta
from generators.placement import resources, tolerations
from generators.waves import Component, Doc, Files
from platform_spec.labels import HOOK_LABEL, KIND_LABEL, NAME_LABEL, NODE_GROUP_LABEL
from platform_spec.model import EnvironmentSpec, Workload
from platform_spec.namespaces import APPS
from plumbing.yaml_io import dump, dump_all

Kind = Literal["apis", "workers"]

_CONTAINER_SECURITY = {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
                       "capabilities": {"drop": ["ALL"]}}


def workloads_union(specs: Iterable[EnvironmentSpec]) -> dict[str, Workload]:
    """Every workload of every environment. The loader has checked that what the base renders of a
    workload is the same everywhere (``platform_spec.rules.kubernetes.cross_check``)."""
    union: dict[str, Workload] = {}
    for spec in specs:
        for workload in spec.workloads:
            union.setdefault(workload.name, workload)
    return union


def kind_dir(workload: Workload) -> Kind:
    """The component (and base directory) a workload belongs to."""
    return "apis" if workload.kind == "api" else "workers"


# --- base --------------------------------------------------------------------------------------
def connection_env(workload: Workload) -> list[Doc]:
    """Host, port, user (and database) of each declared store; the password from the workload's own Secret."""
    env: list[Doc] = []
    for name in workload.data_stores:
        store = STORES[name]
        prefix = store.env_prefix
        env += [{"name": f"{prefix}_HOST", "value": store.host}, {"name": f"{prefix}_PORT", "value": str(store.port)}]
        if store is POSTGRESQL:
            env += [{"name": f"{prefix}_USER", "value": store.user}, {"name": f"{prefix}_DB", "value": store.user}]
        elif store.name == "rabbitmq":
            env.append({"name": f"{prefix}_USER", "value": store.user})
        env.append({"name": password_key(store), "valueFrom": {"secretKeyRef": {
            "name": credentials_secret(workload.name), "key": password_key(store)}}})
    return env


def pod_labels(workload: Workload) -> dict[str, str]:
    """Labels of the workload's pods: name, kind, and one ``uses-<store>`` label per declared store."""
    labels = {NAME_LABEL: workload.name, KIND_LABEL: workload.kind}
    labels.update({uses_label(store): "true" for store in workload.data_stores})
    return labels


def workload_documents(workload: Workload) -> Documents:
    """Deployment, ServiceAccount and, for an API, its NodePort Service."""
    labels = {NAME_LABEL: workload.name, KIND_LABEL: workload.kind}
    port_name = "http" if workload.kind == "api" else "health"
    probe = {"httpGet": {"path": workload.health_path, "port": port_name}}
    container: Doc = {
        "name": workload.name,
        "image": workload.image,
        "ports": [{"name": port_name, "containerPort": workload.port, "protocol": "TCP"}],
        "readinessProbe": {**probe, "periodSeconds": 10},
        "livenessProbe": {**probe, "periodSeconds": 20, "failureThreshold": 3, "initialDelaySeconds": 10},
        "envFrom": [{"configMapRef": {"name": CONFIG_MAP}}],
    }
    env = connection_env(workload)
    if env:
        container["env"] = env
    container["securityContext"] = dict(_CONTAINER_SECURITY)
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": meta(workload.name, APPS, **labels),
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": {NAME_LABEL: workload.name}},
            "template": {
                "metadata": {"labels": pod_labels(workload)},
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
        # ALB instance targets need a NodePort Service (kubernetes-sigs.github.io/aws-load-balancer-controller,
        # annotations: target-type "instance"); Local keeps the ALB's source address (no SNAT, no second hop)
        documents["service.yaml"] = {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {**meta(workload.name, APPS, **labels), "annotations": {
                "alb.ingress.kubernetes.io/healthcheck-path": workload.health_path}},
            "spec": {
                "type": "NodePort",
                "externalTrafficPolicy": "Local",
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


def _hook_job(spec: EnvironmentSpec, name: str, phase: str, script: str, secrets: Sequence[str] = ()) -> Doc:
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
    if secrets:
        container["envFrom"] = [{"configMapRef": {"name": CONFIG_MAP}}]
        container["volumeMounts"] = [{"name": name, "mountPath": f"/credentials/{name}", "readOnly": True}
                                     for name in secrets]
        pod["volumes"] = [{"name": name, "secret": {"secretName": name}} for name in secrets]
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
    """PreSync (cluster-config and every workload's credentials present) and PostSync (APIs healthy) Jobs."""
    checks = [f'test "$env" = "{spec.name}"', f'test "$domain" = "{spec.dns.domain}"']
    secrets = [credentials_secret(w.name) for w in spec.workloads if w.data_stores and w.kind == "api"]
    for workload in spec.workloads:
        if workload.kind == "api":
            checks += [f"test -s /credentials/{credentials_secret(workload.name)}/{password_key(STORES[name])}"
                       for name in workload.data_stores]
    smoke = [
        f"curl -fsS --retry 10 --retry-connrefused --retry-delay 6 "
        f"http://{w.name}.{APPS}.svc.cluster.local:{w.port}{w.health_path}"
        for w in spec.workloads
        if w.kind == "api"
    ]
    return [
        _hook_job(spec, "preflight", "PreSync", "\n".join(checks) + "\n", secrets),
        _hook_job(spec, "smoke-test", "PostSync", "\n".join(smoke) + "\n"),
    ]


def image_entry(spec: EnvironmentSpec, workload: Workload) -> Doc:
    """Kustomize ``images`` entry: the environment's tag, and its digest when recorded (deploy by digest)."""
    entry: Doc = {"name": workload.image, "newTag": spec.gitops.image_tag}
    digest = spec.gitops.image_digests.get(workload.name)
    if digest:
        entry["digest"] = digest
    return entry


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
        images=[image_entry(spec, w) for w in chosen],
        replicas=[{"name": w.name, "count": spec.gitops.replicas} for w in chosen],
        patches=patches,
    )
    return files


_APPS_NEED = ("cluster-config", "cluster-secret-store", "admission-policies", "data-secrets")

APIS = Component(60, "apis", "apps", APPS, needs=_APPS_NEED,
                 base=lambda workloads: _base("apis", workloads), overlay=lambda spec: _overlay("apis", spec))
WORKERS = Component(60, "workers", "apps", APPS, needs=_APPS_NEED,
                    base=lambda workloads: _base("workers", workloads), overlay=lambda spec: _overlay("workers", spec))
