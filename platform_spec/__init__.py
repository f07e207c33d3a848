"""The typed environment spec (pydantic) and its loader. Independent of cdktf."""

from platform_spec.loader import SpecError, load, load_all
from platform_spec.model import EnvironmentSpec

__all__ = ["EnvironmentSpec", "SpecError", "load", "load_all"]
