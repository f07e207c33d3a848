"""The IAM evaluation model the e2e's moto and the policy tests rely on, against the IAM User Guide's
rules ("Policy evaluation logic", "Condition operators", "Principal") and the SAR's resource types."""

from __future__ import annotations

import pytest

from tests.e2e.moto_iam import (
    IDENTIFIERS,
    Decision,
    Request,
    condition_holds,
    evaluate,
    parse_params,
    request_tag_context,
    resources,
    trust_allows,
)

ROLE = "arn:aws:iam::111111111111:role/app"
SESSION = "arn:aws:sts::111111111111:assumed-role/app/ci"


def _doc(*statements: dict) -> dict:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def test_explicit_deny_wins_and_nothing_is_allowed_by_default() -> None:
    allow = {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}
    deny = {"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::b/*"}
    assert evaluate([_doc(allow, deny)], "s3:DeleteObject", "arn:aws:s3:::b/k", {}) is Decision.DENY
    assert evaluate([_doc(allow), _doc(deny)], "s3:GetObject", "arn:aws:s3:::b/k", {}) is Decision.ALLOW
    assert evaluate([_doc(deny)], "s3:GetObject", "arn:aws:s3:::b/k", {}) is Decision.NEUTRAL


def test_actions_ignore_case_resources_do_not() -> None:
    statement = {"Effect": "Allow", "Action": "ec2:describe*", "Resource": "arn:aws:s3:::Bucket"}
    assert evaluate([_doc(statement)], "ec2:DescribeVpcs", "arn:aws:s3:::Bucket", {}) is Decision.ALLOW
    assert evaluate([_doc(statement)], "ec2:DescribeVpcs", "arn:aws:s3:::bucket", {}) is Decision.NEUTRAL
    not_action = {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}
    assert evaluate([_doc(not_action)], "iam:CreateRole", "*", {}) is Decision.NEUTRAL
    assert evaluate([_doc(not_action)], "s3:GetObject", "*", {}) is Decision.ALLOW


@pytest.mark.parametrize(
    ("condition", "context", "holds"),
    [
        ({"StringEquals": {"k": "a"}}, {"k": ["a"]}, True),
        ({"StringEquals": {"k": ["a", "b"]}}, {"k": ["b"]}, True),
        ({"StringEquals": {"k": "a"}}, {}, False),
        ({"StringEqualsIfExists": {"k": "a"}}, {}, True),
        ({"StringNotEquals": {"k": ["a", "b"]}}, {"k": ["c"]}, True),
        ({"StringNotEquals": {"k": ["a", "b"]}}, {"k": ["a"]}, False),
        ({"StringNotLike": {"k": "a*"}}, {}, True),
        ({"StringLike": {"k": "repo:o/r:*"}}, {"k": ["repo:o/r:ref:refs/heads/main"]}, True),
        ({"ArnLike": {"k": "arn:aws:iam::1:role/x-*"}}, {"k": ["arn:aws:iam::1:role/y"]}, False),
        ({"Bool": {"aws:SecureTransport": "false"}}, {"aws:SecureTransport": ["false"]}, True),
        ({"Null": {"k": "true"}}, {}, True),
        ({"Null": {"k": "true"}}, {"k": ["v"]}, False),
        ({"ForAllValues:StringEquals": {"aws:TagKeys": ["a", "b"]}}, {"aws:TagKeys": ["a"]}, True),
        ({"ForAllValues:StringEquals": {"aws:TagKeys": ["a"]}}, {"aws:TagKeys": ["a", "c"]}, False),
        ({"ForAnyValue:StringEquals": {"aws:TagKeys": ["c"]}}, {"aws:TagKeys": ["a", "c"]}, True),
        ({"StringEquals": {"a": "1"}, "StringLike": {"b": "x*"}}, {"a": ["1"], "b": ["y"]}, False),
    ],
)
def test_condition_operators(condition: dict, context: dict, holds: bool) -> None:
    assert condition_holds(condition, context) is holds


def test_an_unmodelled_operator_fails_loudly() -> None:
    with pytest.raises(NotImplementedError):
        condition_holds({"NumericLessThan": {"k": "1"}}, {"k": ["0"]})


def test_trust_matches_the_caller_and_ignores_statements_for_other_principals() -> None:
    trust = _doc(
        {"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::1:oidc-provider/x"},
         "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringEquals": {"x:sub": "s"}}},
        {"Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": "sts:AssumeRole"},
    )
    assert trust_allows(trust, SESSION, "sts:AssumeRole", {})  # a role's ARN matches its sessions
    assert not trust_allows(trust, "arn:aws:iam::111111111111:user/someone", "sts:AssumeRole", {})
    account = _doc({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root"}, "Action": "sts:*"})
    assert trust_allows(account, "arn:aws:iam::111111111111:user/someone", "sts:AssumeRole", {})
    assert not trust_allows(account, "arn:aws:iam::222222222222:user/someone", "sts:AssumeRole", {})


def test_resources_of_a_request_follow_the_service_authorization_reference() -> None:
    run = Request("ec2:RunInstances", "ap-northeast-2", "111111111111", {})
    named = {"subnet": ["arn:aws:ec2:ap-northeast-2:111111111111:subnet/subnet-1"]}
    arns = resources(run, named)
    assert "arn:aws:ec2:ap-northeast-2:111111111111:subnet/subnet-1" in arns
    assert "arn:aws:ec2:ap-northeast-2:111111111111:instance/*" in arns  # created: its id is not known
    assert "arn:aws:ec2:ap-northeast-2::image/*" in arns  # images have no account in their ARN
    assert resources(Request("ec2:DescribeVpcs", "ap-northeast-2", "1", {}), {}) == ["*"]
    tags = Request("route53:ChangeTagsForResource", "us-east-1", "1", {})
    assert resources(tags, {"hostedzone": ["arn:aws:route53:::hostedzone/Z1"]}) == ["arn:aws:route53:::hostedzone/Z1"]
    delete = Request("ec2:DeleteLaunchTemplate", "ap-northeast-2", "111111111111", {"LaunchTemplateId": "lt-0a1"})
    assert resources(delete, IDENTIFIERS["ec2"](delete)) == [
        "arn:aws:ec2:ap-northeast-2:111111111111:launch-template/lt-0a1"]  # its tags then scope the change


def test_request_parameters_and_tags() -> None:
    query = parse_params({"TagSpecification.1.Tag.1.Key": ["Environment"], "TagSpecification.1.Tag.1.Value": ["dev"]},
                         b"")
    assert request_tag_context(query) == {"aws:RequestTag/Environment": ["dev"], "aws:TagKeys": ["Environment"]}
    body = parse_params({}, b'{"Name": "/x", "Tags": [{"Key": "Owner", "Value": "me"}]}')
    assert body["Name"] == "/x" and request_tag_context(body)["aws:RequestTag/Owner"] == ["me"]
