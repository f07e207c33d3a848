"""GitOps files: render ``k8s/`` and ``argocd/`` from the specs, validate, swap in.

The wave plan's components (``generators/components``) and ``argocd`` produce
``{relative_path: content}``; this module collects them and hands them to ``writer.write_tree``,
whose validate hook builds every overlay with ``kubectl kustomize`` and checks every document
against a real schema before anything on disk changes. Never imports cdktf, jsii or ``stacks``.

Ownership: ``k8s/base`` is shared by every environment and ``argocd/root-app.yaml`` and the
ApplicationSet list every environment, so they are always rendered from all specs;
``k8s/overlays/<env>``, ``argocd/apps/<env>`` and ``argocd/projects/<env>-project.yaml`` are
owned per environment, so selecting ``dev`` leaves the other environments' files untouched.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

from generators import argocd
from generators.components import PLAN, generated, generated_for
from generators.components.workloads import workloads_union
from generators.kustomize import kustomization
from generators.waves import Files, plan_problems
from platform_spec.loader import load_all
from platform_spec.model import EnvironmentSpec
from platform_spec.selection import select
from plumbing import manifests, writer
from plumbing.paths import PROJECT_ROOT


def base_files(specs: Iterable[EnvironmentSpec]) -> Files:
    """``k8s/base/...`` of every generated component (workloads are the union of the environments')."""
    workloads = list(workloads_union(specs).values())
    files: Files = {}
    for component in generated():
        assert component.base is not None
        files.update(component.base(workloads))
    return files


def overlay_files(spec: EnvironmentSpec) -> Files:
    """``k8s/overlays/<env>/...``: one directory per generated component, plus the aggregate."""
    files: Files = {}
    components = generated_for(spec)
    for component in components:
        assert component.overlay is not None
        files.update(component.overlay(spec))
    files[f"k8s/overlays/{spec.name}/kustomization.yaml"] = kustomization(c.name for c in components)
    return files


def render(all_specs: Iterable[EnvironmentSpec], chosen: Iterable[EnvironmentSpec]) -> Files:
    """Every GitOps file for ``chosen`` plus the shared files (base, root app, ApplicationSet)."""
    everything = list(all_specs)
    problems = plan_problems(PLAN)
    if problems:
        raise ValueError("wave plan: " + "; ".join(problems))
    files = base_files(everything)
    files.update(argocd.shared_files(everything))
    for spec in chosen:
        files.update(overlay_files(spec))
        files.update(argocd.environment_files(spec))
    return files


def owned_dirs(chosen: Iterable[EnvironmentSpec], everything: bool = False) -> list[str]:
    """Directories whose stale generated files this run may remove (all of k8s/ and argocd/ when
    every environment is rendered, so a deleted environment's files go too)."""
    if everything:
        return ["argocd", "k8s"]
    dirs = ["k8s/base", "argocd/applicationsets"]
    for spec in chosen:
        dirs += [f"k8s/overlays/{spec.name}", f"argocd/apps/{spec.name}"]
    return dirs


def affected(changed: Iterable[str], environments: Iterable[str]) -> tuple[list[str], list[str]]:
    """Overlays to build and ArgoCD files to check for a set of changed paths.

    A change under ``k8s/base`` affects every environment; a change under
    ``k8s/overlays/<env>`` affects that one. Unchanged files were validated when written.
    """
    paths = list(changed)
    names = list(environments)
    if any(path.startswith("k8s/base/") for path in paths):
        overlays = names
    else:
        overlays = [env for env in names if any(path.startswith(f"k8s/overlays/{env}/") for path in paths)]
    return overlays, [path for path in paths if path.startswith("argocd/")]


def generate(
    root: Path = PROJECT_ROOT,
    env: str = "all",
    build: bool = True,
    environments_dir: Path | None = None,
    full: bool = False,
) -> writer.WriteResult:
    """Render, validate in a temporary copy and swap in; the previous files survive any failure.

    Validation covers what changes (``full``: everything): the overlays whose inputs change are
    built with ``kubectl kustomize`` and every built document and changed ArgoCD file is checked
    against its schema. Without kubectl, overlays are not built (a warning; ``make test`` fails).
    """
    specs = load_all(environments_dir)
    chosen = select(env, specs)
    files = render(specs.values(), chosen)
    names = [spec.name for spec in chosen]
    owned = owned_dirs(chosen, len(chosen) == len(specs))
    if full:
        overlays, argocd_files = names, None
    else:
        pending = writer.pending_changes(root, files, owned)
        if not pending:  # every file already has these exact bytes (header included): nothing to do
            return writer.WriteResult(unchanged=sorted(files))
        overlays, argocd_files = affected(pending, names)

    def check(staging: Path) -> None:
        try:
            manifests.validate_tree(staging, overlays, build=build, argocd_files=argocd_files)
        except manifests.KustomizeMissing as error:
            print(f"warning: {error}; overlays not built (make test builds them)", file=sys.stderr)
            manifests.validate_tree(staging, overlays, build=False, argocd_files=argocd_files)

    root.mkdir(parents=True, exist_ok=True)
    return writer.write_tree(root, files, owned, validate=check)
