"""A model of how Argo CD syncs an App-of-Apps, to prove every Application of a plan can become Healthy.

Rules modelled (each with its source):

1. Sync waves: within one sync, Argo CD applies resources wave by wave (lowest first) and starts the next
   wave only when every resource of the current one is Healthy; an Application is a resource of its root.
   (argo-cd.readthedocs.io/en/stable/user-guide/sync-waves/ "How Do I Configure Waves?", "How Does It Work?")
2. An Application's own health is assessed only with the ``argoproj.io/Application`` health check in
   ``argocd-cm`` (removed from the defaults in 1.8; operator-manual/upgrading/1.7-1.8/), which reports
   ``status.health.status``: without it the root does not wait at all.
3. Automated sync: an Application with ``syncPolicy.automated`` syncs by itself whenever it is OutOfSync;
   without it, it stays OutOfSync (its resources Missing) until someone syncs it
   (user-guide/auto_sync/). The release pipeline syncs only the root.
4. Hooks: PreSync hooks run before the Sync phase's resources are applied, PostSync hooks after all of
   them are Healthy (user-guide/resource_hooks/): a PreSync hook can use only what lower waves made.
5. Custom resources: applying a kind whose CRD is not in the cluster fails ("the server could not find the
   requested resource") unless the CRD is part of the same sync (user-guide/sync-options/ "Skip Dry Run for
   new custom resources types").
6. Namespaces: resources go into existing namespaces; Argo CD creates the destination namespace only with
   ``CreateNamespace=true`` (user-guide/sync-options/ "Create Namespace").
7. ExternalSecret health (Argo CD's built-in resource_customizations/external-secrets.io/ExternalSecret):
   Healthy once ``Ready``, which needs its ClusterSecretStore (allowed for its namespace) to authenticate;
   a store with no ``auth`` falls back to the node's instance role, which the platform's NetworkPolicies
   deny (external-secrets.io provider AWS: "sdk default provider chain").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PREEXISTING_NAMESPACES = frozenset({"default", "kube-system", "argocd"})
"""Namespaces a cluster has before the root's first sync (Argo CD itself is installed by Ansible)."""
HEALTH_KEY = "resource.customizations.health.argoproj.io_Application"


@dataclass
class App:
    """One child Application as the model sees it."""

    name: str
    wave: int
    automated: bool
    namespace: str
    create_namespace: bool
    documents: list[dict[str, Any]] = field(default_factory=list)
    """Manifests it applies (generated components: built; charts: what the model knows they render)."""
    provides: tuple[str, ...] = ()
    creates: tuple[str, ...] = ()
    needs_secrets: tuple[tuple[str, str], ...] = ()
    """(namespace, name) of Secrets a chart's instances consume (from its values)."""


@dataclass
class Outcome:
    """Where the root's sync ends: converged, or the wave it stops at and why."""

    converged: bool
    healthy: list[str]
    problems: list[str]


def _kind(document: dict[str, Any]) -> str:
    group = str(document.get("apiVersion", "")).rpartition("/")[0]
    return f"{group}/{document['kind']}" if group else str(document["kind"])


def _is_custom(kind: str) -> bool:
    group = kind.rpartition("/")[0]
    return bool(group) and "." in group and not group.endswith(".k8s.io")


def _hook(document: dict[str, Any]) -> str | None:
    return ((document.get("metadata") or {}).get("annotations") or {}).get("argocd.argoproj.io/hook")


def _secret_refs(document: dict[str, Any]) -> list[str]:
    """Secrets a pod template (or a RabbitmqCluster) reads."""
    refs: list[str] = []
    if document["kind"] == "RabbitmqCluster":
        backend = (document["spec"].get("secretBackend") or {}).get("externalSecret") or {}
        return [backend["name"]] if backend.get("name") else []
    template = (document.get("spec") or {}).get("template") or {}
    pod = template.get("spec") or {}
    for volume in pod.get("volumes") or []:
        if "secret" in volume:
            refs.append(volume["secret"]["secretName"])
    for container in pod.get("containers") or []:
        for variable in container.get("env") or []:
            ref = (variable.get("valueFrom") or {}).get("secretKeyRef")
            if ref:
                refs.append(ref["name"])
        for source in container.get("envFrom") or []:
            if "secretRef" in source:
                refs.append(source["secretRef"]["name"])
    return refs


