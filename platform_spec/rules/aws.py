"""What AWS refuses, checked on the spec before Terraform or the API sees it.

Data comes from botocore, which ships AWS's own service models: the EC2 ``InstanceType`` enum
(``botocore/data/ec2/<latest>/service-2.json``) and the regions of the ``aws`` partition
(``botocore/data/partitions.json``; the stacks write ``arn:aws:`` ARNs, so other partitions
cannot work). The rules and where they are documented:

- VPC and subnet sizes: /16 to /28; the first four and the last address of every subnet are
  reserved (https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html), so a private
  subnet must hold the zone's share of the nodes, autoscaling surge included.
- Availability zones are named ``<region><letter>`` (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-regions-availability-zones.html).
- Instance types with ``g`` after the generation are AWS Graviton (arm64)
  (https://docs.aws.amazon.com/ec2/latest/instancetypes/instance-type-names.html); they cannot boot
  an x86_64 node image.
- S3 bucket names (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html).
- Tag values: at most 256 characters; letters, digits, spaces and ``_ . : / = + - @``
  (https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html).
- SSM parameter names: ``a-zA-Z0-9_.-`` and ``/``, begin with ``/`` when hierarchical, at most 15
  levels, at most 1011 characters (https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-su-create.html).
- IAM role names: at most 64 characters of ``\\w+=,.@-`` (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html).
- One GitHub OIDC provider per account and URL: ``CreateOpenIDConnectProvider`` fails with
  ``EntityAlreadyExists`` for a second one, so of the environments sharing an account exactly one
  creates it (``access.release_pipeline.create_oidc_provider``).
- Production: no NAT-less private subnets and no admin CIDR wider than /8 (``0.0.0.0/0``).
"""

from __future__ import annotations

import difflib
import gzip
import importlib.util
import json
import math
import re
import unicodedata
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from platform_spec import addons, naming
from platform_spec.model import EnvironmentSpec
from platform_spec.problems import Problem

PARTITION = "aws"
RESERVED_PER_SUBNET = 5
"""Addresses AWS keeps in every subnet: network, VPC router, DNS, future use, broadcast."""
_GRAVITON = re.compile(r"^([a-z]+\d+g[a-z-]*|a1)\.")
_SSM_NAME = re.compile(r"^(/[A-Za-z0-9_.-]+)+$")
_TAG_PUNCTUATION = set("_.:/=+-@")
_ROLE_NAME = re.compile(r"^[\w+=,.@-]{1,64}$")


def _botocore_data() -> Path:
    found = importlib.util.find_spec("botocore")
    if found is None or found.origin is None:
        raise ImportError("botocore is not installed; run `make venv`")
    return Path(found.origin).parent / "data"


BOTOCORE_DATA = _botocore_data()
"""botocore's data directory (found without importing botocore)."""


def _botocore_json(path: Path) -> Any:
    """A botocore data file, plain or gzipped (what ``botocore.loaders`` reads, without its ~0.1 s import)."""
    gzipped = path.with_name(path.name + ".gz")
    if gzipped.is_file():
        return json.loads(gzip.decompress(gzipped.read_bytes()))
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def instance_types() -> frozenset[str]:
    """Every EC2 instance type of the ``InstanceType`` enum of botocore's latest EC2 service model."""
    latest = max(entry.name for entry in (BOTOCORE_DATA / "ec2").iterdir() if entry.is_dir())
    model = _botocore_json(BOTOCORE_DATA / "ec2" / latest / "service-2.json")
    return frozenset(model["shapes"]["InstanceType"]["enum"])


@cache
def regions() -> tuple[str, ...]:
    """The regions of the ``aws`` partition (botocore's partitions.json, pseudo-regions left out)."""
    data = _botocore_json(BOTOCORE_DATA / "partitions.json")
    partition = next(item for item in data["partitions"] if item["id"] == PARTITION)
    return tuple(sorted(name for name in partition["regions"] if not name.endswith("-global")))


