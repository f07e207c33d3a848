"""Kustomize trees: ``k8s/base/<component>`` (shared) and ``k8s/overlays/<env>/<component>``.

One directory per generated component of the wave plan, so each ArgoCD Application points at one
path. The base holds what every environment shares; the overlay holds only the environment's
deltas (replicas, resources, image tags, hosts, CIDR, spot tolerations, PDB/HPA, policy action,
validation hooks). ``k8s/overlays/<env>/kustomization.yaml`` aggregates the components so a
whole environment builds with one ``kubectl kustomize`` (review and validation; ArgoCD does not
use it). Workloads get one base directory each (``k8s/base/apis/<name>``), so an environment
lists only the workloads its spec has.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from generators import kyverno_policies as policies
from generators import network_policies as netpol
from generators.waves import generated_components
from platform_spec.labels import NODE_GROUP_LABEL, SPOT_TAINT_KEY
from platform_spec.model import EnvironmentSpec, NodeGroup, Workload
from platform_spec.parameters import DATA_SECRETS
from plumbing.yaml_io import dump, dump_all

Files = dict[str, str]
Doc = dict[str, Any]

PART_OF = {"app.kubernetes.io/part-of": "sesacthon"}
SECRET_STORE = "parameter-store"
DATA_CREDENTIALS = "data-credentials"
INGRESS_VALUES = "alb-ingress-values"
CLUSTER_CONFIG = "cluster-config"
INGRESS_PARAMETERS: dict[str, str] = {
    "vpc-id": "network/vpc-id",
    "public-subnets": "network/public-subnets",
    "sg-alb": "network/sg-alb",
    "acm-arn": "ingress/acm-arn",
}
"""ALB/ingress values materialised from SSM (relative to the environment's SSM root)."""

ARGOCD_APPLICATION_HEALTH = """\
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
KEEP = {"argocd.argoproj.io/sync-options": "Prune=false,Delete=false"}
"""Never prune or delete on Application removal (namespaces, Argo CD's own config)."""


# --- helpers ---------------------------------------------------------------------------------
def _meta(name: str, namespace: str | None = None, **labels: str) -> Doc:
    meta: Doc = {"name": name}
    if namespace:
        meta["namespace"] = namespace
    meta["labels"] = {**PART_OF, **labels}
    return meta


def _kustomization(resources: Iterable[str], **extra: Any) -> str:
    document: Doc = {"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization"}
    document["resources"] = list(resources)
    document.update({key: value for key, value in extra.items() if value})
    return dump(document)


def _component_files(directory: str, documents: dict[str, Doc | list[Doc]], **extra: Any) -> Files:
    """A directory with one file per entry plus its kustomization listing them."""
    files = {f"{directory}/{name}": dump_all(doc) if isinstance(doc, list) else dump(doc)
             for name, doc in documents.items()}
    files[f"{directory}/kustomization.yaml"] = _kustomization(sorted(documents), **extra)
    return files


def workloads_union(specs: Iterable[EnvironmentSpec]) -> dict[str, Workload]:
    """Every workload of every environment; the base needs the same image, kind and port everywhere."""
    union: dict[str, Workload] = {}
    for spec in specs:
        for workload in spec.workloads:
            known = union.get(workload.name)
            shared = (workload.kind, workload.image, workload.port)
            if known is not None and (known.kind, known.image, known.port) != shared:
                raise ValueError(
                    f"environments/{spec.name}.yaml: field 'workloads' '{workload.name}': kind/image/port "
                    f"{shared} differ from another environment's {(known.kind, known.image, known.port)}; "
                    "the shared base needs them equal"
                )
            union.setdefault(workload.name, workload)
    return union


def _kind_dir(workload: Workload) -> str:
    return "apis" if workload.kind == "api" else "workers"


# --- base --------------------------------------------------------------------------------------
def _namespaces() -> dict[str, Doc | list[Doc]]:
    return {
        f"{ns.name}.yaml": {
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": {**_meta(ns.name), "annotations": {"sesacthon.io/purpose": ns.purpose, **KEEP}},
        }
        for ns in netpol.NAMESPACES
    }


def _argocd_config() -> dict[str, Doc | list[Doc]]:
    config = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": "argocd-cm",
            "namespace": "argocd",
            "labels": {"app.kubernetes.io/name": "argocd-cm", "app.kubernetes.io/part-of": "argocd"},
            "annotations": dict(KEEP),
        },
        "data": {HEALTH_KEY: ARGOCD_APPLICATION_HEALTH},
    }
    return {"argocd-cm.yaml": config}


