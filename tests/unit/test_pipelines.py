"""Pipeline files: generated from the specs, committed, one workflow per concern, loop over environments."""

from __future__ import annotations

import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from generators import atlantis, github_actions, github_environments, pipelines
from generators.action_pins import ACTIONS, ARGOCD_LINUX_AMD64_SHA256
from platform_spec import naming
from platform_spec.loader import load_all
from platform_spec.model import EnvironmentSpec
from plumbing.manifests import load_schema
from plumbing.writer import with_header


def _docs(specs: dict[str, EnvironmentSpec]) -> dict[str, dict]:
    rendered = pipelines.render(specs).items()
    return {path: yaml.safe_load(text) for path, text in rendered if path.endswith((".yml", ".yaml"))}


def _jobs(specs: dict[str, EnvironmentSpec]) -> list[tuple[str, dict, dict]]:
    """``(path, workflow, job)`` of every job of every workflow."""
    return [(path, doc, job) for path, doc in _docs(specs).items() if path != "atlantis.yaml"
            for job in doc["jobs"].values()]


def test_committed_files_are_current(specs: dict[str, EnvironmentSpec], project_root: Path) -> None:
    stale = [
        path for path, text in pipelines.render(specs).items()
        if not (project_root / path).is_file() or (project_root / path).read_text() != with_header(path, text)
    ]
    assert stale == [], f"run `make pipelines`: stale {stale}"


def test_rendering_is_deterministic(specs: dict[str, EnvironmentSpec]) -> None:
    assert pipelines.render(specs) == pipelines.render(dict(reversed(list(specs.items()))))


def test_one_workflow_per_concern(specs: dict[str, EnvironmentSpec]) -> None:
    assert sorted(pipelines.render(specs)) == [
        ".github/workflows/deploy-prod.yml",
        ".github/workflows/deploy-staging.yml",
        ".github/workflows/drift.yml",
        ".github/workflows/promote-prod-pr.yml",
        ".github/workflows/pull-request.yml",
        "atlantis.yaml",
        "docs/github-environments.md",
    ]


def test_a_new_environment_appears_without_code_changes(qa_spec: Path) -> None:
    docs = _docs(load_all(qa_spec))
    assert ".github/workflows/deploy-qa.yml" in docs
    matrix = docs[".github/workflows/drift.yml"]["jobs"]["drift"]["strategy"]["matrix"]
    assert "qa" in [row["env"] for row in matrix["include"]]
    assert "qa" in {project["name"] for project in docs["atlantis.yaml"]["projects"]}


def test_deploy_jobs_assume_the_deploy_role_in_their_github_environment(specs: dict[str, EnvironmentSpec]) -> None:
    """The deploy role trusts only `repo:<repo>:environment:<env>`: every job assuming it runs in that environment."""
    for path, _, job in _jobs(specs):
        for step in job["steps"]:
            role = step.get("with", {}).get("role-to-assume", "")
            if role.endswith("-deploy"):
                env = next(spec for spec in specs.values() if naming.deploy_role_arn(spec) == role)
                assert job["environment"]["name"] == env.name, path
                assert job["permissions"] == {"contents": "read", "id-token": "write"}, path
    staging = _docs(specs)[".github/workflows/deploy-staging.yml"]["jobs"]["deploy"]["steps"]
    assume = next(step for step in staging if "configure-aws-credentials" in step.get("uses", ""))
    assert assume["with"]["role-to-assume"] == "arn:aws:iam::222222222222:role/sesacthon-stg-deploy"
    assert assume["with"]["aws-region"] == "ap-northeast-2"


def test_pull_requests_and_drift_only_hold_the_read_only_plan_role(specs: dict[str, EnvironmentSpec]) -> None:
    docs = _docs(specs)
    for path in (".github/workflows/pull-request.yml", ".github/workflows/drift.yml"):
        roles = [step["with"]["role-to-assume"] for job in docs[path]["jobs"].values() for step in job["steps"]
                 if "configure-aws-credentials" in step.get("uses", "")]
        assert roles and all(role.endswith("-plan") or role == "${{ matrix.role }}" for role in roles), path
        for job in docs[path]["jobs"].values():
            assert "environment" not in job, f"{path}: the plan role trusts the pull_request and branch subjects"
    matrix = docs[".github/workflows/drift.yml"]["jobs"]["drift"]["strategy"]["matrix"]["include"]
    assert {row["role"] for row in matrix} == {naming.plan_role_arn(spec) for spec in specs.values()}


