"""One snapshot file per generated GitOps file (base, every environment's overlay and ArgoCD files).

Snapshots live in ``__snapshots__/test_gitops_snapshots/`` named after the generated path (``/``
shown as ``~``), so a spec change shows up in review as a diff of exactly the files it touches.
Update with ``pytest tests/snapshots/test_gitops_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

import pytest
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from generators.gitops import render
from platform_spec.loader import DEFAULT_ENVIRONMENTS_DIR, load_all


class YamlSnapshot(SingleFileSnapshotExtension):
    """Each snapshot is the generated file's text, stored as a ``.yaml`` file."""

    _write_mode = WriteMode.TEXT
    file_extension = "yaml"


_SPECS = load_all(DEFAULT_ENVIRONMENTS_DIR)
FILES = render(_SPECS.values(), _SPECS.values())


@pytest.fixture()
def yaml_snapshot(snapshot):
    """The snapshot fixture with one text file per snapshot."""
    return snapshot.use_extension(YamlSnapshot)


@pytest.mark.parametrize("path", sorted(FILES), ids=lambda path: path.replace("/", "~"))
def test_gitops_file_matches_snapshot(path: str, yaml_snapshot) -> None:
    assert FILES[path] == yaml_snapshot


def test_every_environment_has_snapshots() -> None:
    for env in _SPECS:
        assert any(path.startswith(f"k8s/overlays/{env}/") for path in FILES)
        assert any(path.startswith(f"argocd/apps/{env}/") for path in FILES)
        assert f"argocd/projects/{env}-project.yaml" in FILES
