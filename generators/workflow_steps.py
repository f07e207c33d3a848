"""The steps and settings the generated workflows share: toolchain setup, OIDC role, Argo CD CLI
(checksum-verified), change-window gate, token permissions."""

from __future__ import annotations

from typing import Any

from generators.action_pins import ACTIONS, ARGOCD_LINUX_AMD64_SHA256, ARGOCD_VERSION
from platform_spec import naming
from platform_spec.model import EnvironmentSpec

PYTHON_VERSION = "3.11"
NODE_VERSION = "20"
TERRAFORM_VERSION = "1.11.4"
READ = {"contents": "read"}
"""Token permissions of a job that only checks out the repository."""
OIDC = {"contents": "read", "id-token": "write"}
"""Token permissions of a job that assumes an AWS role through GitHub's OIDC token."""
RUNNER = "ubuntu-24.04"


def setup_steps(fetch_depth: int = 1, *, persist_credentials: bool = False) -> list[dict[str, Any]]:
    """Checkout (the token is kept on disk only for a job that pushes), Python, Node, Terraform, toolchain."""
    return [
        {"name": "Check out", "uses": ACTIONS["checkout"].uses,
         "with": {"fetch-depth": fetch_depth, "persist-credentials": persist_credentials}},
        {"name": "Set up Python", "uses": ACTIONS["python"].uses, "with": {"python-version": PYTHON_VERSION}},
        {"name": "Set up Node", "uses": ACTIONS["node"].uses, "with": {"node-version": NODE_VERSION}},
        {
            "name": "Set up Terraform",
            "uses": ACTIONS["terraform"].uses,
            "with": {"terraform_version": TERRAFORM_VERSION, "terraform_wrapper": False},
        },
        {"name": "Install the pinned toolchain", "run": "make tools"},
    ]


def aws_step(spec: EnvironmentSpec, purpose: str = naming.DEPLOY) -> dict[str, Any]:
    """Assume the environment's deploy (or plan) role through GitHub's OIDC token."""
    return {
        "name": f"Assume {naming.role_name(spec, purpose)} (OIDC)",
        "uses": ACTIONS["aws"].uses,
        "with": {
            "role-to-assume": naming.role_arn(spec, purpose),
            "role-session-name": f"github-{spec.name}-{purpose}-${{{{ github.run_id }}}}",
            "aws-region": spec.aws.region,
        },
    }


def argocd_install_step() -> dict[str, Any]:
    """Download the Argo CD CLI and refuse it unless its SHA-256 is the one recorded for the release."""
    url = f"https://github.com/argoproj/argo-cd/releases/download/{ARGOCD_VERSION}/argocd-linux-amd64"
    return {
        "name": f"Install the ArgoCD CLI {ARGOCD_VERSION} (checksum verified)",
        "run": f'curl -sSfL -o "$RUNNER_TEMP/argocd" {url}\n'
        f'echo "{ARGOCD_LINUX_AMD64_SHA256}  $RUNNER_TEMP/argocd" | sha256sum --check --strict -\n'
        'chmod +x "$RUNNER_TEMP/argocd"\n'
        'echo "$RUNNER_TEMP" >> "$GITHUB_PATH"\n',
    }


def argocd_env() -> dict[str, str]:
    """The Argo CD CLI's server and token (the job's GitHub environment secrets)."""
    return {
        "ARGOCD_SERVER": "${{ secrets.ARGOCD_SERVER }}",
        "ARGOCD_AUTH_TOKEN": "${{ secrets.ARGOCD_AUTH_TOKEN }}",
        "ARGOCD_OPTS": "--grpc-web",
    }


def change_window_step(spec: EnvironmentSpec) -> dict[str, Any]:
    """Refuse (exit 4) outside the environment's change window."""
    window = spec.gitops.change_window
    assert window is not None
    return {
        "name": f"Change window ({window.schedule}, {window.duration}, {window.timezone})",
        "run": f".venv/bin/python -m cli change-window {spec.name}",
    }
