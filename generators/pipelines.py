"""Pipeline files generated from the specs: GitHub Actions workflows and ``atlantis.yaml``.

Pure functions ``specs -> {relative_path: content}``, written by ``generators.writer`` (generated
header, atomic swap, ownership). One workflow per concern, looping over the environments:

* ``pull-request.yml`` — ``make test``, synth all, the diff reports, ``terraform plan`` of every
  development-tier environment, uploaded as artifacts;
* ``deploy-<env>.yml`` — one per environment outside the development tier, triggered by the
  environment's ``git.refs`` (branches; ``<prefix>/*`` patterns also as tags): the change-window
  gate when the spec has one, ``cdktf deploy`` with the environment's release role through OIDC,
  then ``argocd app sync`` of the root app (automatic sync modes) or only on a manual dispatch
  (``sync_mode: manual``);
* ``drift.yml`` — weekly ``make drift`` per environment (matrix), opening an issue on drift;
* ``promote-<env>-pr.yml`` — after a successful deploy of an environment, open the pull request
  promoting its release tag to the next environment of the chain.

Development-tier environments are applied through Atlantis (``atlantis.yaml``: one project per
stack, plan-only for every other environment, whose only way in is the release pipeline).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from platform_spec.model import EnvironmentSpec
from plumbing.paths import PROJECT_ROOT

WORKFLOWS_DIR = ".github/workflows"
ATLANTIS_FILE = "atlantis.yaml"
OWNED_DIRS = (WORKFLOWS_DIR,)

ACTIONS = {
    "checkout": "actions/checkout@v6",
    "python": "actions/setup-python@v6",
    "node": "actions/setup-node@v6",
    "terraform": "hashicorp/setup-terraform@v3",
    "aws": "aws-actions/configure-aws-credentials@v6",
    "upload": "actions/upload-artifact@v6",
}
"""Every action, pinned to a major release whose inputs actionlint knows (and on the node24 runtime)."""

PYTHON_VERSION = "3.11"
NODE_VERSION = "20"
TERRAFORM_VERSION = "1.11.4"
ARGOCD_VERSION = "v2.14.11"
DRIFT_SCHEDULE = "17 3 * * 1"
"""Weekly drift check: Mondays 03:17 UTC (off the hour, as GitHub recommends)."""
RUNNER = "ubuntu-24.04"


def release_role_arn(spec: EnvironmentSpec) -> str:
    """The release pipeline's IAM role (``stacks/iam.py``: ``<prefix>-release``)."""
    return f"arn:aws:iam::{spec.aws.account_id}:role/{spec.prefix}-release"


def root_app(spec: EnvironmentSpec) -> str:
    """Name of the environment's ArgoCD root (App-of-Apps) application, as the ArgoCD generator names it."""
    from generators.argocd import root_application

    return str(root_application(spec)["metadata"]["name"])


def deployed_by_pipeline(spec: EnvironmentSpec) -> bool:
    """Environments outside the development tier are deployed by the release pipeline only."""
    return spec.tier != "development"


# --- building blocks ---------------------------------------------------------------------------


def _setup_steps(fetch_depth: int = 1) -> list[dict[str, Any]]:
    return [
        {"name": "Check out", "uses": ACTIONS["checkout"], "with": {"fetch-depth": fetch_depth}},
        {"name": "Set up Python", "uses": ACTIONS["python"], "with": {"python-version": PYTHON_VERSION}},
        {"name": "Set up Node", "uses": ACTIONS["node"], "with": {"node-version": NODE_VERSION}},
        {
            "name": "Set up Terraform",
            "uses": ACTIONS["terraform"],
            "with": {"terraform_version": TERRAFORM_VERSION, "terraform_wrapper": False},
        },
        {"name": "Install the pinned toolchain", "run": "make tools"},
    ]


def _aws_step(spec: EnvironmentSpec) -> dict[str, Any]:
    return {
        "name": f"Assume {spec.prefix}-release (OIDC)",
        "uses": ACTIONS["aws"],
        "with": {
            "role-to-assume": release_role_arn(spec),
            "role-session-name": f"github-{spec.name}-${{{{ github.run_id }}}}",
            "aws-region": spec.aws.region,
        },
    }