def _suggest(value: str, choices: list[str] | tuple[str, ...] | frozenset[str]) -> str:
    close = difflib.get_close_matches(value, sorted(choices), n=3)
    return f"; did you mean {', '.join(close)}?" if close else ""


def tag_value_problem(value: str) -> str | None:
    """Why AWS refuses ``value`` as a tag value, or ``None``."""
    if len(value) > 256:
        return f"is {len(value)} characters; an AWS tag value has at most 256"
    for character in value:
        category = unicodedata.category(character)
        if not (category[0] in "LN" or category == "Zs" or character in _TAG_PUNCTUATION):
            return f"contains {character!r}, which AWS refuses in a tag value"
    return None


def bucket_problem(name: str) -> str | None:
    """Why S3 refuses ``name`` as a general purpose bucket name, or ``None``."""
    if not 3 <= len(name) <= 63 or not re.fullmatch(r"[a-z0-9][a-z0-9.-]*[a-z0-9]", name):
        return "is not 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit"
    if ".." in name or ".-" in name or "-." in name:
        return "has adjacent dots or a dot next to a hyphen"
    if re.fullmatch(r"\d+\.\d+\.\d+\.\d+", name):
        return "is formatted as an IP address"
    for prefix in ("xn--", "sthree-", "amzn-s3-demo-"):
        if name.startswith(prefix):
            return f"starts with the reserved prefix {prefix}"
    for suffix in ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"):
        if name.endswith(suffix):
            return f"ends with the reserved suffix {suffix}"
    return None


def ssm_name_problem(name: str) -> str | None:
    """Why SSM refuses ``name`` as a hierarchical parameter name, or ``None``."""
    if not name.startswith("/"):
        return "does not begin with /"
    if len(name) > 1011:
        return "is longer than 1011 characters"
    if not _SSM_NAME.match(name):
        return "contains characters other than a-z A-Z 0-9 _ . - / (or an empty level)"
    if name.count("/") > 15:
        return "has more than 15 levels"
    return None


def _network(spec: EnvironmentSpec) -> list[Problem]:
    network = spec.network
    problems: list[Problem] = []
    if not 16 <= network.vpc_cidr.prefixlen <= 28:
        problems.append(Problem(("network", "vpc_cidr"), "is outside the sizes AWS allows for a VPC", "/16 to /28"))
    nodes = sum(spec.cluster.max_size(group) for group in spec.cluster.node_groups)
    per_zone = math.ceil(nodes / max(len(network.node_zones), 1))
    for index, zone in enumerate(network.zones):
        if not re.fullmatch(re.escape(spec.aws.region) + "[a-z]", zone.name):
            problems.append(Problem(("network", "zones", index, "name"),
                                    f"is not an availability zone of region {spec.aws.region}",
                                    f"{spec.aws.region} followed by a letter, e.g. {spec.aws.region}a"))
        for kind in ("public_cidr", "private_cidr"):
            cidr = getattr(zone, kind)
            if cidr is not None and cidr.prefixlen > 28:
                problems.append(Problem(("network", "zones", index, kind), "is smaller than AWS allows for a subnet",
                                        "/16 to /28"))
        if zone.private_cidr is None:  # a public subnet only (the load balancer's second zone)
            continue
        usable = zone.private_cidr.num_addresses - RESERVED_PER_SUBNET
        if zone.private_cidr.prefixlen <= 28 and usable < per_zone:
            problems.append(Problem(("network", "zones", index, "private_cidr"),
                                    f"has {usable} usable addresses (AWS reserves 5) for up to {per_zone} nodes "
                                    "in this zone", f"a subnet of at least {per_zone + RESERVED_PER_SUBNET} addresses"))
    if spec.tier == "production":
        if network.nat == "none":
            problems.append(Problem(("network", "nat"), "leaves production's private nodes without egress "
                                    "(images, packages, AWS APIs)", "single or per-zone", value=network.nat))
        for index, cidr in enumerate(network.admin_cidrs):
            if cidr.prefixlen < 8:
                problems.append(Problem(("network", "admin_cidrs", index),
                                        "opens the Kubernetes API of production to " + (
                                            "the whole internet" if cidr.prefixlen == 0 else "much of the internet"),
                                        "the operators' networks, /8 or narrower"))
    return problems


