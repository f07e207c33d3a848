"""What Argo CD accepts for the environment's destination cluster and repository.

- ``gitops.cluster_server``: the destination's API server URL; Argo CD connects to clusters over
  HTTPS (cluster secrets hold an ``https://`` server, e.g. ``https://kubernetes.default.svc`` for
  the in-cluster destination: https://argo-cd.readthedocs.io/en/stable/operator-manual/declarative-setup/#clusters).
- ``gitops.repo_url``: a Git URL Argo CD can clone: ``https://``, ``ssh://`` or scp-like
  ``git@host:path`` (https://argo-cd.readthedocs.io/en/stable/user-guide/private-repositories/).
- ``gitops.cluster_name``: a cluster name is a Kubernetes label value in the generated
  ApplicationSet (at most 63 characters: letters, digits, ``-_.``, starting and ending alphanumeric).
"""

from __future__ import annotations

import re

from platform_spec.model import EnvironmentSpec
from platform_spec.problems import Problem
from platform_spec.rules.urls import url_problem

_SCP_LIKE = re.compile(r"^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[A-Za-z0-9._/~-]+$")
_LABEL_VALUE = re.compile(r"^([A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?)$")


def check(spec: EnvironmentSpec) -> list[Problem]:
    """Destination server, repository URL and cluster name."""
    gitops = spec.gitops
    problems: list[Problem] = []
    reason = url_problem(gitops.cluster_server, ("https",))
    if reason:
        problems.append(Problem(("gitops", "cluster_server"), reason, "an https:// API server URL, e.g. "
                                "https://kubernetes.default.svc", value=gitops.cluster_server))
    if not _SCP_LIKE.match(gitops.repo_url):
        reason = url_problem(gitops.repo_url, ("https", "ssh"))
        if reason:
            problems.append(Problem(("gitops", "repo_url"), reason, "https://host/owner/repo.git, "
                                    "ssh://git@host/owner/repo.git or git@host:owner/repo.git", value=gitops.repo_url))
    if not _LABEL_VALUE.match(gitops.cluster_name):
        problems.append(Problem(("gitops", "cluster_name"), "is not a valid cluster name",
                                "at most 63 letters, digits, -, _ or ., starting and ending with a letter or digit",
                                value=gitops.cluster_name))
    return problems
