"""Wave 5: the admission policy set, in CEL: Kubernetes ValidatingAdmissionPolicies and their bindings.

ValidatingAdmissionPolicy is GA (``admissionregistration.k8s.io/v1``) since Kubernetes 1.30, so the
cluster (1.32) enforces these in the API server itself: no webhook, no CRD, nothing to install.
(kubernetes.io/docs/reference/access-authn-authz/validating-admission-policy/.) Each policy matches
Pods and the pod controllers in the namespaces running our workloads; a ``podSpec`` variable picks
``object.spec`` (Pod) or ``object.spec.template.spec`` (controllers), so a bad Deployment is refused at
apply time, not later when its ReplicaSet creates pods. Bindings carry the environment's action:
``Deny`` where ``gitops.policy_action`` is Enforce, ``Audit`` + ``Warn`` where it is Audit; images by
digest are required (``Deny``) in production only and warned about elsewhere.

The same expressions are evaluated offline in the tests with a CEL library (tests/policy_model.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from generators.kustomize import component_files, env_labels, kustomization, meta
from generators.waves import Component, Doc, Files
from platform_spec.labels import ENV_LABEL
from platform_spec.model import EnvironmentSpec, Workload
from platform_spec.namespaces import APPS
from plumbing.yaml_io import dump_all

NAME = "admission-policies"
API_VERSION = "admissionregistration.k8s.io/v1"

POLICY_NAMESPACES: tuple[str, ...] = (APPS,)
"""Namespaces whose pods the policies check (operator charts keep their own Pod Security level)."""

POD_CONTROLLERS: tuple[tuple[str, str], ...] = (
    ("apps", "deployments"), ("apps", "statefulsets"), ("apps", "daemonsets"), ("apps", "replicasets"),
    ("batch", "jobs"),
)
"""(group, resource) of the pod controllers checked besides Pods."""
LONG_RUNNING: tuple[tuple[str, str], ...] = (("apps", "deployments"), ("apps", "statefulsets"), ("apps", "daemonsets"))
"""Controllers whose pods must have probes (a Job's pod runs to completion and needs none)."""

POD_SPEC = "object.kind == 'Pod' ? object.spec : object.spec.template.spec"
POD_METADATA = "object.kind == 'Pod' ? object.metadata : object.spec.template.metadata"
CONTAINERS = ("variables.podSpec.containers + (has(variables.podSpec.initContainers) ? "
              "variables.podSpec.initContainers : [])")
DIGEST = "@sha256:[a-f0-9]{64}$"
TAGGED = "^([^/]+/)*[^/:@]+:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}(@sha256:[a-f0-9]{64})?$"
"""An image whose last path segment carries a tag (a registry port is not a tag)."""


@dataclass(frozen=True)
class Rule:
    """One CEL validation: the expression must be true for an admitted object."""

    expression: str
    message: str


@dataclass(frozen=True)
class Policy:
    """One ValidatingAdmissionPolicy."""

    name: str
    title: str
    rules: tuple[Rule, ...]
    resources: tuple[tuple[str, str], ...] = (("", "pods"), *POD_CONTROLLERS)
    production_only: bool = False
    """Deny in production; audit and warn elsewhere."""


def _context_field(field: str, allowed: str) -> str:
    """Every container's (or else the pod's) securityContext.<field> must be ``allowed``."""
    pod = f"has(variables.podSpec.securityContext) && has(variables.podSpec.securityContext.{field})"
    container = f"has(c.securityContext) && has(c.securityContext.{field})"
    return (f"variables.containers.all(c, {container} ? c.securityContext.{field} == {allowed} : "
            f"({pod} && variables.podSpec.securityContext.{field} == {allowed}))")


POLICIES: tuple[Policy, ...] = (
    Policy("sesacthon-run-as-non-root", "Containers run as a non-root user", (
        Rule(_context_field("runAsNonRoot", "true"),
             "runAsNonRoot must be true for every container (pod or container securityContext)."),
        Rule("variables.containers.all(c, !has(c.securityContext) || !has(c.securityContext.runAsUser) || "
             "c.securityContext.runAsUser != 0) && (!has(variables.podSpec.securityContext) || "
             "!has(variables.podSpec.securityContext.runAsUser) || variables.podSpec.securityContext.runAsUser != 0)",
             "runAsUser 0 (root) is not allowed."),
    )),
    Policy("sesacthon-no-privilege-escalation", "No privilege escalation, no privileged containers", (
        Rule("variables.containers.all(c, has(c.securityContext) && has(c.securityContext.allowPrivilegeEscalation) "
             "&& c.securityContext.allowPrivilegeEscalation == false)",
             "allowPrivilegeEscalation must be false for every container."),
        Rule("variables.containers.all(c, !has(c.securityContext) || !has(c.securityContext.privileged) || "
             "c.securityContext.privileged == false)", "privileged containers are not allowed."),
    )),
    Policy("sesacthon-requests-limits", "CPU and memory requests and limits", (
        Rule("variables.containers.all(c, has(c.resources) && has(c.resources.requests) && has(c.resources.limits) "
             "&& ['cpu', 'memory'].all(r, r in c.resources.requests && r in c.resources.limits))",
             "every container needs CPU and memory requests and limits."),
    )),
    Policy("sesacthon-probes", "Readiness and liveness probes on long-running pods", (
        Rule("variables.podSpec.containers.all(c, has(c.readinessProbe) && has(c.livenessProbe))",
             "every container of a Deployment, StatefulSet or DaemonSet needs a readinessProbe and a livenessProbe."),
    ), resources=LONG_RUNNING),
    Policy("sesacthon-pinned-images", "Images pinned by tag or digest, never latest", (
        Rule(f"variables.containers.all(c, c.image.matches('{TAGGED}') || c.image.matches('{DIGEST}'))",
             "every image needs a tag or a digest."),
        Rule("variables.containers.all(c, !c.image.matches(':latest(@|$)'))", "the 'latest' tag is not allowed."),
    )),
    Policy("sesacthon-env-label", f"Pods carry the {ENV_LABEL} label", (
        Rule(f"has(variables.podMetadata.labels) && '{ENV_LABEL}' in variables.podMetadata.labels",
             f"the label '{ENV_LABEL}' is required."),
    )),
    Policy("sesacthon-images-by-digest", "Images by digest (production)", (
        Rule(f"variables.containers.all(c, c.image.matches('{DIGEST}'))",
             "production deploys images by digest (image@sha256:...): run `make promote` to record the digests."),
    ), production_only=True),
)
"""The policy set (the same in every environment; the bindings differ)."""


def _resource_rules(resources: Sequence[tuple[str, str]]) -> list[Doc]:
    groups: dict[str, list[str]] = {}
    for group, resource in resources:
        groups.setdefault(group, []).append(resource)
    return [{"apiGroups": [group], "apiVersions": ["v1"], "operations": ["CREATE", "UPDATE"], "resources": names}
            for group, names in groups.items()]


def policy_document(policy: Policy) -> Doc:
    """The ValidatingAdmissionPolicy of one policy."""
    return {
        "apiVersion": API_VERSION,
        "kind": "ValidatingAdmissionPolicy",
        "metadata": {**meta(policy.name), "annotations": {"sesacthon.io/title": policy.title}},
        "spec": {
            "failurePolicy": "Fail",
            "matchConstraints": {
                "namespaceSelector": {"matchExpressions": [
                    {"key": "kubernetes.io/metadata.name", "operator": "In", "values": list(POLICY_NAMESPACES)},
                ]},
                "resourceRules": _resource_rules(policy.resources),
            },
            "variables": [
                {"name": "podSpec", "expression": POD_SPEC},
                {"name": "podMetadata", "expression": POD_METADATA},
                {"name": "containers", "expression": CONTAINERS},
            ],
            "validations": [{"expression": rule.expression, "message": rule.message} for rule in policy.rules],
        },
    }


def validation_actions(spec: EnvironmentSpec, policy: Policy) -> list[str]:
    """What a violation does in ``spec``'s environment (validationActions of the binding)."""
    enforce = spec.tier == "production" if policy.production_only else spec.gitops.policy_action == "Enforce"
    return ["Deny"] if enforce else ["Audit", "Warn"]


def binding_document(spec: EnvironmentSpec, policy: Policy) -> Doc:
    """The binding of one policy in ``spec``'s environment."""
    return {
        "apiVersion": API_VERSION,
        "kind": "ValidatingAdmissionPolicyBinding",
        "metadata": meta(policy.name),
        "spec": {"policyName": policy.name, "validationActions": validation_actions(spec, policy)},
    }


def base(workloads: Sequence[Workload]) -> Files:
    """One file per policy."""
    return component_files(f"k8s/base/{NAME}", {f"{p.name}.yaml": policy_document(p) for p in POLICIES})


def overlay(spec: EnvironmentSpec) -> Files:
    """The environment's bindings (Deny or Audit + Warn)."""
    directory = f"k8s/overlays/{spec.name}/{NAME}"
    return {
        f"{directory}/bindings.yaml": dump_all(binding_document(spec, policy) for policy in POLICIES),
        f"{directory}/kustomization.yaml": kustomization([f"../../../base/{NAME}", "bindings.yaml"],
                                                         labels=env_labels(spec)),
    }


COMPONENT = Component(5, NAME, "config", "default", needs=("namespaces",), base=base, overlay=overlay)