def _cluster_config() -> dict[str, Doc | list[Doc]]:
    return {
        "configmap.yaml": {"apiVersion": "v1", "kind": "ConfigMap", "metadata": _meta(CLUSTER_CONFIG, netpol.APPS)},
        "storageclass.yaml": {
            "apiVersion": "storage.k8s.io/v1",
            "kind": "StorageClass",
            "metadata": {**_meta("gp3"), "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
            "provisioner": "ebs.csi.aws.com",
            "parameters": {"type": "gp3", "encrypted": "true"},
            "reclaimPolicy": "Delete",
            "allowVolumeExpansion": True,
            "volumeBindingMode": "WaitForFirstConsumer",
        },
    }


def _network_policies(workloads: list[Workload]) -> dict[str, Doc | list[Doc]]:
    return {f"{namespace}.yaml": docs for namespace, docs in netpol.base_policies(workloads).items()}


def _secret_store() -> dict[str, Doc | list[Doc]]:
    store = {
        "apiVersion": "external-secrets.io/v1",
        "kind": "ClusterSecretStore",
        "metadata": _meta(SECRET_STORE),
        "spec": {
            "provider": {"aws": {"service": "ParameterStore"}},
            "conditions": [{"namespaces": [netpol.APPS, netpol.DATA, "kube-system"]}],
        },
    }
    return {"cluster-secret-store.yaml": store}


def _external_secret(name: str, namespace: str, keys: dict[str, str]) -> Doc:
    return {
        "apiVersion": "external-secrets.io/v1",
        "kind": "ExternalSecret",
        "metadata": _meta(name, namespace),
        "spec": {
            "refreshInterval": "1h",
            "secretStoreRef": {"kind": "ClusterSecretStore", "name": SECRET_STORE},
            "target": {"name": name, "creationPolicy": "Owner"},
            "data": [{"secretKey": key, "remoteRef": {"key": remote}} for key, remote in keys.items()],
        },
    }


def _ingress_values() -> dict[str, Doc | list[Doc]]:
    return {"external-secret.yaml": _external_secret(INGRESS_VALUES, "kube-system", INGRESS_PARAMETERS)}


def _data_secrets() -> dict[str, Doc | list[Doc]]:
    keys = {name: f"data/{name}" for name in DATA_SECRETS}
    return {f"{namespace}.yaml": _external_secret(DATA_CREDENTIALS, namespace, keys)
            for namespace in (netpol.DATA, netpol.APPS)}


def _exporters() -> dict[str, Doc | list[Doc]]:
    monitor = {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "ServiceMonitor",
        "metadata": _meta("apis", netpol.MONITORING, release="monitoring"),
        "spec": {
            "namespaceSelector": {"matchNames": [netpol.APPS]},
            "selector": {"matchLabels": {"sesacthon.io/kind": "api"}},
            "endpoints": [{"port": "http", "path": "/metrics", "interval": "30s"}],
        },
    }
    return {"servicemonitor-apis.yaml": monitor}


def _kyverno_policies() -> dict[str, Doc | list[Doc]]:
    return {f"{policy['metadata']['name']}.yaml": policy for policy in policies.base_policies()}


def _ingress(workloads: list[Workload]) -> dict[str, Doc | list[Doc]]:
    apis = [workload for workload in workloads if workload.kind == "api"]
    ingress = {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {
            **_meta("apis", netpol.APPS),
            "annotations": {
                "alb.ingress.kubernetes.io/scheme": "internet-facing",
                "alb.ingress.kubernetes.io/target-type": "ip",
                "alb.ingress.kubernetes.io/listen-ports": '[{"HTTP": 80}, {"HTTPS": 443}]',
                "alb.ingress.kubernetes.io/ssl-redirect": "443",
                "alb.ingress.kubernetes.io/healthcheck-path": "/healthz",
            },
        },
        "spec": {
            "ingressClassName": "alb",
            "rules": [{"http": {"paths": [
                {
                    "path": f"/{api.name}",
                    "pathType": "Prefix",
                    "backend": {"service": {"name": api.name, "port": {"name": "http"}}},
                }
                for api in apis
            ]}}],
        },
    }
    return {"ingress.yaml": ingress}


def _workload(workload: Workload) -> dict[str, Doc | list[Doc]]:
    labels = {"app.kubernetes.io/name": workload.name, "sesacthon.io/kind": workload.kind}
    container: Doc = {"name": workload.name, "image": workload.image}
    if workload.kind == "api":
        container["ports"] = [{"name": "http", "containerPort": workload.port, "protocol": "TCP"}]
        container["readinessProbe"] = {"httpGet": {"path": "/healthz", "port": "http"}, "periodSeconds": 10}
    container["envFrom"] = [{"configMapRef": {"name": CLUSTER_CONFIG}}, {"secretRef": {"name": DATA_CREDENTIALS}}]
    container["securityContext"] = {
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "capabilities": {"drop": ["ALL"]},
    }
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": _meta(workload.name, netpol.APPS, **labels),
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": {"app.kubernetes.io/name": workload.name}},
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
    documents: dict[str, Doc | list[Doc]] = {
        "deployment.yaml": deployment,
        "serviceaccount.yaml": {
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": _meta(workload.name, netpol.APPS, **labels),
            "automountServiceAccountToken": False,
        },
    }
    if workload.kind == "api":
        documents["service.yaml"] = {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": _meta(workload.name, netpol.APPS, **labels),
            "spec": {
                "type": "ClusterIP",
                "selector": {"app.kubernetes.io/name": workload.name},
                "ports": [{"name": "http", "port": workload.port, "targetPort": "http", "protocol": "TCP"}],
            },
        }
    return documents


_BASE_BUILDERS: dict[str, Callable[[list[Workload]], dict[str, Doc | list[Doc]]]] = {
    "namespaces": lambda _: _namespaces(),
    "argocd-config": lambda _: _argocd_config(),
    "cluster-config": lambda _: _cluster_config(),
    "network-policies": _network_policies,
    "cluster-secret-store": lambda _: _secret_store(),
    "kyverno-policies": lambda _: _kyverno_policies(),
    "ingress-values": lambda _: _ingress_values(),
    "data-secrets": lambda _: _data_secrets(),
    "exporters": lambda _: _exporters(),
    "ingress": _ingress,
}
"""Builders of the shared base per generated component (``apis``/``workers`` are per workload)."""


def base_files(specs: Iterable[EnvironmentSpec]) -> Files:
    """``k8s/base/...`` for the given environments (workloads are the union of theirs)."""
    workloads = list(workloads_union(specs).values())
    files: Files = {}
    for component in generated_components():
        if component.name in ("apis", "workers"):
            continue
        files.update(_component_files(f"k8s/base/{component.name}", _BASE_BUILDERS[component.name](workloads)))
    for workload in workloads:
        files.update(_component_files(f"k8s/base/{_kind_dir(workload)}/{workload.name}", _workload(workload)))
    return files


# --- overlays ------------------------------------------------------------------------------
def _env_labels(spec: EnvironmentSpec) -> list[Doc]:
    return [{"pairs": {policies.ENV_LABEL: spec.name}, "includeSelectors": False, "includeTemplates": True}]


def _resources(spec: EnvironmentSpec) -> Doc:
    resources = spec.gitops.resources
    return {
        "requests": {"cpu": resources.cpu_request, "memory": resources.memory_request},
        "limits": {"cpu": resources.cpu_limit, "memory": resources.memory_limit},
    }


def _tolerations(group: NodeGroup) -> list[Doc]:
    if not group.spot:
        return []
    return [{"key": SPOT_TAINT_KEY, "operator": "Equal", "value": "true", "effect": "NoSchedule"}]


def _placement_patch(spec: EnvironmentSpec, workload: Workload) -> list[Doc]:
    """JSON 6902 operations placing the workload's pods (no strategic merge: keeps builds fast)."""
    group = spec.cluster.group(workload.node_group)
    pod = "/spec/template/spec"
    operations: list[Doc] = [{"op": "add", "path": f"{pod}/nodeSelector", "value": {NODE_GROUP_LABEL: group.name}}]
    tolerations = _tolerations(group)
    if tolerations:
        operations.append({"op": "add", "path": f"{pod}/tolerations", "value": tolerations})
    operations.append({"op": "add", "path": f"{pod}/containers/0/resources", "value": _resources(spec)})
    return operations


def _disruption_budget(workload: Workload) -> Doc:
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": workload.name, "namespace": netpol.APPS},
        "spec": {"maxUnavailable": 1, "selector": {"matchLabels": {"app.kubernetes.io/name": workload.name}}},
    }


