"""Wave 12: Kyverno ClusterPolicies: require requests/limits, disallow ``:latest``, require the env label.

The base policies carry no ``validationFailureAction``; each overlay sets it from
``gitops.policy_action`` (Audit in dev, Enforce in prod). Policies match Pods in the namespaces
running our workloads (Kyverno auto-generates the Deployment/Job rules).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from generators.kustomize import component_files, inline_patch, shared_overlay
from generators.waves import Component, Files
from platform_spec.labels import ENV_LABEL
from platform_spec.model import EnvironmentSpec, Workload
from platform_spec.namespaces import APPS

NAME = "kyverno-policies"

POLICY_NAMESPACES: tuple[str, ...] = (APPS,)
"""Namespaces whose Pods the policies check (operator charts are out of scope)."""


def _rule(name: str, message: str, pattern: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "match": {"any": [{"resources": {"kinds": ["Pod"], "namespaces": list(POLICY_NAMESPACES)}}]},
        "validate": {"message": message, "pattern": pattern},
    }


def _policy(name: str, title: str, rules: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "apiVersion": "kyverno.io/v1",
        "kind": "ClusterPolicy",
        "metadata": {"name": name, "annotations": {"policies.kyverno.io/title": title}},
        "spec": {"background": True, "rules": rules},
    }


def base_policies() -> list[dict[str, Any]]:
    """The three ClusterPolicies (environment-independent)."""
    any_value = "?*"
    return [
        _policy("require-requests-limits", "Require CPU/memory requests and limits", [
            _rule("containers-have-requests-and-limits", "CPU and memory requests and limits are required.", {
                "spec": {"containers": [{"resources": {
                    "requests": {"cpu": any_value, "memory": any_value},
                    "limits": {"cpu": any_value, "memory": any_value},
                }}]},
            }),
        ]),
        _policy("disallow-latest-tag", "Disallow the latest tag", [
            _rule("require-image-tag", "An image tag is required.", {"spec": {"containers": [{"image": "*:*"}]}}),
            _rule("no-latest-tag", "The ':latest' tag is not allowed; pin a version.",
                  {"spec": {"containers": [{"image": "!*:latest"}]}}),
        ]),
        _policy("require-env-label", f"Require the {ENV_LABEL} label", [
            _rule("pod-has-env-label", f"The label '{ENV_LABEL}' is required.",
                  {"metadata": {"labels": {ENV_LABEL: any_value}}}),
        ]),
    ]


def action_patch(spec: EnvironmentSpec) -> dict[str, Any]:
    """Kustomize patch setting ``validationFailureAction`` on every ClusterPolicy of the overlay."""
    operations = [{"op": "add", "path": "/spec/validationFailureAction", "value": spec.gitops.policy_action}]
    return inline_patch({"group": "kyverno.io", "kind": "ClusterPolicy"}, operations)


def base(workloads: Sequence[Workload]) -> Files:
    """One file per policy."""
    return component_files(f"k8s/base/{NAME}", {f"{p['metadata']['name']}.yaml": p for p in base_policies()})


def overlay(spec: EnvironmentSpec) -> Files:
    """The environment's failure action (Audit or Enforce)."""
    return shared_overlay(spec, NAME, patches=[action_patch(spec)])


COMPONENT = Component(12, NAME, "instance", "kyverno", needs=("kyverno",), base=base, overlay=overlay)
