"""DNS: the environment's Route 53 zone, the API record, and the ingress TLS certificate."""

from __future__ import annotations

from cdktf import TerraformResourceLifecycle
from cdktf_cdktf_provider_aws.acm_certificate import AcmCertificate
from cdktf_cdktf_provider_aws.route53_record import Route53Record
from cdktf_cdktf_provider_aws.route53_zone import Route53Zone
from constructs import Construct

from platform_spec.model import EnvironmentSpec


class Dns(Construct):
    """Public hosted zone for ``spec.dns.domain``, ``k8s-api.<domain>``, and an ACM certificate.

    Outputs: ``zone`` and ``certificate`` (DNS-validated, ``<domain>`` and ``*.<domain>``).
    """

    def __init__(
        self, scope: Construct, construct_id: str, *, spec: EnvironmentSpec, control_plane_ips: list[str]
    ) -> None:
        super().__init__(scope, construct_id)
        domain = spec.dns.domain
        self.zone = Route53Zone(
            self, "zone", name=domain, comment=f"{spec.prefix} ({spec.purpose})",
            force_destroy=spec.tier != "production",
        )
        Route53Record(
            self, "k8s-api", zone_id=self.zone.zone_id, name=f"k8s-api.{domain}", type="A", ttl=60,
            records=control_plane_ips,
        )
        self.certificate = AcmCertificate(
            self, "ingress-certificate", domain_name=domain, subject_alternative_names=[f"*.{domain}"],
            validation_method="DNS", lifecycle=TerraformResourceLifecycle(create_before_destroy=True),
        )
