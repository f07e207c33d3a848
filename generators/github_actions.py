"""GitHub Actions workflows generated from the specs, one per concern, looping over the environments:

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
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from platform_spec import chain, naming
from platform_spec.model import EnvironmentSpec
from plumbing.yaml_io import dump

WORKFLOWS_DIR = ".github/workflows"

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
WORKFLOW_WIDTH = 200
"""YAML line width of the workflows (long ``run:`` and ``if:`` lines stay on one line)."""


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
            "role-to-assume": naming.release_role_arn(spec),
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


# --- workflows ---------------------------------------------------------------------------------


def pull_request_workflow(specs: Mapping[str, EnvironmentSpec]) -> dict[str, Any]:
    """Tests, synth, diff reports and a plan of every development environment, as artifacts."""
    diff_steps = [
        {"name": f"Diff {a.name} ↔ {b.name}", "run": f"make diff A={a.name} B={b.name}"}
        for a, b in chain.links(specs)
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
    app = naming.root_application(spec)
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
            # the root was applied once by hand; point it at the promoted revision (the release role may
            # update this root only), then sync it: in prod that sync is the approval, the children follow
            {"name": f"Point {app} at {spec.git.target_revision}",
             "run": f"argocd app set {app} --revision {spec.git.target_revision}"},
            {"name": f"Sync {app}", "run": f"argocd app sync {app} --prune --timeout 600"},
            # bounded: the root is Healthy once every wave's children are (argocd-cm Application health check)
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
        {"env": spec.name, "role": naming.release_role_arn(spec), "region": spec.aws.region} for spec in specs.values()
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
                # the source environment's Argo CD: the promotion asks its in-cluster health gate through it
                "environment": source.name,
                "steps": [
                    *_setup_steps(fetch_depth=0),
                    {"name": "Fetch tags", "run": "git fetch --tags --force"},
                    {"name": "Promote and open the pull request",
                     "env": {"GH_TOKEN": "${{ github.token }}", **_argocd_env()}, "run": script},
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
    for source, target in chain.links(specs):
        if deployed_by_pipeline(source):
            files[f"{WORKFLOWS_DIR}/promote-{target.name}-pr.yml"] = promotion_pr_workflow(source, target)
    return {path: dump(document, width=WORKFLOW_WIDTH) for path, document in sorted(files.items())}
