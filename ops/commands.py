"""The operations on one environment: bootstrap, deploy, plan, drift, inventory, destroy, unlock.

Every operation honours the standard AWS environment variables (``AWS_ENDPOINT_URL`` included)
and ``CDKTF_OUTDIR`` (default ``cdktf.out``); it synthesizes the environment's stacks in this
process, runs a preflight, then terraform or cdktf. Each step prints ``[ops] <step> <env>:
<seconds>s`` to stderr. Failures raise ``OpsError`` (one line); results are ``ExitCode``s.
"""

from __future__ import annotations

import re
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

from generators.inventory import render as render_inventory
from ops import drift, preflight
from ops.errors import OpsError
from ops.terraform import Stack, cdktf, outdir
from platform_spec.model import EnvironmentSpec
from plumbing.exit_codes import ExitCode
from plumbing.writer import write_tree
from stacks.synth import synth_to

Engine = Literal["cdktf", "terraform"]


@contextmanager
def step(name: str, env: str) -> Iterator[None]:
    """Time a step and report it on stderr."""
    start = time.monotonic()
    try:
        yield
    finally:
        print(f"[ops] {name} {env}: {time.monotonic() - start:.1f}s", file=sys.stderr, flush=True)


def synth(spec: EnvironmentSpec) -> None:
    """Synthesize the environment's stacks into the output directory."""
    with step("synth", spec.name):
        synth_to(outdir(), [spec])


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


def bootstrap(spec: EnvironmentSpec) -> ExitCode:
    """Apply ``<env>-bootstrap`` as an administrator (state backend, key, pipeline roles; local state in
    ``.state/``)."""
    _ready(spec, backend=False, unlocked=False)
    synth(spec)
    state_dir = outdir().parent / ".state"
    state_dir.mkdir(exist_ok=True)
    ignore = state_dir / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# local state of the <env>-bootstrap stacks; never committed\n*\n")
    stack = Stack(spec, spec.bootstrap_stack)
    with step("bootstrap", spec.name):
        stack.init()
        stack.apply()
    return ExitCode.OK


def deploy(spec: EnvironmentSpec, engine: Engine = "cdktf") -> ExitCode:
    """Synth, then ``cdktf deploy <env> --auto-approve`` (or plain terraform with ``--engine terraform``)."""
    _ready(spec)
    synth(spec)
    with step("deploy", spec.name):
        if engine == "terraform":
            stack = Stack(spec, spec.platform_stack)
            stack.init()
            stack.apply()
        else:
            Stack(spec, spec.platform_stack).check_backend()
            result = cdktf(spec, "deploy")
            _check_cdktf_finished(spec, result.output)
    return ExitCode.OK


def _check_cdktf_finished(spec: EnvironmentSpec, output: str) -> None:
    """cdktf exits 0 even when terraform dies from a signal: confirm the apply really finished."""
    preflight.check_unlocked(spec)
    if not re.search(r"Apply complete!|No changes\.|no changes", output):
        raise OpsError(
            f"cdktf deploy of '{spec.name}' ended without terraform finishing the apply "
            f"(terraform killed?); run `make deploy ENV={spec.name}` again"
        )


def plan(spec: EnvironmentSpec) -> ExitCode:
    """``terraform plan -detailed-exitcode``: 0 no changes, 2 changes."""
    _ready(spec)
    stack = _platform(spec)
    with tempfile.TemporaryDirectory() as scratch, step("plan", spec.name):
        code = stack.plan(Path(scratch) / "plan")
    return ExitCode.CHANGES if code == 2 else ExitCode.OK


def drift_report(spec: EnvironmentSpec) -> ExitCode:
    """Plan quietly and print what changed outside Terraform; exit 2 on any drift or pending change."""
    _ready(spec)
    stack = _platform(spec)
    with tempfile.TemporaryDirectory() as scratch, step("drift", spec.name):
        plan_file = Path(scratch) / "drift.plan"
        code = stack.plan(plan_file, echo=False)
        document = stack.show_json(plan_file)
    print(drift.report(spec.name, document))
    return ExitCode.CHANGES if code == 2 else ExitCode.OK


def inventory(spec: EnvironmentSpec, root: Path) -> ExitCode:
    """Write ``ansible/inventory/<env>/hosts.ini`` and ``ansible/group_vars/<env>.yml`` from the outputs."""
    preflight.check_identity(spec)
    preflight.check_backend(spec)
    stack = _platform(spec)
    with step("inventory", spec.name):
        outputs = stack.outputs()
        if "nodes" not in outputs:
            raise OpsError(f"'{spec.name}' has no outputs yet: run `make deploy ENV={spec.name}` first")
        root = root.resolve()
        root.mkdir(parents=True, exist_ok=True)
        result = write_tree(root, render_inventory(spec, outputs), owned_dirs=[f"ansible/inventory/{spec.name}"])
    for path in result.written:
        print(f"wrote {path}")
    for path in result.unchanged:
        print(f"unchanged {path}")
    return ExitCode.OK


def destroy(spec: EnvironmentSpec, confirm: str = "") -> ExitCode:
    """``terraform destroy`` of the platform stack; production needs ``--confirm <env>``."""
    if spec.tier == "production" and confirm != spec.name:
        raise OpsError(
            f"refusing to destroy production environment '{spec.name}': "
            f"run `make destroy ENV={spec.name} CONFIRM={spec.name}` to confirm",
            ExitCode.REFUSED,
        )
    _ready(spec)
    stack = _platform(spec)
    with step("destroy", spec.name):
        stack.destroy()
    return ExitCode.OK


def unlock(spec: EnvironmentSpec, lock_id: str) -> ExitCode:
    """``terraform force-unlock`` of the platform state (``--lock-id`` from the lock message)."""
    if not lock_id:
        raise OpsError(
            f"LOCK_ID is required: make unlock ENV={spec.name} LOCK_ID=<id from the lock message>", ExitCode.INVALID
        )
    _ready(spec, unlocked=False)
    stack = _platform(spec)
    stack.force_unlock(lock_id)
    return ExitCode.OK
