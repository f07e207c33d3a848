"""ArgoCD files: ``argocd/root-app.yaml``, ``argocd/projects/<env>-project.yaml``,
``argocd/apps/<env>/<wave>-<component>.yaml`` and ``argocd/applicationsets/platform.yaml``.

``root-app.yaml`` is shared: one root App-of-Apps document per environment, labelled
``sesacthon.io/env``; each cluster applies its own (``kubectl apply -f argocd/root-app.yaml -l
sesacthon.io/env=<env>``), which points at ``argocd/apps/<env>``. The ApplicationSet renders the
same roots through a cluster generator (``clusterName`` from the spec) for the multi-cluster future.
"""

from __future__ import annotations

from collections.abc import Iterable

from generators.components import PLAN, for_environment
from generators.waves import Component, Doc, Files
from platform_spec import naming
from platform_spec.labels import CLUSTER_NAME_LABEL, CLUSTER_SERVER_ANNOTATION, ENV_LABEL, LAYER_LABEL
from platform_spec.model import EnvironmentSpec
from platform_spec.namespaces import ARGOCD, NAMESPACES
from plumbing.yaml_io import dump, dump_all

ARGOCD_NAMESPACE = ARGOCD
FINALIZER = "resources-finalizer.argocd.argoproj.io"
WAVE_ANNOTATION = "argocd.argoproj.io/sync-wave"
LOCAL_SERVER = "https://kubernetes.default.svc"

CLUSTER_RESOURCES: tuple[tuple[str, str], ...] = (
    ("", "Namespace"),
    ("apiextensions.k8s.io", "CustomResourceDefinition"),
    ("rbac.authorization.k8s.io", "ClusterRole"),
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"),
    ("admissionregistration.k8s.io", "ValidatingWebhookConfiguration"),
    ("admissionregistration.k8s.io", "MutatingWebhookConfiguration"),
    ("storage.k8s.io", "StorageClass"),
    ("storage.k8s.io", "CSIDriver"),
    ("scheduling.k8s.io", "PriorityClass"),
    ("networking.k8s.io", "IngressClass"),
    ("elbv2.k8s.aws", "IngressClassParams"),
    ("external-secrets.io", "ClusterSecretStore"),
    ("admissionregistration.k8s.io", "ValidatingAdmissionPolicy"),
    ("admissionregistration.k8s.io", "ValidatingAdmissionPolicyBinding"),
    ("apiregistration.k8s.io", "APIService"),
)
"""Cluster-scoped kinds an environment's project may manage (group, kind)."""


# --- Applications ---------------------------------------------------------------------------
def sync_policy(spec: EnvironmentSpec, server_side_apply: bool = False, root: bool = False) -> Doc:
    """Sync policy of an Application.

    Children (``root=False``) are always automated: they exist only once their root has synced them, and
    the root's Application health check waits for each wave's children to be Healthy, which a child
    without ``automated`` never becomes (it stays OutOfSync/Missing; argo-cd.readthedocs.io "Automated
    Sync Policy", "Sync Phases and Waves"). The approval is the root's sync: with ``sync_mode: manual``
    (prod) the root has no ``automated`` and nothing changes until someone syncs it.
    """
    policy: Doc = {}
    if not root or spec.gitops.sync_mode in ("auto", "auto-with-hooks"):
        policy["automated"] = {"prune": True, "selfHeal": True}
    options = ["PrunePropagationPolicy=foreground"]
    if server_side_apply:
        options.append("ServerSideApply=true")
    policy["syncOptions"] = options
    policy["retry"] = {"limit": 5, "backoff": {"duration": "10s", "factor": 2, "maxDuration": "3m"}}
    return policy