def converge(root_automated: bool, root_synced_by_pipeline: bool, argocd_cm: dict[str, Any] | None,
             apps: list[App]) -> Outcome:
    """Play the root's sync as Argo CD would; report every Application that can never become Healthy."""
    if not (root_automated or root_synced_by_pipeline):
        return Outcome(False, [], ["the root is never synced (no automated policy and nobody syncs it)"])
    if argocd_cm is None or HEALTH_KEY not in (argocd_cm.get("data") or {}):
        return Outcome(False, [], [f"argocd-cm lacks {HEALTH_KEY}: the root would not wait for any wave"])
    namespaces = set(PREEXISTING_NAMESPACES)
    installed_crds: set[str] = set()
    secrets: set[tuple[str, str]] = set()
    stores: dict[str, dict[str, Any]] = {}
    healthy: list[str] = []
    for wave in sorted({app.wave for app in apps}):
        problems: list[str] = []
        batch = [app for app in apps if app.wave == wave]
        made_here: set[tuple[str, str]] = set()
        for app in batch:
            for document in app.documents:
                if document["kind"] == "Namespace":
                    namespaces.add(document["metadata"]["name"])
            installed_crds.update(app.provides)
        for app in batch:
            where = f"wave {wave}: {app.name}"
            if not app.automated:
                problems.append(f"{where} can never become Healthy: no syncPolicy.automated, and only the root "
                                "is synced (it stays OutOfSync, its resources Missing)")
                continue
            if app.namespace not in namespaces and not app.create_namespace:
                problems.append(f"{where}: destination namespace '{app.namespace}' does not exist")
            own_crds = set(app.provides)
            for kind in sorted({_kind(d) for d in app.documents} | set(app.creates)):
                if _is_custom(kind) and kind not in installed_crds - own_crds and kind not in own_crds:
                    problems.append(f"{where}: {kind} has no CRD installed by a lower wave or this Application")
            available = secrets | {(d["metadata"]["namespace"], d["spec"]["target"]["name"])
                                   for d in app.documents if d["kind"] == "ExternalSecret"}
            for document in app.documents:
                namespace = document.get("metadata", {}).get("namespace", app.namespace)
                if document["kind"] == "Namespace" or "namespace" not in document.get("metadata", {}):
                    pass
                elif namespace not in namespaces:
                    problems.append(f"{where}: {document['kind']}/{document['metadata']['name']} goes into missing "
                                    f"namespace '{namespace}'")
                if document["kind"] == "ClusterSecretStore":
                    stores[document["metadata"]["name"]] = document
                if document["kind"] == "ExternalSecret":
                    problems += _external_secret_problems(where, document, stores)
                    made_here.add((namespace, document["spec"]["target"]["name"]))
                wanted = secrets if _hook(document) == "PreSync" else available
                for name in _secret_refs(document):
                    if (namespace, name) not in wanted:
                        phase = "its PreSync hook" if _hook(document) == "PreSync" else document["kind"]
                        problems.append(f"{where}: {phase} {document['metadata']['name']} needs Secret "
                                        f"{namespace}/{name}, which no lower wave"
                                        + (" " if _hook(document) == "PreSync" else " or this Application ")
                                        + "creates")
            for namespace, name in app.needs_secrets:
                if (namespace, name) not in available:
                    problems.append(f"{where}: its instances need Secret {namespace}/{name}, which nothing creates")
        if problems:
            return Outcome(False, healthy, problems)
        secrets |= made_here
        healthy += [app.name for app in batch]
    return Outcome(True, healthy, [])


def _external_secret_problems(where: str, document: dict[str, Any], stores: dict[str, dict[str, Any]]) -> list[str]:
    reference = document["spec"]["secretStoreRef"]
    store = stores.get(reference["name"]) if reference.get("kind") == "ClusterSecretStore" else None
    name = document["metadata"]["name"]
    if store is None:
        return [f"{where}: ExternalSecret {name} uses store '{reference['name']}', which no lower wave creates"]
    problems = []
    allowed = [ns for condition in store["spec"].get("conditions") or [] for ns in condition.get("namespaces", [])]
    if allowed and document["metadata"]["namespace"] not in allowed:
        problems.append(f"{where}: ExternalSecret {name}: store '{reference['name']}' is not allowed in namespace "
                        f"'{document['metadata']['namespace']}'")
    aws = (store["spec"].get("provider") or {}).get("aws") or {}
    if "auth" not in aws:
        problems.append(f"{where}: ExternalSecret {name} can never become Ready: store '{reference['name']}' has no "
                        "auth and would fall back to the node's instance role (denied)")
    return problems
