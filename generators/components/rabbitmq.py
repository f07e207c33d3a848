"""Wave 35: RabbitMQ as a ``RabbitmqCluster`` of the Cluster Operator, its default user from SSM.

``spec.secretBackend.externalSecret.name`` names the default-user Secret the operator waits for instead of
generating one (rabbitmq/cluster-operator v2.21.1 docs/examples/external-admin-secret-credentials); the
``data-secrets`` ExternalSecret writes it in that format. Image: the operator v2.21.1 default
(cmd/main.go: ``rabbitmq:4.2.6-management``), pinned here so an operator upgrade never moves it silently.
Schema: rabbitmq.com/rabbitmqcluster_v1beta1.json (datreeio/CRDs-catalog).
"""

from __future__ import annotations

from collections.abc import Sequence

from generators.components.data_stores import RABBITMQ
from generators.kustomize import component_files, inline_patch, meta, shared_overlay
from generators.placement import node_selector
from generators.waves import Component, Doc, Files
from platform_spec.model import EnvironmentSpec, Workload
from platform_spec.namespaces import DATA

NAME = "rabbitmq"
IMAGE = "docker.io/library/rabbitmq:4.2.6-management"
RESOURCES: Doc = {"requests": {"cpu": "250m", "memory": "1Gi"}, "limits": {"cpu": "1", "memory": "1Gi"}}
"""Fits the 2 GiB RabbitMQ nodes (the operator's default asks for 2Gi, more than a t3.small can give)."""


def replicas(spec: EnvironmentSpec) -> int:
    """Quorum needs an odd member count: three with high availability, else one."""
    return 3 if spec.gitops.high_availability else 1


def base(workloads: Sequence[Workload]) -> Files:
    """The RabbitmqCluster reading its default user from the ExternalSecret's Secret."""
    cluster: Doc = {
        "apiVersion": "rabbitmq.com/v1beta1",
        "kind": "RabbitmqCluster",
        "metadata": meta(RABBITMQ.service, DATA),
        "spec": {
            "image": IMAGE,
            "replicas": 1,
            "secretBackend": {"externalSecret": {"name": RABBITMQ.secret}},
        },
    }
    return component_files(f"k8s/base/{NAME}", {"rabbitmqcluster.yaml": cluster})


def overlay(spec: EnvironmentSpec) -> Files:
    """Replicas from the environment's availability, placement on the RabbitMQ nodes, resources."""
    operations: list[Doc] = [{"op": "replace", "path": "/spec/replicas", "value": replicas(spec)}]
    selector = node_selector(spec, "rabbitmq")
    if selector:
        operations.append({"op": "add", "path": "/spec/affinity", "value": {"nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [
                {"key": key, "operator": "In", "values": [value]} for key, value in selector.items()
            ]}]}}}})
    operations.append({"op": "add", "path": "/spec/resources", "value": RESOURCES})
    return shared_overlay(spec, NAME, patches=[inline_patch({"kind": "RabbitmqCluster", "name": RABBITMQ.service},
                                                            operations)])


COMPONENT = Component(35, NAME, "instance", DATA, needs=("rabbitmq-operator", "data-secrets"), base=base,
                      overlay=overlay)
