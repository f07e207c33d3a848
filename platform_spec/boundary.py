"""The permissions boundary: the most any role of the platform stack may ever do.

The deploy role may create, change and delete the platform's roles only while they carry this
boundary (``iam:PermissionsBoundary`` condition), so even a compromised release pipeline cannot mint
a role more powerful than this document, which only the administrator changes (bootstrap stack; the
deploy role's policies deny editing it). An action is allowed only when both the role's own policy
and the boundary allow it (IAM User Guide, "Permissions boundaries for IAM entities").

**Design: by resource scope, not a copy of every statement.** Its input is every policy a platform role
holds (:data:`WORKLOAD_POLICIES`, including one per add-on of ``platform_spec/addons.py``, and the AWS
managed policies of :data:`MANAGED_POLICIES`); copied statement by statement they would be ~14,000
characters and IAM allows a managed policy 6,144. So the boundary regroups them:

1. **anywhere** (``*``): the read-only ``Describe`` families of EC2, Elastic Load Balancing and Auto
   Scaling (:data:`READ_FAMILIES`, the only action patterns in any of the project's documents: ~40
   describe calls the add-ons need, none of them writes, almost none resource-scoped) and the other
   actions AWS authorizes only on ``*`` (:data:`ANY_RESOURCE`, listed);
2. **in the environment**: every other action, listed, on the environment's resources
   (:func:`environment_scopes`: account and region per service; names where the ARN carries one: SSM
   parameters under the environment's root, Auto Scaling groups and log groups under its prefix). The
   upstream statements' conditions (request tags, ``ec2:CreateAction``) are not repeated: the role's own
   policy keeps them, the boundary only caps;
3. **IAM and KMS verbatim**, with their conditions: creating Elastic Load Balancing's service-linked
   role only, decrypting with the environment key only through SSM.

It allows no IAM action on a role or a policy, so no role under it can touch the bootstrap's
identities, create a role, or pass one (tests/unit/test_pipeline_identity.py checks each of these, every
platform role's policy against it, and the size).
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Callable
from functools import cache
from importlib import resources

from platform_spec.addon_policies import inline_policy, managed_policies
from platform_spec.addons import ADDONS, AddonIdentity
from platform_spec.iam_documents import (
    SSM_MANAGED_INSTANCE_CORE,
    arn,
    developer_policy,
    flow_log_policy,
    node_policy,
    parameters_arn,
)
from platform_spec.model import EnvironmentSpec
from platform_spec.policy import Policy, Statement, allow, document

ANY_ZONE = "*"
"""The hosted zone id the external-dns policy is built with here (zones are created after the boundary)."""


def _addon_policy(identity: AddonIdentity) -> Callable[[EnvironmentSpec, str], Policy | None]:
    return lambda spec, _key: inline_policy(spec, identity, ANY_ZONE)


WORKLOAD_POLICIES: tuple[Callable[[EnvironmentSpec, str], Policy | None], ...] = (
    node_policy,
    developer_policy,
    lambda spec, _key: flow_log_policy(spec),
    *(_addon_policy(identity) for identity in ADDONS),
)
"""Every inline policy the platform stack gives one of its roles (a new role policy: add it here)."""

_MANAGED_FILES = {
    SSM_MANAGED_INSTANCE_CORE: "AmazonSSMManagedInstanceCore-v2.json",
    **{arn_: f"{arn_.rsplit('/', 1)[1]}-v15.json" for identity in ADDONS for arn_ in managed_policies(identity)},
}


@cache
def managed_policy(policy_arn: str) -> Policy:
    """The vendored document of an AWS managed policy the platform stack attaches (platform_spec/policies/)."""
    text = resources.files("platform_spec.policies").joinpath(_MANAGED_FILES[policy_arn]).read_text(encoding="utf-8")
    return json.loads(text)


MANAGED_POLICIES: tuple[str, ...] = tuple(sorted(_MANAGED_FILES))
"""AWS managed policies the platform stack attaches (the node's SSM core, the EBS CSI driver's)."""

READ_FAMILIES = ("autoscaling:Describe*", "ec2:Describe*", "elasticloadbalancing:Describe*")
"""Read-only action families the boundary allows anywhere instead of listing each describe call."""

ANY_RESOURCE = frozenset({
    "acm:ListCertificates", "ec2:GetInstanceTypesFromInstanceRequirements",
    "ec2messages:AcknowledgeMessage", "ec2messages:DeleteMessage", "ec2messages:FailMessage",
    "ec2messages:GetEndpoint", "ec2messages:GetMessages", "ec2messages:SendReply",
    "elasticloadbalancing:SetWebAcl", "logs:DescribeLogGroups", "route53:ListHostedZones",
    "shield:CreateProtection", "shield:GetSubscriptionState",
    "ssm:GetDeployablePatchSnapshotForInstance", "ssm:GetManifest", "ssm:ListAssociations",
    "ssm:PutConfigurePackageResult", "ssm:PutInventory",
    "ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
})
"""Workload actions (outside :data:`READ_FAMILIES`) the Service Authorization Reference lists without a
resource type: AWS authorizes them on ``*`` only."""

VERBATIM_SERVICES = frozenset({"iam", "kms"})
"""Services whose statements the boundary keeps as written, conditions included."""


def environment_scopes(spec: EnvironmentSpec, key_arn: str) -> dict[str, list[str]]:
    """Per service, the environment's resources a platform role may act on.

    Account and region (EBS snapshots' and AWS-owned SSM documents' ARNs carry no account); SSM
    parameters under the environment's root (not every parameter of a shared account), Auto Scaling
    groups and log groups under the prefix; hosted zones of the account (Route 53 has no tag condition).
    """
    region, account = spec.aws.region, spec.aws.account_id
    regional = {service: [f"arn:aws:{service}:{region}:{account}:*"]
                for service in ("acm", "elasticloadbalancing", "waf-regional", "wafv2", "cognito-idp")}
    return {
        **regional,
        "ec2": [f"arn:aws:ec2:{region}:{account}:*", f"arn:aws:ec2:{region}::snapshot/*"],
        "autoscaling": [arn(spec, "autoscaling", f"autoScalingGroup:*:autoScalingGroupName/{spec.prefix}-*")],
        "ssm": [parameters_arn(spec), arn(spec, "ssm", "association/*"), arn(spec, "ssm", "document/*"),
                f"arn:aws:ssm:{region}::document/*"],
        "logs": [arn(spec, "logs", f"log-group:{spec.prefix}-*")],
        "route53": ["arn:aws:route53:::hostedzone/*"],
        "shield": [f"arn:aws:shield::{account}:protection/*"],
        "kms": [key_arn],
    }


def workload_statements(spec: EnvironmentSpec, key_arn: str) -> list[Statement]:
    """Every statement of every platform role's policy, inline and AWS managed."""
    documents = [build(spec, key_arn) for build in WORKLOAD_POLICIES]
    documents += [managed_policy(policy_arn) for policy_arn in MANAGED_POLICIES]
    return [statement for policy in documents if policy for statement in policy["Statement"]]


