"""Every third-party action and tool the workflows use, pinned to an immutable identity.

Actions are pinned to the full commit SHA of a release, written ``owner/repo@<sha> # <version>``
(the format Dependabot and Renovate keep up to date). Each SHA is ``git rev-parse <version>^{commit}``
in a clone of ``github.com/<repo>`` (checked 2026-11-28). A tool a workflow downloads is verified
against the SHA-256 the project recorded before it runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Action:
    """A GitHub Action at one release: repository, release tag, and that tag's commit."""

    repo: str
    version: str
    sha: str

    @property
    def uses(self) -> str:
        """The ``uses:`` value: the commit, never a movable tag."""
        return f"{self.repo}@{self.sha}"

    @property
    def major(self) -> str:
        """``owner/repo@vN``: the major release whose inputs actionlint knows (used by the lint test)."""
        return f"{self.repo}@{self.version.split('.')[0]}"


ACTIONS: dict[str, Action] = {
    "checkout": Action("actions/checkout", "v6.1.0", "d23441a48e516b6c34aea4fa41551a30e30af803"),
    "python": Action("actions/setup-python", "v6.3.0", "ece7cb06caefa5fff74198d8649806c4678c61a1"),
    "node": Action("actions/setup-node", "v6.5.0", "249970729cb0ef3589644e2896645e5dc5ba9c38"),
    "terraform": Action("hashicorp/setup-terraform", "v3.1.2", "b9cd54a3c349d3f38e8881555d616ced269862dd"),
    "aws": Action("aws-actions/configure-aws-credentials", "v6.2.3", "e6de054238d6b7531b4efff3b6587d9aade6a06c"),
    "upload": Action("actions/upload-artifact", "v6.0.0", "b7c566a772e6b6bfb58ed0dc250532a479d7789f"),
}
"""The actions of the workflows (node24 releases)."""

ARGOCD_VERSION = "v2.14.11"
ARGOCD_LINUX_AMD64_SHA256 = "78438cfffeb56b34dae868c16154a481b177af68ee6fcb5e11730ae476a1b252"
"""SHA-256 of ``argocd-linux-amd64`` of the Argo CD ``v2.14.11`` release (the release's
``cli_checksums.txt``; recorded independently in cashapp/hermit-packages ``argocd.hcl``)."""

_USES = re.compile(r"^(\s*(?:- )?uses: )(\S+)@([0-9a-f]{40})$", re.MULTILINE)


def annotate(workflow: str) -> str:
    """Append ``# <version>`` to every ``uses: <repo>@<sha>`` line of a rendered workflow."""
    versions = {(action.repo, action.sha): action.version for action in ACTIONS.values()}

    def comment(match: re.Match[str]) -> str:
        version = versions.get((match.group(2), match.group(3)))
        if version is None:
            raise ValueError(f"{match.group(2)}@{match.group(3)} is not a pinned action of ACTIONS")
        return f"{match.group(0)} # {version}"

    return _USES.sub(comment, workflow)