def test_every_job_declares_minimal_permissions(specs: dict[str, EnvironmentSpec]) -> None:
    for path, doc, job in _jobs(specs):
        assert doc["permissions"] == {}, f"{path}: the workflow grants nothing by default"
        permissions = job["permissions"]
        holds_aws = any("configure-aws-credentials" in step.get("uses", "") for step in job["steps"])
        assert ("id-token" in permissions) == holds_aws, f"{path}: id-token only where a role is assumed"
        writes = {scope for scope, level in permissions.items() if level == "write"} - {"id-token"}
        assert not (writes and holds_aws), f"{path}: a job holding AWS credentials gets no write token scope"


def test_every_action_is_pinned_to_a_commit(specs: dict[str, EnvironmentSpec]) -> None:
    pins = {(action.repo, action.sha): action.version for action in ACTIONS.values()}
    for path, text in pipelines.render(specs).items():
        for line in text.splitlines():
            if "uses:" not in line:
                continue
            found = re.fullmatch(r"\s*(?:- )?uses: ([\w.-]+/[\w.-]+)@([0-9a-f]{40}) # (v\d+\.\d+\.\d+)", line)
            assert found, f"{path}: not pinned to a commit with its version: {line}"
            assert pins[(found.group(1), found.group(2))] == found.group(3), line


def test_downloaded_tools_are_verified(specs: dict[str, EnvironmentSpec]) -> None:
    for path, _, job in _jobs(specs):
        for step in job["steps"]:
            run = step.get("run", "")
            if "curl " in run:
                assert f"{ARGOCD_LINUX_AMD64_SHA256}  " in run and "sha256sum --check --strict" in run, path
                assert run.index("sha256sum") < run.index("chmod +x"), path


def test_triggers(specs: dict[str, EnvironmentSpec]) -> None:
    docs = _docs(specs)
    assert docs[".github/workflows/pull-request.yml"]["on"] == {"pull_request": {}}
    staging = docs[".github/workflows/deploy-staging.yml"]["on"]["push"]
    assert staging == {"branches": ["release/*"], "tags": ["release/*"]}
    assert docs[".github/workflows/deploy-prod.yml"]["on"]["push"] == {"branches": ["main"]}
    assert docs[".github/workflows/drift.yml"]["on"]["schedule"] == [{"cron": github_actions.DRIFT_SCHEDULE}]


def test_prod_gates(specs: dict[str, EnvironmentSpec]) -> None:
    prod = _docs(specs)[".github/workflows/deploy-prod.yml"]
    deploy = prod["jobs"]["deploy"]
    assert deploy["environment"]["name"] == "prod"
    names = [step["name"] for step in deploy["steps"]]
    window = names.index("Change window (0 22 * * 2, 2h, Asia/Seoul)")
    assert window < names.index("Assume sesacthon-prod-deploy (OIDC)")
    assert deploy["steps"][window]["run"] == ".venv/bin/python -m cli change-window prod"
    assert prod["jobs"]["sync"]["if"] == "github.event_name == 'workflow_dispatch' && inputs.sync"
    assert prod["concurrency"] == {"group": "deploy-prod", "cancel-in-progress": False}


def test_staging_syncs_the_root_app_and_waits(specs: dict[str, EnvironmentSpec]) -> None:
    sync = _docs(specs)[".github/workflows/deploy-staging.yml"]["jobs"]["sync"]
    assert "if" not in sync
    runs = [step.get("run", "") for step in sync["steps"]]
    assert "argocd app sync root-staging --prune --timeout 600" in runs
    assert "argocd app wait root-staging --health --sync --timeout 900" in runs


