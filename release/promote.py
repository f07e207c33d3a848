"""Promotion of a release tag along the spec's chain (``make promote FROM=dev TO=staging TAG=v1.4.0``).

A promotion edits ``environments/<TO>.yaml`` (``git.release_tag``, ``git.target_revision`` when the
environment tracks its release tag, ``gitops.image_tag``) with a minimal in-place edit that keeps
every comment and the formatting, after four checks that each refuse with the reason:

1. order — ``FROM.promotes_to`` must be ``TO`` (the chain comes from the specs, e.g. dev → staging → prod);
2. tag — the tag must exist in Git (``git rev-parse -q --verify refs/tags/<TAG>``);
3. health — the FROM environment's Alertmanager must be clean (see ``release.health_gate``);
4. digests — each workload's image at the tag is resolved to a digest through the registry
   (``release.image_digests``) and recorded next to the tag (``gitops.image_digests``); a production target
   needs every digest (its admission policy admits images by digest only), and a digest the promotion
   cannot renew is never left pinning the previous image (refused);
5. validity — the edited spec set must load (checked on a temporary copy of ``environments/``).

Only then is the file replaced (atomically); a refusal leaves every file byte-for-byte unchanged.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platform_spec import chain
from platform_spec.loader import SpecError, environments_dir, load_all
from platform_spec.model import EnvironmentSpec
from plumbing.paths import PROJECT_ROOT
from release import diff, health_gate, image_digests, spec_edit
from release.diff import DiffReport


class PromotionRefused(Exception):
    """The promotion was refused; ``reason`` says why. Nothing was written."""

    def __init__(self, check: str, reason: str) -> None:
        self.check = check
        self.reason = reason
        super().__init__(f"promotion refused ({check}): {reason}")


@dataclass
class Promotion:
    """What a promotion did (or would do)."""

    source: str
    target: str
    tag: str
    path: Path
    changed: bool
    edits: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    gate: health_gate.GateResult | None = None
    unresolved: list[str] = field(default_factory=list)
    """Why a digest could not be recorded (one line per workload)."""


# --- checks ------------------------------------------------------------------------------------


def check_order(specs: dict[str, EnvironmentSpec], source: str, target: str) -> None:
    """Refuse unless ``source`` promotes directly to ``target``."""
    for name in (source, target):
        if name not in specs:
            raise PromotionRefused("order", f"no environment '{name}' (known: {', '.join(sorted(specs))})")
    follows = specs[source].promotes_to
    if follows != target:
        where = f"'{source}' promotes to '{follows}'" if follows else f"'{source}' is the end of the chain"
        raise PromotionRefused(
            "order", f"{where}, not '{target}' (promotion order: {'; '.join(chain.describe(specs)) or 'none defined'})"
        )


def tag_exists(tag: str, repo: Path = PROJECT_ROOT) -> bool:
    """Whether ``refs/tags/<tag>`` exists in the Git repository at ``repo``."""
    result = subprocess.run(
        ["git", "rev-parse", "-q", "--verify", f"refs/tags/{tag}"],
        cwd=repo, capture_output=True, text=True, check=False,
    )
    return result.returncode == 0


def check_tag(tag: str, repo: Path) -> None:
    """Refuse unless the tag exists in Git."""
    if not tag_exists(tag, repo):
        raise PromotionRefused("tag", f"tag '{tag}' does not exist in Git at {repo} (create it or `git fetch --tags`)")


# --- the promotion -----------------------------------------------------------------------------


def planned_updates(source: EnvironmentSpec, target: EnvironmentSpec, tag: str,
                    digests: dict[str, str] | None = None) -> dict[tuple[str, ...], str]:
    """The fields of the target spec a promotion sets (the resolved digests next to the tag)."""
    updates = {("git", "release_tag"): tag, ("gitops", "image_tag"): tag}
    tracks_tag = target.git.release_tag is not None and target.git.target_revision == target.git.release_tag
    if tracks_tag:
        updates[("git", "target_revision")] = tag
    for workload, digest in sorted((digests or {}).items()):
        updates[("gitops", "image_digests", workload)] = digest
    return updates


def resolve_digests(target: EnvironmentSpec, tag: str, timeout: float) -> tuple[dict[str, str], list[str]]:
    """Digest of every workload image of ``target`` at ``tag``; refuses where a digest is required or stale."""
    digests: dict[str, str] = {}
    unresolved: list[str] = []
    for workload in target.workloads:
        digest, reason = image_digests.resolve(workload.image, tag, timeout)
        if digest:
            digests[workload.name] = digest
        else:
            unresolved.append(f"{workload.name}: {reason}")
    if unresolved and target.tier == "production":
        raise PromotionRefused("digest",
                               f"{target.name} deploys images by digest; unresolved: " + "; ".join(unresolved))
    stale = [line for line in unresolved if line.split(":", 1)[0] in target.gitops.image_digests]
    if stale:
        raise PromotionRefused("digest", "a recorded digest would keep pinning the previous image: " + "; ".join(stale))
    return digests, unresolved


def promote(
    source: str,
    target: str,
    tag: str | None = None,
    *,
    directory: Path | None = None,
    repo: Path = PROJECT_ROOT,
    alertmanager_url: str | None = None,
    timeout: float = 5.0,
    on_written: Callable[[Promotion], None] | None = None,
) -> Promotion:
    """Promote ``tag`` (default: the source's release tag, else its image tag) from ``source`` to ``target``.

    Raises ``PromotionRefused`` (nothing written) when a check fails. ``on_written`` runs after the
    spec file was replaced (e.g. to regenerate the artifacts).
    """
    directory = directory or environments_dir()
    try:
        specs = load_all(directory)
    except SpecError as error:
        raise PromotionRefused("spec", "; ".join(error.problems)) from None
    check_order(specs, source, target)
    from_spec, to_spec = specs[source], specs[target]
    tag = tag or from_spec.git.release_tag or from_spec.gitops.image_tag
    check_tag(tag, repo)
    gate = health_gate.check(from_spec, alertmanager_url, timeout=timeout)
    if not gate.ok:
        raise PromotionRefused("health", gate.describe())

    digests, unresolved = resolve_digests(to_spec, tag, timeout)
    path = directory / f"{target}.yaml"
    with path.open(encoding="utf-8", newline="") as stream:  # keep CRLF line endings as they are
        original = stream.read()
    updates = planned_updates(from_spec, to_spec, tag, digests)
    try:
        edited = spec_edit.set_values(original, updates, after={("gitops", "image_digests"): "image_tag"})
    except ValueError as error:
        raise PromotionRefused("spec", f"{path.name}: {error}") from None
    _validate_copy(directory, path.name, edited)
    before = {".".join(key): _get(to_spec, key) for key in updates}
    promotion = Promotion(source, target, tag, path, edited != original, gate=gate, unresolved=unresolved)
    promotion.edits = {key: (before[key], value) for key, value in ((".".join(k), v) for k, v in updates.items())
                       if before[key] != value}
    if not promotion.changed:
        return promotion
    _replace(path, edited)
    if on_written is not None:
        on_written(promotion)
    return promotion


def _get(spec: EnvironmentSpec, path: tuple[str, ...]) -> Any:
    value: Any = spec
    for part in path:
        value = value.get(part) if isinstance(value, dict) else getattr(value, part)
    return value


def _validate_copy(directory: Path, filename: str, text: str) -> None:
    with tempfile.TemporaryDirectory(prefix="promote-") as scratch:
        copy = Path(scratch) / "environments"
        shutil.copytree(directory, copy)
        (copy / filename).write_bytes(text.encode("utf-8"))
        try:
            load_all(copy)
        except SpecError as error:
            raise PromotionRefused("spec", "the promoted spec is invalid: " + "; ".join(error.problems)) from None


def _replace(path: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.chmod(temporary, path.stat().st_mode & 0o777)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def report(promotion: Promotion, before: EnvironmentSpec, after: EnvironmentSpec) -> DiffReport:
    """What the promotion changed in the target's generated artifacts (both sides synthesized)."""
    with tempfile.TemporaryDirectory(prefix="promote-diff-") as scratch:
        old = diff.collect_spec(before, diff.synth_stacks([before], Path(scratch) / "before"))
        new = diff.collect_spec(after, diff.synth_stacks([after], Path(scratch) / "after"))
    return diff.DiffReport(
        diff.Environment.of(before), diff.Environment.of(after), diff.compare(old, new),
        title=f"Promotion {promotion.source} → {promotion.target}: {promotion.tag}",
    )


def report_markdown(promotion: Promotion, changes: DiffReport) -> str:
    """The promotion report for the pull request (``reports/promote-<from>-<to>.md``)."""
    return diff.to_markdown(
        changes, label_a="before", label_b="after",
        intro=f"`make promote FROM={promotion.source} TO={promotion.target} TAG={promotion.tag}` changes these "
        f"generated artifacts of `{promotion.target}` (health gate of `{promotion.source}`: clean).",
    )


def report_path(promotion: Promotion) -> str:
    """Where the promotion report is written."""
    return f"reports/promote-{promotion.source}-{promotion.target}.md"
