"""Benchmark: `make synth ENV=staging` (fast bindings) against the plain eager import, with peak memory.

Prints the median wall time of ``--runs`` runs (default 3) and the peak resident memory of the
whole process tree (Python + the node jsii kernel), sampled from /proc. Targets (issue 2):
synth <= 2.5 s wall and <= 0.15 x the eager import measured in the same run; `make gitops
ENV=all` < 1 s (issue 3).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from plumbing.jsii_runtime import eager_environment  # noqa: E402  (after sys.path; does not load the bindings)

PYTHON = str(ROOT / ".venv" / "bin" / "python")


def cli_commands(env: str, scratch: Path) -> dict[str, list[str]]:
    """The ``python -m cli`` arguments the bench runs (tests/unit/test_cli.py parses each)."""
    return {
        "synth": ["synth", "--", env],
        "eager synth": ["synth", "--terraform-only", "--", env],
        "gitops into an empty tree": ["gitops", "--root", str(scratch), "--", "all"],
    }


def _tree_rss_kb(root_pid: int) -> int:
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            status = (entry / "status").read_text()
        except OSError:
            continue
        pid, parent = int(entry.name), int(fields[1])
        children.setdefault(parent, []).append(pid)
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                rss[pid] = int(line.split()[1])
    total, stack = 0, [root_pid]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def measure(command: list[str], env: dict[str, str] | None = None, before=None) -> tuple[float, int]:
    """Wall seconds and peak process-tree RSS (KiB) of one run."""
    if before:
        before()
    peak = 0
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss_kb(process.pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, stderr = process.communicate()
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{stderr.decode()}")
    return elapsed, peak


def series(label: str, command: list[str], runs: int, env=None, before=None) -> float:
    """Run ``command`` ``runs`` times; print and return the median wall time."""
    results = [measure(command, env, before) for _ in range(runs)]
    walls = [wall for wall, _ in results]
    median = statistics.median(walls)
    peak_mb = max(peak for _, peak in results) / 1024
    print(f"{label:<62} median {median:6.2f} s  (runs: {', '.join(f'{w:.2f}' for w in walls)})  peak {peak_mb:5.0f} MB")
    return median


def main() -> int:
    """Run the benchmark and check the targets; exit 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--env", default="staging")
    args = parser.parse_args()

    def clean() -> None:
        shutil.rmtree(ROOT / "cdktf.out", ignore_errors=True)

    scratch = ROOT / ".cache" / "bench-gitops"
    make = shutil.which("make") or "make"
    subprocess.run([make, "-s", "tools"], cwd=ROOT, check=True)  # bootstrap outside the timings
    commands = cli_commands(args.env, scratch)
    subprocess.run([PYTHON, "-m", "cli", *commands["synth"]], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)  # warm the jsii package cache once
    print(f"machine: {os.cpu_count()} cores; median of {args.runs} runs each")
    synth = series(f"make synth ENV={args.env} (clean cdktf.out)", [make, "-s", "synth", f"ENV={args.env}"],
                   args.runs, before=clean)
    eager_import = series("python -c 'import cdktf_cdktf_provider_aws' (eager)",
                          [PYTHON, "-c", "import cdktf_cdktf_provider_aws"], args.runs, env=eager_environment())
    series(f"eager synth ENV={args.env} (SESACTHON_EAGER_BINDINGS=1)",
           [PYTHON, "-m", "cli", *commands["eager synth"]], args.runs,
           env=eager_environment(), before=clean)
    gitops = series("make gitops ENV=all (tree up to date)", [make, "-s", "gitops", "ENV=all"], args.runs)
    series("python -m cli gitops all (empty tree, all written)",
           [PYTHON, "-m", "cli", *commands["gitops into an empty tree"]], args.runs,
           before=lambda: shutil.rmtree(scratch, ignore_errors=True))
    shutil.rmtree(scratch, ignore_errors=True)
    ratio = synth / eager_import
    print(f"\nsynth / eager import = {ratio:.2f}  (target <= 0.15)")
    checks = [synth <= 2.5, ratio <= 0.15, gitops < 1.0]
    print("targets:", "met" if all(checks) else "MISSED")
    return 0 if all(checks) else 1


if __name__ == "__main__":
    sys.exit(main())
