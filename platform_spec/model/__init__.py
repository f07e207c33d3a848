"""The typed environment spec: one YAML file per environment, validated by this model.

Every field is documented where it is declared; the README's spec reference is generated from
these declarations. Names that other modules need (prefix, state bucket, lock table, SSM root)
are derived on ``EnvironmentSpec`` and nowhere else. One module per section.
"""

from platform_spec.model.access import Access, ReleasePipeline
from platform_spec.model.aws import AwsTarget, Delegation, Dns, NatMode, Network, Zone
from platform_spec.model.base import SpecModel
from platform_spec.model.cluster import Autoscaling, Cluster, NodeGroup, NodeRole
from platform_spec.model.environment import EnvironmentSpec, GitRefs
from platform_spec.model.gitops import (
    ChangeWindow,
    DataStore,
    Egress,
    GitOps,
    PolicyAction,
    Resources,
    Severity,
    SyncMode,
    Workload,
)

__all__ = [
    "Access", "Autoscaling", "AwsTarget", "ChangeWindow", "Cluster", "DataStore", "Delegation", "Dns", "Egress",
    "EnvironmentSpec", "GitOps",
    "GitRefs", "NatMode", "Network", "NodeGroup", "NodeRole", "PolicyAction", "ReleasePipeline", "Resources",
    "Severity", "SpecModel", "SyncMode", "Workload", "Zone",
]
