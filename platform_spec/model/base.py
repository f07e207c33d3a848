"""Base of every spec section and the name patterns the sections share."""

from __future__ import annotations

import ipaddress
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Strict

NAME_PATTERN = r"^[a-z][a-z0-9-]{0,30}[a-z0-9]$"
"""Names of node groups and workloads (DNS-label-like)."""
IMAGE_TAG_PATTERN = r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$"
"""An OCI image tag."""


RESERVED_NAMES = frozenset({"all"})
"""Names no environment may have (``all`` selects every environment)."""


def _cidr_as_text(value: Any) -> Any:
    if isinstance(value, str | ipaddress.IPv4Network):
        return value
    raise ValueError("a CIDR must be written as text, e.g. 10.0.0.0/16")


Cidr = Annotated[ipaddress.IPv4Network, BeforeValidator(_cidr_as_text), Strict(False)]
"""An IPv4 network written as text (``10.0.0.0/16``); a bare number such as ``10`` is refused."""


class SpecModel(BaseModel):
    """Base for every spec section: frozen, strict types (``10`` is not text, ``"3"`` not a number),
    unknown keys are errors, docs on every field."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, use_attribute_docstrings=True)