def _argocd_install_step() -> dict[str, Any]:
    url = f"https://github.com/argoproj/argo-cd/releases/download/{ARGOCD_VERSION}/argocd-linux-amd64"
    return {
        "name": f"Install the ArgoCD CLI {ARGOCD_VERSION}",
        "run": f'curl -sSfL -o "$RUNNER_TEMP/argocd" {url}\nchmod +x "$RUNNER_TEMP/argocd"\n'
        'echo "$RUNNER_TEMP" >> "$GITHUB_PATH"\n',
    }


def _argocd_env() -> dict[str, str]:
    return {
        "ARGOCD_SERVER": "${{ secrets.ARGOCD_SERVER }}",
        "ARGOCD_AUTH_TOKEN": "${{ secrets.ARGOCD_AUTH_TOKEN }}",
        "ARGOCD_OPTS": "--grpc-web",
    }


def _change_window_step(spec: EnvironmentSpec) -> dict[str, Any]:
    window = spec.gitops.change_window
    assert window is not None
    return {
        "name": f"Change window ({window.schedule}, {window.duration}, {window.timezone})",
        "run": f".venv/bin/python -m generators change-window --env {spec.name}",
    }


def _chain_pairs(specs: Mapping[str, EnvironmentSpec]) -> list[tuple[EnvironmentSpec, EnvironmentSpec]]:
    return [(spec, specs[spec.promotes_to]) for spec in specs.values() if spec.promotes_to in specs]


