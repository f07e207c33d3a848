"""Validation of generated GitOps files with the real tools, shared by the generator and tests.

* core kinds: the strict JSON schemas bundled with ``kubernetes-validate`` (unknown fields are
  errors), compiled once per kind and cached (its Python API reloads them on every call);
* custom resources: the vendored CRD schemas in ``plumbing/schemas/`` (MIT, datreeio/CRDs-catalog),
  compiled ``Draft7Validator``s, cached;
* a document of a kind with no schema is an error, never a warning;
* overlays are built with ``kubectl kustomize`` (in parallel) before their output is validated.

Every error of a document is reported, not only the first.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from plumbing.yaml_io import load_all

if TYPE_CHECKING:  # jsonschema is imported lazily: its import overlaps the kustomize builds
    from jsonschema.protocols import Validator

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
"""Vendored CRD schemas (MIT, datreeio/CRDs-catalog), shipped with the code."""
KUBERNETES_VERSION = "1.33"
"""Kubernetes minor version the core kinds are validated against: the clusters' (every environment's
``cluster.kube_version``; a test keeps them equal)."""


class ValidationError(Exception):
    """One or more documents failed validation; the message lists every problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class KustomizeMissing(RuntimeError):
    """``kubectl`` is not installed."""


# --- schemas ----------------------------------------------------------------------------------
@cache
def _core_schema_dir() -> Path:
    """kubernetes-validate's strict schemas of the newest version not above KUBERNETES_VERSION
    (located without importing the package, which would cost more than the lookup)."""
    package = importlib.util.find_spec("kubernetes_validate")
    if package is None or not package.submodule_search_locations:
        raise RuntimeError("kubernetes-validate is not installed (it ships the core Kubernetes schemas)")
    base = Path(next(iter(package.submodule_search_locations))) / "kubernetes-json-schema"
    wanted = tuple(int(part) for part in KUBERNETES_VERSION.split("."))
    found = []
    for directory in base.iterdir():
        match = re.fullmatch(r"v(\d+)\.(\d+)\.(\d+)-local-strict", directory.name)
        if match and (int(match[1]), int(match[2])) <= wanted:
            found.append(((int(match[1]), int(match[2]), int(match[3])), directory))
    return max(found)[1]


@cache
def _core_registry() -> Any:
    from referencing import Registry, Resource

    definitions = json.loads((_core_schema_dir() / "_definitions.json").read_text())
    return Resource.from_contents(definitions) @ Registry()


@cache
def _core_validator(api_version: str, kind: str) -> Validator | None:
    group_version = api_version.split("/")
    if len(group_version) == 2:
        group = group_version[0].split(".")[0]
        suffix = f"{group}-{group_version[1]}"
    else:
        suffix = group_version[0]
    path = _core_schema_dir() / f"{kind.lower()}-{suffix}.json"
    if not path.is_file():
        return None
    import jsonschema
    from referencing import Resource

    schema = json.loads(path.read_text())
    registry = Resource.from_contents(schema) @ _core_registry()
    return jsonschema.Draft202012Validator(schema, registry=registry)


def load_schema(relative: str) -> dict[str, Any]:
    """A JSON schema shipped in ``plumbing/schemas`` (e.g. ``atlantis/repo-config_v3.json``)."""
    loaded: dict[str, Any] = json.loads((SCHEMA_DIR / relative).read_text(encoding="utf-8"))
    return loaded


@cache
def _crd_validator(api_version: str, kind: str) -> Validator | None:
    if "/" not in api_version:
        return None
    group, version = api_version.split("/")
    path = SCHEMA_DIR / group / f"{kind.lower()}_{version}.json"
    if not path.is_file():
        return None
    import jsonschema

    schema = json.loads(path.read_text())
    return jsonschema.Draft7Validator(schema)


