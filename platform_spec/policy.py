"""IAM policy documents as plain data: building, serialising, sizing and packing (no cdktf).

Size limits are AWS's IAM quotas (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html):
a customer-managed policy holds at most 6,144 characters and a role at most 10 attached managed
policies by default; whitespace does not count.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

Policy = dict[str, Any]
"""A policy document (``Version`` + ``Statement``)."""
Statement = dict[str, Any]
"""One statement of a policy document."""

MANAGED_POLICY_MAX_CHARS = 6144
"""IAM quota: characters of one managed policy document, whitespace excluded."""
MANAGED_POLICIES_PER_ROLE = 10
"""IAM quota (default): managed policies attached to one role."""


def to_json(policy: Policy) -> str:
    """Serialise a policy deterministically."""
    return json.dumps(policy, sort_keys=True, separators=(",", ":"))


def document(*statements: Statement) -> Policy:
    """A policy document holding ``statements``."""
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(sid: str, actions: Iterable[str], resources: Iterable[str],
          condition: dict[str, Any] | None = None) -> Statement:
    """An ``Allow`` statement with sorted, de-duplicated actions and resources."""
    statement: Statement = {
        "Sid": sid, "Effect": "Allow", "Action": sorted(set(actions)), "Resource": sorted(set(resources)),
    }
    if condition:
        statement["Condition"] = condition
    return statement


def deny(sid: str, actions: Iterable[str], resources: Iterable[str],
         condition: dict[str, Any] | None = None) -> Statement:
    """A ``Deny`` statement with sorted, de-duplicated actions and resources."""
    return {**allow(sid, actions, resources, condition), "Effect": "Deny"}


def size(policy: Policy) -> int:
    """Characters IAM counts for a policy document (its JSON without whitespace)."""
    return len(re.sub(r"\s", "", to_json(policy)))


def pack(statements: Sequence[Statement], limit: int = MANAGED_POLICY_MAX_CHARS) -> list[Policy]:
    """Distribute statements, in order, over as few documents as fit ``limit`` each.

    Raises ``ValueError`` when a single statement alone exceeds the limit.
    """
    documents: list[list[Statement]] = []
    for statement in statements:
        if size(document(statement)) > limit:
            raise ValueError(f"statement {statement.get('Sid')!r} alone exceeds {limit} characters")
        if documents and size(document(*documents[-1], statement)) <= limit:
            documents[-1].append(statement)
        else:
            documents.append([statement])
    return [document(*group) for group in documents]


def actions_of(policy: Policy) -> set[str]:
    """Every action an ``Allow`` statement of the document names."""
    return {
        action for statement in policy["Statement"] if statement["Effect"] == "Allow"
        for action in ([statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"])
    }
