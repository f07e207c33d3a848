"""Example ARNs of one environment's resources, per Service Authorization Reference (SAR) resource type.

AWS authorizes an action on the resources of the types the SAR lists for it (on ``*`` when it lists
none), so a test asks "is this action allowed on a resource of the environment of each type it
needs?", never "on the literal ``*``". Names are the environment's; ids are arbitrary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from platform_spec import deploy_permissions
from platform_spec.model import EnvironmentSpec
from platform_spec.naming import DISCOVERY_KEY, ansible_transfer_bucket, oidc_bucket, oidc_issuer
from platform_spec.pipeline_identity import key_arn_placeholder
from tests.e2e.moto_iam import sar

LOAD_BALANCING_SERVICE_LINKED_ROLE = (
    "aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing")


@dataclass(frozen=True)
class ResourceType:
    """One resource type the SAR lists for an action, and ARNs of the environment of that type."""

    name: str
    required: bool
    examples: tuple[str, ...]


def _values(spec: EnvironmentSpec) -> dict[tuple[str, str], list[list[str]]]:
    """Per (service, resource type): alternatives, each the values of the ARN's placeholders in order."""
    prefix = spec.prefix
    return {
        ("ssm", "parameter"): [[f"{spec.ssm_root.lstrip('/')}/example"]],
        ("kms", "key"): [[key_arn_placeholder(spec).rsplit("/", 1)[1]]],
        ("iam", "role"): [[f"{prefix}-example"], [deploy_permissions.AUTOSCALING_SERVICE_LINKED_ROLE],
                          [LOAD_BALANCING_SERVICE_LINKED_ROLE]],
        ("iam", "instance-profile"): [[f"{prefix}-example"]],
        ("iam", "oidc-provider"): [[oidc_issuer(spec).removeprefix("https://")]],
        ("logs", "log-group"): [[f"{prefix}-example"]],
        ("logs", "log-stream"): [[f"{prefix}-example", "stream"]],
        ("s3", "bucket"): [[spec.state_bucket_name], [oidc_bucket(spec)], [ansible_transfer_bucket(spec)]],
        ("s3", "object"): [[spec.state_bucket_name, spec.state_key], [oidc_bucket(spec), DISCOVERY_KEY],
                           [ansible_transfer_bucket(spec), "example"]],
        ("dynamodb", "table"): [[spec.lock_table_name]],
        ("autoscaling", "autoScalingGroup"): [["0a1b2c3d-example", f"{prefix}-example"]],
    }


def fill(template: str, spec: EnvironmentSpec, values: list[str]) -> str:
    """A SAR ARN template with the environment's partition, region and account and ``values`` in order."""
    arn = template.replace("${Partition}", "aws").replace("${Region}", spec.aws.region)
    arn = arn.replace("${Account}", spec.aws.account_id)
    for value in values:
        arn = re.sub(r"\$\{[A-Za-z]+\}", value, arn, count=1)
    return re.sub(r"\$\{[A-Za-z]+\}", "example", arn)


def resource_types(action: str, spec: EnvironmentSpec) -> list[ResourceType]:
    """The resource types the SAR lists for ``action`` (empty: AWS authorizes it on ``*``)."""
    service, name = action.split(":")
    found = []
    for kind, info in sar()[service]["privileges"][name]["resource_types"].items():
        if not kind:
            continue
        template = sar()[service]["resources"][kind]["arn"]
        alternatives = _values(spec).get((service, kind), [[]])
        found.append(ResourceType(kind, info["required"], tuple(fill(template, spec, v) for v in alternatives)))
    return found


def concrete(resource: str, spec: EnvironmentSpec) -> str:
    """A policy's ARN pattern made one ARN of the environment: wildcard region and account become the
    environment's (``arn:aws:ec2:*:*:volume/*`` is evaluated on this environment's volumes), other
    wildcards an arbitrary name."""
    parts = resource.split(":", 5)
    if len(parts) == 6 and parts[0] == "arn":
        parts[3] = spec.aws.region if parts[3] == "*" else parts[3]
        parts[4] = spec.aws.account_id if parts[4] == "*" else parts[4]
        resource = ":".join(parts)
    return resource.replace("*", "example")
