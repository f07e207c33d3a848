"""Run ``moto_server`` with fixes for moto 5.2.5 gaps that real AWS does not have.

Each fix makes moto behave like AWS for something the stacks or the pipeline's identities really
use, so the e2e test deploys the unmodified stacks with the unmodified (AWS-correct, scoped)
policies; remove a fix when moto ships it. Arguments are those of ``moto_server``
(``python tests/e2e/moto_launcher.py -H 127.0.0.1 -p PORT``).

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

Under IAM enforcement (``INITIAL_NO_AUTH_ACTION_COUNT``), which the e2e test turns on once each
account's administrator exists:

4. Requests without a body (every Route 53 GET and DELETE) fail with ``SignatureDoesNotMatch``,
   even for an administrator: moto re-signs them over a payload made of the request's headers.
   Fix: sign a bodyless request over the empty payload, as the client did
   (:func:`sign_bodyless_requests_over_an_empty_payload`).
5. Identity policies are checked against resource ``*`` for EC2, SSM, ACM, KMS, DynamoDB, CloudWatch
   Logs, Route 53 and IAM ``CreateRole``, without the request's condition keys, so a statement
   scoped to an ARN never matches and a condition is never evaluated. Fix: evaluate every resource
   the Service Authorization Reference lists for the action, filled from the request, with its
   condition keys (``tests/e2e/moto_iam.py``; :func:`authorize_like_aws`, :func:`named_resources`
   (Auto Scaling groups by name or by instance: :func:`_autoscaling_groups`), :func:`request_context`,
   :func:`resource_tags` for ``aws:ResourceTag`` of EC2 resources).
6. Bucket-existence checks are authorized as ``s3:HeadBucket``, which is not an IAM action: AWS
   requires ``s3:ListBucket`` (:func:`iam_action_name`).
7. A trust policy with a statement for another principal (the GitHub OIDC provider) denies the
   whole ``AssumeRole`` instead of not applying, and a role's ARN does not match its own sessions
   (role chaining). Fix: AWS's principal matching (:func:`trust_permits`).
8. Permissions boundaries are never evaluated. Fix: a role with a boundary may do only what both
   its policies and the boundary allow (:func:`boundary_documents`).
9. ``iam:PassRole`` is never checked: AWS checks it when RunInstances names an instance profile, when
   AddRoleToInstanceProfile adds a role, when CreateFlowLogs names a delivery role and when
   CreateAutoScalingGroup/UpdateAutoScalingGroup name a launch template with an instance profile (Amazon EC2
   Auto Scaling User Guide, "Amazon EC2 Auto Scaling API permissions"; :func:`passed_roles`,
   :func:`_launch_template_roles`).
10. An access denial of a JSON-protocol service (SSM, DynamoDB, KMS, CloudWatch Logs, ACM) is answered
    in XML, which the AWS SDKs cannot decode, so the caller never sees ``AccessDenied``; those of query
    services (IAM, Auto Scaling) and Route 53 in an ``<Errors>`` wrapping where the AWS SDK for Go (the
    provider) finds no code ("UnknownError"). Fix: answer ``AccessDeniedException`` in JSON with the action
    and resource, the others' ``AccessDenied`` as ``<ErrorResponse><Error>``, as AWS does (:func:`deny`; IAM
    prefixes that are no SDK service name, such as ``elasticloadbalancing``, are query services).

For the cluster's own resources (issue 10):

11. DNS-validated certificates: moto marks an ``AMAZON_ISSUED`` certificate ``ISSUED`` once
    ``MOTO_ACM_VALIDATION_WAIT`` seconds have passed, whether or not its validation record exists, so a
    stack without the CNAME would "validate" too. AWS issues it only when the CNAME it asked for resolves.
    Fix: a pending certificate is issued only when every validation option's CNAME exists in a Route 53
    zone of the certificate's account (the e2e runs with ``MOTO_ACM_VALIDATION_WAIT=0``).
12. Private hosted zones: AWS makes a zone created with a ``VPC`` private (CreateHostedZone: "if you
    specify a VPC, the hosted zone is private"; ``HostedZoneConfig.PrivateZone`` is ignored), which is how
    the provider creates ``aws_route53_zone`` with a ``vpc`` block; moto drops the VPC and makes a public
    zone unless ``PrivateZone`` is true. Fix: a VPC in the request makes the zone private.
13. Launch template tags: CreateLaunchTemplate's own ``TagSpecifications`` (resource type
    ``launch-template``, where the provider sends its default tags) are copied by moto into the template
    *data*'s ``TagSpecifications`` (the tags of the instances it launches), so every plan wants to remove
    a block nobody wrote. AWS keeps the two apart. Fix: drop the ``launch-template`` entry from the data.

Under IAM enforcement, for the cluster's resources (the deploy role of issue 12 deploying issue 10's stack):

14. S3 sub-resources moto has no action name for are authorized as the bucket's default action: GET
    ``?encryption``, ``?publicAccessBlock``, ``?replication``, ``?requestPayment`` and ``?object-lock`` as
    ``s3:ListBucket``, PUT ``?encryption``/``?publicAccessBlock`` as ``s3:CreateBucket``, DELETE
    ``?encryption``/``?publicAccessBlock`` as ``s3:DeleteBucket`` (and its public-access-block names are no
    IAM actions). A policy lacking ``s3:PutBucketPublicAccessBlock`` would pass. Fix: the IAM action AWS
    authorizes for each (Service Authorization Reference, Amazon S3, "Actions": the Delete operations are
    authorized as the Put action; :func:`name_s3_subresource_actions`).
15. DeleteObjects (what ``force_destroy`` empties a bucket with) is authorized once, as ``s3:DeleteObject`` on
    the bucket, which is no resource type of that action (so on ``*``); AWS authorizes each object:
    ``s3:DeleteObject`` on ``<bucket>/<key>``, ``s3:DeleteObjectVersion`` when the request names a version
    (Amazon S3 API reference, DeleteObjects). Fix: evaluate each object (AWS reports a refused key in its 200
    answer, which the provider turns into an error; refusing the request is the same outcome;
    :func:`deleted_objects`).

For the transport (every run):

16. A call whose answer the SDK lost (moto's Werkzeug server, under load) is retried and runs twice, so a
    success turns into ``AlreadyExists``/``Duplicate`` or a state lock held by its own taker. Fix: a retry
    (``amz-sdk-request: attempt=N``, same ``amz-sdk-invocation-id``) of a call that got a final answer gets
    that answer again (``moto_replay.py``).
17. Deleting a key that has a delete marker from a bucket whose versioning is suspended (``terraform destroy``
    suspends it before ``force_destroy`` empties the bucket) fails with HTTP 500, and the provider retries for
    minutes: moto disposes of every version's data and a delete marker has no ``dispose``. AWS deletes it.
    Fix: a delete marker disposes of nothing (it holds no data).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse
from xml.etree import ElementTree

import botocore.exceptions
import botocore.session
import moto.server
from botocore.awsrequest import AWSRequest
from moto.acm.models import CertBundle
from moto.autoscaling.models import autoscaling_backends
from moto.core.exceptions import JsonRESTError
from moto.ec2.models import ec2_backends, spot_requests
from moto.ec2.models.instances import Instance, InstanceBackend
from moto.ec2.models.security_groups import SecurityGroupRule
from moto.ec2.responses.launch_templates import LaunchTemplates
from moto.ec2.utils import random_spot_request_id
from moto.iam import access_control
from moto.iam.exceptions import NotFoundException
from moto.iam.models import iam_backends
from moto.iam.policy_conditions import TrustRelationShipConditions
from moto.kms.models import kms_backends
from moto.route53.models import route53_backends
from moto.route53.responses import Route53
from moto.s3.models import FakeDeleteMarker
from moto.s3.responses import ACTION_MAP
from moto.server import main
from xmltodict import unparse

sys.path.insert(0, str(Path(__file__).parent))
import moto_iam
from moto_replay import ReplayRetries

_is_action_permitted = access_control.IAMPolicyStatement.is_action_permitted
_run_instances = InstanceBackend.run_instances
_certificate_check = CertBundle.check
_create_hosted_zone = Route53.create_hosted_zone
_create_launch_template = LaunchTemplates.create_launch_template
_create_aws_request = access_control.IAMRequestBase._create_aws_request
_run_simple = moto.server.run_simple


def serve_replaying_retries(host: str, port: int, app: Any, **options: Any) -> None:
    """Fix 16: moto's application behind :class:`moto_replay.ReplayRetries`."""
    _run_simple(host, port, ReplayRetries(app), **options)


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


