"""Wave 10: the Kubernetes cluster-autoscaler on the environment's Auto Scaling Groups.

Auto-discovery by the ASG tags ``k8s.io/cluster-autoscaler/enabled`` and ``k8s.io/cluster-autoscaler/<cluster>``
(cluster-autoscaler/cloudprovider/aws/README.md; ``stacks/node_groups.py`` writes them). Chart
``cluster-autoscaler`` 9.51.0 from kubernetes/autoscaler (tag cluster-autoscaler-chart-9.51.0, appVersion
1.33.0: the autoscaler's minor must match the cluster's, kubespray v2.29.1 installs 1.33). Runs as the
``cluster-autoscaler`` service account of platform_spec/addons.py with its IRSA role.
"""

from __future__ import annotations

from generators.components.identities import service_account_values
from generators.waves import Chart, Component, Doc
from platform_spec.addons import CLUSTER_AUTOSCALER
from platform_spec.model import EnvironmentSpec
from platform_spec.naming import cluster_name

NAME = "cluster-autoscaler"
CONTROL_PLANE_LABEL = "node-role.kubernetes.io/control-plane"
"""kubeadm's control-plane node label and ``NoSchedule`` taint (kubespray keeps both)."""


def on_control_plane() -> Doc:
    """nodeSelector + toleration for the control plane: the only nodes no guardrail scales to zero."""
    return {
        "nodeSelector": {CONTROL_PLANE_LABEL: ""},
        "tolerations": [{"key": CONTROL_PLANE_LABEL, "operator": "Exists", "effect": "NoSchedule"}],
    }


def values(spec: EnvironmentSpec) -> Doc:
    """AWS provider, auto-discovery of this cluster's groups, the add-on's service account and role."""
    return {
        "cloudProvider": "aws",
        "awsRegion": spec.aws.region,
        "autoDiscovery": {"clusterName": cluster_name(spec)},
        "rbac": {"serviceAccount": service_account_values(spec, CLUSTER_AUTOSCALER)},
        "extraArgs": {"balance-similar-node-groups": True, "expander": "least-waste",
                      "skip-nodes-with-system-pods": False},
        **on_control_plane(),
    }


COMPONENT = Component(10, NAME, "operator", CLUSTER_AUTOSCALER.namespace,
                      Chart("https://kubernetes.github.io/autoscaler", "cluster-autoscaler", "9.51.0"),
                      needs=("pod-identity-webhook",), values=values)
