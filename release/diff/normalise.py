"""Normalisation before comparing: each environment's own names become placeholders, embedded
JSON policies are parsed, ``//`` metadata dropped, and lists of named objects keyed by name."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from platform_spec.model import EnvironmentSpec

ABSENT = object()
"""Marks a value that one side does not have."""

RAW_KEYS = frozenset({"Tier", "tier"})
"""Keys whose values are never normalised: a tier (`staging`) is a value, not the environment's name."""


@dataclass(frozen=True)
class Environment:
    """What the diff needs of one environment: its own names and its spec as plain data.

    Built from a spec by this code (``of``), or read from the JSON a compared Git ref's own code prints
    (``from_json``): a ref from before a spec change is described by the rules it was written for.
    """

    name: str
    short_name: str
    prefix: str
    state_bucket: str
    lock_table: str
    ssm_root: str
    domain: str
    account: str
    bootstrap_stack: str
    platform_stack: str
    data: dict[str, Any] = field(default_factory=dict, compare=False)
    """The spec, ``model_dump(mode="json")``."""

    @classmethod
    def of(cls, spec: EnvironmentSpec) -> Environment:
        """The description of a spec loaded by this code."""
        return cls(spec.name, spec.short_name, spec.prefix, spec.state_bucket_name, spec.lock_table_name,
                   spec.ssm_root, spec.dns.domain, spec.aws.account_id, spec.bootstrap_stack, spec.platform_stack,
                   spec.model_dump(mode="json"))

    @classmethod
    def from_json(cls, document: dict[str, Any]) -> Environment:
        """The inverse of ``to_json``."""
        return cls(**document)

    def to_json(self) -> dict[str, Any]:
        """Plain data (what ``DESCRIBE`` prints for every environment)."""
        return asdict(self)


DESCRIBE = """\
import json, sys
from platform_spec.loader import load_all
print(json.dumps({name: {
    "name": s.name, "short_name": s.short_name, "prefix": s.prefix, "state_bucket": s.state_bucket_name,
    "lock_table": s.lock_table_name, "ssm_root": s.ssm_root, "domain": s.dns.domain,
    "account": s.aws.account_id, "platform_stack": s.platform_stack,
    "bootstrap_stack": getattr(s, "bootstrap_stack", None) or getattr(s, "state_stack", ""),  # renamed in 0.2
    "data": s.model_dump(mode="json")} for name, s in load_all().items()}))
"""
"""Printed by a tree's own code (``python -c DESCRIBE`` in that tree): every ``Environment`` as JSON."""


def placeholders(environment: Environment) -> list[tuple[str, str]]:
    """The environment's own names and their placeholders, most specific first."""
    names = [
        ("<state-bucket>", environment.state_bucket),
        ("<lock-table>", environment.lock_table),
        ("<ssm-root>", environment.ssm_root),
        ("<domain>", environment.domain),
        ("<prefix>", environment.prefix),
        ("<account>", environment.account),
    ]
    return [(placeholder, value) for placeholder, value in names if value]


def _word(value: str) -> re.Pattern[str]:
    """The name as a word, except as the first directory of an absolute path (``/dev/xvda`` is a device)."""
    return re.compile(rf"(?<![A-Za-z0-9])(?<!^/){re.escape(value)}(?![A-Za-z0-9])")


def normaliser(environment: Environment) -> Callable[[str], str]:
    """A function replacing the environment's own names in a string by placeholders."""
    literal = placeholders(environment)
    words = [_word(name) for name in sorted({environment.name, environment.short_name}, key=len, reverse=True)]

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
