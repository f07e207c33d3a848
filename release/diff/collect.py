"""Collecting what an environment generates: its spec, both Terraform stacks, its GitOps files."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from generators import argocd, gitops
from platform_spec.model import EnvironmentSpec
from plumbing.paths import PROJECT_ROOT
from plumbing.yaml_io import dump
from release.diff.normalise import Environment, normaliser, prepare

SECTIONS = {
    "spec": "Spec (`environments/<env>.yaml`)",
    "terraform": "Terraform (`cdktf.out/stacks/<env>-bootstrap` and `<env>`)",
    "gitops": "GitOps (`k8s/overlays/<env>`, `argocd/`)",
}
Artifacts = dict[str, dict[str, Any]]
"""Section name -> {object: structure}."""


def spec_section(environment: Environment) -> dict[str, Any]:
    """The spec as plain data, one object per top-level field."""
    return prepare(environment.data)


def terraform_section(environment: Environment, stacks_dir: Path) -> dict[str, Any]:
    """Both stacks' Terraform JSON, keyed ``<stack>: <address>`` (stack = ``bootstrap`` or ``platform``)."""
    normalise = normaliser(environment)
    objects: dict[str, Any] = {}
    for label, stack in (("bootstrap", environment.bootstrap_stack), ("platform", environment.platform_stack)):
        path = stacks_dir / stack / "cdk.tf.json"
        if not path.is_file():
            raise FileNotFoundError(f"{path}: not synthesized; run `make synth ENV={environment.name}`")
        document = json.loads(path.read_text(encoding="utf-8"))
        for block in ("resource", "data", "ephemeral"):
            for kind, resources in sorted(document.get(block, {}).items()):
                prefix = "" if block == "resource" else f"{block}."
                for name, attributes in sorted(resources.items()):
                    objects[f"{label}: {prefix}{kind}.{name}"] = prepare(attributes, normalise)
        for name, attributes in sorted(document.get("output", {}).items()):
            objects[f"{label}: output.{name}"] = prepare(attributes, normalise)
        for name, attributes in sorted(document.get("provider", {}).items()):
            objects[f"{label}: provider.{name}"] = prepare(attributes, normalise)
        for key, attributes in sorted(document.get("terraform", {}).items()):
            objects[f"{label}: terraform.{key}"] = prepare(attributes, normalise)
    return objects


def gitops_files_on_disk(environment: Environment, root: Path = PROJECT_ROOT) -> dict[str, str]:
    """The environment's generated GitOps files on disk (overlay, ArgoCD apps and project)."""
    files: dict[str, str] = {}
    for directory in (f"k8s/overlays/{environment.name}", f"argocd/apps/{environment.name}"):
        base = root / directory
        if base.is_dir():
            for path in sorted(base.rglob("*")):
                if path.is_file() and path.suffix in (".yaml", ".yml"):
                    files[path.relative_to(root).as_posix()] = path.read_text(encoding="utf-8")
    projects = root / "argocd" / "projects"
    if projects.is_dir():
        for path in sorted(projects.glob(f"{environment.name}-*.y*ml")):
            files[path.relative_to(root).as_posix()] = path.read_text(encoding="utf-8")
    root_app = root / "argocd" / "root-app.yaml"
    if root_app.is_file():
        own = [doc for doc in yaml.safe_load_all(root_app.read_text(encoding="utf-8"))
               if isinstance(doc, dict) and doc.get("spec", {}).get("project") == environment.name]
        files["argocd/root-app.yaml"] = yaml.safe_dump_all(own, sort_keys=True)
    return files


def gitops_files(spec: EnvironmentSpec) -> dict[str, str]:
    """The environment's GitOps files, rendered in memory by the GitOps renderers."""
    files = {**gitops.overlay_files(spec), **argocd.environment_files(spec)}
    files["argocd/root-app.yaml"] = dump(argocd.root_application(spec))
    return dict(sorted(files.items()))


def gitops_section(environment: Environment, files: Mapping[str, str]) -> dict[str, Any]:
    """GitOps documents keyed ``<normalised path> <kind>/<name>``."""
    normalise = normaliser(environment)
    objects: dict[str, Any] = {}
    for path, text in sorted(files.items()):
        for index, document in enumerate(doc for doc in yaml.safe_load_all(text) if doc is not None):
            if isinstance(document, dict) and "kind" in document:
                metadata = document.get("metadata") or {}
                parts = (metadata.get("namespace"), metadata.get("name", index))
                name = "/".join(str(part) for part in parts if part not in (None, ""))
                key = f"{normalise(path)} {document['kind']}/{normalise(name)}"
            else:
                key = f"{normalise(path)} #{index}"
            objects[key] = prepare(document, normalise)
    return objects


def collect(environment: Environment, stacks_dir: Path, files: Mapping[str, str]) -> Artifacts:
    """Every section of one environment's generated artifacts."""
    return {
        "spec": spec_section(environment),
        "terraform": terraform_section(environment, stacks_dir),
        "gitops": gitops_section(environment, files),
    }


def collect_spec(spec: EnvironmentSpec, stacks_dir: Path) -> Artifacts:
    """Every section of a spec loaded by this code (its GitOps files rendered in memory)."""
    return collect(Environment.of(spec), stacks_dir, gitops_files(spec))


def synth_stacks(specs: Iterable[EnvironmentSpec], outdir: Path) -> Path:
    """Synthesize the environments' stacks into ``outdir`` (a private directory); return its ``stacks/``."""
    from stacks.synth import synth_to  # imported here: only synthesis pays for jsii

    synth_to(outdir, list(specs))
    return outdir / "stacks"