def _source(spec: EnvironmentSpec, component: Component) -> Doc:
    if component.upstream is not None:
        upstream = component.upstream
        return {"repoURL": upstream.repo_url, "targetRevision": upstream.revision, "path": upstream.path,
                "kustomize": upstream.kustomize}
    if component.chart is None:
        return {"repoURL": spec.gitops.repo_url, "targetRevision": spec.git.target_revision,
                "path": component.path(spec.name)}
    source: Doc = {"repoURL": component.chart.repo_url, "chart": component.chart.name,
                   "targetRevision": component.chart.version}
    helm: Doc = {"releaseName": component.name}
    if component.values is not None:
        helm["valuesObject"] = component.values(spec)
    source["helm"] = helm
    return source


def _app_meta(spec: EnvironmentSpec, name: str, wave: int | None = None, layer: str | None = None) -> Doc:
    labels = {ENV_LABEL: spec.name}
    if layer:
        labels[LAYER_LABEL] = layer
    meta: Doc = {"name": name, "namespace": ARGOCD_NAMESPACE, "labels": labels}
    if wave is not None:
        meta["annotations"] = {WAVE_ANNOTATION: str(wave)}
    meta["finalizers"] = [FINALIZER]
    return meta


def application(spec: EnvironmentSpec, component: Component) -> Doc:
    """The Application of one wave-plan component in one environment."""
    app: Doc = {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Application",
        "metadata": _app_meta(spec, naming.application(spec, component.name), component.wave, component.layer),
        "spec": {
            "project": spec.name,
            "source": _source(spec, component),
            "destination": {"server": spec.gitops.cluster_server, "namespace": component.namespace},
            "syncPolicy": sync_policy(spec, component.server_side_apply),
        },
    }
    if component.layer == "apps" and spec.gitops.high_availability:
        # the HPA owns the replica count; ArgoCD must not reset it
        app["spec"]["ignoreDifferences"] = [{"group": "apps", "kind": "Deployment", "jsonPointers": ["/spec/replicas"]}]
    return app


def root_application(spec: EnvironmentSpec) -> Doc:
    """The environment's App-of-Apps (applied once per cluster)."""
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Application",
        "metadata": _app_meta(spec, naming.root_application(spec)),
        "spec": {
            "project": spec.name,
            "source": {"repoURL": spec.gitops.repo_url, "targetRevision": spec.git.target_revision,
                       "path": f"argocd/apps/{spec.name}"},
            "destination": {"server": spec.gitops.cluster_server, "namespace": ARGOCD_NAMESPACE},
            "syncPolicy": sync_policy(spec, root=True),
        },
    }


# --- AppProject -----------------------------------------------------------------------------
def _roles(spec: EnvironmentSpec) -> list[Doc]:
    project = spec.name

    def policies(role: str, actions: Iterable[str]) -> list[str]:
        return [f"p, proj:{project}:{role}, applications, {action}, {project}/*, allow" for action in actions]

    root = f"p, proj:{project}:release, applications, update, {project}/{naming.root_application(spec)}, allow"
    roles = [
        {"name": "release", "description": "Release pipeline: point the root at the promoted revision, sync, "
                                           "ask the health gate",
         "policies": [*policies("release", ("get", "sync")), root], "groups": [f"{spec.project}:release-pipeline"]},
        {"name": "operator", "description": f"Operators of {project} ({spec.operated_by})",
         "policies": policies("operator", ("get", "sync", "action/*")),
         "groups": [f"{spec.project}:{spec.operated_by}"]},
    ]
    gate = f"{project}/{naming.health_gate_application(spec)}"
    roles.append({"name": "health-gate", "description": "Promotion out of this environment: ask the health gate",
                  "policies": [f"p, proj:{project}:health-gate, applications, {action}, {gate}, allow"
                               for action in ("get", "sync")]})
    developer_actions = ("get", "sync") if spec.access.developers_may_assume else ("get",)
    roles.append({"name": "developer", "description": "Developers" + (" (self-service)" if
                  spec.access.developers_may_assume else " (read-only)"),
                  "policies": policies("developer", developer_actions), "groups": [f"{spec.project}:developers"]})
    return roles


