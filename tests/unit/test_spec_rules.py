"""The spec rules against their authorities, and what stays accepted (the corpus covers refusals)."""

from __future__ import annotations

import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from platform_spec import chain
from platform_spec.loader import SpecError, available, load_all
from platform_spec.rules import aws, cron, git, kubernetes
from platform_spec.selection import select
from tests.conftest import qa_from_staging

REF_SAMPLES = [
    "v1.4.0", "release/1.4", "feature/x", "a/b/c", "main", "v1.5.0-rc.1", "x@y", "a.b", "-lead", "_under",
    "", "@", "a..b", "a b", "a~b", "a^b", "a:b", "a?b", "a*b", "a[b", "a\\b", "a\x7fb", "a\tb", "/a", "a/",
    "a//b", "a.", ".a", "a/.b", "a.lock", "a/b.lock/c", "a@{b", "refs/heads/x", "a/./b", "ü-tag", "a.lock.b",
]


@pytest.mark.parametrize("name", REF_SAMPLES)
def test_tag_rules_agree_with_git_check_ref_format(name: str) -> None:
    """Our implementation of the documented rules against the real `git check-ref-format`."""
    real = subprocess.run(["git", "check-ref-format", f"refs/tags/{name}"], capture_output=True, check=False)
    ours = git.ref_problem(f"refs/tags/{name}")
    assert (ours is None) == (real.returncode == 0), f"{name!r}: ours {ours!r}, git exit {real.returncode}"


@pytest.mark.parametrize(("text", "value"), [
    ("250m", Decimal("0.25")), ("1", Decimal(1)), ("0.5", Decimal("0.5")), ("1Gi", Decimal(2**30)),
    ("128Mi", Decimal(128 * 2**20)), ("1G", Decimal(10**9)), ("1e3", Decimal(1000)), ("1500m", Decimal("1.5")),
])
def test_quantities_compare_as_numbers(text: str, value: Decimal) -> None:
    assert kubernetes.quantity(text) == value
    assert kubernetes.quantity("1") > kubernetes.quantity("999m") and kubernetes.quantity("1Gi") > kubernetes.quantity(
        "1000Mi")


def test_botocore_data_is_read() -> None:
    assert {"t3.medium", "t3.large", "t4g.small", "m7g.large"} <= aws.instance_types()
    assert "ap-northeast-2" in aws.regions() and "cn-north-1" not in aws.regions()
    assert all(not region.endswith("-global") for region in aws.regions())


def test_cron_accepts_what_argo_cd_and_cronsim_both_read() -> None:
    for schedule in ("0 22 * * 2", "*/15 9-17 * * mon-fri", "0 3 1 * *", "30 23 * * 5", "0 0 * jan-mar 0"):
        assert cron.schedule_problem(schedule) is None, schedule
    assert cron.zone("Asia/Seoul") is not None and cron.zone("Local") is None and cron.zone("/etc/localtime") is None
    assert cron.duration("168h") is not None and cron.duration("169h") is None and cron.duration("0m") is None


def test_selection_deduplicates_and_all_wins(specs: dict) -> None:
    assert [spec.name for spec in select("dev,dev", specs)] == ["dev"]
    assert [spec.name for spec in select("prod,dev", specs)] == ["dev", "prod"]  # promotion order
    assert [spec.name for spec in select("all,dev", specs)] == ["dev", "staging", "prod"]
    with pytest.raises(SpecError, match="is not an environment name"):
        select("dev;id", specs)


def test_editor_files_and_notes_are_ignored(environments_copy: Path) -> None:
    (environments_copy / ".#dev.yaml").symlink_to("user@host.1234:1700000000")  # an Emacs lock file
    (environments_copy / "dev.yaml~").write_text("broken: [\n")
    (environments_copy / ".dev.yaml.swp").write_bytes(b"\x00\x01")
    (environments_copy / "README.md").write_text("# notes\n")
    (environments_copy / "archive").mkdir()
    assert available(environments_copy) == ["dev", "prod", "staging"]
    assert list(load_all(environments_copy)) == ["dev", "staging", "prod"]


def test_readme_recipe_needs_one_oidc_provider_per_account(environments_copy: Path) -> None:
    """The README's qa recipe in staging's account: refused until qa leaves the provider to staging."""
    qa = qa_from_staging((environments_copy / "staging.yaml").read_text()).replace('"444444444444"', '"222222222222"')
    (environments_copy / "qa.yaml").write_text(qa)
    with pytest.raises(SpecError, match="also creates the GitHub OIDC provider of account 222222222222"):
        load_all(environments_copy)
    (environments_copy / "qa.yaml").write_text(qa.replace(
        "    github_repository: sesacthon/platform\n",
        "    github_repository: sesacthon/platform\n    create_oidc_provider: false\n"))
    assert "qa" in load_all(environments_copy)


def test_chain_problems_name_every_graph_fault(specs: dict) -> None:
    looped = {**specs, "prod": specs["prod"].model_copy(update={"promotes_to": "dev"})}
    found = chain.problems(looped)
    assert "closes a promotion cycle (dev → staging → prod → dev)" in found["dev"][0].reason
    assert chain.problems(specs) == {}
