"""Helpers of the e2e tests: run make targets, find and signal the terraform of a stack."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from pathlib import Path

from plumbing.paths import PROJECT_ROOT


def make(target: str, env: dict[str, str], *variables: str, timeout: int = 900) -> subprocess.CompletedProcess:
    """``make -s <target> ENV=...`` in the project root, output captured."""
    return subprocess.run(
        ["make", "-s", "--no-print-directory", target, *variables],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=timeout,
    )


def timed_make(target: str, env: dict[str, str], *variables: str) -> tuple[subprocess.CompletedProcess, float]:
    """:func:`make` and its wall time in seconds."""
    start = time.monotonic()
    result = make(target, env, *variables)
    return result, round(time.monotonic() - start, 1)


def step_times(stderr: str) -> dict[str, float]:
    """The ``[ops] <step> <env>: <s>s`` lines printed by the ops commands (``python -m cli deploy`` and friends)."""
    return {match[0]: float(match[1]) for match in re.findall(r"\[ops\] (\S+) \S+: ([\d.]+)s", stderr)}


def error_lines(result: subprocess.CompletedProcess) -> list[str]:
    """The ``error:`` lines of a command's stderr."""
    return [line for line in result.stderr.splitlines() if line.startswith("error:")]


def terraform_pids(stack_dir: Path) -> list[int]:
    """PIDs of ``terraform`` processes whose working directory is ``stack_dir`` (ours only)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
            cwd = os.readlink(entry / "cwd")
        except OSError:
            continue
        if argv and Path(argv[0].decode(errors="replace")).name == "terraform" and Path(cwd) == stack_dir:
            found.append(int(entry.name))
    return found


def signal_terraform(stack_dir: Path, signum: signal.Signals) -> list[int]:
    """Send ``signum`` to the terraform processes working in ``stack_dir``; returns their PIDs."""
    pids = terraform_pids(stack_dir)
    for pid in pids:
        os.kill(pid, signum)
    return pids
