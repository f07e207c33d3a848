"""The AWS target and the network of an environment: account, region, VPC, zones, DNS."""

from __future__ import annotations

import ipaddress
from typing import Literal

from pydantic import Field, model_validator

from platform_spec.model.base import Cidr, SpecModel

NatMode = Literal["none", "single", "per-zone"]


class AwsTarget(SpecModel):
    account_id: str = Field(pattern=r"^\d{12}$")
    """The 12-digit AWS account; the provider refuses to run against any other account."""
    region: str = Field(default="ap-northeast-2", pattern=r"^[a-z]{2}-[a-z]+-\d$")
    """AWS region of every resource of the environment (a region of the `aws` partition)."""


class Zone(SpecModel):
    name: str = Field(pattern=r"^[a-z]{2}-[a-z]+-\d[a-z]$")
    """Availability zone of the environment's region, e.g. `ap-northeast-2a`."""
    public_cidr: Cidr
    """CIDR of the public subnet in this zone (load balancers, NAT gateway); /16 to /28."""
    private_cidr: Cidr
    """CIDR of the private subnet in this zone (cluster nodes); holds the zone's nodes plus 5 AWS-reserved addresses."""


class Network(SpecModel):
    vpc_cidr: Cidr
    """The VPC CIDR, /16 to /28; must not overlap any other environment's VPC."""
    zones: list[Zone] = Field(min_length=1, max_length=6)
    """Availability zones (1 to 6) with one public and one private subnet each; nodes spread round-robin."""
    nat: NatMode = "single"
    """NAT gateways for the private subnets: `none` (not in production), `single` (cost), or `per-zone` (HA)."""
    admin_cidrs: list[Cidr] = Field(default_factory=list, max_length=20)
    """CIDRs (at most 20) allowed to reach the Kubernetes API (6443) and SSH on the control plane;
    production allows none wider than /8."""

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
