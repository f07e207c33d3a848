"""A problem found in a spec, and how it is shown: file, line, field, the value as written, what is allowed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from platform_spec.document import Document, show

FieldPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """What is wrong with one field of one spec (rules return these; the loader renders them)."""

    path: FieldPath
    """Where in the spec, e.g. ``("cluster", "node_groups", 2, "instance_type")``; ``()`` for the whole file."""
    reason: str
    """What is wrong, phrased to follow the value: ``is not an EC2 instance type``."""
    allowed: str | None = None
    """What would be accepted, shown as ``(allowed: …)``."""
    value: Any = None
    """The value in effect, quoted when the file does not spell it out (a default)."""
    quote_value: bool = True
    """Put the value, as written, before the reason."""


def dotted(path: FieldPath) -> str:
    """``cluster.node_groups.2.instance_type``."""
    return ".".join(str(part) for part in path)


def render(problem: Problem, document: Document) -> str:
    """``<file>:<line>: field '<path>': '<value as written>' <reason> (allowed: …)``."""
    written, located = document.locate(problem.path)
    line = f":{located.line}" if located else ""
    text = problem.reason + (f" (allowed: {problem.allowed})" if problem.allowed else "")
    if not problem.path:
        return f"{document.where}{line}: {text}"
    if problem.quote_value:
        if located is not None and written == problem.path and located.literal is not None:
            text = f"{show(located.literal)} {text}"
        elif problem.value is not None:
            default = " (the default)" if written != problem.path else ""
            text = f"{show(str(problem.value))}{default} {text}"
    return f"{document.where}{line}: field '{dotted(problem.path)}': {text}"
