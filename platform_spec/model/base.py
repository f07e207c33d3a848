"""Base of every spec section and the name patterns the sections share."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

NAME_PATTERN = r"^[a-z][a-z0-9-]{0,30}[a-z0-9]$"
"""Names of node groups and workloads (DNS-label-like)."""
IMAGE_TAG_PATTERN = r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$"
"""An OCI image tag."""


class SpecModel(BaseModel):
    """Base for every spec section: frozen, unknown keys are errors, docs on every field."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)
