"""GitHub Actions workflows generated from the specs, one per concern, looping over the environments:

* ``pull-request.yml`` — ``make test``, synth all, the diff reports, ``terraform plan`` of every
  development-tier environment with its read-only plan role, uploaded as artifacts;
* ``deploy-<env>.yml`` — one per environment outside the development tier, triggered by the
  environment's ``git.refs`` (branches; ``<prefix>/*`` patterns also as tags): the change-window
  gate when the spec has one, ``cdktf deploy`` with the environment's deploy role through OIDC
  (the job runs in the GitHub environment of the same name: the role trusts nothing else), then
  ``argocd app sync`` of the root app (automatic sync modes) or only on a manual dispatch
  (``sync_mode: manual``);
* ``drift.yml`` — weekly ``make drift`` per environment (matrix) with the plan role; a failure opens
  an issue (in a job of its own, without AWS credentials);
* ``promote-<env>-pr.yml`` — after a successful deploy of an environment, open the pull request
  promoting its release tag to the next environment of the chain.

Every ``uses:`` is pinned to a commit (:mod:`generators.action_pins`); every job declares the token
permissions it needs and the workflow grants none by default.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from generators.action_pins import ACTIONS, annotate
from generators.workflow_steps import (
    OIDC,
    READ,
    RUNNER,
    argocd_env,
    argocd_install_step,
    aws_step,
    change_window_step,
    setup_steps,
)
from platform_spec import chain, naming
from platform_spec.model import EnvironmentSpec
from platform_spec.pipeline_identity import plans_pull_requests
from plumbing.yaml_io import dump

WORKFLOWS_DIR = ".github/workflows"

DRIFT_SCHEDULE = "17 3 * * 1"
"""Weekly drift check: Mondays 03:17 UTC (off the hour, as GitHub recommends)."""
WORKFLOW_WIDTH = 200
"""YAML line width of the workflows (long ``run:`` and ``if:`` lines stay on one line)."""


def deployed_by_pipeline(spec: EnvironmentSpec) -> bool:
    """Environments outside the development tier are deployed by the release pipeline only."""
    return spec.tier != "development"


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
            "permissions": READ,
            "steps": [*setup_steps(), {"name": "Run the test suite", "run": "make test"}],
        },
        "diff": {
            "name": "Synth and diff reports",
            "runs-on": RUNNER,
            "timeout-minutes": 30,
            "permissions": READ,
            "steps": [
                *setup_steps(fetch_depth=0),
                {"name": "Synthesize every environment", "run": "make synth ENV=all"},
                {
                    "name": "What this pull request changes per environment",
                    "run": 'make diff-changes REF="origin/${{ github.base_ref }}"',
                },
                *diff_steps,
                {
                    "name": "Upload the diff reports",
                    "uses": ACTIONS["upload"].uses,
                    "with": {"name": "diff-reports", "path": "reports/*.md", "if-no-files-found": "error"},
                },
            ],
        },
    }
    for spec in specs.values():
        if not plans_pull_requests(spec):
            continue
        # No `environment:` here: the token's subject is `repo:<repo>:pull_request`, which only the
        # read-only plan role trusts; the pull request's code never holds write credentials.
        jobs[f"plan-{spec.name}"] = {
            "name": f"terraform plan ({spec.name}, read-only)",
            "runs-on": RUNNER,
            "timeout-minutes": 30,
            "permissions": OIDC,
            "concurrency": {"group": f"terraform-{spec.name}", "cancel-in-progress": False},
            "steps": [
                *setup_steps(),
                aws_step(spec, naming.PLAN),
                {
                    "name": f"terraform plan {spec.platform_stack} (exit 3: changes)",
                    "run": "set +e\n"
                    f".venv/bin/python -m cli plan {spec.name} 2>&1 | tee plan.txt\n"
                    "code=${PIPESTATUS[0]}\n"
                    'test "$code" -eq 0 || test "$code" -eq 3\n',
                },
                {
                    "name": "Upload the plan",
                    "uses": ACTIONS["upload"].uses,
                    "with": {"name": f"terraform-plan-{spec.name}", "path": "plan.txt"},
                },
            ],
        }
    return {
        "name": "Pull request",
        "on": {"pull_request": {}},
        "permissions": {},
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
    gate = [change_window_step(spec)] if spec.gitops.change_window else []
    environment = {"name": spec.name, "url": f"https://{spec.dns.domain}"}
    deploy = {
        "name": f"cdktf deploy {spec.name}",
        "runs-on": RUNNER,
        "timeout-minutes": 60,
        "environment": environment,
        "permissions": OIDC,
        "steps": [
            *setup_steps(),
            *gate,
            aws_step(spec),
            {
                # the <env>-bootstrap stack (state, roles) is applied once by an administrator (`make bootstrap`)
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
        "permissions": READ,
        "env": argocd_env(),
        "steps": [
            *setup_steps(),
            *gate,
            argocd_install_step(),
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
        "permissions": {},
        "concurrency": {"group": f"deploy-{spec.name}", "cancel-in-progress": False},
        "jobs": {"deploy": deploy, "sync": sync},
    }


def drift_workflow(specs: Mapping[str, EnvironmentSpec]) -> dict[str, Any]:
    """Weekly ``make drift`` per environment with its read-only plan role; a failure opens an issue.

    The drift jobs run on the default branch without a GitHub environment (nothing to approve: the
    plan role trusts that branch's subject and cannot write); the issue is opened by a job of its own
    that holds ``issues: write`` and no AWS credentials.
    """
    include = [
        {"env": spec.name, "role": naming.plan_role_arn(spec), "region": spec.aws.region} for spec in specs.values()
    ]
    body = (
        "The weekly `make drift` found drift or failed in at least one environment.\n\n"
        "Run: ${{ github.server_url }}/${{ github.repository }}/actions/runs/${{ github.run_id }}"
    )
    return {
        "name": "Weekly drift",
        "on": {"schedule": [{"cron": DRIFT_SCHEDULE}], "workflow_dispatch": {}},
        "permissions": {},
        "concurrency": {"group": "drift", "cancel-in-progress": False},
        "jobs": {
            "drift": {
                "name": "make drift (${{ matrix.env }})",
                "runs-on": RUNNER,
                "timeout-minutes": 30,
                "permissions": OIDC,
                "strategy": {"fail-fast": False, "matrix": {"include": include}},
                "steps": [
                    *setup_steps(),
                    {
                        "name": "Assume the environment's plan role (OIDC, read-only)",
                        "uses": ACTIONS["aws"].uses,
                        "with": {
                            "role-to-assume": "${{ matrix.role }}",
                            "role-session-name": "github-drift-${{ matrix.env }}",
                            "aws-region": "${{ matrix.region }}",
                        },
                    },
                    {"name": "make drift", "run": "make drift ENV=${{ matrix.env }}"},
                ],
            },
            "report": {
                "name": "Open an issue about the drift",
                "needs": "drift",
                "if": "failure()",
                "runs-on": RUNNER,
                "timeout-minutes": 5,
                "permissions": {"issues": "write"},
                "steps": [
                    {
                        "name": "Open an issue",
                        "env": {"GH_TOKEN": "${{ github.token }}", "BODY": body},
                        "run": 'gh issue create --repo "$GITHUB_REPOSITORY" '
                        '--title "Drift ($(date -u +%F))" --body "$BODY"',
                    },
                ],
            },
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
        "permissions": {},
        "concurrency": {"group": f"promote-{target.name}", "cancel-in-progress": False},
        "jobs": {
            "promote": {
                "name": f"make promote FROM={source.name} TO={target.name}",
                "if": "github.event.workflow_run.conclusion == 'success'",
                "runs-on": RUNNER,
                "timeout-minutes": 30,
                # the gate's own environment: the source's Argo CD token that may only sync its health-gate
                # Application (the source environment's deployment rules keep the default branch out)
                "environment": naming.health_gate_environment(source),
                "permissions": {"contents": "write", "pull-requests": "write"},
                "steps": [
                    *setup_steps(fetch_depth=0, persist_credentials=True),
                    {"name": "Fetch tags", "run": "git fetch --tags --force"},
                    {"name": "Promote and open the pull request",
                     "env": {"GH_TOKEN": "${{ github.token }}", **argocd_env()}, "run": script},
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
    return {path: annotate(dump(document, width=WORKFLOW_WIDTH)) for path, document in sorted(files.items())}
