"""``python -m ops <command> --env ENV``: bootstrap, deploy, plan, drift, inventory, destroy, unlock.

Every command honours the standard AWS environment variables (``AWS_ENDPOINT_URL`` included) and
``CDKTF_OUTDIR`` (default ``cdktf.out``). Exit codes: 0 ok / no changes, 2 changes or drift
(plan, drift), 1 error (one ``error:`` line on stderr), 3 refused (prod destroy unconfirmed).
Each step prints ``[ops] <step> <env>: <seconds>s`` to stderr.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ops import drift, preflight
from ops.errors import CHANGES, ERROR, OK, REFUSED, OpsError
from ops.terraform import Stack, cdktf, outdir, tool_env
from platform_spec.loader import SpecError, load
from platform_spec.model import EnvironmentSpec
from plumbing.paths import PROJECT_ROOT

Command = Callable[[EnvironmentSpec, argparse.Namespace], int]


@contextmanager
def step(name: str, env: str) -> Iterator[None]:
    """Time a step and report it on stderr."""
    start = time.monotonic()
    try:
        yield
    finally:
        print(f"[ops] {name} {env}: {time.monotonic() - start:.1f}s", file=sys.stderr, flush=True)


def synth(spec: EnvironmentSpec) -> None:
    """Synthesize the environment's stacks (``python -m generators synth --terraform-only``)."""
    with step("synth", spec.name):
        done = subprocess.run(
            [sys.executable, "-m", "generators", "synth", "--env", spec.name, "--terraform-only",
             "--outdir", str(outdir())],
            cwd=PROJECT_ROOT, env=tool_env(), capture_output=True, text=True,
        )
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise OpsError(f"synth of '{spec.name}' failed (exit {done.returncode}); see above")


def _ready(spec: EnvironmentSpec, *, backend: bool = True, unlocked: bool = True) -> None:
    with step("preflight", spec.name):
        preflight.check_identity(spec)
        if backend:
            preflight.check_backend(spec)
        if unlocked:
            preflight.check_unlocked(spec)


def _platform(spec: EnvironmentSpec) -> Stack:
    synth(spec)
    stack = Stack(spec, spec.platform_stack)
    with step("init", spec.name):
        stack.init()
    return stack


def bootstrap(spec: EnvironmentSpec, args: argparse.Namespace) -> int:
    """Apply ``<env>-state`` (state bucket + lock table; local state in ``.state/``)."""
    _ready(spec, backend=False, unlocked=False)
    synth(spec)
    state_dir = outdir().parent / ".state"
    state_dir.mkdir(exist_ok=True)
    ignore = state_dir / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# local state of the <env>-state stacks; never committed\n*\n")
    stack = Stack(spec, spec.state_stack)
    with step("bootstrap", spec.name):
        stack.init()
        stack.apply()
    return OK


def deploy(spec: EnvironmentSpec, args: argparse.Namespace) -> int:
    """Synth, then ``cdktf deploy <env> --auto-approve`` (or plain terraform with ``--engine terraform``)."""
    _ready(spec)
    synth(spec)
    with step("deploy", spec.name):
        if args.engine == "terraform":
            stack = Stack(spec, spec.platform_stack)
            stack.init()
            stack.apply()
        else:
            Stack(spec, spec.platform_stack).check_backend()
            result = cdktf(spec, "deploy")
            _check_cdktf_finished(spec, result.output)
    return OK


def _check_cdktf_finished(spec: EnvironmentSpec, output: str) -> None:
    """cdktf exits 0 even when terraform dies from a signal: confirm the apply really finished."""
    preflight.check_unlocked(spec)
    if not re.search(r"Apply complete!|No changes\.|no changes", output):
        raise OpsError(
            f"cdktf deploy of '{spec.name}' ended without terraform finishing the apply "
            f"(terraform killed?); run `make deploy ENV={spec.name}` again"
        )