class _Dumper(yaml.SafeDumper):
    """Block style, no anchors/aliases, multi-line strings as literal blocks."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _string(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _string)


def _dump(document: Mapping[str, Any]) -> str:
    return yaml.dump(
        dict(document), Dumper=_Dumper, sort_keys=False, default_flow_style=False, width=200, allow_unicode=True
    )


# --- workflows ---------------------------------------------------------------------------------


def pull_request_workflow(specs: Mapping[str, EnvironmentSpec]) -> dict[str, Any]:
    """Tests, synth, diff reports and a plan of every development environment, as artifacts."""
    diff_steps = [
        {"name": f"Diff {a.name} ↔ {b.name}", "run": f"make diff A={a.name} B={b.name}"}
        for a, b in _chain_pairs(specs)
    ]
    jobs: dict[str, Any] = {
        "test": {
            "name": "make test",
            "runs-on": RUNNER,
            "timeout-minutes": 60,
            "steps": [*_setup_steps(), {"name": "Run the test suite", "run": "make test"}],
        },
        "diff": {
            "name": "Synth and diff reports",
            "runs-on": RUNNER,
            "timeout-minutes": 30,
            "steps": [
                *_setup_steps(fetch_depth=0),
                {"name": "Synthesize every environment", "run": "make synth ENV=all"},
                {
                    "name": "What this pull request changes per environment",
                    "run": 'make diff-changes REF="origin/${{ github.base_ref }}"',
                },
                *diff_steps,
                {
                    "name": "Upload the diff reports",
                    "uses": ACTIONS["upload"],
                    "with": {"name": "diff-reports", "path": "reports/*.md", "if-no-files-found": "error"},
                },
            ],
        },
    }
    for spec in specs.values():
        if spec.tier != "development":
            continue
        stack = f"cdktf.out/stacks/{spec.platform_stack}"
        jobs[f"plan-{spec.name}"] = {
            "name": f"terraform plan ({spec.name})",
            "runs-on": RUNNER,
            "timeout-minutes": 30,
            "environment": spec.name,
            "permissions": {"contents": "read", "id-token": "write"},
            "concurrency": {"group": f"terraform-{spec.name}", "cancel-in-progress": False},
            "steps": [
                *_setup_steps(),
                _aws_step(spec),
                {"name": f"Synthesize {spec.name}", "run": f"make synth ENV={spec.name}"},
                {
                    "name": f"terraform plan {spec.platform_stack}",
                    "working-directory": stack,
                    "run": "terraform init -input=false -no-color\n"
                    "terraform plan -input=false -no-color -lock=false -out=plan.tfplan | tee plan.txt\n",
                },
                {
                    "name": "Upload the plan",
                    "uses": ACTIONS["upload"],
                    "with": {"name": f"terraform-plan-{spec.name}", "path": f"{stack}/plan.txt"},
                },
            ],
        }
    return {
        "name": "Pull request",
        "on": {"pull_request": {}},
        "permissions": {"contents": "read"},
        "concurrency": {"group": "pr-${{ github.event.pull_request.number }}", "cancel-in-progress": True},
        "jobs": jobs,
    }


def _push_triggers(spec: EnvironmentSpec) -> dict[str, Any]:
    refs = sorted(spec.git.refs)
    push: dict[str, Any] = {"branches": refs}
    tags = [ref for ref in refs if ref.endswith("/*")]
    if tags:
        push["tags"] = tags
    return push


def deploy_workflow(spec: EnvironmentSpec) -> dict[str, Any]:
    """Deploy one environment: change window (if any), ``cdktf deploy``, ArgoCD sync of the root app."""
    manual = spec.gitops.sync_mode == "manual"
    gate = [_change_window_step(spec)] if spec.gitops.change_window else []
    environment = {"name": spec.name, "url": f"https://{spec.dns.domain}"}
    deploy = {
        "name": f"cdktf deploy {spec.name}",
        "runs-on": RUNNER,
        "timeout-minutes": 60,
        "environment": environment,
        "steps": [
            *_setup_steps(),
            *gate,
            _aws_step(spec),
            {
                # the <env>-state stack (bucket + lock table) is bootstrapped once (`make bootstrap`)
                "name": f"cdktf deploy {spec.platform_stack}",
                "env": {"ENV": spec.name},
                "run": f"npx cdktf deploy {spec.platform_stack} --auto-approve --outputs-file cdktf.out/outputs.json",
            },
        ],
    }
    app = root_app(spec)
    sync = {
        "name": f"argocd app sync {app}" + (" (manual)" if manual else ""),
        "needs": "deploy",
        "runs-on": RUNNER,
        "timeout-minutes": 30,
        "environment": environment,
        "env": _argocd_env(),
        "steps": [
            *_setup_steps(),
            *gate,
            _argocd_install_step(),
            {"name": f"Sync {app}", "run": f"argocd app sync {app} --prune --timeout 600"},
            {"name": f"Wait until {app} is healthy", "run": f"argocd app wait {app} --health --sync --timeout 900"},
        ],
    }
    triggers: dict[str, Any] = {"push": _push_triggers(spec)}
    if manual:
        sync = {"name": sync["name"], "if": "github.event_name == 'workflow_dispatch' && inputs.sync", **sync}
        triggers["workflow_dispatch"] = {
            "inputs": {
                "sync": {
                    "description": f"Also run `argocd app sync {app}` (sync_mode: manual)",
                    "type": "boolean",
                    "default": False,
                }
            }
        }
    else:
        triggers["workflow_dispatch"] = {}
    return {
        "name": f"Deploy {spec.name}",
        "on": triggers,
        "permissions": {"contents": "read", "id-token": "write"},
        "concurrency": {"group": f"deploy-{spec.name}", "cancel-in-progress": False},
        "jobs": {"deploy": deploy, "sync": sync},
    }


def drift_workflow(specs: Mapping[str, EnvironmentSpec]) -> dict[str, Any]:
    """Weekly ``make drift`` per environment; drift (or a failed check) opens an issue and fails."""
    include = [
        {"env": spec.name, "role": release_role_arn(spec), "region": spec.aws.region} for spec in specs.values()
    ]
    body = (
        "make drift ENV=${{ matrix.env }} found drift or failed.\n\n"
        "Run: ${{ github.server_url }}/${{ github.repository }}/actions/runs/${{ github.run_id }}"
    )
    return {
        "name": "Weekly drift",
        "on": {"schedule": [{"cron": DRIFT_SCHEDULE}], "workflow_dispatch": {}},
        "permissions": {"contents": "read", "id-token": "write", "issues": "write"},
        "concurrency": {"group": "drift", "cancel-in-progress": False},
        "jobs": {
            "drift": {
                "name": "make drift (${{ matrix.env }})",
                "runs-on": RUNNER,
                "timeout-minutes": 30,
                "environment": "${{ matrix.env }}",
                "strategy": {"fail-fast": False, "matrix": {"include": include}},
                "steps": [
                    *_setup_steps(),
                    {
                        "name": "Assume the environment's release role (OIDC)",
                        "uses": ACTIONS["aws"],
                        "with": {
                            "role-to-assume": "${{ matrix.role }}",
                            "role-session-name": "github-drift-${{ matrix.env }}",
                            "aws-region": "${{ matrix.region }}",
                        },
                    },
                    {"name": "make drift", "run": "make drift ENV=${{ matrix.env }}"},
                    {
                        "name": "Open an issue",
                        "if": "failure()",
                        "env": {"GH_TOKEN": "${{ github.token }}", "BODY": body},
                        "run": 'gh issue create --repo "$GITHUB_REPOSITORY" '
                        '--title "Drift in ${{ matrix.env }} ($(date -u +%F))" --body "$BODY"',
                    },
                ],
            }
        },
    }


def promotion_pr_workflow(source: EnvironmentSpec, target: EnvironmentSpec) -> dict[str, Any]:
    """After ``Deploy <source>`` succeeds, open the pull request promoting its release to ``target``."""
    branch = f"promote/{target.name}-${{{{ github.run_id }}}}"
    script = (
        f"git switch -c \"{branch}\"\n"
        f"make promote FROM={source.name} TO={target.name}\n"
        'if git diff --quiet -- environments; then echo "nothing to promote"; exit 0; fi\n'
        'git config user.name "github-actions[bot]"\n'
        'git config user.email "41898282+github-actions[bot]@users.noreply.github.com"\n'
        "git add -A environments k8s argocd .github atlantis.yaml\n"
        f'git commit -m "Promote {source.name} → {target.name}"\n'
        f'git push origin "{branch}"\n'
        f'gh pr create --base main --head "{branch}" --title "Promote {source.name} → {target.name}" '
        f"--body-file reports/promote-{source.name}-{target.name}.md\n"
    )
    return {
        "name": f"Promotion PR {source.name} → {target.name}",
        "on": {"workflow_run": {"workflows": [f"Deploy {source.name}"], "types": ["completed"]}},
        "permissions": {"contents": "write", "pull-requests": "write"},
        "concurrency": {"group": f"promote-{target.name}", "cancel-in-progress": False},
        "jobs": {
            "promote": {
                "name": f"make promote FROM={source.name} TO={target.name}",
                "if": "github.event.workflow_run.conclusion == 'success'",
                "runs-on": RUNNER,
                "timeout-minutes": 30,
                "steps": [
                    *_setup_steps(fetch_depth=0),
                    {"name": "Fetch tags", "run": "git fetch --tags --force"},
                    {"name": "Promote and open the pull request", "env": {"GH_TOKEN": "${{ github.token }}"},
                     "run": script},
                ],
            }
        },
    }


def workflows(specs: Mapping[str, EnvironmentSpec]) -> dict[str, str]:
    """Every workflow file, by path."""
    files = {
        f"{WORKFLOWS_DIR}/pull-request.yml": pull_request_workflow(specs),
        f"{WORKFLOWS_DIR}/drift.yml": drift_workflow(specs),
    }
    for spec in specs.values():
        if deployed_by_pipeline(spec):
            files[f"{WORKFLOWS_DIR}/deploy-{spec.name}.yml"] = deploy_workflow(spec)
    for source, target in _chain_pairs(specs):
        if deployed_by_pipeline(source):
            files[f"{WORKFLOWS_DIR}/promote-{target.name}-pr.yml"] = promotion_pr_workflow(source, target)
    return {path: _dump(document) for path, document in sorted(files.items())}


# --- atlantis ----------------------------------------------------------------------------------


def atlantis_config(specs: Mapping[str, EnvironmentSpec]) -> dict[str, Any]:
    """``atlantis.yaml``: one project per environment stack; only development environments may apply.

    The ``<env>-state`` stacks (bucket + lock table, local state) are bootstrapped once with
    ``make bootstrap`` and are not Atlantis projects.
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


