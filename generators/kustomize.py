"""Kustomize building blocks shared by the components: metadata, kustomizations, overlays.

A generated component has ``k8s/base/<name>/`` (what every environment shares) and
``k8s/overlays/<env>/<name>/`` (only the environment's deltas over the base, plus the
environment label). ``k8s/overlays/<env>/kustomization.yaml`` aggregates an environment's
components so a whole environment builds with one ``kubectl kustomize`` (review and validation;
Argo CD reads one component path per Application).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from generators.waves import Doc, Files
from platform_spec.labels import ENV_LABEL, PART_OF
from platform_spec.model import EnvironmentSpec
from plumbing.yaml_io import dump, dump_all

Documents = dict[str, Doc | list[Doc]]
"""File name → one document, or several in one file."""

KEEP = {"argocd.argoproj.io/sync-options": "Prune=false,Delete=false"}
"""Never prune or delete on Application removal (namespaces, Argo CD's own config)."""


def meta(name: str, namespace: str | None = None, **labels: str) -> Doc:
    """``metadata`` with the platform's part-of label plus ``labels``."""
    document: Doc = {"name": name}
    if namespace:
        document["namespace"] = namespace
    document["labels"] = {**PART_OF, **labels}
    return document


def kustomization(resources: Iterable[str], **extra: Any) -> str:
    """A ``kustomization.yaml`` listing ``resources`` plus any non-empty ``extra`` fields."""
    document: Doc = {"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization"}
    document["resources"] = list(resources)
    document.update({key: value for key, value in extra.items() if value})
    return dump(document)


def component_files(directory: str, documents: Documents, **extra: Any) -> Files:
    """A directory with one file per entry plus its kustomization listing them."""
    files = {f"{directory}/{name}": dump_all(doc) if isinstance(doc, list) else dump(doc)
             for name, doc in documents.items()}
    files[f"{directory}/kustomization.yaml"] = kustomization(sorted(documents), **extra)
    return files


def env_labels(spec: EnvironmentSpec) -> list[Doc]:
    """Kustomize ``labels`` adding the environment label to every object and pod template."""
    return [{"pairs": {ENV_LABEL: spec.name}, "includeSelectors": False, "includeTemplates": True}]


def shared_overlay(
    spec: EnvironmentSpec,
    component: str,
    files: Files | None = None,
    resources: Iterable[str] = (),
    patches: Iterable[Doc] = (),
) -> Files:
    """Overlay of a component whose base is shared: the base, the env label and the given deltas.

    ``files`` are named relative to the overlay directory; ``resources`` are added after the base.
    """
    directory = f"k8s/overlays/{spec.name}/{component}"
    rendered = {f"{directory}/{name}": content for name, content in (files or {}).items()}
    rendered[f"{directory}/kustomization.yaml"] = kustomization(
        ["../../../base/" + component, *resources], labels=env_labels(spec), patches=list(patches)
    )
    return rendered


def inline_patch(target: Doc, operations: list[Doc]) -> Doc:
    """An inline JSON 6902 patch (``patches`` entry of a kustomization) of the objects ``target`` selects."""
    return {"target": target, "patch": dump(operations)}
