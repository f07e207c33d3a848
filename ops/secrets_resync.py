"""Resynchronise an environment's ExternalSecrets after a parameter under ``/<project>/<env>/`` changed.

The seed's operations step ("when a parameter changes, resynchronise ExternalSecrets") as a command.
External Secrets refreshes an ExternalSecret whenever its annotations change; its FAQ's way is
``kubectl annotate es my-es force-sync=$(date +%s) --overwrite`` (external-secrets.io, "FAQ: Can I
manually trigger a secret refresh?"). The ExternalSecrets are the ones this environment's GitOps tree
declares (rendered from the spec, not listed from the cluster), optionally only those reading one
parameter. ``--dry-run`` runs the same annotation with ``kubectl annotate --local`` on the rendered
documents and prints the result; nothing is sent to a cluster.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generators.components import data_secrets
from ops.errors import OpsError
from platform_spec.model import EnvironmentSpec
from plumbing.exit_codes import ExitCode
from plumbing.yaml_io import dump_all, load_all

FORCE_SYNC_ANNOTATION = "force-sync"
RESOURCE = "externalsecrets.external-secrets.io"


@dataclass(frozen=True)
class Target:
    """One ExternalSecret of the environment and the parameters it reads (relative to the SSM root)."""

    namespace: str
    name: str
    parameters: tuple[str, ...]
    document: dict[str, Any]


def external_secrets(spec: EnvironmentSpec) -> list[dict[str, Any]]:
    """Every ExternalSecret the environment's tree declares (data stores, then each workload's)."""
    documents: list[dict[str, Any]] = []
    for text in data_secrets.base(spec.workloads).values():
        documents += [doc for doc in load_all(text) if doc.get("kind") == "ExternalSecret"]
    for workload in spec.workloads:
        secret = data_secrets.workload_secret(workload)
        if secret is not None:
            documents.append(secret)
    return documents


def targets(spec: EnvironmentSpec, parameter: str | None = None) -> list[Target]:
    """The ExternalSecrets to refresh: all, or those reading ``parameter`` (relative or absolute path)."""
    wanted = parameter.removeprefix(f"{spec.ssm_root}/").lstrip("/") if parameter else None
    found = []
    for document in external_secrets(spec):
        keys = tuple(item["remoteRef"]["key"] for item in document["spec"].get("data", []))
        if wanted is None or wanted in keys:
            meta = document["metadata"]
            found.append(Target(meta["namespace"], meta["name"], keys, document))
    if not found:
        known = sorted({key for target in targets(spec) for key in target.parameters}) if wanted else []
        raise OpsError(f"no ExternalSecret of {spec.name} reads '{parameter}' (parameters read: {', '.join(known)})",
                       ExitCode.INVALID)
    return found


def annotation(stamp: str) -> str:
    """The ``force-sync=<stamp>`` argument (any new value triggers a refresh)."""
    return f"{FORCE_SYNC_ANNOTATION}={stamp}"


def cluster_commands(chosen: Sequence[Target], stamp: str, context: str | None = None) -> list[list[str]]:
    """One ``kubectl annotate`` per namespace, naming the ExternalSecrets."""
    base = ["kubectl", *(["--context", context] if context else []), "annotate", "--overwrite"]
    by_namespace: dict[str, list[str]] = {}
    for target in chosen:
        by_namespace.setdefault(target.namespace, []).append(target.name)
    return [[*base, "-n", namespace, RESOURCE, *names, annotation(stamp)] for namespace, names in by_namespace.items()]


def local_command(path: Path, stamp: str) -> list[str]:
    """The same annotation applied offline to rendered documents (``--local``, output as YAML)."""
    return ["kubectl", "annotate", "--local", "--overwrite", "-f", str(path), annotation(stamp), "-o", "yaml"]


def _kubectl() -> None:
    if shutil.which("kubectl") is None:
        raise OpsError("kubectl is not installed: it annotates the ExternalSecrets")


def resync(spec: EnvironmentSpec, stamp: str, parameter: str | None = None, context: str | None = None,
           dry_run: bool = False) -> tuple[list[Target], str]:
    """Annotate the environment's ExternalSecrets (or, ``dry_run``, show the annotated documents)."""
    chosen = targets(spec, parameter)
    _kubectl()
    if dry_run:
        with tempfile.TemporaryDirectory(prefix="resync-") as scratch:
            path = Path(scratch) / "externalsecrets.yaml"
            path.write_text(dump_all(target.document for target in chosen), encoding="utf-8")
            result = subprocess.run(local_command(path, stamp), capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise OpsError(f"kubectl annotate --local failed: {result.stderr.strip()}")
        return chosen, result.stdout
    output = []
    for command in cluster_commands(chosen, stamp, context):
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise OpsError(f"{' '.join(command[:6])} …: {result.stderr.strip()}")
        output.append(result.stdout)
    return chosen, "".join(output)
