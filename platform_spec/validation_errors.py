"""Pydantic's validation errors as spec problems: the field, the value as written, what is allowed."""

from __future__ import annotations

import difflib
import re
from typing import Any, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from platform_spec.document import Document, show
from platform_spec.problems import FieldPath, dotted

_PREFIXED = re.compile(r"^(?P<path>[a-z_]+(\.[a-z0-9_]+)*): (?P<rest>.*)$", re.DOTALL)
_TYPE_NAMES = {"string_type": "text", "int_type": "a whole number", "bool_type": "true or false",
               "list_type": "a list", "model_type": "a mapping", "dict_type": "a mapping", "float_type": "a number",
               "int_from_float": "a whole number", "model_attributes_type": "a mapping"}
_YAML_KINDS = {bool: "the boolean", int: "the number", float: "the number", type(None): "nothing (null)"}


def describe(error: ValidationError, document: Document, model: type[BaseModel]) -> list[str]:
    """One message per error, ``<file>:<line>: field '<path>': <value as written> <reason> (allowed: …)``."""
    messages: list[str] = []
    for item in error.errors(include_url=False):
        path = _data_path(item["loc"], document.data)
        kind, reason = item["type"], item["msg"].removeprefix("Value error, ")
        if kind == "value_error":
            found = _PREFIXED.match(reason)
            if found and (nested := _join(path, found["path"], document)) is not None:
                path, reason = nested, found["rest"]
            messages.append(_line(document, path, reason))
            continue
        field = _field(model, path)
        if kind == "extra_forbidden":
            allowed = _allowed_keys(model, path[:-1])
            hint = difflib.get_close_matches(str(path[-1]), allowed, n=1)
            suggestion = f"; did you mean '{hint[0]}'?" if hint else ""
            messages.append(_line(document, path, f"unknown key (allowed: {', '.join(allowed)}){suggestion}"))
        elif kind == "missing":
            messages.append(_line(document, path, "required field is missing"))
        elif kind in ("literal_error", "enum"):
            expected = item.get("ctx", {}).get("expected", "")
            shown = _value(document, path, item)
            messages.append(_line(document, path, f"{shown} is not allowed (allowed: {expected})"))
        elif kind in _TYPE_NAMES:
            messages.append(_line(document, path, _type_error(document, path, item, _TYPE_NAMES[kind])))
        elif kind == "string_pattern_mismatch":
            described = " ".join(field.description.split()) if field is not None and field.description else ""
            doc = f"; {described.rstrip('.')}" if described else ""
            pattern = item.get("ctx", {}).get("pattern", "")
            messages.append(_line(document, path, f"{_value(document, path, item)} does not match {pattern}{doc}"))
        elif kind in ("too_long", "too_short") and isinstance(item.get("input"), list | dict):
            messages.append(_line(document, path, reason.replace("List", "the list").replace("Value", "the list")))
        else:
            messages.append(_line(document, path, f"{_value(document, path, item)} {reason[:1].lower()}{reason[1:]}"))
    return messages


def _line(document: Document, path: FieldPath, text: str) -> str:
    line = document.line_of(path)
    where = f"{document.where}:{line}" if line else document.where
    return f"{where}: field '{dotted(path)}': {text}" if path else f"{where}: {text}"


def _value(document: Document, path: FieldPath, item: Any) -> str:
    written, located = document.locate(path)
    if located is not None and written == path and located.literal is not None:
        return show(located.literal)
    value = item.get("input")
    return show(repr(value)) if not isinstance(value, dict | list) else "the value"


def _type_error(document: Document, path: FieldPath, item: Any, expected: str) -> str:
    written, located = document.locate(path)
    value = item.get("input")
    literal = located.literal if located is not None and written == path else None
    if literal is None:
        return f"expected {expected}, got {type(value).__name__}"
    kind = _YAML_KINDS.get(type(value))
    if expected == "text" and kind and literal[:1] not in ("'", '"'):
        shown = "null" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
        return f"{literal} is read by YAML as {kind} {shown}, not text; write \"{literal}\" in quotes"
    if literal[:1] in ("'", '"') and expected != "text":
        return f"{literal} is quoted text; expected {expected} (write it without quotes)"
    return f"{show(literal)} is not {expected}"


def _data_path(loc: tuple[Any, ...], data: Any) -> FieldPath:
    """The error's location as a path in the data (validator and union tags dropped)."""
    path: list[str | int] = []
    current: Any = data
    for part in loc:
        in_list = isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current)
        if (isinstance(current, dict) and part in current) or in_list:
            current = current[part]
        elif isinstance(part, str) and ("[" in part or part.startswith("function-")):
            continue
        else:
            current = None
        path.append(part)
    return tuple(path)


def _join(base: FieldPath, prefix: str, document: Document) -> FieldPath | None:
    """``base`` + a dotted prefix from a validator's message, when the spec has that path (or its parent)."""
    parts = tuple(int(part) if part.isdigit() else part for part in prefix.split("."))
    for candidate in ((*base, *parts), parts):
        if document.locate(candidate)[0] in (candidate, candidate[:-1]):
            return candidate
    return None


def _field(model: type[BaseModel], path: FieldPath) -> FieldInfo | None:
    current: Any = model
    info: FieldInfo | None = None
    for part in path:
        if isinstance(part, int):
            continue
        info = current.model_fields.get(part) if _is_model(current) else None
        if info is None:
            return None
        current = _inner_model(info.annotation)
    return info


def _allowed_keys(model: type[BaseModel], path: FieldPath) -> list[str]:
    current: Any = model
    for part in path:
        if isinstance(part, int):
            continue
        field = current.model_fields.get(part) if _is_model(current) else None
        if field is None:
            return []
        current = _inner_model(field.annotation)
    return sorted(current.model_fields) if _is_model(current) else []


def _inner_model(annotation: Any) -> Any:
    if _is_model(annotation):
        return annotation
    for argument in get_args(annotation) if get_origin(annotation) else ():
        found = _inner_model(argument)
        if found is not None:
            return found
    return None


def _is_model(value: Any) -> bool:
    return isinstance(value, type) and issubclass(value, BaseModel)