def sign_bodyless_requests_over_an_empty_payload(self: Any) -> AWSRequest:
    """Fix 4: GET, HEAD and DELETE requests are signed over their (empty) body, not over moto's data."""
    request = _create_aws_request(self)
    if self._method in ("GET", "HEAD", "DELETE") and not self._body:
        request.data = b""
    return request


def iam_action_name(action: str) -> str:
    """Fix 6: the IAM action AWS authorizes for a moto operation name."""
    return {"s3:HeadBucket": "s3:ListBucket"}.get(action, action)


S3_SUBRESOURCE_ACTIONS: dict[str, dict[str, str]] = {
    "GET": {"encryption": "GetEncryptionConfiguration", "publicAccessBlock": "GetBucketPublicAccessBlock",
            "replication": "GetReplicationConfiguration", "requestPayment": "GetBucketRequestPayment",
            "object-lock": "GetBucketObjectLockConfiguration", "ownershipControls": "GetBucketOwnershipControls"},
    "PUT": {"encryption": "PutEncryptionConfiguration", "publicAccessBlock": "PutBucketPublicAccessBlock",
            "replication": "PutReplicationConfiguration", "requestPayment": "PutBucketRequestPayment",
            "object-lock": "PutBucketObjectLockConfiguration", "ownershipControls": "PutBucketOwnershipControls"},
    "DELETE": {"encryption": "PutEncryptionConfiguration", "publicAccessBlock": "PutBucketPublicAccessBlock",
               "replication": "PutReplicationConfiguration", "ownershipControls": "PutBucketOwnershipControls"},
}
"""The IAM action of each S3 bucket sub-resource request moto names wrongly (query parameter -> action)."""


