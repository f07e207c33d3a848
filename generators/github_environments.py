"""``docs/github-environments.md``: the GitHub environments the deploy workflows need, generated.

The deploy role of an environment trusts only tokens of jobs running in the GitHub environment of
the same name, so *which branches and tags may deploy* and *who approves* are the environment's
settings in GitHub: its deployment branch and tag policies (the spec's ``git.refs``, exactly the
deploy workflow's triggers) and its required reviewers. GitHub keeps them outside the repository;
this page states them per environment with the ``gh api`` calls that apply them (GitHub REST API:
"Create or update an environment" and "Create a deployment branch policy").
"""

from __future__ import annotations

from collections.abc import Mapping

from generators.github_actions import deployed_by_pipeline
from platform_spec import chain, naming
from platform_spec.model import EnvironmentSpec
from platform_spec.pipeline_identity import environment_subject

DOC = "docs/github-environments.md"


def deployment_policies(spec: EnvironmentSpec) -> list[tuple[str, str]]:
    """``(type, pattern)`` deployment policies of the environment: its refs as branches, ``<x>/*`` also as tags."""
    policies = [("branch", ref) for ref in sorted(spec.git.refs)]
    policies += [("tag", ref) for ref in sorted(spec.git.refs) if ref.endswith("/*")]
    return policies


def _section(spec: EnvironmentSpec) -> str:
    repository = spec.access.release_pipeline.github_repository
    api = f"repos/{repository}/environments/{spec.name}"
    rules = "\n".join(f"| {kind} | `{pattern}` |" for kind, pattern in deployment_policies(spec))
    commands = "\n".join(
        f"gh api -X POST {api}/deployment-branch-policies -f name='{pattern}' -f type={kind}"
        for kind, pattern in deployment_policies(spec)
    )
    return (
        f"## `{spec.name}`\n\n"
        f"- Deploy role: `{naming.deploy_role_arn(spec)}`, trusted only for the subject "
        f"`{environment_subject(spec)}`.\n"
        f"- Required reviewers: yes ({spec.operated_by}); prevent self-review.\n"
        "- Secrets: `ARGOCD_SERVER`, `ARGOCD_AUTH_TOKEN`.\n\n"
        "| may deploy from | pattern |\n|---|---|\n"
        f"{rules}\n\n"
        "```sh\n"
        f"gh api -X PUT {api} -F prevent_self_review=true \\\n"
        "  -F 'reviewers[][type]=Team' -F 'reviewers[][id]=<team id>' \\\n"
        "  -F 'deployment_branch_policy[protected_branches]=false' "
        "-F 'deployment_branch_policy[custom_branch_policies]=true'\n"
        f"{commands}\n"
        "```\n"
    )


def _gate_section(spec: EnvironmentSpec) -> str:
    repository = spec.access.release_pipeline.github_repository
    name = naming.health_gate_environment(spec)
    api = f"repos/{repository}/environments/{name}"
    return (
        f"## `{name}`\n\n"
        f"- Where `promote-<next>-pr.yml` asks `{spec.name}`'s health gate; no AWS role trusts it.\n"
        f"- Secrets: `ARGOCD_SERVER`, `ARGOCD_AUTH_TOKEN`: a token of the AppProject role `health-gate`, which may\n"
        f"  only get and sync `{naming.health_gate_application(spec)}` "
        f"(`argocd proj role create-token {spec.name} health-gate`).\n\n"
        "| may run from | pattern |\n|---|---|\n"
        f"| branch | `{spec.access.release_pipeline.default_branch}` |\n\n"
        "```sh\n"
        f"gh api -X PUT {api} -F 'deployment_branch_policy[protected_branches]=false' "
        "-F 'deployment_branch_policy[custom_branch_policies]=true'\n"
        f"gh api -X POST {api}/deployment-branch-policies -f name='{spec.access.release_pipeline.default_branch}' "
        "-f type=branch\n"
        "```\n"
    )


def render(specs: Mapping[str, EnvironmentSpec]) -> str:
    """The page for every environment the release pipeline deploys (promotion-chain order)."""
    sections = [_section(spec) for spec in specs.values() if deployed_by_pipeline(spec)]
    sections += [_gate_section(source) for source, _ in chain.links(specs) if deployed_by_pipeline(source)]
    return (
        "# GitHub environments\n\n"
        "Generated from `environments/*.yaml` by `make pipelines`. Each environment below is where its\n"
        "`deploy-<env>.yml` jobs run; its deploy role trusts no other subject, so these settings are what\n"
        "stands between a branch and the environment. Development environments need none: pull requests\n"
        "plan them with the read-only plan role, and the weekly drift check runs on the default branch.\n\n"
        + "\n".join(sections)
    )
