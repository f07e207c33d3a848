"""Each add-on's AWS identity under moto's IAM enforcement (``INITIAL_NO_AUTH_ACTION_COUNT``).

The roles carry exactly the permissions the platform stack gives them (``platform_spec/addon_policies.py``,
the functions ``stacks/addon_roles.py`` synthesizes; a unit test compares them with the stack JSON) and the
environment's permissions boundary (``platform_spec/boundary.py``, as the bootstrap stack creates it): each
add-on can call the actions its upstream policy lists, under the boundary, and is denied outside its scope;
a policy widened beyond the boundary (what a compromised deploy role could write) gains nothing. The trust is
asserted separately (tests/unit/test_cluster_stacks.py): here a test user stands in for the web-identity
federation, because moto's ``AssumeRoleWithWebIdentity`` fails under enforcement (issue 12's finding).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from platform_spec import naming
from platform_spec.addon_policies import inline_policy, managed_policies
from platform_spec.addons import (
    ADDONS,
    AWS_LOAD_BALANCER_CONTROLLER,
    CLUSTER_AUTOSCALER,
    EBS_CSI_DRIVER,
    EXTERNAL_DNS,
    EXTERNAL_SECRETS,
)
from platform_spec.boundary import boundary_policy
from platform_spec.loader import load
from platform_spec.model import EnvironmentSpec
from platform_spec.pipeline_identity import key_arn_placeholder
from tests.e2e.conftest import MotoServer

pytestmark = [pytest.mark.e2e]

UNAUTHENTICATED = 3
"""Requests moto serves before it enforces IAM: create the administrator, attach its policy, its key."""
REGION = "ap-northeast-2"


class World:
    """An enforcing moto with dev's add-on roles and the resources they act on (some out of their scope)."""

    def __init__(self, server: MotoServer, spec: EnvironmentSpec) -> None:
        self.server = server
        self.spec = spec
        account = spec.aws.account_id
        bootstrap = self._session("AKIAIOSFODNN7EXAMPLE", "bootstrap").client("iam", endpoint_url=server.url)
        bootstrap.meta.events.register(
            "before-sign.iam.*", lambda request, **_: request.headers.__setitem__("x-moto-account-id", account))
        bootstrap.create_user(UserName="administrator")
        bootstrap.attach_user_policy(UserName="administrator",
                                     PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
        key = bootstrap.create_access_key(UserName="administrator")["AccessKey"]
        self.admin = self._session(key["AccessKeyId"], key["SecretAccessKey"])
        iam = self.client(self.admin, "iam")
        iam.create_user(UserName="pods")
        pods = iam.create_access_key(UserName="pods")["AccessKey"]
        iam.put_user_policy(UserName="pods", PolicyName="assume-addon-roles", PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                           "Resource": f"arn:aws:iam::{account}:role/{spec.prefix}-*"}]}))
        self.pods = self._session(pods["AccessKeyId"], pods["SecretAccessKey"])
        self._resources()
        pods_arn = f"arn:aws:iam::{account}:user/pods"
        boundary = iam.create_policy(PolicyName=naming.boundary_policy_name(spec), PolicyDocument=json.dumps(
            boundary_policy(spec, key_arn_placeholder(spec))))["Policy"]["Arn"]
        assert boundary == naming.boundary_policy_arn(spec)
        for addon in ADDONS:
            name = addon.role_name(spec)
            iam.create_role(RoleName=name, PermissionsBoundary=boundary, AssumeRolePolicyDocument=json.dumps({
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Principal": {"AWS": pods_arn}, "Action": "sts:AssumeRole"}]}))
            policy = inline_policy(spec, addon, self.zone_id)
            if policy is not None:
                iam.put_role_policy(RoleName=name, PolicyName=name, PolicyDocument=json.dumps(policy))
            for arn in managed_policies(addon):
                iam.attach_role_policy(RoleName=name, PolicyArn=arn)

    @staticmethod
    def _session(key: str, secret: str, token: str | None = None) -> boto3.session.Session:
        return boto3.session.Session(aws_access_key_id=key, aws_secret_access_key=secret, aws_session_token=token,
                                     region_name=REGION)

    def client(self, session: boto3.session.Session, service: str) -> Any:
        return session.client(service, endpoint_url=self.server.url)

    def _resources(self) -> None:
        ec2 = self.client(self.admin, "ec2")
        self.vpc_id = ec2.create_vpc(CidrBlock="10.10.0.0/16")["Vpc"]["VpcId"]
        subnet = ec2.create_subnet(VpcId=self.vpc_id, CidrBlock="10.10.10.0/24",
                                   AvailabilityZone=f"{REGION}a")["Subnet"]["SubnetId"]
        image = ec2.describe_images()["Images"][0]["ImageId"]
        ec2.create_launch_template(LaunchTemplateName="nodes",
                                   LaunchTemplateData={"ImageId": image, "InstanceType": "t3.small"})
        autoscaling = self.client(self.admin, "autoscaling")
        for name in (f"{self.spec.prefix}-api", "other-team-workers"):
            autoscaling.create_auto_scaling_group(
                AutoScalingGroupName=name, MinSize=0, MaxSize=3, DesiredCapacity=0, VPCZoneIdentifier=subnet,
                LaunchTemplate={"LaunchTemplateName": "nodes", "Version": "$Latest"})
        ssm = self.client(self.admin, "ssm")
        for path in (f"{self.spec.ssm_root}/data/postgres-password", "/sesacthon/prod/data/postgres-password"):
            ssm.put_parameter(Name=path, Value="secret", Type="SecureString")
        route53 = self.client(self.admin, "route53")
        self.zone_id = route53.create_hosted_zone(Name=self.spec.dns.domain, CallerReference="own")[
            "HostedZone"]["Id"].rsplit("/", 1)[-1]
        self.other_zone_id = route53.create_hosted_zone(Name="other.example.com", CallerReference="other")[
            "HostedZone"]["Id"].rsplit("/", 1)[-1]

    def as_addon(self, name: str) -> boto3.session.Session:
        """Credentials of the add-on's role (AssumeRole by the stand-in principal)."""
        sts = self.client(self.pods, "sts")
        credentials = sts.assume_role(RoleArn=f"arn:aws:iam::{self.spec.aws.account_id}:role/{self.spec.prefix}-{name}",
                                      RoleSessionName=name)["Credentials"]
        return self._session(credentials["AccessKeyId"], credentials["SecretAccessKey"], credentials["SessionToken"])


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    server = MotoServer(tmp_path_factory.mktemp("moto-iam") / "moto_server.log",
                        extra_env={"INITIAL_NO_AUTH_ACTION_COUNT": str(UNAUTHENTICATED)})
    try:
        yield World(server, load("dev"))
    finally:
        server.stop()


def _denied(call: Any, **kwargs: Any) -> None:
    """The call is refused by IAM as AWS refuses it: ``AccessDenied`` (HTTP 403) from query and REST services,
    ``AccessDeniedException`` (HTTP 400) from JSON-protocol services such as SSM (moto_launcher.py, fix 10)."""
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    response = caught.value.response
    code, status = response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]
    assert (code, status) in (("AccessDenied", 403), ("AccessDeniedException", 400)), response


def test_enforcement_is_on(world: World) -> None:
    _denied(world.client(world.pods, "ec2").create_vpc, CidrBlock="10.99.0.0/16")


def test_load_balancer_controller(world: World) -> None:
    session = world.as_addon(AWS_LOAD_BALANCER_CONTROLLER.name)
    elbv2 = world.client(session, "elbv2")
    created = elbv2.create_target_group(Name="k8s-apps-waste", Protocol="HTTP", Port=8000, VpcId=world.vpc_id,
                                        TargetType="instance",
                                        Tags=[{"Key": "elbv2.k8s.aws/cluster", "Value": world.spec.prefix}])
    assert created["TargetGroups"][0]["TargetGroupName"] == "k8s-apps-waste"
    world.client(session, "ec2").describe_security_groups()
    _denied(world.client(session, "ssm").get_parameter, Name=f"{world.spec.ssm_root}/data/postgres-password")
    _denied(world.client(session, "ec2").create_volume, AvailabilityZone=f"{REGION}a", Size=8)


def test_ebs_csi_driver(world: World) -> None:
    session = world.as_addon(EBS_CSI_DRIVER.name)
    ec2 = world.client(session, "ec2")
    volume = ec2.create_volume(AvailabilityZone=f"{REGION}a", Size=8, VolumeType="gp3", TagSpecifications=[
        {"ResourceType": "volume", "Tags": [{"Key": "ebs.csi.aws.com/cluster", "Value": "true"}]}])
    assert volume["VolumeId"].startswith("vol-")
    _denied(ec2.create_vpc, CidrBlock="10.98.0.0/16")
    _denied(world.client(session, "elbv2").create_target_group, Name="nope", Protocol="HTTP", Port=80,
            VpcId=world.vpc_id)


def test_cluster_autoscaler(world: World) -> None:
    session = world.as_addon(CLUSTER_AUTOSCALER.name)
    autoscaling = world.client(session, "autoscaling")
    names = {g["AutoScalingGroupName"] for g in autoscaling.describe_auto_scaling_groups()["AutoScalingGroups"]}
    assert f"{world.spec.prefix}-api" in names
    autoscaling.set_desired_capacity(AutoScalingGroupName=f"{world.spec.prefix}-api", DesiredCapacity=1)
    _denied(autoscaling.set_desired_capacity, AutoScalingGroupName="other-team-workers", DesiredCapacity=1)
    _denied(world.client(session, "ec2").create_volume, AvailabilityZone=f"{REGION}a", Size=8)


def test_external_secrets(world: World) -> None:
    session = world.as_addon(EXTERNAL_SECRETS.name)
    ssm = world.client(session, "ssm")
    value = ssm.get_parameter(Name=f"{world.spec.ssm_root}/data/postgres-password", WithDecryption=True)
    assert value["Parameter"]["Value"] == "secret"
    _denied(ssm.get_parameter, Name="/sesacthon/prod/data/postgres-password", WithDecryption=True)
    _denied(ssm.put_parameter, Name=f"{world.spec.ssm_root}/data/postgres-password", Value="x",
            Type="SecureString", Overwrite=True)


def test_external_dns(world: World) -> None:
    session = world.as_addon(EXTERNAL_DNS.name)
    route53 = world.client(session, "route53")
    change = {"Changes": [{"Action": "UPSERT", "ResourceRecordSet": {
        "Name": f"waste.{world.spec.dns.domain}", "Type": "CNAME", "TTL": 60,
        "ResourceRecords": [{"Value": "k8s-apps-0123456789.ap-northeast-2.elb.amazonaws.com"}]}}]}
    route53.change_resource_record_sets(HostedZoneId=world.zone_id, ChangeBatch=change)
    _denied(route53.change_resource_record_sets, HostedZoneId=world.other_zone_id, ChangeBatch=change)
    _denied(world.client(session, "ssm").get_parameter, Name=f"{world.spec.ssm_root}/data/postgres-password")


def test_the_boundary_caps_a_widened_policy(world: World) -> None:
    """External Secrets' role given another environment's parameters and EC2 writes by its own policy (what a
    compromised deploy role could write: it may change these roles while they carry the boundary) still gets
    neither: the boundary allows only this environment's parameters and no instance launch."""
    iam = world.client(world.admin, "iam")
    name = EXTERNAL_SECRETS.role_name(world.spec)
    iam.put_role_policy(RoleName=name, PolicyName="widened", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["ssm:GetParameter", "ec2:CreateVpc"],
                       "Resource": ["arn:aws:ssm:*:*:parameter/sesacthon/prod/*", "*"]}]}))
    try:
        session = world.as_addon(EXTERNAL_SECRETS.name)
        _denied(world.client(session, "ssm").get_parameter, Name="/sesacthon/prod/data/postgres-password")
        _denied(world.client(session, "ec2").create_vpc, CidrBlock="10.97.0.0/16")
        world.client(session, "ssm").get_parameter(Name=f"{world.spec.ssm_root}/data/postgres-password")
    finally:
        iam.delete_role_policy(RoleName=name, PolicyName="widened")


def test_the_synthesized_policies_are_these(stack_json: dict[str, dict], tmp_path: Path) -> None:
    """What the roles above carry is what the dev stack synthesizes (the zone id aside)."""
    spec = load("dev")
    policies = {p["name"]: p["policy"] for p in stack_json["dev"]["resource"]["aws_iam_role_policy"].values()}
    for addon in ADDONS:
        expected = inline_policy(spec, addon, "ZONE")
        if expected is None:
            assert addon.role_name(spec) not in policies
            continue
        synthesized = json.loads(policies[addon.role_name(spec)])
        text = json.dumps(synthesized).replace("${aws_route53_zone.dns_zone_2E2729FB.zone_id}", "ZONE")
        assert json.loads(text) == expected, addon.name
