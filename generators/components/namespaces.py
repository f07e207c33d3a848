"""Wave -1: the platform's namespaces (never pruned: deleting one would delete everything in it)."""

from __future__ import annotations

from collections.abc import Sequence

from generators.kustomize import KEEP, component_files, meta, shared_overlay
from generators.waves import Component, Files
from platform_spec.labels import PURPOSE_ANNOTATION
from platform_spec.model import EnvironmentSpec, Workload
from platform_spec.namespaces import NAMESPACES

NAME = "namespaces"


def base(workloads: Sequence[Workload]) -> Files:
    """One Namespace per entry of the namespace table."""
    return component_files(f"k8s/base/{NAME}", {
        f"{ns.name}.yaml": {
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": {**meta(ns.name), "annotations": {PURPOSE_ANNOTATION: ns.purpose, **KEEP}},
        }
        for ns in NAMESPACES
    })


def overlay(spec: EnvironmentSpec) -> Files:
    """The environment label only."""
    return shared_overlay(spec, NAME)


COMPONENT = Component(-1, NAME, "namespaces", "default", base=base, overlay=overlay)
