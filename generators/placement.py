"""Where and how big: node selectors, tolerations, resources and instance counts from the spec."""

from __future__ import annotations

from generators.waves import Doc
from platform_spec.labels import NODE_GROUP_LABEL, SPOT_TAINT_KEY
from platform_spec.model import EnvironmentSpec, NodeGroup


def node_selector(spec: EnvironmentSpec, service: str) -> dict[str, str]:
    """nodeSelector of the node group running ``service`` (empty when no group names it)."""
    for group in spec.cluster.node_groups:
        if service in group.services:
            return {NODE_GROUP_LABEL: group.name}
    return {}


def instances(spec: EnvironmentSpec) -> int:
    """Replicas of a stateful or operator-managed service: 2+ with high availability, else 1."""
    return max(spec.gitops.replicas, 2) if spec.gitops.high_availability else 1


def resources(spec: EnvironmentSpec) -> Doc:
    """Container requests and limits of the environment."""
    sizes = spec.gitops.resources
    return {
        "requests": {"cpu": sizes.cpu_request, "memory": sizes.memory_request},
        "limits": {"cpu": sizes.cpu_limit, "memory": sizes.memory_limit},
    }


def tolerations(group: NodeGroup) -> list[Doc]:
    """Tolerations a pod needs to run on ``group`` (the Spot taint)."""
    if not group.spot:
        return []
    return [{"key": SPOT_TAINT_KEY, "operator": "Equal", "value": "true", "effect": "NoSchedule"}]