def name_s3_subresource_actions() -> None:
    """Fix 14: S3 sub-resource requests are authorized as the IAM action AWS names for them."""
    for method, actions in S3_SUBRESOURCE_ACTIONS.items():
        ACTION_MAP["BUCKET"][method].pop("public_access_block", None)  # not the query parameter, not an action
        ACTION_MAP["BUCKET"][method].update(actions)


def _iam(account: str) -> Any:
    return iam_backends[account]["aws"]


def _role_arn(account: str, name: str, path: str | None = None) -> str:
    try:
        return str(_iam(account).get_role(name).arn)
    except (NotFoundException, KeyError):
        return f"arn:aws:iam::{account}:role{path or '/'}{name}"


def _key_arn(request: moto_iam.Request, key_id: str) -> str:
    try:
        key = kms_backends[request.account][request.region].describe_key(key_id)
        return str(key.arn)
    except Exception:  # an unknown key: the ARN it would have
        return key_id if key_id.startswith("arn:") else moto_iam.fill("kms", "key", request, key_id)


def _ec2_associations(request: moto_iam.Request) -> dict[str, list[str]]:
    """The resources an association id stands for (AWS authorizes on them, not on the id)."""
    association = request.params.get("AssociationId")
    if not isinstance(association, str):
        return {}
    backend = ec2_backends[request.account][request.region]
    found: dict[str, list[str]] = {}
    for table in backend.route_tables.values():
        if association in table._associations:
            found["route-table"] = [moto_iam.fill("ec2", "route-table", request, table.id)]
            subnet = table._associations[association]
            if subnet.startswith("subnet-"):
                found["subnet"] = [moto_iam.fill("ec2", "subnet", request, subnet)]
    for address in backend.addresses:
        if address.association_id == association and address.allocation_id:
            found["elastic-ip"] = [moto_iam.fill("ec2", "elastic-ip", request, address.allocation_id)]
    return found