def validator_for(document: dict[str, Any]) -> Validator | None:
    """The compiled schema validator of a document's kind (CRD schema first), or ``None``."""
    api_version, kind = str(document.get("apiVersion", "")), str(document.get("kind", ""))
    return _crd_validator(api_version, kind) or _core_validator(api_version, kind)


def document_problems(document: dict[str, Any], where: str = "") -> list[str]:
    """Every schema error of one document; a kind without a schema is itself an error."""
    kind, api_version = document.get("kind"), document.get("apiVersion")
    name = (document.get("metadata") or {}).get("name", "?")
    label = f"{where}{': ' if where else ''}{kind}/{name}"
    if not kind or not api_version:
        return [f"{label}: missing apiVersion or kind"]
    validator = validator_for(document)
    if validator is None:
        return [f"{label}: no schema for {api_version} {kind} (vendor one into plumbing/schemas/)"]
    problems = []
    for error in sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.absolute_path))):
        path = ".".join(str(part) for part in error.absolute_path) or "(root)"
        problems.append(f"{label}: {path}: {error.message}")
    return problems


def documents(text: str) -> list[dict[str, Any]]:
    """The non-empty YAML documents of a text."""
    return load_all(text)


def validate_documents(items: Iterable[tuple[str, dict[str, Any]]]) -> None:
    """Validate ``(where, document)`` pairs; raise ``ValidationError`` listing every problem."""
    problems = [problem for where, document in items for problem in document_problems(document, where)]
    if problems:
        raise ValidationError(problems)


# --- kustomize --------------------------------------------------------------------------------
def kubectl() -> str:
    """Path of ``kubectl``; ``KustomizeMissing`` when it is not installed."""
    found = shutil.which("kubectl")
    if found is None:
        raise KustomizeMissing("kubectl is not installed: `kubectl kustomize` cannot build the overlays")
    return found


def _start_build(directory: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [kubectl(), "kustomize", str(directory)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _finish_build(directory: Path, process: subprocess.Popen[str]) -> str:
    stdout, stderr = process.communicate()
    if process.returncode != 0:
        raise ValidationError([f"kubectl kustomize {directory}: {stderr.strip()}"])
    return stdout


def kustomize_build(directory: Path) -> str:
    """``kubectl kustomize <directory>``; raises ``ValidationError`` with kustomize's message."""
    return _finish_build(directory, _start_build(directory))


def build_all(directories: Iterable[Path]) -> dict[Path, str]:
    """Build several kustomizations in parallel (one ``kubectl`` process each)."""
    started = [(directory, _start_build(directory)) for directory in directories]
    return {directory: _finish_build(directory, process) for directory, process in started}


def _yaml_files(directory: Path) -> Iterator[Path]:
    yield from sorted(directory.rglob("*.yaml")) if directory.is_dir() else iter(())


def validate_tree(
    root: Path,
    environments: Iterable[str],
    build: bool = True,
    argocd_files: Iterable[str] | None = None,
) -> int:
    """Validate the GitOps tree under ``root``: ArgoCD files, then (``build``) every built overlay.

    ``environments`` are the overlays to build (``kubectl kustomize``, in parallel, while the
    ArgoCD files are validated); ``argocd_files`` limits the ArgoCD files checked (default: all).
    Returns the number of documents validated. ``KustomizeMissing`` propagates when ``build``.
    """
    builds = []
    if build:
        builds = [(directory, _start_build(directory)) for directory in
                  (root / "k8s" / "overlays" / env for env in environments)]
    if argocd_files is None:
        paths = list(_yaml_files(root / "argocd"))
    else:
        paths = [root / relative for relative in sorted(argocd_files) if (root / relative).is_file()]
    problems: list[str] = []
    count = 0
    for path in paths:
        for document in documents(path.read_text()):
            problems += document_problems(document, path.relative_to(root).as_posix())
            count += 1
    for directory, process in builds:
        where = directory.relative_to(root).as_posix()
        for document in documents(_finish_build(directory, process)):
            problems += document_problems(document, where)
            count += 1
    if problems:
        raise ValidationError(problems)
    return count