ATLANTIS_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Atlantis repo-level atlantis.yaml (documented keys, version 3)",
    "type": "object",
    "additionalProperties": False,
    "required": ["version"],
    "properties": {
        "version": {"const": 3},
        "automerge": {"type": "boolean"},
        "autodiscover": {"type": "object"},
        "delete_source_branch_on_merge": {"type": "boolean"},
        "parallel_plan": {"type": "boolean"},
        "parallel_apply": {"type": "boolean"},
        "abort_on_execution_order_fail": {"type": "boolean"},
        "allowed_regexp_prefixes": {"type": "array", "items": {"type": "string"}},
        "projects": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["dir"],
                "properties": {
                    "name": {"type": "string", "pattern": "^[A-Za-z0-9_.-]+$"},
                    "branch": {"type": "string"},
                    "dir": {"type": "string"},
                    "workspace": {"type": "string"},
                    "execution_order_group": {"type": "integer"},
                    "delete_source_branch_on_merge": {"type": "boolean"},
                    "repo_locking": {"type": "boolean"},
                    "repo_locks": {"type": "object"},
                    "custom_policy_check": {"type": "boolean"},
                    "autoplan": {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": {
                            "enabled": {"type": "boolean"},
                            "when_modified": {"type": "array", "items": {"type": "string"}},
                        },
                    },
                    "plan_requirements": {"$ref": "#/$defs/requirements"},
                    "apply_requirements": {"$ref": "#/$defs/requirements"},
                    "import_requirements": {"$ref": "#/$defs/requirements"},
                    "silence_pr_comments": {"type": "array", "items": {"enum": ["plan", "apply"]}},
                    "terraform_version": {"type": "string"},
                    "terraform_distribution": {"enum": ["terraform", "opentofu"]},
                    "depends_on": {"type": "array", "items": {"type": "string"}},
                    "workflow": {"type": "string"},
                },
            },
        },
        "workflows": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    stage: {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": {"steps": {"type": "array", "items": {"$ref": "#/$defs/step"}}},
                    }
                    for stage in ("plan", "apply", "policy_check", "import", "state_rm")
                },
            },
        },
    },
    "$defs": {
        "requirements": {
            "type": "array",
            "items": {"enum": ["approved", "mergeable", "undiverged", "policies_passed"]},
        },
        "step": {
            "oneOf": [
                {"enum": ["init", "plan", "apply", "show", "policy_check", "import", "state_rm"]},
                {
                    "type": "object",
                    "minProperties": 1,
                    "maxProperties": 1,
                    "properties": {
                        "run": {"oneOf": [{"type": "string"}, {"type": "object"}]},
                        "env": {"type": "object", "required": ["name"]},
                        "multienv": {"oneOf": [{"type": "string"}, {"type": "object"}]},
                        "init": {"type": "object"},
                        "plan": {"type": "object"},
                        "apply": {"type": "object"},
                        "import": {"type": "object"},
                        "state_rm": {"type": "object"},
                        "policy_check": {"type": "object"},
                    },
                    "additionalProperties": False,
                },
            ]
        },
    },
}
"""The repo-level config keys Atlantis documents (``atlantis.yaml`` reference), as a JSON schema."""


