"""Rules of the systems the spec feeds, one module per authority, run by the loader after the model.

``aws`` (EC2, VPC, S3, IAM, SSM, tags, accounts), ``kubernetes`` (quantities, images, names),
``argocd`` (destination and repository), ``git`` (ref names), ``cron`` (the change window) and
``urls`` (what the health gate may ask). Each module's ``check(spec)`` returns ``Problem``s for one
environment; ``cross_check(specs)`` ones for rules across environments. Every rule names the
document it comes from. ``check`` runs them all before anything is written, so a spec that passes
is not refused later by synth, the pipelines or the first ``terraform plan`` for these reasons.
"""

from __future__ import annotations

from collections.abc import Mapping

from platform_spec.model import EnvironmentSpec
from platform_spec.problems import Problem
from platform_spec.rules import argocd, aws, cron, git, kubernetes, urls

MAX_NODES = 100
"""Most nodes one environment may ask for, autoscaling surge included (prod needs 13)."""

_PER_SPEC = (aws.check, kubernetes.check, argocd.check, git.check, cron.check, urls.check)
_ACROSS = (aws.cross_check, kubernetes.cross_check)


def bounds(spec: EnvironmentSpec) -> list[Problem]:
    """How much one environment may ask for (lists are bounded on the model's fields)."""
    nodes = sum(spec.cluster.max_size(group) for group in spec.cluster.node_groups)
    if nodes > MAX_NODES:
        return [Problem(("cluster", "node_groups"), f"ask for up to {nodes} nodes (count + autoscaling surge)",
                        f"at most {MAX_NODES} nodes per environment", quote_value=False)]
    return []


def check(spec: EnvironmentSpec) -> list[Problem]:
    """Every per-environment rule; the bounds first, and nothing else when they are exceeded."""
    exceeded = bounds(spec)
    if exceeded:
        return exceeded
    return [problem for rule in _PER_SPEC for problem in rule(spec)]


def cross_check(specs: Mapping[str, EnvironmentSpec]) -> dict[str, list[Problem]]:
    """Every rule across environments, by the environment whose file should change."""
    found: dict[str, list[Problem]] = {}
    for rule in _ACROSS:
        for name, problems in rule(specs).items():
            found.setdefault(name, []).extend(problems)
    return found