def _compute(spec: EnvironmentSpec) -> list[Problem]:
    problems: list[Problem] = []
    known = instance_types()
    x86_image = spec.cluster.node_image_parameter.endswith("x86_64")
    for index, group in enumerate(spec.cluster.node_groups):
        where = ("cluster", "node_groups", index, "instance_type")
        if group.instance_type not in known:
            problems.append(Problem(where, "is not an EC2 instance type" + _suggest(group.instance_type, known),
                                    "an instance type of the EC2 API, e.g. t3.medium"))
        elif x86_image and _GRAVITON.match(group.instance_type):
            problems.append(Problem(where, "is an arm64 (Graviton) type; the node image "
                                    f"{spec.cluster.node_image_parameter} is x86_64", "an x86_64 instance type"))
    reason = ssm_name_problem(spec.cluster.node_image_parameter)
    if reason:
        problems.append(Problem(("cluster", "node_image_parameter"), f"is not an SSM parameter name: it {reason}",
                                "/aws/service/... or another /-rooted parameter path",
                                value=spec.cluster.node_image_parameter))
    return problems


def _names(spec: EnvironmentSpec) -> list[Problem]:
    problems: list[Problem] = []
    if spec.aws.region not in regions():
        problems.append(Problem(("aws", "region"), "is not a region of the aws partition" +
                                _suggest(spec.aws.region, regions()), ", ".join(regions()), value=spec.aws.region))
    reason = bucket_problem(spec.state_bucket_name)
    if reason:
        problems.append(Problem(("state_bucket",), f"is not a valid S3 bucket name: it {reason}",
                                "3-63 characters a-z 0-9 . -, no '..'", value=spec.state_bucket_name))
    for field in ("name", "project", "operated_by", "tier"):
        reason = tag_value_problem(getattr(spec, field))
        if reason:
            problems.append(Problem((field,), f"{reason} (it is tagged on every resource)",
                                    "letters, digits, spaces and _ . : / = + - @"))
    reason = ssm_name_problem(spec.ssm_root)
    if reason:
        problems.append(Problem(("name",), f"gives the SSM root {spec.ssm_root}, which {reason}", None))
    for purpose in ("release", "developer", *(addon.name for addon in addons.ADDONS)):
        role = naming.role_name(spec, purpose)
        if not _ROLE_NAME.match(role):
            problems.append(Problem(("short_name",), f"makes the IAM role name {role} ({len(role)} characters) "
                                    "invalid", "role names of at most 64 characters \\w+=,.@-"))
    return problems


def check(spec: EnvironmentSpec) -> list[Problem]:
    """Every per-environment AWS rule."""
    return [*_names(spec), *_network(spec), *_compute(spec)]


def cross_check(specs: Mapping[str, EnvironmentSpec]) -> dict[str, list[Problem]]:
    """Environments sharing an AWS account: exactly one creates the account's GitHub OIDC provider."""
    accounts: dict[str, list[str]] = {}
    for name, spec in specs.items():
        accounts.setdefault(spec.aws.account_id, []).append(name)
    problems: dict[str, list[Problem]] = {}
    where = ("access", "release_pipeline", "create_oidc_provider")
    for account, names in accounts.items():
        if len(names) < 2:
            continue
        creators = [name for name in names if specs[name].access.release_pipeline.create_oidc_provider]
        together = ", ".join(names)
        for name in creators[1:]:
            problems.setdefault(name, []).append(Problem(
                where, f"also creates the GitHub OIDC provider of account {account}, which environment "
                f"'{creators[0]}' creates (environments {together} share the account; AWS allows one provider "
                "per URL)", "false in every environment of the account but one", value="true"))
        if not creators:
            problems.setdefault(names[0], []).append(Problem(
                where, f"is false in every environment of account {account} ({together}), so none creates "
                "the GitHub OIDC provider the release roles trust", "true in exactly one of them", value="false"))
    return problems