def named_resources(request: moto_iam.Request, s3_resource: str) -> dict[str, list[str]]:
    """Fix 5: the resources a request names, by Service Authorization Reference resource type."""
    params, account = request.params, request.account
    if request.service == "s3":
        return {"bucket" if "/" not in s3_resource.split(":::", 1)[-1] else "object": [s3_resource]}
    if request.service == "iam":
        found: dict[str, list[str]] = {}
        if isinstance(params.get("RoleName"), str):
            found["role"] = [_role_arn(account, params["RoleName"], params.get("Path"))]
        for key, kind in (("InstanceProfileName", "instance-profile"), ("UserName", "user")):
            if isinstance(params.get(key), str):
                found[kind] = [moto_iam.fill("iam", kind, request, params[key])]
        for key, kind in (("PolicyArn", "policy"), ("OpenIDConnectProviderArn", "oidc-provider")):
            if isinstance(params.get(key), str):
                found[kind] = [params[key]]
        if request.action == "iam:CreateOpenIDConnectProvider" and isinstance(params.get("Url"), str):
            # the provider's ARN is its URL without the scheme (IAM API reference, CreateOpenIDConnectProvider)
            found["oidc-provider"] = [moto_iam.fill("iam", "oidc-provider", request, params["Url"].split("://")[-1])]
        return found
    if request.service == "kms":
        found = {}
        keys = [params[key] for key in ("KeyId", "TargetKeyId") if isinstance(params.get(key), str)]
        if keys:
            found["key"] = [_key_arn(request, key) for key in keys]
        if isinstance(params.get("AliasName"), str):
            found["alias"] = [moto_iam.fill("kms", "alias", request, params["AliasName"].removeprefix("alias/"))]
        return found
    if request.service == "autoscaling":
        return _autoscaling_groups(request)
    derive = moto_iam.IDENTIFIERS.get(request.service)
    found = derive(request) if derive else {}
    if request.service == "ec2":
        found.update(_ec2_associations(request))
    return found


def request_context(request: moto_iam.Request) -> moto_iam.Context:
    """Fix 5: condition keys of the request: the tags it sets, the permissions boundary it concerns."""
    context = moto_iam.request_tag_context(request.params)
    params = request.params
    if request.service == "iam" and isinstance(params.get("RoleName"), str):
        boundary = params.get("PermissionsBoundary")
        if boundary is None:
            try:
                boundary = _iam(request.account).get_role(params["RoleName"]).permissions_boundary_arn
            except (NotFoundException, KeyError):
                boundary = None
        if boundary:
            context["iam:PermissionsBoundary"] = [boundary]
    return context


def resource_tags(request: moto_iam.Request, arn: str) -> moto_iam.Context:
    """Fix 5: ``aws:ResourceTag/<key>`` of an existing EC2 resource (the tags moto keeps for its id)."""
    found = re.match(r"^arn:aws:ec2:([^:]*):(\d*):[a-z-]+/([\w-]+)$", arn)
    if not found or found.group(3) == "*":
        return {}
    region, account = found.group(1) or request.region, found.group(2) or request.account
    tags = ec2_backends[account][region].tags.get(found.group(3), {})
    return {f"aws:ResourceTag/{key}": [value] for key, value in tags.items()}


def _documents(policies: list[Any]) -> list[dict[str, Any]]:
    return [access_control.IAMPolicy(policy)._policy_json for policy in policies]


def boundary_documents(access_key: Any) -> list[dict[str, Any]] | None:
    """Fix 8: the permissions boundary of the calling role (None: no boundary)."""
    if not isinstance(access_key, access_control.AssumedRoleAccessKey):
        return None
    backend = _iam(access_key.account_id)
    role = backend.get_role(access_key._owner_role_name)
    if not role.permissions_boundary_arn:
        return None
    return _documents([backend.get_policy(role.permissions_boundary_arn)])


def passed_roles(request: moto_iam.Request) -> list[tuple[str, str]]:
    """Fix 9: ``(role ARN, service)`` pairs a request passes to a service (``iam:PassRole``)."""
    params, backend = request.params, _iam(request.account)
    if request.action == "ec2:RunInstances":
        name, arn = params.get("IamInstanceProfile.Name"), params.get("IamInstanceProfile.Arn")
        if name or arn:
            profile = backend.get_instance_profile(name) if name else backend.get_instance_profile_by_arn(arn)
            return [(role.arn, "ec2.amazonaws.com") for role in profile.roles]
    if request.action == "iam:AddRoleToInstanceProfile" and isinstance(params.get("RoleName"), str):
        return [(_role_arn(request.account, params["RoleName"]), "ec2.amazonaws.com")]
    if request.action == "ec2:CreateFlowLogs" and isinstance(params.get("DeliverLogsPermissionArn"), str):
        return [(params["DeliverLogsPermissionArn"], "vpc-flow-logs.amazonaws.com")]
    if request.action in ("autoscaling:CreateAutoScalingGroup", "autoscaling:UpdateAutoScalingGroup"):
        return [(role, "ec2.amazonaws.com") for role in _launch_template_roles(request)]
    return []