def test_pull_request_plans_dev_and_uploads_reports(specs: dict[str, EnvironmentSpec]) -> None:
    jobs = _docs(specs)[".github/workflows/pull-request.yml"]["jobs"]
    assert set(jobs) == {"test", "diff", "plan-dev"}
    assert any(step.get("run") == "make test" for step in jobs["test"]["steps"])
    diff_runs = [step.get("run", "") for step in jobs["diff"]["steps"]]
    assert "make diff A=dev B=staging" in diff_runs and "make diff A=staging B=prod" in diff_runs
    plan = jobs["plan-dev"]["steps"]
    assert any(".venv/bin/python -m cli plan dev" in step.get("run", "") for step in plan)
    uploads = [step for step in plan if step.get("uses", "").startswith("actions/upload-artifact")]
    assert uploads[0]["with"]["path"] == "plan.txt"


def test_drift_opens_an_issue_on_failure(specs: dict[str, EnvironmentSpec]) -> None:
    drift = _docs(specs)[".github/workflows/drift.yml"]
    assert drift["jobs"]["drift"]["strategy"]["fail-fast"] is False
    report = drift["jobs"]["report"]
    assert report["needs"] == "drift" and report["if"] == "failure()"
    assert report["permissions"] == {"issues": "write"}
    [issue] = report["steps"]
    assert "gh issue create" in issue["run"] and issue["env"]["GH_TOKEN"] == "${{ github.token }}"


def test_atlantis_projects_and_apply_policy(specs: dict[str, EnvironmentSpec]) -> None:
    config = atlantis.atlantis_config(specs)
    jsonschema.validate(config, load_schema(pipelines.ATLANTIS_SCHEMA))
    projects = {project["name"]: project for project in config["projects"]}
    assert sorted(projects) == ["dev", "prod", "staging"]
    assert projects["dev"]["dir"] == "cdktf.out/stacks/dev"
    assert config["workflows"]["cdktf-dev"]["apply"]["steps"] == ["apply"]
    assert "exit 1" in config["workflows"]["cdktf-prod"]["apply"]["steps"][0]["run"]
    first = config["workflows"]["cdktf-staging"]["plan"]["steps"][0]["run"]
    assert first.endswith("make synth ENV=staging")  # synth runs before init/plan


@pytest.mark.parametrize(
    "broken",
    [
        {"version": 3, "projects": [{"dir": "x", "autoplan": {"when_modifed": []}}]},
        {"version": 2},
        {"version": 3, "workflows": {"w": {"plan": {"steps": ["terraform"]}}}},
        {"version": 3, "projects": [{"dir": "x", "apply_requirements": ["reviewed"]}]},
    ],
)
def test_atlantis_schema_rejects_undocumented_keys(broken: dict) -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, load_schema(pipelines.ATLANTIS_SCHEMA))


def test_writer_refuses_to_replace_a_hand_written_workflow(tmp_path: Path, specs: dict[str, EnvironmentSpec]) -> None:
    from plumbing.writer import OwnershipError

    (tmp_path / ".github/workflows").mkdir(parents=True)
    (tmp_path / ".github/workflows/drift.yml").write_text("name: mine\n")
    with pytest.raises(OwnershipError):
        pipelines.write(specs, tmp_path)
    assert (tmp_path / ".github/workflows/drift.yml").read_text() == "name: mine\n"
    assert not (tmp_path / "atlantis.yaml").exists()


def test_github_environments_page_matches_the_deploy_triggers(specs: dict[str, EnvironmentSpec]) -> None:
    """The deployment branch and tag policies are the deploy workflow's triggers, nothing more."""
    docs = _docs(specs)
    page = pipelines.render(specs)[github_environments.DOC]
    for spec in specs.values():
        path = f".github/workflows/deploy-{spec.name}.yml"
        if path not in docs:
            assert f"## `{spec.name}`" not in page
            continue
        push = docs[path]["on"]["push"]
        expected = [("branch", ref) for ref in push["branches"]] + [("tag", ref) for ref in push.get("tags", [])]
        assert github_environments.deployment_policies(spec) == expected
        for kind, pattern in expected:
            assert f"environments/{spec.name}/deployment-branch-policies -f name='{pattern}' -f type={kind}" in page
