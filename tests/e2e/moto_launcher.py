"""Run ``moto_server`` with three fixes for moto 5.2.5 gaps that real AWS does not have.

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
"""

from __future__ import annotations

import sys
from typing import Any

from moto.ec2.models import spot_requests
from moto.ec2.models.instances import Instance, InstanceBackend
from moto.ec2.models.security_groups import SecurityGroupRule
from moto.ec2.utils import random_spot_request_id
from moto.iam import access_control
from moto.iam.policy_conditions import TrustRelationShipConditions
from moto.server import main

_is_action_permitted = access_control.IAMPolicyStatement.is_action_permitted
_run_instances = InstanceBackend.run_instances


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


access_control.IAMPolicyStatement.is_action_permitted = is_action_permitted  # type: ignore[method-assign]
InstanceBackend.run_instances = run_instances  # type: ignore[method-assign]
Instance.instance_lifecycle = property(lambda self: self.lifecycle)  # type: ignore[attr-defined]
SecurityGroupRule.description = property(rule_description)  # type: ignore[assignment,method-assign]

if __name__ == "__main__":
    sys.exit(main())