def _autoscaler(spec: EnvironmentSpec, workload: Workload) -> Doc:
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": workload.name, "namespace": netpol.APPS},
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
        "resources": _resources(spec),
        "securityContext": {
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "capabilities": {"drop": ["ALL"]},
        },
    }
    pod: Doc = {
        "restartPolicy": "Never",
        "automountServiceAccountToken": False,
        "securityContext": {"runAsNonRoot": True, "runAsUser": 100, "seccompProfile": {"type": "RuntimeDefault"}},
        "containers": [container],
    }
    if secret:
        container["envFrom"] = [{"configMapRef": {"name": CLUSTER_CONFIG}}]
        container["volumeMounts"] = [{"name": DATA_CREDENTIALS, "mountPath": "/credentials", "readOnly": True}]
        pod["volumes"] = [{"name": DATA_CREDENTIALS, "secret": {"secretName": DATA_CREDENTIALS}}]
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {
            "name": name,
            "namespace": netpol.APPS,
            "annotations": {
                "argocd.argoproj.io/hook": phase,
                "argocd.argoproj.io/hook-delete-policy": "BeforeHookCreation",
            },
        },
        "spec": {
            "backoffLimit": 0,
            "activeDeadlineSeconds": 300,
            "template": {"metadata": {"labels": dict(netpol.HOOK_LABEL)}, "spec": pod},
        },
    }


