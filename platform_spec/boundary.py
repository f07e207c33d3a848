"""The permissions boundary: the most any role of the platform stack may ever do.

The deploy role may create, change and delete the platform's roles only while they carry this
boundary (``iam:PermissionsBoundary`` condition), so even a compromised release pipeline cannot mint
a role more powerful than this document, which only the administrator changes (bootstrap stack; the
deploy role's policies deny editing it). An action is allowed only when both the role's own policy
and the boundary allow it (IAM User Guide, "Permissions boundaries for IAM entities").

It is the union of the policies the platform stack gives its roles (:data:`WORKLOAD_POLICIES`) and the
AWS managed policies it attaches, merged per resource scope; a test checks every statement of every
role policy in the synthesized platform stack against it.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from platform_spec.iam_documents import (
    SSM_MANAGED_INSTANCE_CORE_ACTIONS,
    developer_policy,
    flow_log_policy,
    node_policy,
)
from platform_spec.model import EnvironmentSpec
from platform_spec.pipeline_identity import PROTECTED_ACTIONS, protected_arns
from platform_spec.policy import Policy, Statement, allow, deny, document

WORKLOAD_POLICIES: tuple[Callable[[EnvironmentSpec, str], Policy], ...] = (
    node_policy,
    developer_policy,
    lambda spec, _key: flow_log_policy(spec),
)
"""Every inline policy the platform stack attaches to one of its roles (a new role policy: add it here)."""

MANAGED_POLICY_ACTIONS: dict[str, tuple[str, ...]] = {
    "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore": SSM_MANAGED_INSTANCE_CORE_ACTIONS,
}
"""AWS managed policies the platform stack attaches, with their actions (allowed by the boundary on
``*`` unless a workload policy scopes the action, in which case that scope wins)."""


def _merge(statements: list[Statement]) -> list[Statement]:
    """Allow statements merged by (resources, condition); order and names made deterministic."""
    merged: dict[tuple[str, str], set[str]] = {}
    for statement in statements:
        key = (json.dumps(sorted(statement["Resource"])), json.dumps(statement.get("Condition", {}), sort_keys=True))
        merged.setdefault(key, set()).update(statement["Action"])
    result = []
    for index, ((resources, condition), actions) in enumerate(sorted(merged.items())):
        result.append(allow(f"Workloads{index + 1}", actions, json.loads(resources), json.loads(condition) or None))
    return result


def boundary_policy(spec: EnvironmentSpec, key_arn: str) -> Policy:
    """The boundary document of ``spec``'s environment (``key_arn``: the environment's KMS key)."""
    statements = [statement for build in WORKLOAD_POLICIES for statement in build(spec, key_arn)["Statement"]]
    scoped = {action for statement in statements for action in statement["Action"]}
    for actions in MANAGED_POLICY_ACTIONS.values():
        unscoped = [action for action in actions if action not in scoped]
        if unscoped:
            statements.append(allow("Managed", unscoped, ["*"]))
    return document(*_merge(statements), deny("NeverTheBootstrapIdentities", PROTECTED_ACTIONS, protected_arns(spec)))
