"""Kubernetes ValidatingAdmissionPolicy, evaluated offline with a CEL library from PyPI (common-expression-language).

From kubernetes.io/docs/reference/access-authn-authz/validating-admission-policy/:
* a policy applies to a request matching ``spec.matchConstraints``: a ``resourceRules`` entry (API group,
  resource, operation) and the ``namespaceSelector`` (namespaces carry ``kubernetes.io/metadata.name``);
* it takes effect through a ValidatingAdmissionPolicyBinding naming it; ``validationActions`` say what a
  failed validation does: ``Deny`` rejects the request, ``Warn`` returns a warning, ``Audit`` records it;
* ``variables`` are evaluated in order and reachable as ``variables.<name>``, each may use the earlier ones;
* every ``validations[].expression`` must evaluate to true; an expression that cannot be evaluated
  (e.g. a missing field) is an error, handled by ``failurePolicy`` (``Fail``: treated as a violation).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cel

RESOURCES = {"Pod": ("", "pods"), "Deployment": ("apps", "deployments"), "StatefulSet": ("apps", "statefulsets"),
             "DaemonSet": ("apps", "daemonsets"), "ReplicaSet": ("apps", "replicasets"), "Job": ("batch", "jobs")}
"""(group, resource) of the kinds the policies can match."""


@dataclass(frozen=True)
class Violation:
    policy: str
    message: str
    actions: tuple[str, ...]


def _selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expression in selector.get("matchExpressions") or []:
        present = labels.get(expression["key"])
        values = expression.get("values") or []
        if (expression["operator"] == "In" and present not in values) or (
                expression["operator"] == "NotIn" and present in values):
            return False
    return True


def matches(policy: dict[str, Any], document: dict[str, Any], operation: str = "CREATE") -> bool:
    """Whether the policy's matchConstraints select a request creating ``document``."""
    constraints = policy["spec"]["matchConstraints"]
    group, resource = RESOURCES.get(document["kind"], ("?", "?"))
    rule_matches = any(group in rule["apiGroups"] and resource in rule["resources"] and operation in rule["operations"]
                       for rule in constraints["resourceRules"])
    namespace = {"kubernetes.io/metadata.name": document["metadata"].get("namespace", "default")}
    return rule_matches and _selects(constraints.get("namespaceSelector") or {}, namespace)


def evaluate(policy: dict[str, Any], document: dict[str, Any]) -> list[str]:
    """Messages of the validations ``document`` fails (an evaluation error fails, failurePolicy Fail)."""
    failed = []
    context = cel.Context()
    context.add_variable("object", document)
    variables: dict[str, Any] = {}
    for variable in policy["spec"].get("variables") or []:
        context.add_variable("variables", variables)
        try:
            variables[variable["name"]] = cel.evaluate(variable["expression"], context)
        except Exception:  # an unevaluable variable fails every validation (failurePolicy Fail)
            return [validation["message"] for validation in policy["spec"]["validations"]]
    context.add_variable("variables", variables)
    for validation in policy["spec"]["validations"]:
        try:
            ok = cel.evaluate(validation["expression"], context) is True
        except Exception as error:  # the library raises its own types for evaluation errors
            ok = False
            assert policy["spec"]["failurePolicy"] == "Fail", error
        if not ok:
            failed.append(validation["message"])
    return failed


def admit(policies: list[dict[str, Any]], bindings: list[dict[str, Any]], document: dict[str, Any]) -> list[Violation]:
    """Every violation of ``document`` against the bound policies, with what each does."""
    bound = {binding["spec"]["policyName"]: tuple(binding["spec"]["validationActions"]) for binding in bindings}
    violations = []
    for policy in policies:
        name = policy["metadata"]["name"]
        if name in bound and matches(policy, document):
            violations += [Violation(name, message, bound[name]) for message in evaluate(policy, document)]
    return violations


def denied(violations: list[Violation]) -> bool:
    """Whether the API server would reject the request."""
    return any("Deny" in violation.actions for violation in violations)
