"""IAM documents of the add-ons' roles (IRSA): the trust every role shares and each add-on's permissions.

Each permission document comes from the add-on's upstream documentation; the source is written next to
it. Resources the stack only knows at apply time (the hosted zone, the OIDC provider) are parameters, so
the documents stay plain data here and the stacks pass Terraform references in.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from platform_spec.addons import (
    AWS_LOAD_BALANCER_CONTROLLER,
    CLUSTER_AUTOSCALER,
    EBS_CSI_DRIVER,
    EXTERNAL_DNS,
    EXTERNAL_SECRETS,
    AddonIdentity,
)
from platform_spec.model import EnvironmentSpec
from platform_spec.naming import DISCOVERY_KEY, JWKS_KEY, oidc_issuer

Policy = dict[str, Any]

LOAD_BALANCER_CONTROLLER_VERSION = "v3.5.0"
"""Controller version whose ``iam_policy.json`` is vendored: the ``appVersion`` of the chart
``aws-load-balancer-controller`` 3.5.0 pinned in ``generators/components/aws_load_balancer_controller.py``."""

EBS_CSI_DRIVER_POLICY_ARN = "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"
"""AWS managed policy the EBS CSI driver documents (docs/install.md of kubernetes-sigs/aws-ebs-csi-driver:
"AmazonEBSCSIDriverPolicy"); attached by ARN, so AWS keeps it current."""

STS_AUDIENCE = "sts.amazonaws.com"
"""The projected token's audience the pod identity webhook requests (its ``--token-audience`` default)."""


def _document(*statements: Policy) -> Policy:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def issuer_host(spec: EnvironmentSpec) -> str:
    """The issuer without ``https://``: the prefix of the OIDC condition keys (``<host>:sub``)."""
    return oidc_issuer(spec).removeprefix("https://")


def irsa_trust_policy(spec: EnvironmentSpec, identity: AddonIdentity, provider_arn: str) -> Policy:
    """Only ``identity``'s service account, with a token for STS, may assume the role (StringEquals)."""
    host = issuer_host(spec)
    return _document({
        "Sid": "ServiceAccount",
        "Effect": "Allow",
        "Principal": {"Federated": provider_arn},
        "Action": ["sts:AssumeRoleWithWebIdentity"],
        "Condition": {"StringEquals": {f"{host}:sub": identity.subject, f"{host}:aud": STS_AUDIENCE}},
    })


def load_balancer_controller_policy() -> Policy:
    """The controller's published ``iam_policy.json`` (platform_spec/policies/, see its README)."""
    text = resources.files("platform_spec.policies").joinpath(
        f"aws-load-balancer-controller-{LOAD_BALANCER_CONTROLLER_VERSION}.json").read_text(encoding="utf-8")
    return json.loads(text)


def cluster_autoscaler_policy(spec: EnvironmentSpec) -> Policy:
    """cluster-autoscaler/cloudprovider/aws/README.md ("IAM Policy" + auto-discovery additions).

    The describe calls take no resource-level permissions; the two writes are limited to the environment's
    own Auto Scaling Groups by ARN, as the README suggests. ``eks:DescribeNodegroup`` is left out (no EKS);
    the README's ``ec2:GetInstanceTypesFromInstanceRequirementsPages`` is an SDK paginator: the IAM action is
    ``ec2:GetInstanceTypesFromInstanceRequirements``.
    """
    groups = f"arn:aws:autoscaling:{spec.aws.region}:{spec.aws.account_id}:autoScalingGroup:*:autoScalingGroupName/"
    return _document(
        {
            "Sid": "Discover",
            "Effect": "Allow",
            "Action": [
                "autoscaling:DescribeAutoScalingGroups",
                "autoscaling:DescribeAutoScalingInstances",
                "autoscaling:DescribeLaunchConfigurations",
                "autoscaling:DescribeScalingActivities",
                "autoscaling:DescribeTags",
                "ec2:DescribeImages",
                "ec2:DescribeInstanceTypes",
                "ec2:DescribeLaunchTemplateVersions",
                "ec2:GetInstanceTypesFromInstanceRequirements",
            ],
            "Resource": ["*"],
        },
        {
            "Sid": "ScaleOwnGroups",
            "Effect": "Allow",
            "Action": ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
            "Resource": [f"{groups}{spec.prefix}-*"],
        },
    )


