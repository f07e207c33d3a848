"""A small runner for ``terraform`` and ``cdktf`` on the synthesized stacks (subprocesses only).

Every command runs with the project's CLI configuration (``.cache/terraform.rc``: the local
provider mirror) and the caller's AWS environment. When ``AWS_ENDPOINT_URL`` is set (a local
endpoint such as moto), ``terraform init`` gets ``-backend-config=use_path_style=true`` (flags
for the S3 backend only: the synthesized JSON stays what real AWS needs); ``cdktf deploy`` gets
the same flag through ``TF_CLI_ARGS_init``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from ops import terraform_rc
from ops.errors import OpsError, explain
from platform_spec.model import EnvironmentSpec
from plumbing.paths import PROJECT_ROOT

DEFAULT_OUTDIR = PROJECT_ROOT / "cdktf.out"


def outdir() -> Path:
    """Where stacks are synthesized: ``CDKTF_OUTDIR`` or ``cdktf.out/``."""
    return Path(os.environ.get("CDKTF_OUTDIR") or DEFAULT_OUTDIR).resolve()


def backend_flags() -> list[str]:
    """``-backend-config`` flags for a local endpoint (none for AWS)."""
    return ["-backend-config=use_path_style=true"] if os.environ.get("AWS_ENDPOINT_URL") else []


def tool_env() -> dict[str, str]:
    """Environment for terraform/cdktf: the caller's, plus the CLI config and quiet settings."""
    env = dict(os.environ)
    env.update(
        TF_CLI_CONFIG_FILE=str(terraform_rc.write()),
        CHECKPOINT_DISABLE="1",
        TF_IN_AUTOMATION="1",
        JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="20",
        CDKTF_DISABLE_PLUGIN_CACHE_ENV="1",
        CI=env.get("CI", "1"),
    )
    if env.get("AWS_ENDPOINT_URL"):
        env.setdefault("AWS_EC2_METADATA_DISABLED", "true")
    return env


@dataclass
class Result:
    """A finished command: exit code and combined output."""

    code: int
    output: str


def run(args: list[str], cwd: Path, spec: EnvironmentSpec, *, echo: bool = True, ok: tuple[int, ...] = (0,),
        env: dict[str, str] | None = None) -> Result:
    """Run a command, streaming its output when ``echo``; known failures raise one-line OpsErrors."""
    process = subprocess.Popen(
        args, cwd=cwd, env=env or tool_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        errors="replace",
    )
    lines: list[str] = []
    assert process.stdout is not None
    for line in process.stdout:
        lines.append(line)
        if echo:
            sys.stdout.write(line)
            sys.stdout.flush()
    code = process.wait()
    output = "".join(lines)
    if code not in ok:
        if not echo:
            sys.stdout.write(output[-4000:])
        reason = explain(output, spec) or f"{Path(args[0]).name} {' '.join(args[1:2])} failed (exit {code}); see above"
        raise OpsError(reason)
    return Result(code, output)


class Stack:
    """One synthesized stack directory (``<outdir>/stacks/<name>``) and its terraform commands."""

    def __init__(self, spec: EnvironmentSpec, name: str, root: Path | None = None) -> None:
        self.spec = spec
        self.name = name
        self.directory = (root or outdir()) / "stacks" / name
        if not (self.directory / "cdk.tf.json").is_file():
            raise OpsError(f"{self.directory}/cdk.tf.json not found: synthesize first (make synth ENV={spec.name})")

    def terraform(self, *args: str, echo: bool = True, ok: tuple[int, ...] = (0,)) -> Result:
        """Run ``terraform <args>`` in the stack directory."""
        return run(["terraform", *args], self.directory, self.spec, echo=echo, ok=ok)

    def check_backend(self) -> None:
        """The synthesized S3 backend must be this environment's bucket, key and lock table (never another's)."""
        if not self.remote:
            return
        config = json.loads((self.directory / "cdk.tf.json").read_text())
        backend = config.get("terraform", {}).get("backend", {}).get("s3", {})
        expected = {"bucket": self.spec.state_bucket_name, "key": self.spec.state_key,
                    "dynamodb_table": self.spec.lock_table_name if self.spec.uses_lock_table else None,
                    "use_lockfile": True if self.spec.uses_lock_file else None}
        wrong = {key: backend.get(key) for key, value in expected.items() if backend.get(key) != value}
        if wrong:
            raise OpsError(
                f"{self.directory}/cdk.tf.json: S3 backend {wrong} is not environment '{self.spec.name}'s "
                f"({expected}); refusing to touch another environment's state"
            )

    @property
    def remote(self) -> bool:
        """Whether the stack keeps its state in S3 (the platform stack; ``<env>-bootstrap`` is local)."""
        return self.name == self.spec.platform_stack

    def init(self) -> None:
        """``terraform init`` (quiet unless it fails), with the local-endpoint backend flags for S3."""
        self.check_backend()
        self.terraform("init", "-input=false", "-no-color", *(backend_flags() if self.remote else []), echo=False)

    def apply(self) -> None:
        """``terraform apply -auto-approve``."""
        self.terraform("apply", "-auto-approve", "-input=false", "-no-color")

    def destroy(self) -> None:
        """``terraform destroy -auto-approve``."""
        self.terraform("destroy", "-auto-approve", "-input=false", "-no-color")

    def plan(self, plan_file: Path, *, echo: bool = True) -> int:
        """``terraform plan -detailed-exitcode -out``: 0 no changes, 2 changes."""
        return self.terraform(
            "plan", "-detailed-exitcode", "-input=false", "-no-color", f"-out={plan_file}", echo=echo, ok=(0, 2)
        ).code

    def show_json(self, plan_file: Path) -> dict:
        """``terraform show -json <plan>``, parsed."""
        return json.loads(self.terraform("show", "-json", str(plan_file), echo=False).output)

    def outputs(self) -> dict:
        """``terraform output -json``, parsed."""
        return json.loads(self.terraform("output", "-json", echo=False).output)

    def force_unlock(self, lock_id: str) -> None:
        """``terraform force-unlock -force <id>``."""
        self.terraform("force-unlock", "-force", lock_id)


def cdktf(spec: EnvironmentSpec, command: str, *extra: str, root: Path | None = None) -> Result:
    """``npx cdktf <command> <env> --auto-approve --skip-synth`` on already synthesized stacks.

    ``--skip-provider-lock`` is added when providers come from a filesystem mirror (otherwise cdktf
    runs ``terraform providers lock``, which ignores mirrors: terraform-cdk issue 3568).
    """
    args = ["npx", "--no-install", "cdktf", command, spec.platform_stack, "--auto-approve", "--skip-synth",
            "--output", str(root or outdir()), *extra]
    if terraform_rc.uses_mirror(terraform_rc.write()):
        args.append("--skip-provider-lock")
    env = {**tool_env(), "ENV": spec.name}  # should cdktf ever synthesize, main.py builds only this environment
    if backend_flags():  # cdktf runs `terraform init` itself: the S3 backend flags go through TF_CLI_ARGS_init
        env["TF_CLI_ARGS_init"] = " ".join([env.get("TF_CLI_ARGS_init", ""), *backend_flags()]).strip()
    return run(args, PROJECT_ROOT, spec, env=env)
