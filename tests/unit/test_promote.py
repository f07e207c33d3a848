"""Promotion: order from the spec chain, tag in Git, health gate, validity; refusals write nothing."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from platform_spec.chain import describe
from platform_spec.loader import load_all
from release.promote import PromotionRefused, promote
from release.spec_edit import set_values
from tests.conftest import run_cli
from tests.fixtures.alertmanager.stub import Stub, alertmanager_stub, closed_port_url
from tests.fixtures.registry.stub import Registry, digest_of, registry_stub


@pytest.fixture()
def stub() -> Iterator[Stub]:
    with alertmanager_stub() as running:
        yield running


@pytest.fixture(autouse=True)
def registry(monkeypatch: pytest.MonkeyPatch) -> Iterator[Registry]:
    """The image registry the promotion resolves digests from (a stub on 127.0.0.1)."""
    with registry_stub() as running:
        monkeypatch.setenv("SESACTHON_REGISTRY_URL", running.base)
        yield running


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    """A throwaway Git repository with the tags v1.4.0, v1.5.0 and latest."""
    root = tmp_path / "repo"
    root.mkdir()
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.invalid", "PATH": "/usr/bin:/bin:/usr/local/bin"}
    for command in (["git", "init", "-q"], ["git", "commit", "-q", "--allow-empty", "-m", "init"],
                    ["git", "tag", "v1.4.0"], ["git", "tag", "v1.5.0"], ["git", "tag", "latest"]):
        subprocess.run(command, cwd=root, env=env, check=True, capture_output=True)
    return root


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(directory.iterdir())}


def _refused(directory: Path, check: str, **kwargs: object) -> PromotionRefused:
    before = _snapshot(directory)
    with pytest.raises(PromotionRefused) as refused:
        promote(directory=directory, timeout=2, **kwargs)  # type: ignore[arg-type]
    assert refused.value.check == check
    assert _snapshot(directory) == before, "a refused promotion must not change any file"
    return refused.value


def test_clean_promotion_staging_to_prod(environments_copy: Path, repo: Path, stub: Stub) -> None:
    before = _snapshot(environments_copy)
    done = promote("staging", "prod", None, directory=environments_copy, repo=repo,
                   alertmanager_url=stub.url("clean"))
    assert done.tag == "v1.4.0"  # default: the source's release tag
    assert done.changed
    before_spec = load_all()["prod"]
    digests = {w.name: digest_of(w.image.removeprefix("ghcr.io/"), "v1.4.0") for w in before_spec.workloads}
    assert done.edits == {
        "git.release_tag": ("v1.3.0", "v1.4.0"),
        "gitops.image_tag": ("v1.3.0", "v1.4.0"),
        "git.target_revision": ("v1.3.0", "v1.4.0"),
        **{f"gitops.image_digests.{name}": (before_spec.gitops.image_digests[name], digest)
           for name, digest in digests.items()},
    }
    after = _snapshot(environments_copy)
    assert {name for name in after if after[name] != before[name]} == {"prod.yaml"}
    old, new = before["prod.yaml"].decode().splitlines(), after["prod.yaml"].decode().splitlines()
    changed = [(a, b) for a, b in zip(old, new, strict=True) if a != b]
    assert changed == [
        ("  target_revision: v1.3.0", "  target_revision: v1.4.0"),
        ("  release_tag: v1.3.0", "  release_tag: v1.4.0"),
        ("  image_tag: v1.3.0", "  image_tag: v1.4.0"),
        *[(f"    {name}: {before_spec.gitops.image_digests[name]}", f"    {name}: {digest}")
          for name, digest in digests.items()],
    ]
    prod = load_all(environments_copy)["prod"]
    assert (prod.git.release_tag, prod.git.target_revision, prod.gitops.image_tag) == ("v1.4.0",) * 3
    assert prod.gitops.image_digests == digests


def test_promotion_with_a_firing_alert_is_refused(environments_copy: Path, repo: Path, stub: Stub) -> None:
    refused = _refused(environments_copy, "health", source="staging", target="prod", tag="v1.4.0", repo=repo,
                       alertmanager_url=stub.url("firing"))
    assert "PostgresqlDown" in refused.reason
    assert "BLOCKED" in refused.reason


def test_unreachable_alertmanager_is_refused(environments_copy: Path, repo: Path) -> None:
    refused = _refused(environments_copy, "health", source="staging", target="prod", tag="v1.4.0", repo=repo,
                       alertmanager_url=closed_port_url())
    assert "unreachable" in refused.reason


def test_dev_to_staging_with_an_explicit_tag(environments_copy: Path, repo: Path, stub: Stub) -> None:
    done = promote("dev", "staging", "v1.5.0", directory=environments_copy, repo=repo,
                   alertmanager_url=stub.url("warning"))  # dev blocks only on critical alerts
    staging = load_all(environments_copy)["staging"]
    assert done.changed
    assert (staging.git.release_tag, staging.git.target_revision, staging.gitops.image_tag) == ("v1.5.0",) * 3
    assert "# Staging:" in (environments_copy / "staging.yaml").read_text()  # comments survive


@pytest.mark.parametrize(
    ("source", "target", "message"),
    [
        ("dev", "prod", "'dev' promotes to 'staging', not 'prod'"),
        ("prod", "staging", "'prod' is the end of the chain"),
        ("staging", "dev", "'staging' promotes to 'prod', not 'dev'"),
        ("staging", "qa", "no environment 'qa'"),
    ],
)
def test_wrong_order_is_refused(
    environments_copy: Path, repo: Path, stub: Stub, source: str, target: str, message: str
) -> None:
    refused = _refused(environments_copy, "order", source=source, target=target, tag="v1.4.0", repo=repo,
                       alertmanager_url=stub.url("clean"))
    assert message in refused.reason
    if "chain" in message or "promotes" in message:
        assert "dev → staging → prod" in refused.reason
    assert stub.requests == []  # order is checked before the network


def test_missing_tag_is_refused(environments_copy: Path, repo: Path, stub: Stub) -> None:
    refused = _refused(environments_copy, "tag", source="staging", target="prod", tag="v9.9.9", repo=repo,
                       alertmanager_url=stub.url("clean"))
    assert "tag 'v9.9.9' does not exist in Git" in refused.reason
    assert stub.requests == []


def test_invalid_result_is_refused(environments_copy: Path, repo: Path, stub: Stub) -> None:
    refused = _refused(environments_copy, "spec", source="staging", target="prod", tag="latest", repo=repo,
                       alertmanager_url=stub.url("clean"))
    assert "image_tag 'latest' is not allowed" in refused.reason


def test_order_follows_the_specs_not_hard_coded_names(qa_spec: Path, repo: Path, stub: Stub) -> None:
    environments_copy = qa_spec
    qa = (environments_copy / "qa.yaml").read_text().replace("tier: staging\n", "tier: staging\npromotes_to: prod\n")
    (environments_copy / "qa.yaml").write_text(qa)
    staging = (environments_copy / "staging.yaml").read_text().replace("promotes_to: prod", "promotes_to: qa")
    (environments_copy / "staging.yaml").write_text(staging)
    assert describe(load_all(environments_copy)) == ["dev → staging → qa → prod"]
    _refused(environments_copy, "order", source="staging", target="prod", tag="v1.4.0", repo=repo,
             alertmanager_url=stub.url("clean"))
    done = promote("staging", "qa", "v1.5.0", directory=environments_copy, repo=repo,
                   alertmanager_url=stub.url("clean"))
    assert load_all(environments_copy)["qa"].gitops.image_tag == "v1.5.0"
    assert done.target == "qa"


def test_promoting_the_same_tag_again_changes_nothing(environments_copy: Path, repo: Path, stub: Stub) -> None:
    promote("staging", "prod", "v1.4.0", directory=environments_copy, repo=repo, alertmanager_url=stub.url("clean"))
    before = _snapshot(environments_copy)
    again = promote("staging", "prod", "v1.4.0", directory=environments_copy, repo=repo,
                    alertmanager_url=stub.url("clean"))
    assert not again.changed
    assert _snapshot(environments_copy) == before


def test_set_values_adds_missing_keys_and_keeps_layout() -> None:
    text = "# top\ngit:\n  refs: [develop]  # tracked\n  target_revision: develop\nz: {a: 1}\n"
    result = set_values(text, {("git", "release_tag"): "v1.0.0", ("z", "b"): "yes"})
    assert result == (
        "# top\ngit:\n  refs: [develop]  # tracked\n  target_revision: develop\n  release_tag: v1.0.0\n"
        'z: {a: 1, b: "yes"}\n'
    )
    assert yaml.safe_load(result)["z"]["b"] == "yes"


def test_cli_refusal_exits_non_zero_with_the_reason(environments_copy: Path) -> None:
    result = run_cli("promote", "dev", "prod", env={"SESACTHON_ENVIRONMENTS_DIR": str(environments_copy)})
    assert result.returncode == 4
    assert "promotion refused (order): 'dev' promotes to 'staging', not 'prod'" in result.stderr


def test_digests_are_recorded_next_to_the_tag_when_the_registry_answers(
        environments_copy: Path, repo: Path, stub: Stub, registry: Registry) -> None:
    promote("dev", "staging", "v1.5.0", directory=environments_copy, repo=repo, alertmanager_url=stub.url("clean"))
    staging = load_all(environments_copy)["staging"]
    assert staging.gitops.image_digests == {
        w.name: digest_of(w.image.removeprefix("ghcr.io/"), "v1.5.0") for w in staging.workloads}
    text = (environments_copy / "staging.yaml").read_text()
    assert "  image_tag: v1.5.0\n  image_digests:\n    ai-worker: sha256:" in text
    # the registry asked for a token first, then answered the digest with it (like ghcr.io)
    assert ("HEAD", "/v2/sesacthon/waste-api/manifests/v1.5.0", False) in registry.requests
    assert ("HEAD", "/v2/sesacthon/waste-api/manifests/v1.5.0", True) in registry.requests


def test_without_a_registry_answer_non_production_keeps_the_tag_only(
        environments_copy: Path, repo: Path, stub: Stub, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SESACTHON_REGISTRY_URL", closed_port_url())
    done = promote("dev", "staging", "v1.5.0", directory=environments_copy, repo=repo,
                   alertmanager_url=stub.url("clean"))
    assert load_all(environments_copy)["staging"].gitops.image_digests == {}
    assert len(done.unresolved) == len(load_all(environments_copy)["staging"].workloads)


def test_production_without_digests_is_refused(environments_copy: Path, repo: Path, stub: Stub,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SESACTHON_REGISTRY_URL", closed_port_url())
    refused = _refused(environments_copy, "digest", source="staging", target="prod", tag="v1.4.0", repo=repo,
                       alertmanager_url=stub.url("clean"))
    assert "prod deploys images by digest" in refused.reason
