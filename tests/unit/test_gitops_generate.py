"""GitOps generation: atomic write, ownership, staleness, validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from generators import argocd, gitops
from plumbing import manifests as validation
from plumbing import writer


def _tree(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes()
            for top in ("k8s", "argocd") for path in sorted((root / top).rglob("*")) if path.is_file()}


@pytest.fixture()
def generated(tmp_path: Path) -> Path:
    """A project root holding a freshly generated tree (no kubectl builds: fast, unit level)."""
    root = tmp_path / "project"
    root.mkdir()
    gitops.generate(root, "all", build=False)
    return root


def test_generation_writes_headers_everywhere(generated: Path) -> None:
    tree = _tree(generated)
    assert len(tree) > 100
    assert all(writer.MARKER.encode() in content.split(b"\n", 1)[0] for content in tree.values())


def test_second_run_changes_nothing(generated: Path) -> None:
    before = _tree(generated)
    result = gitops.generate(generated, "all", build=False)
    assert result.written == [] and result.removed == []
    assert _tree(generated) == before


def test_failed_validation_leaves_previous_files_byte_for_byte(generated: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    before = _tree(generated)
    original = argocd.sync_policy

    def broken(*args: object, **kwargs: object) -> dict:
        return {**original(*args, **kwargs), "notAField": True}  # rejected by the Application schema

    monkeypatch.setattr(argocd, "sync_policy", broken)
    with pytest.raises(writer.ValidationFailed, match="notAField"):
        gitops.generate(generated, "all", build=False)
    assert _tree(generated) == before
    assert not list(generated.glob(".generate-*"))


def test_hand_written_file_in_an_owned_directory_is_kept(generated: Path) -> None:
    notes = generated / "k8s" / "overlays" / "dev" / "NOTES.md"
    notes.write_text("hand-written\n")
    gitops.generate(generated, "all", build=False)
    assert notes.read_text() == "hand-written\n"


def test_hand_written_file_at_a_generated_path_is_never_overwritten(generated: Path) -> None:
    target = generated / "k8s" / "base" / "namespaces" / "apps.yaml"
    target.write_text("apiVersion: v1\nkind: Namespace\nmetadata: {name: apps}\n")
    before = _tree(generated)
    with pytest.raises(writer.OwnershipError, match=r"apps\.yaml"):
        gitops.generate(generated, "all", build=False)
    assert _tree(generated) == before


def test_stale_generated_files_are_removed(generated: Path) -> None:
    stale = generated / "k8s" / "overlays" / "dev" / "old-component" / "kustomization.yaml"
    stale.parent.mkdir()
    stale.write_text(writer.with_header("x.yaml", "resources: []\n"))
    result = gitops.generate(generated, "all", build=False)
    assert "k8s/overlays/dev/old-component/kustomization.yaml" in result.removed
    assert not stale.parent.exists()


def test_one_environment_leaves_the_others_untouched(generated: Path) -> None:
    prod = generated / "argocd" / "apps" / "prod" / "60-apis.yaml"
    prod.write_text(prod.read_text() + "# edited\n")
    gitops.generate(generated, "dev", build=False)
    assert prod.read_text().endswith("# edited\n")


def test_only_changed_overlays_are_rebuilt() -> None:
    overlays, argo = gitops.affected(["k8s/overlays/dev/apis/kustomization.yaml", "argocd/apps/dev/60-apis.yaml"],
                                     ["dev", "staging", "prod"])
    assert overlays == ["dev"] and argo == ["argocd/apps/dev/60-apis.yaml"]
    assert gitops.affected(["k8s/base/apis/waste/deployment.yaml"], ["dev", "prod"])[0] == ["dev", "prod"]
    assert gitops.affected([], ["dev"]) == ([], [])



# --- the validator itself -----------------------------------------------------------------
def test_strict_validation_catches_unknown_fields_and_reports_every_error() -> None:
    deployment = {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "x", "bogus": 1},
        "spec": {"selector": {}, "template": {"spec": {"containers": [{"name": "x", "imagee": "y"}]}}},
    }
    problems = validation.document_problems(deployment)
    assert len(problems) >= 2
    assert any("bogus" in p for p in problems) and any("imagee" in p for p in problems)


def test_custom_resources_validate_against_the_vendored_schemas() -> None:
    store = {"apiVersion": "external-secrets.io/v1", "kind": "ClusterSecretStore", "metadata": {"name": "s"},
             "spec": {"provider": {"aws": {"service": "ParameterStore"}}}}
    assert any("region" in p for p in validation.document_problems(store))
    old = {**store, "apiVersion": "external-secrets.io/v1beta1"}
    assert any("no schema" in p for p in validation.document_problems(old))


def test_a_kind_without_a_schema_is_an_error() -> None:
    problems = validation.document_problems({"apiVersion": "acid.zalan.do/v1", "kind": "postgresql",
                                             "metadata": {"name": "db"}})
    assert problems and "no schema" in problems[0]


def test_without_kubectl_the_generator_still_writes_and_warns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(validation.shutil, "which", lambda name: None)
    result = gitops.generate(tmp_path, "all")
    assert len(result.written) > 100
    assert "kubectl is not installed" in capsys.readouterr().err
    with pytest.raises(validation.KustomizeMissing):
        validation.kustomize_build(tmp_path / "k8s" / "overlays" / "dev")


def test_manifests_are_validated_against_the_clusters_kubernetes_release(specs: dict) -> None:
    """The core-kind schemas are those of the release the clusters run (kubespray installs kube_version)."""
    minors = {".".join(spec.cluster.kube_version.split(".")[:2]) for spec in specs.values()}
    assert minors == {validation.KUBERNETES_VERSION}, "validate each overlay against its own release first"
