"""How the jsii runtime is started: the project's own package cache, or the plain eager path.

Cheap to import (no jsii): the benchmark and the equivalence test build an eager environment
without loading the bindings themselves; ``stacks/aws.py`` applies the same settings.
"""

from __future__ import annotations

import os

from plumbing.paths import CACHE_DIR

JSII_CACHE = CACHE_DIR / "jsii"
"""The project's own jsii package cache (holds the rewritten, lazy provider index)."""
EAGER_VARIABLE = "SESACTHON_EAGER_BINDINGS"
"""Set to ``1`` for the plain, eager import of the provider bindings and the default jsii cache."""


def eager() -> bool:
    """Whether the plain, eager import path is requested."""
    return os.environ.get(EAGER_VARIABLE) == "1"


def eager_environment(base: dict[str, str] | None = None) -> dict[str, str]:
    """Process environment for the plain eager path (default jsii cache, package ``__init__``)."""
    environment = dict(os.environ if base is None else base)
    environment.pop("JSII_RUNTIME_PACKAGE_CACHE_ROOT", None)
    environment[EAGER_VARIABLE] = "1"
    return environment
