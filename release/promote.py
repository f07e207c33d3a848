"""Promotion of a release tag along the spec's chain (``make promote FROM=dev TO=staging TAG=v1.4.0``).

A promotion edits ``environments/<TO>.yaml`` (``git.release_tag``, ``git.target_revision`` when the
environment tracks its release tag, ``gitops.image_tag``) with a minimal in-place edit that keeps
every comment and the formatting, after four checks that each refuse with the reason:

1. order — ``FROM.promotes_to`` must be ``TO`` (the chain comes from the specs, e.g. dev → staging → prod);
2. tag — the tag must exist in Git (``git rev-parse -q --verify refs/tags/<TAG>``);
3. health — the FROM environment's Alertmanager must be clean (see ``release.health_gate``);
4. validity — the edited spec set must load (checked on a temporary copy of ``environments/``).

Only then is the file replaced (atomically); a refusal leaves every file byte-for-byte unchanged.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from platform_spec.loader import SpecError, environments_dir, load_all
from platform_spec.model import EnvironmentSpec
from plumbing.paths import PROJECT_ROOT
from release import health_gate


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


# --- minimal YAML edits ------------------------------------------------------------------------


def _scalar(value: str) -> str:
    """``value`` as a YAML scalar that reads back as the same string (plain when possible)."""
    try:
        if yaml.safe_load(value) == value and "#" not in value and ": " not in value:
            return value
    except yaml.YAMLError:
        pass
    return json.dumps(value)


def _find(node: yaml.Node, path: tuple[str, ...]) -> tuple[yaml.MappingNode, yaml.Node | None]:
    """The mapping holding ``path[-1]`` and the value node (``None`` when the key is missing)."""
    current = node
    for depth, key in enumerate(path):
        if not isinstance(current, yaml.MappingNode):
            raise ValueError(f"{'.'.join(path[:depth])}: expected a mapping")
        found = next((value for k, value in current.value if k.value == key), None)
        if depth == len(path) - 1:
            return current, found
        if found is None:
            raise ValueError(f"{'.'.join(path[: depth + 1])}: missing in the spec")
        current = found
    raise ValueError("empty path")


def set_values(text: str, updates: dict[tuple[str, ...], str]) -> str:
    """Set string values in a YAML document by editing only their characters; comments and layout stay.

    A missing key is added to its block mapping, on a new line after the mapping's last entry.
    The result is checked: it must parse to the original data with exactly these updates.
    """
    edits: list[tuple[int, int, str]] = []
    for path, value in updates.items():
        mapping, node = _find(yaml.compose(text), path)
        if node is not None:
            if not isinstance(node, yaml.ScalarNode):
                raise ValueError(f"{'.'.join(path)}: expected a scalar value")
            edits.append((node.start_mark.index, node.end_mark.index, _scalar(value)))
        elif mapping.flow_style:
            end = mapping.end_mark.index - 1  # just before the closing brace
            edits.append((end, end, f", {path[-1]}: {_scalar(value)}"))
        else:
            last_key, last_value = mapping.value[-1]
            indent = " " * last_key.start_mark.column
            end = text.index("\n", last_value.end_mark.index) if "\n" in text[last_value.end_mark.index:] else len(text)
            if last_value.end_mark.column == 0:  # block value ending at the start of the next line
                end = last_value.end_mark.index - 1
            edits.append((end, end, f"\n{indent}{path[-1]}: {_scalar(value)}"))
    result = text
    for start, end, replacement in sorted(edits, reverse=True):
        result = result[:start] + replacement + result[end:]
    expected = yaml.safe_load(text)
    for path, value in updates.items():
        target = expected
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    if yaml.safe_load(result) != expected:
        raise ValueError("internal error: the edit changed more than the promoted fields")
    return result


# --- checks ------------------------------------------------------------------------------------


def chain(specs: dict[str, EnvironmentSpec]) -> list[str]:
    """The promotion chain(s) as ``a → b → c`` strings, from the specs' ``promotes_to``."""
    targets = {spec.promotes_to for spec in specs.values() if spec.promotes_to}
    chains = []
    for start in sorted(set(specs) - targets):
        names, current = [], start
        while current in specs and current not in names:
            names.append(current)
            current = specs[current].promotes_to
        if len(names) > 1:
            chains.append(" → ".join(names))
    return chains