def hook_jobs(spec: EnvironmentSpec) -> list[Doc]:
    """PreSync (cluster-config and data credentials present) and PostSync (APIs healthy) Jobs."""
    checks = [f'test "$env" = "{spec.name}"', f'test "$domain" = "{spec.dns.domain}"']
    checks += [f"test -s /credentials/{name}" for name in DATA_SECRETS]
    smoke = [
        f"curl -fsS --retry 10 --retry-connrefused --retry-delay 6 "
        f"http://{w.name}.{netpol.APPS}.svc.cluster.local:{w.port}/healthz"
        for w in spec.workloads
        if w.kind == "api"
    ]
    return [
        _hook_job(spec, "preflight", "PreSync", "\n".join(checks) + "\n", secret=True),
        _hook_job(spec, "smoke-test", "PostSync", "\n".join(smoke) + "\n", secret=False),
    ]


def _workloads_overlay(spec: EnvironmentSpec, kind: str) -> Files:
    directory = f"k8s/overlays/{spec.name}/{kind}"
    chosen = [workload for workload in spec.workloads if _kind_dir(workload) == kind]
    files: Files = {}
    resources = [f"../../../base/{kind}/{workload.name}" for workload in chosen]
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
        extra_documents["allow-validation-hooks.yaml"] = netpol.hook_allow(spec)
    for name, documents in extra_documents.items():
        files[f"{directory}/{name}"] = dump_all(documents)
    files[f"{directory}/kustomization.yaml"] = _kustomization(
        resources + sorted(extra_documents),
        labels=_env_labels(spec),
        images=[{"name": w.image, "newTag": spec.gitops.image_tag} for w in chosen],
        replicas=[{"name": w.name, "count": spec.gitops.replicas} for w in chosen],
        patches=patches,
    )
    return files


def _shared_overlay(spec: EnvironmentSpec, component: str) -> Files:
    """Overlay of a component whose base is shared: env label plus the component's deltas."""
    directory = f"k8s/overlays/{spec.name}/{component}"
    files: Files = {}
    resources = [f"../../../base/{component}"]
    patches: list[Doc] = []
    if component == "cluster-config":
        data = {"aws_region": spec.aws.region, "env": spec.name, "domain": spec.dns.domain}
        files[f"{directory}/cluster-config.yaml"] = dump([{"op": "add", "path": "/data", "value": data}])
        patches.append({"path": "cluster-config.yaml", "target": {"kind": "ConfigMap", "name": CLUSTER_CONFIG}})
    elif component == "network-policies":
        files[f"{directory}/allow-ingress-controller.yaml"] = dump(netpol.ingress_allow(spec))
        resources.append("allow-ingress-controller.yaml")
    elif component == "cluster-secret-store":
        aws = "/spec/provider/aws"
        files[f"{directory}/cluster-secret-store.yaml"] = dump([
            {"op": "add", "path": f"{aws}/region", "value": spec.aws.region},
            {"op": "add", "path": f"{aws}/prefix", "value": f"{spec.ssm_root}/"},
        ])
        target = {"kind": "ClusterSecretStore", "name": SECRET_STORE}
        patches.append({"path": "cluster-secret-store.yaml", "target": target})
    elif component == "kyverno-policies":
        patches.append(policies.action_patch(spec))
    elif component == "ingress":
        host = f"api.{spec.dns.domain}"
        operations = [
            {"op": "add", "path": "/spec/rules/0/host", "value": host},
            {"op": "add", "path": "/spec/tls", "value": [{"hosts": [host]}]},
            {"op": "add", "path": "/metadata/annotations/alb.ingress.kubernetes.io~1load-balancer-name",
             "value": f"{spec.prefix}-apis"},
        ]
        patches.append({"target": {"kind": "Ingress", "name": "apis"}, "patch": dump(operations)})
    files[f"{directory}/kustomization.yaml"] = _kustomization(resources, labels=_env_labels(spec), patches=patches)
    return files


def overlay_files(spec: EnvironmentSpec) -> Files:
    """``k8s/overlays/<env>/...``: one directory per generated component, plus the aggregate."""
    files: Files = {}
    components = [component.name for component in generated_components()]
    for name in components:
        if name in ("apis", "workers"):
            files.update(_workloads_overlay(spec, name))
        else:
            files.update(_shared_overlay(spec, name))
    files[f"k8s/overlays/{spec.name}/kustomization.yaml"] = _kustomization(components)
    return files
