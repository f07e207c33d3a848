"""Pipeline files generated from every spec: the GitHub Actions workflows, ``atlantis.yaml`` and the
GitHub environments they need (``docs/github-environments.md``).

Pure rendering lives in ``github_actions`` and ``atlantis``; this module orders the environments
along the promotion chain (so the files do not depend on the input order), and writes them
through the generated-files writer with a validation of each format.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from generators import atlantis, github_actions, github_environments
from platform_spec import chain
from platform_spec.model import EnvironmentSpec
from plumbing import writer
from plumbing.manifests import load_schema
from plumbing.paths import PROJECT_ROOT
from plumbing.yaml_io import dump, load_all

OWNED_DIRS = (github_actions.WORKFLOWS_DIR,)
ATLANTIS_SCHEMA = "atlantis/repo-config_v3.json"
"""The repo-level keys Atlantis documents, as a JSON schema shipped in ``plumbing/schemas``."""


def render(specs: Mapping[str, EnvironmentSpec]) -> dict[str, str]:
    """Every pipeline file: the workflows and ``atlantis.yaml`` (independent of the input order)."""
    ordered = chain.ordered(specs)
    return {
        **github_actions.workflows(ordered),
        atlantis.ATLANTIS_FILE: dump(atlantis.atlantis_config(ordered), width=github_actions.WORKFLOW_WIDTH),
        github_environments.DOC: github_environments.render(ordered),
    }


def validate_tree(root: Path) -> None:
    """Writer validator: every file parses, workflows have ``on`` and ``jobs``, atlantis.yaml fits its schema."""
    import jsonschema

    for path in sorted((root / github_actions.WORKFLOWS_DIR).glob("*.yml")):
        documents = load_all(path.read_text(encoding="utf-8"))
        if len(documents) != 1 or not isinstance(documents[0], dict) or not {"on", "jobs"} <= set(documents[0]):
            raise ValueError(f"{path.name}: a workflow needs 'on' and 'jobs'")
    config = root / atlantis.ATLANTIS_FILE
    if config.exists():
        jsonschema.validate(load_all(config.read_text(encoding="utf-8"))[0], load_schema(ATLANTIS_SCHEMA))


def write(specs: Mapping[str, EnvironmentSpec], root: Path = PROJECT_ROOT) -> list[str]:
    """Write the pipeline files under ``root``; returns the paths that changed."""
    result = writer.write_tree(root, render(specs), OWNED_DIRS, validate=validate_tree)
    return result.written + result.removed
