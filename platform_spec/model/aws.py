"""The AWS target and the network of an environment: account, region, VPC, zones, DNS."""

from __future__ import annotations

import ipaddress
from typing import Literal

from pydantic import Field, model_validator

from platform_spec.model.base import SpecModel

NatMode = Literal["none", "single", "per-zone"]


class AwsTarget(SpecModel):
    account_id: str = Field(pattern=r"^\d{12}$")
    """The 12-digit AWS account; the provider refuses to run against any other account."""
    region: str = Field(default="ap-northeast-2", pattern=r"^[a-z]{2}-[a-z]+-\d$")
    """AWS region of every resource of the environment."""


class Zone(SpecModel):
    name: str = Field(pattern=r"^[a-z]{2}-[a-z]+-\d[a-z]$")
    """Availability zone name, e.g. `ap-northeast-2a`."""
    public_cidr: ipaddress.IPv4Network
    """CIDR of the public subnet in this zone (load balancers, NAT gateway)."""
    private_cidr: ipaddress.IPv4Network
    """CIDR of the private subnet in this zone (cluster nodes)."""


class Network(SpecModel):
    vpc_cidr: ipaddress.IPv4Network
    """The VPC CIDR; must not overlap any other environment's VPC."""
    zones: list[Zone] = Field(min_length=1)
    """Availability zones with one public and one private subnet each; nodes spread round-robin."""
    nat: NatMode = "single"
    """NAT gateways for the private subnets: `none`, `single` (cost), or `per-zone` (HA)."""
    admin_cidrs: list[ipaddress.IPv4Network] = Field(default_factory=list)
    """CIDRs allowed to reach the Kubernetes API (6443) and SSH on the control plane."""
    flow_log_retention_days: Literal[
        1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653
    ] = 365
    """Days the VPC flow logs are kept (a CloudWatch Logs retention value: CloudWatch Logs API Reference,
    PutRetentionPolicy `retentionInDays`)."""

    @model_validator(mode="after")
    def _subnets_fit_the_vpc(self) -> Network:
        seen: list[tuple[str, ipaddress.IPv4Network]] = []
        for index, zone in enumerate(self.zones):
            for kind in ("public_cidr", "private_cidr"):
                cidr = getattr(zone, kind)
                where = f"zones.{index}.{kind}"
                if not cidr.subnet_of(self.vpc_cidr):
                    raise ValueError(f"{where}: {cidr} is not inside vpc_cidr {self.vpc_cidr}")
                for other_where, other in seen:
                    if cidr.overlaps(other):
                        raise ValueError(f"{where}: {cidr} overlaps {other_where} ({other})")
                seen.append((where, cidr))
        names = [zone.name for zone in self.zones]
        if len(set(names)) != len(names):
            raise ValueError(f"zones: availability zones must be distinct, got {names}")
        return self


class Dns(SpecModel):
    domain: str = Field(pattern=r"^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$")
    """The environment's DNS domain; a Route 53 zone is created for it."""