def _launch_template_roles(request: moto_iam.Request) -> list[str]:
    """The roles of the instance profile of the launch template an Auto Scaling request names (none named: [])."""
    params = request.params
    for prefix in ("LaunchTemplate.", "MixedInstancesPolicy.LaunchTemplate.LaunchTemplateSpecification."):
        template_id, name = params.get(f"{prefix}LaunchTemplateId"), params.get(f"{prefix}LaunchTemplateName")
        if not (template_id or name):
            continue
        backend = ec2_backends[request.account][request.region]
        template = (backend.get_launch_template(template_id) if template_id
                    else backend.get_launch_template_by_name(name))
        version = str(params.get(f"{prefix}Version") or "$Default")
        data = (template.latest_version() if version == "$Latest" else template.default_version() if
                version == "$Default" else template.get_version(version)).data
        profile = data.get("IamInstanceProfile") or {}
        if profile.get("Name") or profile.get("Arn"):
            iam = _iam(request.account)
            found = iam.get_instance_profile(profile["Name"]) if profile.get("Name") else \
                iam.get_instance_profile_by_arn(profile["Arn"])
            return [role.arn for role in found.roles]
    return []


def trust_permits(request: moto_iam.Request, caller_arn: str) -> bool:
    """Fix 7: the role's trust policy lets the caller in (statements for other principals do not apply)."""
    role = _iam(request.account).get_role_by_arn(request.params["RoleArn"])
    trust = json.loads(role.assume_role_policy_document)
    return moto_iam.trust_allows(trust, caller_arn, "sts:AssumeRole", request.context)


_PROTOCOLS: dict[str, str] = {}


class XmlAccessDenied(JsonRESTError):
    """``AccessDenied`` as query services (IAM, Auto Scaling, STS) and Route 53 answer it:
    ``<ErrorResponse><Error>`` (the AWS SDK for Go finds no error code in moto's ``<Errors>`` wrapping)."""

    code = 403

    def __init__(self, message: str) -> None:
        super().__init__("AccessDenied", message)
        self.description = unparse({"ErrorResponse": {"Error": {"Type": "Sender", "Code": "AccessDenied",
                                                                "Message": message}}}, full_document=True)
        self.content_type = "application/xml"


def _protocol(service: str) -> str:
    if service not in _PROTOCOLS:
        try:
            _PROTOCOLS[service] = botocore.session.get_session().get_service_model(service).protocol
        except botocore.exceptions.UnknownServiceError:  # an IAM prefix that is no SDK name (elasticloadbalancing)
            _PROTOCOLS[service] = "query"
    return _PROTOCOLS[service]


def deny(self: Any, action: str, resource: str) -> None:
    """Fix 10: an access denial in the protocol of the service (JSON services answer in JSON, query services
    and Route 53 in ``<ErrorResponse><Error>``; EC2 and S3 keep moto's own answer, which is AWS's)."""
    message = f"User: {self._access_key.arn} is not authorized to perform: {action} on resource: {resource}"
    protocol = _protocol(action.split(":", 1)[0])
    if protocol == "json":
        raise JsonRESTError("AccessDeniedException", message)
    if protocol == "query" or (protocol == "rest-xml" and action.startswith("route53:")):
        raise XmlAccessDenied(message)
    self._action = action
    self._raise_access_denied()


def _allowed(identity: list[dict[str, Any]], boundary: list[dict[str, Any]] | None, action: str, resource: str,
             context: moto_iam.Context) -> bool:
    if moto_iam.evaluate(identity, action, resource, context) is not moto_iam.Decision.ALLOW:
        return False
    return boundary is None or moto_iam.evaluate(boundary, action, resource, context) is moto_iam.Decision.ALLOW


def deleted_objects(self: Any, bucket_arn: str) -> list[tuple[str, str]] | None:
    """Fix 15: ``(action, object ARN)`` of each object a DeleteObjects request deletes (not one: ``None``)."""
    if self._action != "s3:DeleteObject" or self._method != "POST" or "delete" not in parse_qs(
            urlparse(self._path).query, keep_blank_values=True):
        return None
    body = self._body.decode() if isinstance(self._body, bytes) else self._body
    found = []
    for item in ElementTree.fromstring(body).findall("{*}Object"):  # {*}: with or without the S3 namespace
        version = item.findtext("{*}VersionId")
        found.append(("s3:DeleteObjectVersion" if version else "s3:DeleteObject",
                      f"{bucket_arn}/{item.findtext('{*}Key')}"))
    return found


