"""Wave -1: the amazon-eks-pod-identity-webhook, before any add-on that needs an AWS identity (IRSA).

It injects ``AWS_ROLE_ARN`` and a projected service-account token (audience ``sts.amazonaws.com``) into
pods whose service account carries ``eks.amazonaws.com/role-arn``. Chart: jkroepke/helm-charts
``amazon-eks-pod-identity-webhook`` 2.6.5 (appVersion v0.6.17; tag amazon-eks-pod-identity-webhook-2.6.5,
checked in that repository). Its serving certificate comes from cert-manager (``pki.certManager``), which
kubespray installs (``cert_manager_enabled`` in the generated group_vars). ``failurePolicy: Ignore`` (the
chart's default) keeps a webhook outage from blocking every pod creation in the cluster, its own included.
It runs on the control plane, which no guardrail scales to zero.
"""

from __future__ import annotations

from generators.components.cluster_autoscaler import on_control_plane
from generators.waves import Chart, Component, Doc
from platform_spec.addon_policies import STS_AUDIENCE
from platform_spec.model import EnvironmentSpec

NAME = "pod-identity-webhook"


def values(spec: EnvironmentSpec) -> Doc:
    """Region, token audience, cert-manager certificate, two replicas with high availability."""
    return {
        "replicaCount": 2 if spec.gitops.high_availability else 1,
        "config": {"defaultAwsRegion": spec.aws.region, "tokenAudience": STS_AUDIENCE,
                   "annotationPrefix": "eks.amazonaws.com"},
        "mutatingWebhook": {"failurePolicy": "Ignore"},
        "pki": {"certManager": {"enabled": True}},
        **on_control_plane(),
    }


COMPONENT = Component(-1, NAME, "bootstrap", "kube-system",
                      Chart("https://jkroepke.github.io/helm-charts", "amazon-eks-pod-identity-webhook", "2.6.5"),
                      values=values)
