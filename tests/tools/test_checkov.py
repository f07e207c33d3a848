"""checkov (PyPI, pinned in requirements-checkov.txt, own virtualenv) finds nothing unexplained in any
synthesized stack or any built overlay, with the checked-in ``.checkov.yaml``.

Each skip in the config names its reason on its line; a skip that no longer matches any finding
fails too, so the list cannot rot. checkov never reaches the network: ``skip-download`` in the
config, and its proxy is a closed port on loopback.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from plumbing.paths import PROJECT_ROOT

pytestmark = pytest.mark.tools

CHECKOV = PROJECT_ROOT / ".cache" / "checkov" / "bin" / "checkov"
CONFIG = PROJECT_ROOT / ".checkov.yaml"
ENVIRONMENTS = ("dev", "staging", "prod")


def _skips() -> dict[str, str]:
    """``check id -> reason`` of the config's ``skip-check`` list (the reason is the line's comment)."""
    skips = {}
    for line in CONFIG.read_text(encoding="utf-8").splitlines():
        found = re.match(r"^\s*-\s*(CKV2?_[A-Z0-9]+_\d+)\s*(?:#\s*(.*))?$", line)
        if found:
            skips[found.group(1)] = (found.group(2) or "").strip()
    return skips


def _run(target: Path, framework: str, config: Path) -> tuple[list[dict], int]:
    """checkov on a directory: the failed checks and the number of passed ones, across its reports."""
    if not CHECKOV.exists():
        pytest.fail(f"{CHECKOV} is missing: `make checkov` installs it (make tools does)")
    closed = "http://127.0.0.1:9"  # the discard port: any attempt to reach the internet fails here
    env = {**os.environ, "HTTPS_PROXY": closed, "HTTP_PROXY": closed, "NO_PROXY": "", "BC_API_KEY": ""}
    result = subprocess.run(
        [str(CHECKOV), "--config-file", str(config), "-d", str(target), "--framework", framework, "-o", "json"],
        capture_output=True, text=True, timeout=600, env=env, cwd=config.parent,  # it also reads ./.checkov.yaml
    )
    assert result.returncode in (0, 1), result.stderr[-3000:]
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    reports = json.loads(result.stdout)
    reports = reports if isinstance(reports, list) else [reports]
    assert reports and all(report["summary"]["parsing_errors"] == 0 for report in reports), result.stdout[:2000]
    failed = [check for report in reports for check in report["results"]["failed_checks"]]
    return failed, sum(report["summary"]["passed"] for report in reports)


@pytest.fixture(scope="module")
def overlays(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every environment's overlay, built with ``kubectl kustomize``, one file each."""
    directory = tmp_path_factory.mktemp("overlays")
    for name in ENVIRONMENTS:
        built = subprocess.run(["kubectl", "kustomize", str(PROJECT_ROOT / "k8s" / "overlays" / name)],
                               capture_output=True, text=True, timeout=300, check=True)
        (directory / f"{name}.yaml").write_text(built.stdout, encoding="utf-8")
    return directory


@pytest.fixture(scope="module")
def unskipped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The config without its skips (to see what each skip hides)."""
    config = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    config.pop("skip-check")
    path = tmp_path_factory.mktemp("checkov") / "unskipped.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def test_every_skip_has_a_reason() -> None:
    skips = _skips()
    assert len(skips) == len(yaml.safe_load(CONFIG.read_text())["skip-check"]), "one skip per line"
    assert all(len(reason) >= 20 for reason in skips.values()), {k: v for k, v in skips.items() if len(v) < 20}


@pytest.mark.parametrize("framework", ["terraform_json", "kubernetes"])
def test_nothing_unexplained(framework: str, synth_dir: Path, overlays: Path, unskipped: Path) -> None:
    target = synth_dir / "stacks" if framework == "terraform_json" else overlays
    failed, passed = _run(target, framework, CONFIG)
    unexplained = sorted({(check["check_id"], check["resource"], check["file_path"]) for check in failed})
    assert unexplained == [], f"checkov findings without a skip in .checkov.yaml: {unexplained[:20]}"
    assert passed > 100, f"checkov checked almost nothing ({passed} passed)"
    hidden = {check["check_id"] for check in _run(target, framework, unskipped)[0]}
    prefix = "CKV_K8S_" if framework == "kubernetes" else ("CKV_AWS_", "CKV2_AWS_")
    stale = sorted(check for check in _skips() if check.startswith(prefix) and check not in hidden)
    assert stale == [], f"skips in .checkov.yaml that match no finding any more (remove them): {stale}"