def plan(spec: EnvironmentSpec, args: argparse.Namespace) -> int:
    """``terraform plan -detailed-exitcode``: 0 no changes, 2 changes."""
    _ready(spec)
    stack = _platform(spec)
    with tempfile.TemporaryDirectory() as scratch, step("plan", spec.name):
        code = stack.plan(Path(scratch) / "plan")
    return CHANGES if code == 2 else OK


def drift_command(spec: EnvironmentSpec, args: argparse.Namespace) -> int:
    """Plan quietly and print what changed outside Terraform; exit 2 on any drift or pending change."""
    _ready(spec)
    stack = _platform(spec)
    with tempfile.TemporaryDirectory() as scratch, step("drift", spec.name):
        plan_file = Path(scratch) / "drift.plan"
        code = stack.plan(plan_file, echo=False)
        document = stack.show_json(plan_file)
    print(drift.report(spec.name, document))
    return CHANGES if code == 2 else OK


def inventory(spec: EnvironmentSpec, args: argparse.Namespace) -> int:
    """Write ``ansible/inventory/<env>/hosts.ini`` and ``ansible/group_vars/<env>.yml`` from the outputs."""
    from generators.inventory import render
    from plumbing.writer import write_tree

    preflight.check_identity(spec)
    preflight.check_backend(spec)
    stack = _platform(spec)
    with step("inventory", spec.name):
        outputs = stack.outputs()
        if "nodes" not in outputs:
            raise OpsError(f"'{spec.name}' has no outputs yet: run `make deploy ENV={spec.name}` first")
        root = Path(args.root).resolve()
        root.mkdir(parents=True, exist_ok=True)
        result = write_tree(root, render(spec, outputs), owned_dirs=[f"ansible/inventory/{spec.name}"])
    for path in result.written:
        print(f"wrote {path}")
    for path in result.unchanged:
        print(f"unchanged {path}")
    return OK


def destroy(spec: EnvironmentSpec, args: argparse.Namespace) -> int:
    """``terraform destroy`` of the platform stack; production needs ``--confirm <env>``."""
    if spec.tier == "production" and args.confirm != spec.name:
        print(
            f"error: refusing to destroy production environment '{spec.name}': "
            f"run `make destroy ENV={spec.name} CONFIRM={spec.name}` to confirm",
            file=sys.stderr,
        )
        return REFUSED
    _ready(spec)
    stack = _platform(spec)
    with step("destroy", spec.name):
        stack.destroy()
    return OK


def unlock(spec: EnvironmentSpec, args: argparse.Namespace) -> int:
    """``terraform force-unlock`` of the platform state (``--lock-id`` from the lock message)."""
    if not args.lock_id:
        raise OpsError(f"LOCK_ID is required: make unlock ENV={spec.name} LOCK_ID=<id from the lock message>")
    _ready(spec, unlocked=False)
    stack = _platform(spec)
    stack.force_unlock(args.lock_id)
    return OK


COMMANDS: dict[str, Command] = {
    "bootstrap": bootstrap,
    "deploy": deploy,
    "plan": plan,
    "drift": drift_command,
    "inventory": inventory,
    "destroy": destroy,
    "unlock": unlock,
}


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m ops``."""
    parser = argparse.ArgumentParser(prog="python -m ops", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=sorted(COMMANDS))
    parser.add_argument("--env", required=True, help="environment name (environments/<env>.yaml)")
    parser.add_argument("--engine", choices=("cdktf", "terraform"), default="cdktf",
                        help="deploy: `cdktf deploy` (default) or plain terraform init/apply")
    parser.add_argument("--confirm", default="", help="destroy: the environment name, required for production")
    parser.add_argument("--lock-id", default="", help="unlock: the LOCK_ID printed by a locked deploy")
    parser.add_argument("--root", default=str(PROJECT_ROOT), help="inventory: directory to write ansible/ under")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; failures print one ``error:`` line."""
    args = build_parser().parse_args(argv)
    try:
        spec = load(args.env)
        return COMMANDS[args.command](spec, args)
    except SpecError as error:
        for problem in error.problems:
            print(f"error: {problem}", file=sys.stderr)
        return ERROR
    except OpsError as error:
        print(f"error: {error.message}", file=sys.stderr)
        return error.code
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return ERROR