def project(spec: EnvironmentSpec) -> Doc:
    """The environment's AppProject: sources, destinations, cluster kinds, roles, change window."""
    repos = sorted({spec.gitops.repo_url} | {c.chart.repo_url for c in PLAN if c.chart is not None}
                   | {c.upstream.repo_url for c in PLAN if c.upstream is not None})
    namespaces = sorted({ns.name for ns in NAMESPACES} | {c.namespace for c in PLAN} | {ARGOCD_NAMESPACE})
    body: Doc = {
        "description": f"{spec.name}: {spec.purpose} (sync: {spec.gitops.sync_mode})",
        "sourceRepos": repos,
        "destinations": [{"server": spec.gitops.cluster_server, "namespace": ns} for ns in namespaces],
        "clusterResourceWhitelist": [{"group": group, "kind": kind} for group, kind in CLUSTER_RESOURCES],
        "roles": _roles(spec),
    }
    window = spec.gitops.change_window
    if window is not None:
        body["syncWindows"] = [{
            "kind": "allow",
            "schedule": window.schedule,
            "duration": window.duration,
            "timeZone": window.timezone,
            "applications": ["*"],
            "manualSync": False,
        }]
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "AppProject",
        "metadata": {"name": spec.name, "namespace": ARGOCD_NAMESPACE, "labels": {ENV_LABEL: spec.name},
                     "finalizers": [FINALIZER]},
        "spec": body,
    }


# --- ApplicationSet -------------------------------------------------------------------------
def application_set(spec: EnvironmentSpec) -> Doc:
    """Roots per registered cluster whose ``sesacthon.io/cluster-name`` label is the spec's clusterName."""
    cluster = spec.gitops.cluster_name
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "ApplicationSet",
        "metadata": {"name": f"platform-{spec.name}", "namespace": ARGOCD_NAMESPACE,
                     "labels": {ENV_LABEL: spec.name}},
        "spec": {
            "goTemplate": True,
            "goTemplateOptions": ["missingkey=error"],
            "generators": [{"clusters": {
                "selector": {"matchLabels": {CLUSTER_NAME_LABEL: cluster}},
                "values": {"clusterName": cluster, "env": spec.name},
            }}],
            "template": {
                "metadata": {
                    "name": "root-{{.values.env}}-{{.name}}",
                    "labels": {ENV_LABEL: spec.name},
                    "annotations": {CLUSTER_SERVER_ANNOTATION: "{{.server}}"},
                },
                "spec": {
                    "project": spec.name,
                    "source": {"repoURL": spec.gitops.repo_url, "targetRevision": spec.git.target_revision,
                               "path": f"argocd/apps/{spec.name}"},
                    # the root's Applications live beside the managing Argo CD; they target the cluster
                    # named by the spec (gitops.cluster_server) themselves
                    "destination": {"server": LOCAL_SERVER, "namespace": ARGOCD_NAMESPACE},
                    "syncPolicy": sync_policy(spec, root=True),
                },
            },
        },
    }


# --- files ----------------------------------------------------------------------------------
def environment_files(spec: EnvironmentSpec) -> Files:
    """``argocd/apps/<env>/*.yaml`` and ``argocd/projects/<env>-project.yaml``."""
    files = {f"argocd/apps/{spec.name}/{c.file_name()}": dump(application(spec, c)) for c in for_environment(spec)}
    files[f"argocd/projects/{spec.name}-project.yaml"] = dump(project(spec))
    return files


def shared_files(specs: Iterable[EnvironmentSpec]) -> Files:
    """``argocd/root-app.yaml`` and ``argocd/applicationsets/platform.yaml`` (every environment)."""
    chosen = list(specs)
    return {
        "argocd/root-app.yaml": dump_all(root_application(spec) for spec in chosen),
        "argocd/applicationsets/platform.yaml": dump_all(application_set(spec) for spec in chosen),
    }
