"""Wave -1: the platform's namespaces (never pruned: deleting one would delete everything in it), with
their Pod Security Admission labels.

Pod Security Admission (kubernetes.io/docs/concepts/security/pod-security-admission/): the label
``pod-security.kubernetes.io/<mode>: <level>`` sets a mode per namespace; ``enforce`` rejects pods
that violate the level, ``audit`` records them in the audit log, ``warn`` returns a warning to the
client; ``<mode>-version`` pins the level's definition to a Kubernetes minor version. Where the
environment enforces its policies (``gitops.policy_action: Enforce``) each namespace enforces the
strictest level its pods meet (``platform_spec.namespaces``); every environment audits and warns at
``restricted``, so a pod below ``restricted`` is visible everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence

from generators.kustomize import KEEP, component_files, inline_patch, meta, shared_overlay
from generators.waves import Component, Doc, Files
from platform_spec.labels import PURPOSE_ANNOTATION
from platform_spec.model import EnvironmentSpec, Workload
from platform_spec.namespaces import NAMESPACES, Namespace

NAME = "namespaces"
PSA_PREFIX = "pod-security.kubernetes.io"


def pod_security_labels(spec: EnvironmentSpec, namespace: Namespace) -> dict[str, str]:
    """The PSA labels of ``namespace`` in ``spec``'s environment."""
    version = "v" + ".".join(spec.cluster.kube_version.split(".")[:2])  # the policies of the cluster's release
    labels = {}
    if spec.gitops.policy_action == "Enforce":
        labels[f"{PSA_PREFIX}/enforce"] = namespace.pod_security
        labels[f"{PSA_PREFIX}/enforce-version"] = version
    for mode in ("audit", "warn"):
        labels[f"{PSA_PREFIX}/{mode}"] = "restricted"
        labels[f"{PSA_PREFIX}/{mode}-version"] = version
    return labels


def base(workloads: Sequence[Workload]) -> Files:
    """One Namespace per entry of the namespace table."""
    return component_files(f"k8s/base/{NAME}", {
        f"{ns.name}.yaml": {
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": {**meta(ns.name), "annotations": {PURPOSE_ANNOTATION: ns.purpose, **KEEP}},
        }
        for ns in NAMESPACES
    })


def _label_patch(spec: EnvironmentSpec, namespace: Namespace) -> Doc:
    operations = [{"op": "add", "path": f"/metadata/labels/{key.replace('/', '~1')}", "value": value}
                  for key, value in pod_security_labels(spec, namespace).items()]
    return inline_patch({"kind": "Namespace", "name": namespace.name}, operations)


def overlay(spec: EnvironmentSpec) -> Files:
    """The environment label and each namespace's Pod Security labels."""
    return shared_overlay(spec, NAME, patches=[_label_patch(spec, ns) for ns in NAMESPACES])


COMPONENT = Component(-1, NAME, "namespaces", "default", base=base, overlay=overlay)
