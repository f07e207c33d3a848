"""Readable summaries of a ``terraform show -json <planfile>`` document.

``resource_drift`` lists objects changed outside Terraform (before = last applied state, after =
what AWS holds now); ``resource_changes`` lists what the next apply would do. Sensitive values
are masked.
"""

from __future__ import annotations

import json
from typing import Any

SYMBOLS = {"update": "~", "delete": "-", "create": "+", "read": "<=", "no-op": " "}
MASK = "(sensitive)"


def _action(actions: list[str]) -> str:
    if "delete" in actions and "create" in actions:
        return "-/+"
    return SYMBOLS.get(actions[0], actions[0]) if actions else "?"


def _show(value: Any, sensitive: Any) -> str:
    if sensitive is True:
        return MASK
    if value is None:
        return "null"
    return json.dumps(value, sort_keys=True) if not isinstance(value, str) else json.dumps(value)


def _empty(value: Any) -> Any:
    """Normalise the provider's interchangeable empties (null, "", [], {})."""
    return None if value in (None, "", [], {}) else value


def _plain_parameter(change: dict[str, Any]) -> bool:
    """An SSM parameter that is not a SecureString: the provider marks its value sensitive anyway."""
    values = change.get("after") or change.get("before") or {}
    return isinstance(values, dict) and values.get("type") in ("String", "StringList") and "insecure_value" in values


def _changed(change: dict[str, Any], keys: set[str] | None = None) -> list[str]:
    """``attr old -> new`` for every attribute that differs (restricted to ``keys`` when given)."""
    before = change.get("before") or {}
    after = change.get("after") or {}
    unknown = change.get("after_unknown") or {}
    plain = _plain_parameter(change)
    before_sensitive = {} if plain else change.get("before_sensitive") or {}
    after_sensitive = {} if plain else change.get("after_sensitive") or {}
    if not isinstance(before, dict) or not isinstance(after, dict):
        return []
    parts = []
    for key in sorted(set(before) | set(after)):
        is_unknown = isinstance(unknown, dict) and unknown.get(key) is True
        if key == "tags_all" or (keys is not None and key not in keys):
            continue
        if _empty(before.get(key)) == _empty(after.get(key)) and not is_unknown:
            continue
        old = _show(before.get(key), before_sensitive.get(key) if isinstance(before_sensitive, dict) else None)
        if is_unknown:
            new = "(known after apply)"
        else:
            new = _show(after.get(key), after_sensitive.get(key) if isinstance(after_sensitive, dict) else None)
        if old == new == MASK:
            new = f"{MASK}, changed"
        parts.append(f"{key} {old} -> {new}")
    return parts


def _name(entry: dict[str, Any]) -> str:
    change = entry.get("change", {})
    values = change.get("before") or change.get("after") or {}
    label = values.get("name") if isinstance(values, dict) else None
    return f"{entry['address']} (name={label})" if isinstance(label, str) else entry["address"]


def summarize(plan: dict[str, Any]) -> tuple[list[str], list[str]]:
    """``(drift lines, planned change lines)`` of a plan document.

    Only objects the next apply would change are reported. A drift line shows the attributes that
    changed outside Terraform (last applied value -> value in AWS now); a planned change line shows
    what the apply would do (current -> planned). Refresh noise (null vs empty) is ignored.
    """
    drifted = {entry["address"]: entry for entry in plan.get("resource_drift", [])}
    drift, changes = [], []
    for entry in plan.get("resource_changes", []):
        change = entry.get("change", {})
        actions = change.get("actions", [])
        if actions in (["no-op"], ["read"]):
            continue
        replaced = "delete" in actions and "create" in actions
        planned = _changed(change) if "update" in actions or replaced else []
        outside = drifted.get(entry["address"])
        if outside is not None:
            outside_actions = outside.get("change", {}).get("actions", [])
            if "delete" in outside_actions:
                drift.append(f"- {_name(outside)} (deleted outside Terraform)")
                continue
            keys = {part.split(" ", 1)[0] for part in planned} or None
            attributes = _changed(outside.get("change", {}), keys)
            if attributes:
                drift.append(f"~ {_name(outside)}: " + "; ".join(attributes))
                continue
        changes.append(f"{_action(actions)} {_name(entry)}" + (": " + "; ".join(planned) if planned else ""))
    return drift, changes


def report(env: str, plan: dict[str, Any]) -> str:
    """The text printed by ``make drift``."""
    drift, changes = summarize(plan)
    if not drift and not changes:
        return f"{env}: no drift, infrastructure matches the configuration"
    lines = []
    if drift:
        lines.append(f"{env}: {len(drift)} resource(s) changed outside Terraform:")
        lines += [f"  {line}" for line in drift]
    if changes:
        lines.append(f"{env}: the next deploy would change {len(changes)} resource(s):")
        lines += [f"  {line}" for line in changes]
    return "\n".join(lines)
