"""Where the project lives on disk (the one definition of the project root)."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
"""The repository root: ``environments/``, ``k8s/``, ``argocd/``, ``cdktf.out/`` are below it."""

CACHE_DIR = PROJECT_ROOT / ".cache"
"""Tool caches of the project (jsii package cache, Terraform CLI config and plugin cache)."""