def authorize_like_aws(self: Any, resource: str) -> None:
    """Fix 5 (with 6 to 9 and 15): AWS's evaluation of an identity's request, resource by resource."""
    if self._action == "sts:GetCallerIdentity":  # needs no permission (STS API reference)
        return
    identity = _documents(self._access_key.collect_policies())
    boundary = boundary_documents(self._access_key)
    deletes = deleted_objects(self, resource)
    if deletes is not None:
        for action, arn in deletes:
            if not _allowed(identity, boundary, action, arn, {}):
                deny(self, action, arn)
        return
    action = iam_action_name(self._action)
    request = moto_iam.Request(action, self._region, self.account_id, moto_iam.parse_params(self._data, self._body),
                               path=self._path)
    request.context = request_context(request)
    request.resources = moto_iam.resources(request, named_resources(request, resource))
    for arn in request.resources:
        if not _allowed(identity, boundary, action, arn, {**request.context, **resource_tags(request, arn)}):
            deny(self, action, arn)
    for role_arn, service in passed_roles(request):
        if not _allowed(identity, boundary, "iam:PassRole", role_arn, {"iam:PassedToService": [service]}):
            deny(self, "iam:PassRole", role_arn)
    if action == "sts:AssumeRole" and not trust_permits(request, self._access_key.arn):
        deny(self, action, request.params["RoleArn"])


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
    """Fix 11: a DNS-validated certificate is issued only once its validation CNAME exists."""
    if self.type == "AMAZON_ISSUED" and self.status == "PENDING_VALIDATION" and not _validation_records_exist(self):
        return
    _certificate_check(self)


def create_hosted_zone(self: Any) -> Any:
    """Fix 12: a zone created with a VPC is private."""
    if self._get_param("VPC.VPCId") and not self._get_bool_param("HostedZoneConfig.PrivateZone", False):
        self.params.setdefault("HostedZoneConfig", {})["PrivateZone"] = True
    return _create_hosted_zone(self)


def create_launch_template(self: Any) -> Any:
    """Fix 13: the template's own tags stay out of the data its instances are launched with."""
    result = _create_launch_template(self)
    template = self.ec2_backend.get_launch_template_by_name(self._get_param("LaunchTemplateName"))
    for version in template.versions:
        specifications = version.data.get("TagSpecifications")
        if specifications:
            version.data["TagSpecifications"] = [
                item for item in specifications if item.get("ResourceType") != "launch-template"]
    return result


def _autoscaling_groups(request: moto_iam.Request) -> dict[str, list[str]]:
    """The Auto Scaling group a request names, by name or by one of its instances (ARNs carry an id)."""
    backend = autoscaling_backends[request.account][request.region]
    name, instance = request.params.get("AutoScalingGroupName"), request.params.get("InstanceId")
    if not isinstance(name, str) and isinstance(instance, str):
        name = next((group.name for group in backend.autoscaling_groups.values()
                     if any(state.instance.id == instance for state in group.instance_states)), None)
    group = backend.autoscaling_groups.get(name) if isinstance(name, str) else None
    if group is not None:
        return {"autoScalingGroup": [group.arn]}
    if isinstance(name, str) and request.action == "autoscaling:CreateAutoScalingGroup":  # its id is not known yet
        return {"autoScalingGroup": [moto_iam.fill("autoscaling", "autoScalingGroup", request, "*")
                                     .removesuffix("*") + name]}
    return {}


access_control.IAMPolicyStatement.is_action_permitted = is_action_permitted  # type: ignore[method-assign]
InstanceBackend.run_instances = run_instances  # type: ignore[method-assign]
Instance.instance_lifecycle = property(lambda self: self.lifecycle)  # type: ignore[attr-defined]
SecurityGroupRule.description = property(rule_description)  # type: ignore[assignment,method-assign]
CertBundle.check = check_certificate  # type: ignore[method-assign]
Route53.create_hosted_zone = create_hosted_zone  # type: ignore[method-assign]
LaunchTemplates.create_launch_template = create_launch_template  # type: ignore[method-assign]
access_control.IAMRequestBase._create_aws_request = sign_bodyless_requests_over_an_empty_payload  # type: ignore[method-assign]
access_control.IAMRequestBase.check_action_permitted = authorize_like_aws  # type: ignore[method-assign]
name_s3_subresource_actions()
moto.server.run_simple = serve_replaying_retries  # type: ignore[assignment]
FakeDeleteMarker.dispose = lambda self, garbage=False: None  # type: ignore[attr-defined]

if __name__ == "__main__":
    moto_iam.sar()  # load the Service Authorization Reference before the first request
    sys.exit(main())
