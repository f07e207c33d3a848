"""``atlantis.yaml``: development-tier environments are applied through Atlantis (one project per
stack); every other environment is plan-only there, its only way in being the release pipeline."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from generators.github_actions import deployed_by_pipeline
from platform_spec.model import EnvironmentSpec

ATLANTIS_FILE = "atlantis.yaml"


def atlantis_config(specs: Mapping[str, EnvironmentSpec]) -> dict[str, Any]:
    """``atlantis.yaml``: one project per environment stack; only development environments may apply.

    The ``<env>-bootstrap`` stacks (state backend, pipeline roles; local state) are applied once by an
    administrator with ``make bootstrap`` and are not Atlantis projects.
    """
    projects = []
    for spec in specs.values():
        applies = not deployed_by_pipeline(spec)
        projects.append(
            {
                "name": spec.platform_stack,
                "dir": f"cdktf.out/stacks/{spec.platform_stack}",
                "workspace": "default",
                "workflow": f"cdktf-{spec.name}",
                "autoplan": {
                    "enabled": True,
                    "when_modified": [
                        f"../../../environments/{spec.name}.yaml",
                        "../../../stacks/**/*.py",
                        "../../../platform_spec/**/*.py",
                    ],
                },
                "apply_requirements": ["approved", "mergeable", "undiverged"] if applies else ["approved"],
            }
        )
    # Atlantis runs steps in the project directory; $DIR minus $REPO_REL_DIR is the repository root.
    synth = {"run": 'cd "${{DIR%/$REPO_REL_DIR}}" && make synth ENV={env}'}
    workflows_config: dict[str, Any] = {}
    for spec in specs.values():
        refuse = (
            f"echo 'refused: {spec.name} is applied by the release pipeline (.github/workflows/deploy-{spec.name}.yml)'"
            " && exit 1"
        )
        apply_steps: list[Any] = ["apply"] if not deployed_by_pipeline(spec) else [{"run": refuse}]
        workflows_config[f"cdktf-{spec.name}"] = {
            "plan": {"steps": [{"run": synth["run"].format(env=spec.name)}, "init", "plan"]},
            "apply": {"steps": apply_steps},
        }
    return {
        "version": 3,
        "automerge": False,
        "parallel_plan": True,
        "parallel_apply": False,
        "projects": projects,
        "workflows": workflows_config,
    }