def external_secrets_policy(spec: EnvironmentSpec) -> Policy:
    """External Secrets' Parameter Store provider (external-secrets.io, provider/aws-parameter-store:
    ``ssm:GetParameter*``), spelled out (no wildcard action) and on the environment's own path only.
    ``ssm:DescribeParameters`` (only ``dataFrom.find`` needs it, and it lists the whole account) is left out."""
    parameters = f"arn:aws:ssm:{spec.aws.region}:{spec.aws.account_id}:parameter{spec.ssm_root}/*"
    return _document({
        "Sid": "ReadEnvironmentParameters",
        "Effect": "Allow",
        "Action": ["ssm:GetParameter", "ssm:GetParameterHistory", "ssm:GetParameters", "ssm:GetParametersByPath"],
        "Resource": [parameters],
    })


def external_dns_policy(zone_id: str) -> Policy:
    """external-dns docs/tutorials/aws.md (v0.21.0, "IAM Policy"), with ``hostedzone/*`` narrowed to the
    environment's zone; ``ListHostedZones`` takes no resource-level permission."""
    return _document(
        {
            "Sid": "EnvironmentZone",
            "Effect": "Allow",
            "Action": ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets",
                       "route53:ListTagsForResources"],
            "Resource": [f"arn:aws:route53:::hostedzone/{zone_id}"],
        },
        {"Sid": "FindZones", "Effect": "Allow", "Action": ["route53:ListHostedZones"], "Resource": ["*"]},
    )


def inline_policy(spec: EnvironmentSpec, identity: AddonIdentity, zone_id: str) -> Policy | None:
    """The inline policy of an add-on's role (``None`` when it uses a managed policy only)."""
    if identity == AWS_LOAD_BALANCER_CONTROLLER:
        return load_balancer_controller_policy()
    if identity == CLUSTER_AUTOSCALER:
        return cluster_autoscaler_policy(spec)
    if identity == EXTERNAL_SECRETS:
        return external_secrets_policy(spec)
    if identity == EXTERNAL_DNS:
        return external_dns_policy(zone_id)
    if identity == EBS_CSI_DRIVER:
        return None
    raise KeyError(f"no policy for add-on '{identity.name}'")


def managed_policies(identity: AddonIdentity) -> list[str]:
    """AWS managed policies attached to an add-on's role."""
    return [EBS_CSI_DRIVER_POLICY_ARN] if identity == EBS_CSI_DRIVER else []


POLICY_SOURCES: dict[str, str] = {
    AWS_LOAD_BALANCER_CONTROLLER.name:
        "kubernetes-sigs/aws-load-balancer-controller v3.5.0 docs/install/iam_policy.json",
    EBS_CSI_DRIVER.name: "AWS managed policy AmazonEBSCSIDriverPolicy (attached by ARN)",
    CLUSTER_AUTOSCALER.name: "kubernetes/autoscaler cluster-autoscaler/cloudprovider/aws/README.md, scoped to own ASGs",
    EXTERNAL_SECRETS.name: "external-secrets.io AWS Parameter Store provider, on /<project>/<env>/* only",
    EXTERNAL_DNS.name: "kubernetes-sigs/external-dns v0.21.0 docs/tutorials/aws.md, on the environment's zone",
}
"""Where each add-on's permissions come from (the README and the report quote this)."""


def discovery_document(spec: EnvironmentSpec) -> Policy:
    """``/.well-known/openid-configuration`` of the self-hosted issuer (amazon-eks-pod-identity-webhook
    SELF_HOSTED_SETUP.md); the keys it points to are published by ``ansible/post-install.yml``."""
    issuer = oidc_issuer(spec)
    return {
        "issuer": issuer,
        "jwks_uri": f"{issuer}/keys.json",
        "authorization_endpoint": "urn:kubernetes:programmatic_authorization",
        "response_types_supported": ["id_token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "claims_supported": ["sub", "iss"],
    }


def oidc_bucket_policy(bucket: str) -> Policy:
    """Anyone (STS fetches anonymously) may read the discovery document and the keys, nothing else."""
    return _document({
        "Sid": "PublicIssuerDocuments",
        "Effect": "Allow",
        "Principal": {"AWS": "*"},
        "Action": ["s3:GetObject"],
        "Resource": [f"arn:aws:s3:::{bucket}/{DISCOVERY_KEY}", f"arn:aws:s3:::{bucket}/{JWKS_KEY}"],
    })
