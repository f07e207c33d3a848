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
    private_cidr: Cidr | None = None
    """CIDR of the private subnet in this zone (cluster nodes); holds the zone's nodes plus 5 AWS-reserved
    addresses. Omit it for a zone that only holds a public subnet for the load balancer (an ALB needs subnets
    in two zones; dev keeps its nodes in one)."""


class Network(SpecModel):
    vpc_cidr: Cidr
    """The VPC CIDR, /16 to /28; must not overlap any other environment's VPC."""
    zones: list[Zone] = Field(min_length=1, max_length=6)
    """Availability zones (2 to 6), each with a public subnet (an application load balancer needs two zones)
    and, where nodes run, a private subnet; nodes spread round-robin over the zones with a private subnet."""
    nat: NatMode = "single"
    """NAT gateways for the private subnets: `none` (not in production), `single` (cost), or `per-zone` (HA)."""
    admin_cidrs: list[Cidr] = Field(default_factory=list, max_length=20)
    """CIDRs (at most 20) allowed to reach the Kubernetes API (6443) on the control plane; production allows
    none wider than /8. Ansible connects through the SSM session manager: no SSH port is open."""
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
                if cidr is None:
                    continue
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
        if len(self.zones) < 2:
            raise ValueError(
                f"zones: an application load balancer needs public subnets in at least 2 availability zones, "
                f"got {len(self.zones)} (add a zone with a public_cidr only to keep the nodes in one zone)"
            )
        if not self.node_zones:
            raise ValueError("zones: at least one zone needs a private_cidr (the nodes' subnet)")
        return self

    @property
    def node_zones(self) -> list[Zone]:
        """The zones with a private subnet, where nodes run (zone order)."""
        return [zone for zone in self.zones if zone.private_cidr is not None]


DOMAIN_PATTERN = r"^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$"


class Delegation(SpecModel):
    zone: str = Field(pattern=DOMAIN_PATTERN)
    """A child zone delegated from this environment's zone, e.g. `dev.ecoeco.app`."""
    name_servers: list[str] = Field(min_length=1)
    """The child zone's name servers, as its environment publishes them (`sesacthon delegation <child>`
    prints them)."""


class Dns(SpecModel):
    domain: str = Field(pattern=DOMAIN_PATTERN)
    """The environment's DNS domain; a public Route 53 zone is created for it (its name servers are published
    to SSM `dns/name-servers`), plus a private zone `internal.<domain>` for names only the VPC may resolve."""
    delegations: list[Delegation] = Field(default_factory=list)
    """Child zones (other environments' domains) this zone delegates to by NS records."""

    @model_validator(mode="after")
    def _delegations_are_children(self) -> Dns:
        for index, delegation in enumerate(self.delegations):
            if not delegation.zone.endswith(f".{self.domain}"):
                raise ValueError(
                    f"delegations.{index}.zone: '{delegation.zone}' is not inside domain '{self.domain}'"
                )
        return self

    @property
    def internal_zone(self) -> str:
        """The private hosted zone (VPC only) holding internal names such as the API endpoint."""
        return f"internal.{self.domain}"

    @property
    def api_name(self) -> str:
        """The Kubernetes API endpoint's name (private zone, one A record per control-plane node)."""
        return f"k8s-api.{self.internal_zone}"
