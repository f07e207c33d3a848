"""Run ``moto_server`` with fixes for moto 5.2.5 gaps that real AWS does not have.

Each fix makes moto behave like AWS for a resource the platform stack really uses, so the e2e
test deploys the unmodified stacks; remove a fix when moto ships it. Arguments are those of
``moto_server`` (``python tests/e2e/moto_launcher.py -H 127.0.0.1 -p PORT``).

1. Bucket policies: moto ignores condition operators it does not implement (``Bool``) and S3
   passes no condition values, so a *conditional* ``Deny`` becomes unconditional. The state
   bucket's TLS-only statement (``Deny`` when ``aws:SecureTransport`` is ``false``) then makes
   every PutObject 403. Fix: a ``Deny`` whose condition keys are absent from the request does
   not apply (as in IAM's evaluation logic).
2. Spot instances: RunInstances with ``InstanceMarketOptions`` marks the instance spot, but
   DescribeInstances returns no ``InstanceLifecycle``/``SpotInstanceRequestId`` and no spot
   request exists, so the provider reads no ``instance_market_options`` and plans a replacement
   on every run. Fix: record a fulfilled one-time spot request and return both fields.
3. Security group rules that reference a group: the rule ``Description`` is stored with the
   group pair but DescribeSecurityGroupRules reads it from the CIDR range only, so every plan
   re-adds the description. Fix: fall back to the group pair's description.

Issue 10 (cluster identity and DNS; each fix one function, below the first three):

4. DNS-validated certificates: moto marks an ``AMAZON_ISSUED`` certificate ``ISSUED`` once
   ``MOTO_ACM_VALIDATION_WAIT`` seconds have passed, whether or not its validation record exists, so a
   stack without the CNAME would "validate" too. AWS issues it only when the CNAME it asked for resolves.
   Fix: a pending certificate is issued only when every validation option's CNAME exists in a Route 53
   zone of the certificate's account (the e2e runs with ``MOTO_ACM_VALIDATION_WAIT=0``).
5. Resource-level permissions: under IAM enforcement moto authorizes SSM, Auto Scaling, Route 53 and EC2
   requests against the resource ``*``, so a statement scoped to ARNs (``parameter/sesacthon/dev/*``, an
   ASG's ARN, ``hostedzone/<id>``, ``volume/*``) never matches and its allow is lost. Fix: those responses
   name the ARN AWS authorizes the action against (the parameter, the group, the zone, the new volume).
6. Private hosted zones: AWS makes a zone created with a ``VPC`` private (CreateHostedZone: "if you
   specify a VPC, the hosted zone is private"; ``HostedZoneConfig.PrivateZone`` is ignored), which is how
   the provider creates ``aws_route53_zone`` with a ``vpc`` block; moto drops the VPC and makes a public
   zone unless ``PrivateZone`` is true. Fix: a VPC in the request makes the zone private.
7. Launch template tags: CreateLaunchTemplate's own ``TagSpecifications`` (resource type
   ``launch-template``, where the provider sends its default tags) are copied by moto into the template
   *data*'s ``TagSpecifications`` (the tags of the instances it launches), so every plan wants to remove
   a block nobody wrote. AWS keeps the two apart. Fix: drop the ``launch-template`` entry from the data.
"""

from __future__ import annotations

import sys
from typing import Any

from moto.acm.models import CertBundle
from moto.autoscaling.models import autoscaling_backends
from moto.autoscaling.responses import AutoScalingResponse
from moto.ec2.models import spot_requests
from moto.ec2.models.instances import Instance, InstanceBackend
from moto.ec2.models.security_groups import SecurityGroupRule
from moto.ec2.responses import EC2Response
from moto.ec2.responses.launch_templates import LaunchTemplates
from moto.ec2.utils import random_spot_request_id
from moto.iam import access_control
from moto.iam.policy_conditions import TrustRelationShipConditions
from moto.route53.models import route53_backends
from moto.route53.responses import Route53
from moto.server import main
from moto.ssm.responses import SimpleSystemManagerResponse

_is_action_permitted = access_control.IAMPolicyStatement.is_action_permitted
_run_instances = InstanceBackend.run_instances
_certificate_check = CertBundle.check
_create_hosted_zone = Route53.create_hosted_zone
_create_launch_template = LaunchTemplates.create_launch_template


def is_action_permitted(self: Any, action: str, resource: str = "*", principal: str | None = None,
                        incoming_condition_values: dict[str, str] | None = None) -> Any:
    """Fix 1: a conditional Deny applies only when the request carries its condition keys."""
    statement = self._statement
    if statement.get("Effect") == "Deny" and statement.get("Condition"):
        known = incoming_condition_values or {}
        conditions = TrustRelationShipConditions(statement["Condition"])
        if any(key not in known for condition in conditions for key in condition.context_keys):
            return access_control.PermissionResult.NEUTRAL
    return _is_action_permitted(self, action, resource, principal, incoming_condition_values)


