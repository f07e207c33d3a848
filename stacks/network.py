"""Network: VPC (default security group closed), one public and one private subnet per AZ, internet
gateway, NAT, routes."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.default_security_group import DefaultSecurityGroup
from cdktf_cdktf_provider_aws.eip import Eip
from cdktf_cdktf_provider_aws.internet_gateway import InternetGateway
from cdktf_cdktf_provider_aws.nat_gateway import NatGateway
from cdktf_cdktf_provider_aws.route import Route
from cdktf_cdktf_provider_aws.route_table import RouteTable
from cdktf_cdktf_provider_aws.route_table_association import RouteTableAssociation
from cdktf_cdktf_provider_aws.subnet import Subnet
from cdktf_cdktf_provider_aws.vpc import Vpc
from constructs import Construct

from platform_spec.model import EnvironmentSpec


class Network(Construct):
    """The environment's VPC.

    Inputs: the spec's ``network`` section. Outputs: ``vpc``, ``public_subnets`` (every zone) and
    ``private_subnets`` (zones with a private CIDR; also ``private_subnets_by_zone``), in zone order.
    Routes are standalone ``aws_route`` resources (inline route blocks need every attribute). The VPC's
    default security group is adopted with no rules: nothing that lands in it by mistake can talk.
    """

    def __init__(self, scope: Construct, construct_id: str, *, spec: EnvironmentSpec) -> None:
        super().__init__(scope, construct_id)
        prefix = spec.prefix
        network = spec.network
        self.vpc = Vpc(
            self,
            "vpc",
            cidr_block=str(network.vpc_cidr),
            enable_dns_hostnames=True,
            enable_dns_support=True,
            tags={"Name": f"{prefix}-vpc"},
        )
        DefaultSecurityGroup(self, "default-sg", vpc_id=self.vpc.id, ingress=[], egress=[],
                             tags={"Name": f"{prefix}-default-closed"})
        gateway = InternetGateway(self, "igw", vpc_id=self.vpc.id, tags={"Name": f"{prefix}-igw"})
        public_routes = self._route_table("public", prefix)
        Route(
            self, "public-default", route_table_id=public_routes.id, destination_cidr_block="0.0.0.0/0",
            gateway_id=gateway.id,
        )
        self.public_subnets: list[Subnet] = []
        self.private_subnets: list[Subnet] = []
        self.private_subnets_by_zone: dict[str, Subnet] = {}
        nat_gateways: dict[str, NatGateway] = {}
        node_zones = [zone.name for zone in network.node_zones]
        for zone in network.zones:
            public = self._subnet("public", zone.name, str(zone.public_cidr), prefix, public=True)
            self._associate(f"public-{zone.name}", public, public_routes)
            self.public_subnets.append(public)
            per_zone = network.nat == "per-zone" and zone.name in node_zones
            if per_zone or (network.nat == "single" and not nat_gateways and zone.name == node_zones[0]):
                nat_gateways[zone.name] = self._nat_gateway(zone.name, public, prefix, gateway)
        for zone in network.node_zones:
            private = self._subnet("private", zone.name, str(zone.private_cidr), prefix, public=False)
            routes = self._route_table(f"private-{zone.name}", prefix)
            if nat_gateways:
                nat = nat_gateways.get(zone.name) or next(iter(nat_gateways.values()))
                Route(
                    self, f"private-default-{zone.name}", route_table_id=routes.id,
                    destination_cidr_block="0.0.0.0/0", nat_gateway_id=nat.id,
                )
            self._associate(f"private-{zone.name}", private, routes)
            self.private_subnets.append(private)
            self.private_subnets_by_zone[zone.name] = private

    def _subnet(self, kind: str, zone: str, cidr: str, prefix: str, *, public: bool) -> Subnet:
        role_tag = "kubernetes.io/role/elb" if public else "kubernetes.io/role/internal-elb"
        return Subnet(
            self,
            f"{kind}-{zone}",
            vpc_id=self.vpc.id,
            cidr_block=cidr,
            availability_zone=zone,
            map_public_ip_on_launch=False,
            tags={"Name": f"{prefix}-{kind}-{zone}", role_tag: "1", "Tier": kind},
        )

    def _route_table(self, name: str, prefix: str) -> RouteTable:
        return RouteTable(self, f"rt-{name}", vpc_id=self.vpc.id, tags={"Name": f"{prefix}-rt-{name}"})

    def _associate(self, name: str, subnet: Subnet, table: RouteTable) -> None:
        RouteTableAssociation(self, f"rta-{name}", subnet_id=subnet.id, route_table_id=table.id)

    def _nat_gateway(self, zone: str, subnet: Subnet, prefix: str, gateway: InternetGateway) -> NatGateway:
        address = Eip(
            self, f"nat-eip-{zone}", domain="vpc", tags={"Name": f"{prefix}-nat-{zone}"}, depends_on=[gateway]
        )
        return NatGateway(
            self, f"nat-{zone}", allocation_id=address.id, subnet_id=subnet.id,
            tags={"Name": f"{prefix}-nat-{zone}"},
        )