def _listed(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else value


def boundary_policy(spec: EnvironmentSpec, key_arn: str) -> Policy:
    """The boundary document of ``spec``'s environment (``key_arn``: the environment's KMS key)."""
    anywhere: set[str] = set()
    scoped: set[str] = set()
    verbatim: dict[tuple[str, str], set[str]] = {}
    for statement in workload_statements(spec, key_arn):
        for action in _listed(statement["Action"]):
            service = action.split(":", 1)[0]
            if service in VERBATIM_SERVICES:
                key = (json.dumps(sorted(_listed(statement["Resource"]))),
                       json.dumps(statement.get("Condition", {}), sort_keys=True))
                verbatim.setdefault(key, set()).add(action)
            elif family := next((f for f in READ_FAMILIES if fnmatch.fnmatchcase(action, f)), None):
                anywhere.add(family)
            elif action in ANY_RESOURCE:
                anywhere.add(action)
            else:
                scoped.add(action)
    scopes = environment_scopes(spec, key_arn)
    missing = sorted({action.split(":", 1)[0] for action in scoped} - set(scopes))
    if missing:
        raise ValueError(f"no environment scope for {missing} in platform_spec/boundary.py environment_scopes")
    in_environment = sorted({arn_ for action in scoped for arn_ in scopes[action.split(":", 1)[0]]})
    exact = [allow(f"AsWritten{index + 1}", actions, json.loads(resources_), json.loads(condition) or None)
             for index, ((resources_, condition), actions) in enumerate(sorted(verbatim.items()))]
    return document(allow("Anywhere", anywhere, ["*"]), allow("InTheEnvironment", scoped, in_environment), *exact)
