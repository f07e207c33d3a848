"""Normalisation before comparing: each environment's own names become placeholders, embedded
JSON policies are parsed, ``//`` metadata dropped, and lists of named objects keyed by name."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from platform_spec.model import EnvironmentSpec

ABSENT = object()
"""Marks a value that one side does not have."""

RAW_KEYS = frozenset({"Tier", "tier"})
"""Keys whose values are never normalised: a tier (`staging`) is a value, not the environment's name."""


def placeholders(spec: EnvironmentSpec) -> list[tuple[str, str]]:
    """The environment's own names and their placeholders, most specific first."""
    names = [
        ("<state-bucket>", spec.state_bucket_name),
        ("<lock-table>", spec.lock_table_name),
        ("<ssm-root>", spec.ssm_root),
        ("<domain>", spec.dns.domain),
        ("<prefix>", spec.prefix),
        ("<account>", spec.aws.account_id),
    ]
    return [(placeholder, value) for placeholder, value in names if value]


def _word(value: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![A-Za-z0-9]){re.escape(value)}(?![A-Za-z0-9])")


def normaliser(spec: EnvironmentSpec) -> Callable[[str], str]:
    """A function replacing the environment's own names in a string by placeholders."""
    literal = placeholders(spec)
    words = [_word(name) for name in sorted({spec.name, spec.short_name}, key=len, reverse=True)]

    def normalise(text: str) -> str:
        for placeholder, value in literal:
            text = text.replace(value, placeholder)
        for pattern in words:
            text = pattern.sub("<env>", text)
        return text

    return normalise


def prepare(value: Any, normalise: Callable[[str], str] | None = None) -> Any:
    """Normalise strings (keys too), parse embedded JSON objects, drop ``//`` metadata, key named lists."""
    if isinstance(value, dict):
        return {
            (normalise(key) if normalise else key): prepare(item, None if key in RAW_KEYS else normalise)
            for key, item in value.items()
            if key != "//"
        }
    if isinstance(value, list):
        items = [prepare(item, normalise) for item in value]
        names = [item.get("name") for item in items if isinstance(item, dict)]
        if items and len(names) == len(items) and all(isinstance(n, str) for n in names) and len(set(names)) == len(
            names
        ):
            return {f"[{name}]": item for name, item in zip(names, items, strict=True)}
        return items
    if isinstance(value, str):
        stripped = value.strip()
        if stripped.startswith("{") and stripped.endswith("}"):
            try:
                parsed = json.loads(stripped)
            except ValueError:
                parsed = None
            if isinstance(parsed, dict):
                return prepare(parsed, normalise)
        return normalise(value) if normalise else value
    return value
