"""The spec reference (docs/spec-reference.md), generated from the model's field declarations."""

from __future__ import annotations

import typing
from typing import Annotated, Any, get_args, get_origin

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from platform_spec.model import EnvironmentSpec

HEADER = (
    "# Environment spec reference\n\n"
    "Generated from `platform_spec/model.py` by `make spec-reference`; do not edit by hand.\n"
    "One file per environment: `environments/<name>.yaml`. Unknown keys are errors.\n"
)


def _models(model: type[BaseModel], seen: list[type[BaseModel]]) -> list[type[BaseModel]]:
    if model in seen:
        return seen
    seen.append(model)
    for field in model.model_fields.values():
        for inner in _nested(field.annotation):
            _models(inner, seen)
    return seen


def _nested(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [model for argument in get_args(annotation) for model in _nested(argument)]


def _type_name(annotation: Any) -> str:
    origin = get_origin(annotation)
    if origin is Annotated:  # e.g. Cidr: the type, not its validators
        return _type_name(get_args(annotation)[0])
    if origin is typing.Literal:
        return " \\| ".join(f"`{value}`" for value in get_args(annotation))
    if origin in (list,):
        return f"list of {_type_name(get_args(annotation)[0])}"
    if origin is not None and get_args(annotation):
        return " or ".join(_type_name(argument) for argument in get_args(annotation))
    if annotation is type(None):
        return "null"
    name = getattr(annotation, "__name__", str(annotation))
    return {"IPv4Network": "CIDR", "str": "string", "int": "integer", "bool": "boolean"}.get(name, name)


def _default(field: Any) -> str:
    if field.is_required():
        return "**required**"
    value = field.default_factory() if field.default_factory is not None else field.default
    if value is PydanticUndefined:
        return "**required**"
    if isinstance(value, BaseModel):
        return "see section"
    return f"`{value!r}`" if value not in (None, [], {}) else f"`{value}`"


def render() -> str:
    """Markdown reference of every section and field of the spec."""
    parts = [HEADER]
    for model in _models(EnvironmentSpec, []):
        title = "Top level" if model is EnvironmentSpec else f"`{model.__name__}`"
        parts.append(f"\n## {title}\n\n| field | type | default | description |\n|---|---|---|---|\n")
        for name, field in model.model_fields.items():
            description = (field.description or "").replace("\n", " ").replace("|", "\\|")
            parts.append(f"| `{name}` | {_type_name(field.annotation)} | {_default(field)} | {description} |\n")
    return "".join(parts)


def undocumented_fields() -> list[str]:
    """Fields declared without a docstring (must stay empty)."""
    return [
        f"{model.__name__}.{name}"
        for model in _models(EnvironmentSpec, [])
        for name, field in model.model_fields.items()
        if not field.description
    ]
