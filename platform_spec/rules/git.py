"""Git ref names: the rules of ``git check-ref-format`` and the refs a spec names.

The rules are the ones documented for ``git check-ref-format``
(https://git-scm.com/docs/git-check-ref-format); ``tests/unit/test_rules_git.py`` checks this
implementation against the real ``git check-ref-format`` for every sample. Branch and tag names
must also not start with ``-`` (the ``--branch`` rule; such a name would read as an option).
"""

from __future__ import annotations

import re

from platform_spec.model import EnvironmentSpec
from platform_spec.problems import Problem

_FORBIDDEN = re.compile(r"[\x00-\x20\x7f~^:?*\[\\]")
SHA = re.compile(r"^[0-9a-f]{40}$")


def ref_problem(ref: str, *, pattern: bool = False) -> str | None:
    """Why ``ref`` (a full ref such as ``refs/tags/v1.4.0``) is not a valid ref name, or ``None``.

    With ``pattern``, ``*`` may stand for any part of a component (GitHub's branch filters allow
    ``*`` and ``**``); every other rule still applies.
    """
    if not ref:
        return "is empty"
    checked = ref.replace("*", "x") if pattern else ref
    if ref == "@":
        return "is the single character @"
    found = _FORBIDDEN.search(checked)
    if found:
        character = found.group()
        named = {" ": "a space", "\t": "a tab", "\n": "a line break"}.get(character)
        return f"contains {named or repr(character)}" + (
            " (not allowed: control characters, space, ~ ^ : ? * [ \\)" if not named else "")
    if checked.startswith("/") or checked.endswith("/"):
        return "begins or ends with /"
    if "//" in checked:
        return "contains //"
    if ".." in checked:
        return "contains .."
    if "@{" in checked:
        return "contains @{"
    if checked.endswith("."):
        return "ends with ."
    for component in checked.split("/"):
        if component.startswith("."):
            return f"has a component starting with . ({component!r})"
        if component.endswith(".lock"):
            return f"has a component ending with .lock ({component!r})"
    return None


def name_problem(name: str, kind: str = "tags", *, pattern: bool = False) -> str | None:
    """Why a branch (``kind="heads"``) or tag name is not valid, or ``None``."""
    if not name:
        return "is empty"
    if name.startswith("-"):
        return "starts with - (it would read as an option)"
    if name.startswith("refs/"):
        return "is a full ref; write the short name (e.g. v1.4.0, main)"
    return ref_problem(f"refs/{kind}/{name}", pattern=pattern)


def check(spec: EnvironmentSpec) -> list[Problem]:
    """The spec's deploy refs (branch/tag patterns), ArgoCD's target revision and the release tag."""
    problems: list[Problem] = []
    for index, ref in enumerate(spec.git.refs):
        reason = name_problem(ref, "heads", pattern=True)
        if reason:
            problems.append(Problem(("git", "refs", index), f"is not a valid Git branch pattern: it {reason}",
                                    "branch or tag names, * for any part, e.g. release/*"))
    revision = spec.git.target_revision
    if revision != "HEAD" and not SHA.match(revision):
        reason = name_problem(revision, "heads")
        if reason:
            problems.append(Problem(("git", "target_revision"), f"is not a valid Git branch or tag name: it {reason}",
                                    "a branch, a tag, HEAD or a 40-character commit SHA"))
    if spec.git.release_tag is not None:
        reason = name_problem(spec.git.release_tag)
        if reason:
            problems.append(Problem(("git", "release_tag"), f"is not a valid Git tag name: it {reason}",
                                    "a tag name such as v1.4.0"))
    return problems