def run_instances(self: Any, *args: Any, **kwargs: Any) -> Any:
    """Fix 2: spot instances get a fulfilled spot request, as on AWS."""
    reservation = _run_instances(self, *args, **kwargs)
    for instance in reservation.instances:
        if instance.lifecycle != "spot":
            continue
        request = spot_requests.SpotInstanceRequest.__new__(spot_requests.SpotInstanceRequest)
        spot_requests.TaggedEC2Resource.__init__(request)
        request.__dict__.update(
            ec2_backend=self, id=random_spot_request_id(), state="active", _status_code="fulfilled",
            status_message="", price="0.050000", type="one-time", valid_from=None, valid_until=None,
            launch_group=None, availability_zone_group=None, instance_interruption_behaviour="terminate",
            user_data=None, spot_fleet_id=None, launch_spec=None, all_tags={}, instance=instance,
            launch_specification=spot_requests.LaunchSpecification(
                kernel_id=None, ramdisk_id=None, image_id=instance.image_id, key_name=None,
                instance_type=instance.instance_type, placement=instance.availability_zone, monitored=False,
                subnet_id=instance.subnet_id,
            ),
        )
        self.spot_instance_requests[request.id] = request
        instance.spot_instance_request_id = request.id
    return reservation


def rule_description(self: Any) -> str | None:
    """Fix 3: the description of a rule that references a security group."""
    return self.ip_range.get("Description") or (self.source_group or {}).get("Description")


def _validation_records_exist(bundle: Any) -> bool:
    account = bundle.arn.split(":")[4]
    names = {
        record.name.rstrip(".").lower()
        for zone in route53_backends[account]["aws"].zones.values() if not zone.private_zone
        for record in zone.rrsets if record.type == "CNAME"
    }
    options = bundle.describe()["Certificate"].get("DomainValidationOptions", [])
    return bool(options) and all(
        option["ResourceRecord"]["Name"].rstrip(".").lower() in names for option in options
    )


def check_certificate(self: Any) -> None:
    """Fix 4: a DNS-validated certificate is issued only once its validation CNAME exists."""
    if self.type == "AMAZON_ISSUED" and self.status == "PENDING_VALIDATION" and not _validation_records_exist(self):
        return
    _certificate_check(self)


def ssm_resource(self: Any) -> str:
    """Fix 5 (SSM): the parameter a Get/Put/Delete names, or the path GetParametersByPath reads."""
    name = self._get_param("Name") or (self._get_param("Names") or [None])[0] or self._get_param("Path")
    if not name:
        return "*"
    return f"arn:aws:ssm:{self.region}:{self.current_account}:parameter/{name.lstrip('/')}"


def autoscaling_resource(self: Any) -> str:
    """Fix 5 (Auto Scaling): the group a SetDesiredCapacity/Terminate/Update names (by name or instance)."""
    backend = autoscaling_backends[self.current_account][self.region]
    name = self._get_param("AutoScalingGroupName")
    if not name and self._get_param("InstanceId"):
        name = next((group.name for group in backend.autoscaling_groups.values()
                     if any(state.instance.id == self._get_param("InstanceId") for state in group.instance_states)),
                    None)
    group = backend.autoscaling_groups.get(name) if name else None
    return group.arn if group is not None else "*"


def route53_resource(self: Any) -> str:
    """Fix 5 (Route 53): the hosted zone a record change or listing names."""
    zone = self._get_param("HostedZoneId") or self._get_param("Id")
    return f"arn:aws:route53:::hostedzone/{zone.rsplit('/', 1)[-1]}" if zone else "*"


def ec2_resource(self: Any) -> str:
    """Fix 5 (EC2): CreateVolume is authorized against the new volume (``volume/*``)."""
    if self._get_action() == "CreateVolume":
        return f"arn:aws:ec2:{self.region}:{self.current_account}:volume/*"
    return "*"


def create_hosted_zone(self: Any) -> Any:
    """Fix 6: a zone created with a VPC is private."""
    if self._get_param("VPC.VPCId") and not self._get_bool_param("HostedZoneConfig.PrivateZone", False):
        self.params.setdefault("HostedZoneConfig", {})["PrivateZone"] = True
    return _create_hosted_zone(self)


def create_launch_template(self: Any) -> Any:
    """Fix 7: the template's own tags stay out of the data its instances are launched with."""
    result = _create_launch_template(self)
    template = self.ec2_backend.get_launch_template_by_name(self._get_param("LaunchTemplateName"))
    for version in template.versions:
        specifications = version.data.get("TagSpecifications")
        if specifications:
            version.data["TagSpecifications"] = [
                item for item in specifications if item.get("ResourceType") != "launch-template"]
    return result


access_control.IAMPolicyStatement.is_action_permitted = is_action_permitted  # type: ignore[method-assign]
InstanceBackend.run_instances = run_instances  # type: ignore[method-assign]
Instance.instance_lifecycle = property(lambda self: self.lifecycle)  # type: ignore[attr-defined]
SecurityGroupRule.description = property(rule_description)  # type: ignore[assignment,method-assign]
CertBundle.check = check_certificate  # type: ignore[method-assign]
SimpleSystemManagerResponse._determine_resource = ssm_resource  # type: ignore[attr-defined]
AutoScalingResponse._determine_resource = autoscaling_resource  # type: ignore[attr-defined]
Route53._determine_resource = route53_resource  # type: ignore[attr-defined]
EC2Response._determine_resource = ec2_resource  # type: ignore[attr-defined]
Route53.create_hosted_zone = create_hosted_zone  # type: ignore[method-assign]
LaunchTemplates.create_launch_template = create_launch_template  # type: ignore[method-assign]

if __name__ == "__main__":
    sys.exit(main())
