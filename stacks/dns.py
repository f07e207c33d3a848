"""DNS: the public zone (+ its delegations to child environments), the private zone with the API endpoint,
and the ingress certificate validated through DNS.

- ACM: one CNAME per validation option (apex and wildcard share it, so the first covers both; ACM user
  guide "DNS validation") and ``aws_acm_certificate_validation``, which waits until the certificate is issued.
- Delegation across accounts: each environment publishes its zone's name servers to SSM
  (``dns/name-servers``); the parent's spec lists them under ``dns.delegations`` and its stack writes the NS
  records; ``sesacthon delegation <env>`` prints what the parent still lacks.
- The API endpoint lives in the private zone ``internal.<domain>`` (associated with the VPC only): one A
  record per control-plane node; kubeadm/kubelet (Go) try each address in turn.
"""

from __future__ import annotations

from cdktf import TerraformResourceLifecycle
from cdktf_cdktf_provider_aws.acm_certificate import AcmCertificate
from cdktf_cdktf_provider_aws.acm_certificate_validation import AcmCertificateValidation
from cdktf_cdktf_provider_aws.route53_record import Route53Record
from cdktf_cdktf_provider_aws.route53_zone import Route53Zone, Route53ZoneVpc
from cdktf_cdktf_provider_aws.vpc import Vpc
from constructs import Construct

from platform_spec.model import EnvironmentSpec

DELEGATION_TTL = 172800
"""TTL of the NS delegation records (Route 53's own default for a zone's NS record)."""


class Dns(Construct):
    """Public zone for ``spec.dns.domain``, private zone ``internal.<domain>``, a validated certificate.

    Outputs: ``zone``, ``private_zone``, ``certificate`` (issued: depends on its validation) and
    ``certificate_arn`` (the validated ARN, what consumers should reference).
    """

    def __init__(
        self, scope: Construct, construct_id: str, *, spec: EnvironmentSpec, vpc: Vpc, control_plane_ips: list[str]
    ) -> None:
        super().__init__(scope, construct_id)
        domain = spec.dns.domain
        destroyable = spec.tier != "production"
        self.zone = Route53Zone(
            self, "zone", name=domain, comment=f"{spec.prefix} ({spec.purpose})", force_destroy=destroyable,
        )
        for delegation in spec.dns.delegations:
            Route53Record(
                self, f"delegation-{delegation.zone}", zone_id=self.zone.zone_id, name=delegation.zone, type="NS",
                ttl=DELEGATION_TTL, records=sorted(delegation.name_servers),
            )
        self.private_zone = Route53Zone(
            self, "private-zone", name=spec.dns.internal_zone, comment=f"{spec.prefix} internal names (VPC only)",
            vpc=[Route53ZoneVpc(vpc_id=vpc.id)], force_destroy=destroyable,
        )
        Route53Record(
            self, "k8s-api", zone_id=self.private_zone.zone_id, name=spec.dns.api_name, type="A", ttl=60,
            records=control_plane_ips,
        )
        self.certificate = AcmCertificate(
            self, "ingress-certificate", domain_name=domain, subject_alternative_names=[f"*.{domain}"],
            validation_method="DNS", lifecycle=TerraformResourceLifecycle(create_before_destroy=True),
        )
        option = self.certificate.domain_validation_options.get(0)
        record = Route53Record(
            self, "certificate-validation", zone_id=self.zone.zone_id, name=option.resource_record_name,
            type=option.resource_record_type, records=[option.resource_record_value], ttl=300, allow_overwrite=True,
        )
        validation = AcmCertificateValidation(
            self, "ingress-certificate-validation", certificate_arn=self.certificate.arn,
            validation_record_fqdns=[record.fqdn],
        )
        self.certificate_arn = validation.certificate_arn
