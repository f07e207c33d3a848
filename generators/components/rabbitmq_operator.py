"""Wave 25: the RabbitMQ Cluster Operator (replaces the Bitnami chart, whose images left Docker Hub).

The RabbitMQ team publishes no Helm chart; its install manifest is the kustomization
``config/installation`` of rabbitmq/cluster-operator, which Argo CD builds from the release tag.
Pin: tag v2.21.1 (2026-06-08), the newest release whose installation needs no cert-manager (v2.22.0 added a
webhook with cert-manager Certificates); image ``ghcr.io/rabbitmq/cluster-operator:2.21.1`` (the release
workflow .github/workflows/build-test-publish.yml tags images ``type=semver,pattern={{version}}``; the
kustomization's own tag is ``latest``, so Argo CD pins it). The operator runs in ``data`` beside the
other data operators: the namespace override replaces the kustomization's ``rabbitmq-system`` (role
bindings follow), and the upstream Namespace object is deleted so ``namespaces`` alone owns ``data``.
Checked by building that kustomization at v2.21.1 with these edits (``kubectl kustomize``): CRD, RBAC
bound to ``data/rabbitmq-cluster-operator``, the metrics Service and the Deployment, image pinned.
"""

from __future__ import annotations

from generators.waves import Component, GitSource
from platform_spec.namespaces import DATA
from plumbing.yaml_io import dump

VERSION = "2.21.1"
IMAGE = f"ghcr.io/rabbitmq/cluster-operator:{VERSION}"

SOURCE = GitSource(
    "https://github.com/rabbitmq/cluster-operator.git", "config/installation", f"v{VERSION}",
    {
        "namespace": DATA,
        "images": [IMAGE],
        "patches": [{
            "target": {"kind": "Namespace", "name": "rabbitmq-system"},
            "patch": dump({"$patch": "delete", "apiVersion": "v1", "kind": "Namespace",
                           "metadata": {"name": "rabbitmq-system"}}),
        }],
    },
)

COMPONENT = Component(25, "rabbitmq-operator", "operator", DATA, upstream=SOURCE, needs=("namespaces",),
                      server_side_apply=True, provides=("rabbitmq.com/RabbitmqCluster",))