def promotion_order(specs: Mapping[str, EnvironmentSpec]) -> dict[str, EnvironmentSpec]:
    """The environments along their promotion chains (dev → staging → prod), the rest by name."""
    targets = {spec.promotes_to for spec in specs.values() if spec.promotes_to}
    ordered: dict[str, EnvironmentSpec] = {}
    for start in sorted(set(specs) - targets):
        current: str | None = start
        while current in specs and current not in ordered:
            ordered[current] = specs[current]
            current = specs[current].promotes_to
    return {**ordered, **{name: specs[name] for name in sorted(specs) if name not in ordered}}


def render(specs: Mapping[str, EnvironmentSpec]) -> dict[str, str]:
    """Every pipeline file: the workflows and ``atlantis.yaml`` (independent of the input order)."""
    ordered = promotion_order(specs)
    return {**workflows(ordered), ATLANTIS_FILE: _dump(atlantis_config(ordered))}


def validate_tree(root: Path) -> None:
    """Writer validator: every file parses, workflows have ``on`` and ``jobs``, atlantis.yaml fits its schema."""
    import jsonschema

    for path in sorted((root / WORKFLOWS_DIR).glob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(document, dict) or "on" not in document or "jobs" not in document:
            raise ValueError(f"{path.name}: a workflow needs 'on' and 'jobs'")
    atlantis = root / ATLANTIS_FILE
    if atlantis.exists():
        jsonschema.validate(yaml.safe_load(atlantis.read_text(encoding="utf-8")), ATLANTIS_SCHEMA)


def write(specs: Mapping[str, EnvironmentSpec], root: Path = PROJECT_ROOT) -> list[str]:
    """Write the pipeline files under ``root``; returns the paths that changed."""
    from plumbing.writer import write_tree

    result = write_tree(root, render(specs), OWNED_DIRS, validate=validate_tree)
    return result.written + result.removed


def cli_pipelines(args: Any) -> int:
    """``python -m generators pipelines``: (re)write the workflows and atlantis.yaml from every spec."""
    from platform_spec.loader import load_all

    changed = write(load_all())
    print(f"pipelines: {len(changed)} file(s) changed" + (f": {', '.join(changed)}" if changed else ""))
    return 0