def check_order(specs: dict[str, EnvironmentSpec], source: str, target: str) -> None:
    """Refuse unless ``source`` promotes directly to ``target``."""
    for name in (source, target):
        if name not in specs:
            raise PromotionRefused("order", f"no environment '{name}' (known: {', '.join(sorted(specs))})")
    follows = specs[source].promotes_to
    if follows != target:
        where = f"'{source}' promotes to '{follows}'" if follows else f"'{source}' is the end of the chain"
        raise PromotionRefused(
            "order", f"{where}, not '{target}' (promotion order: {'; '.join(chain(specs)) or 'none defined'})"
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


def planned_updates(source: EnvironmentSpec, target: EnvironmentSpec, tag: str) -> dict[tuple[str, ...], str]:
    """The fields of the target spec a promotion sets."""
    updates = {("git", "release_tag"): tag, ("gitops", "image_tag"): tag}
    tracks_tag = target.git.release_tag is not None and target.git.target_revision == target.git.release_tag
    if tracks_tag:
        updates[("git", "target_revision")] = tag
    return updates


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

    path = directory / f"{target}.yaml"
    original = path.read_text(encoding="utf-8")
    updates = planned_updates(from_spec, to_spec, tag)
    try:
        edited = set_values(original, updates)
    except ValueError as error:
        raise PromotionRefused("spec", f"{path.name}: {error}") from None
    _validate_copy(directory, path.name, edited)
    before = {".".join(key): _get(to_spec, key) for key in updates}
    promotion = Promotion(source, target, tag, path, edited != original, gate=gate)
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
        value = getattr(value, part)
    return value


def _validate_copy(directory: Path, filename: str, text: str) -> None:
    with tempfile.TemporaryDirectory(prefix="promote-") as scratch:
        copy = Path(scratch) / "environments"
        shutil.copytree(directory, copy)
        (copy / filename).write_text(text, encoding="utf-8")
        try:
            load_all(copy)
        except SpecError as error:
            raise PromotionRefused("spec", "the promoted spec is invalid: " + "; ".join(error.problems)) from None


def _replace(path: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.chmod(temporary, path.stat().st_mode & 0o777)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# --- command line ------------------------------------------------------------------------------


def _regenerate(target: str) -> None:
    """Regenerate the target environment's artifacts (``make synth ENV=<target>``: Terraform + GitOps)."""
    from generators.cli import main as cli_main

    status = cli_main(["synth", "--env", target])
    if status != 0:
        raise RuntimeError(f"regenerating {target} failed (exit {status}); the spec was promoted, run `make synth`")


def cli_promote(args: Any) -> int:
    """``python -m generators promote --from A --to B [--tag T]``: promote, regenerate, show the diff."""
    from release import diff

    if not args.from_env or not args.to_env:
        print("error: promote needs FROM and TO: make promote FROM=dev TO=staging [TAG=v1.4.0]", file=sys.stderr)
        return 2
    target_before = load_all().get(args.to_env)  # kept in memory: the "before" side of the diff
    try:
        promotion = promote(
            args.from_env, args.to_env, args.tag, alertmanager_url=args.alertmanager_url,
            on_written=None if args.no_regenerate else lambda done: _regenerate(done.target),
        )
    except PromotionRefused as refused:
        print(f"error: {refused}", file=sys.stderr)
        return 1
    print(promotion.gate.describe() if promotion.gate else "")
    if not promotion.changed or target_before is None:
        print(f"{promotion.target} is already at {promotion.tag}: nothing to do")
        return 0
    for field_name, (old, new) in promotion.edits.items():
        print(f"{promotion.path.name}: {field_name}: {old} -> {new}")
    after_spec = load_all()[promotion.target]
    with tempfile.TemporaryDirectory(prefix="promote-diff-") as scratch:
        before = diff.collect(target_before, diff.synth_stacks([target_before], Path(scratch) / "before"))
        after = diff.collect(after_spec, diff.synth_stacks([after_spec], Path(scratch) / "after"))
    report = diff.DiffReport(
        target_before, after_spec, diff.compare(before, after),
        title=f"Promotion {promotion.source} → {promotion.target}: {promotion.tag}",
    )
    sys.stdout.write(diff.to_table(report, colour=diff.use_colour(), labels=("before", "after")))
    text = diff.to_markdown(
        report, label_a="before", label_b="after",
        intro=f"`make promote FROM={promotion.source} TO={promotion.target} TAG={promotion.tag}` changes these "
        f"generated artifacts of `{promotion.target}` (health gate of `{promotion.source}`: clean).",
    )
    path = diff.write_report(f"reports/promote-{promotion.source}-{promotion.target}.md", text)
    print(f"report: {path.relative_to(PROJECT_ROOT)}")
    return 0
