"""Wave 15: the AWS Load Balancer Controller (ALBs for Ingresses), under its IRSA identity.

Pin: chart ``aws-load-balancer-controller`` 3.5.0 (app/image v3.5.0), checked in aws/eks-charts
(stable/aws-load-balancer-controller/Chart.yaml at 5239609, 2026-08-03; gh-pages index.yaml lists 3.5.0).
Values keys checked in that chart's values.yaml: ``clusterName``, ``region``, ``vpcTags`` ("alternative to
vpcId ... when pods are unable to use the metadata service"), ``serviceAccount.{create,name,annotations}``,
``defaultTargetType`` ("instance ... for overlay-based CNIs, such as Calico in VXLAN or IPIP mode").
"""

from __future__ import annotations

from generators.components.identities import service_account_values
from generators.waves import Chart, Component, Doc
from platform_spec.addons import AWS_LOAD_BALANCER_CONTROLLER
from platform_spec.model import EnvironmentSpec
from platform_spec.naming import cluster_name

CHART = Chart("https://aws.github.io/eks-charts", "aws-load-balancer-controller", "3.5.0")
APP_VERSION = "v3.5.0"
"""The controller the chart runs (Chart.yaml ``appVersion``); its ``iam_policy.json`` is the role's policy
(``platform_spec.addon_policies.LOAD_BALANCER_CONTROLLER_VERSION`` must name the same release)."""


def target_type(spec: EnvironmentSpec) -> str:
    """ALB target type for the cluster's CNI: Calico and Cilium give pods overlay addresses the VPC cannot
    route, so the ALB targets the nodes' NodePorts (``instance``); ``ip`` needs VPC-routable pod IPs."""
    return "instance" if spec.cluster.cni in ("calico", "cilium") else "ip"


def values(spec: EnvironmentSpec) -> Doc:
    """Cluster name, region and VPC (by its Name tag: no instance metadata needed), its service account."""
    return {
        "clusterName": cluster_name(spec),
        "region": spec.aws.region,
        "vpcTags": {"Name": f"{spec.prefix}-vpc"},
        "defaultTargetType": target_type(spec),
        "serviceAccount": service_account_values(spec, AWS_LOAD_BALANCER_CONTROLLER),
    }


COMPONENT = Component(15, "aws-load-balancer-controller", "operator", AWS_LOAD_BALANCER_CONTROLLER.namespace, CHART,
                      needs=("network-policies",), values=values,
                      provides=("elbv2.k8s.aws/IngressClassParams", "elbv2.k8s.aws/TargetGroupBinding"),
                      creates=("elbv2.k8s.aws/IngressClassParams",))
