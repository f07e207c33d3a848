"""The synthesized cluster: node groups that scale, add-on identities, DNS and TLS (read from the stack JSON)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from cdktf import TerraformResource
from cdktf_cdktf_provider_aws.acm_certificate_validation import AcmCertificateValidation
from cdktf_cdktf_provider_aws.autoscaling_group import AutoscalingGroup
from cdktf_cdktf_provider_aws.iam_openid_connect_provider import IamOpenidConnectProvider
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment
from cdktf_cdktf_provider_aws.instance import Instance
from cdktf_cdktf_provider_aws.launch_template import LaunchTemplate
from cdktf_cdktf_provider_aws.route53_record import Route53Record
from cdktf_cdktf_provider_aws.route53_zone import Route53Zone
from cdktf_cdktf_provider_aws.s3_object import S3Object
from cdktf_cdktf_provider_aws.subnet import Subnet

from platform_spec.addon_policies import EBS_CSI_DRIVER_POLICY_ARN, issuer_host, load_balancer_controller_policy
from platform_spec.addons import ADDONS
from platform_spec.model import EnvironmentSpec
from platform_spec.naming import node_group_asg, oidc_issuer
from platform_spec.node_bootstrap import user_data

AUTOSCALER = "k8s.io/cluster-autoscaler"


def _resources(stack: dict, resource: type[TerraformResource]) -> list[dict]:
    return list(stack.get("resource", {}).get(resource.TF_RESOURCE_TYPE, {}).values())


def _groups(stack: dict) -> dict[str, dict]:
    return {group["name"]: group for group in _resources(stack, AutoscalingGroup)}


def test_every_other_group_is_an_asg_with_the_guardrails_bounds(stack_json: dict, specs: dict) -> None:
    for spec in specs.values():
        groups = _groups(stack_json[spec.name])
        assert sorted(groups) == sorted(node_group_asg(spec, g.name) for g in spec.cluster.scaling_groups)
        for group in spec.cluster.scaling_groups:
            asg = groups[node_group_asg(spec, group.name)]
            assert (asg["min_size"], asg["max_size"]) == (spec.cluster.min_size(group), spec.cluster.max_size(group))
            assert asg["lifecycle"]["ignore_changes"] == ["desired_capacity"], "the autoscaler owns desired"
    minimums = {name: {g["min_size"] for g in _groups(stack_json[name]).values()} for name in specs}
    assert minimums == {"dev": {0}, "staging": {1}, "prod": {1}}, "the seed's cost guardrail: dev 0, staging 1"
    prod = specs["prod"]
    assert all(_groups(stack_json["prod"])[node_group_asg(prod, g.name)]["min_size"] == g.count
               for g in prod.cluster.scaling_groups), "prod runs every node around the clock"


def test_autoscaler_discovery_and_scale_from_zero_tags(stack_json: dict, specs: dict) -> None:
    for spec in specs.values():
        groups = _groups(stack_json[spec.name])
        for group in spec.cluster.scaling_groups:
            tags = {tag["key"]: tag["value"] for tag in groups[node_group_asg(spec, group.name)]["tag"]}
            assert tags[f"{AUTOSCALER}/enabled"] == "true"
            assert tags[f"{AUTOSCALER}/{spec.prefix}"] == "owned"
            labels = {key.removeprefix(f"{AUTOSCALER}/node-template/label/"): value for key, value in tags.items()
                      if key.startswith(f"{AUTOSCALER}/node-template/label/")}
            assert labels == group.node_labels()
            taints = [f"{key.removeprefix(f'{AUTOSCALER}/node-template/taint/')}={value}" for key, value in tags.items()
                      if key.startswith(f"{AUTOSCALER}/node-template/taint/")]
            assert taints == group.node_taints()


def test_spot_through_the_mixed_instances_policy(stack_json: dict, specs: dict) -> None:
    dev = specs["dev"]
    groups = _groups(stack_json["dev"])
    for group in dev.cluster.scaling_groups:
        asg = groups[node_group_asg(dev, group.name)]
        if group.spot:
            distribution = asg["mixed_instances_policy"]["instances_distribution"]
            assert distribution["on_demand_percentage_above_base_capacity"] == 0
            assert distribution["spot_allocation_strategy"] == "capacity-optimized"
            assert "launch_template" not in asg and asg["capacity_rebalance"] is True
        else:
            assert "mixed_instances_policy" not in asg and "launch_template" in asg
    assert not any("mixed_instances_policy" in asg for asg in _groups(stack_json["prod"]).values())


def test_imds_v2_with_hop_limit_one_everywhere(stack_json: dict, specs: dict) -> None:
    for spec in specs.values():
        stack = stack_json[spec.name]
        options = [i["metadata_options"] for i in _resources(stack, Instance)]
        options += [t["metadata_options"] for t in _resources(stack, LaunchTemplate)]
        assert options and all(o["http_tokens"] == "required" and o["http_put_response_hop_limit"] == 1
                               for o in options)


def test_user_data_joins_with_the_ssm_parameters(stack_json: dict, specs: dict, tmp_path: Path) -> None:
    spec = specs["dev"]
    templates = {t["name"]: t for t in _resources(stack_json["dev"], LaunchTemplate)}
    group = spec.cluster.group("api")
    encoded = templates[node_group_asg(spec, "api")]["user_data"]
    assert encoded.startswith('${base64encode("') and encoded.endswith('")}')
    script = json.loads(encoded.removeprefix("${base64encode(").removesuffix(")}")).replace("$${", "${")
    assert script == user_data(spec, group)
    assert "\\" not in script, "HCL would read a backslash as an escape"
    for needle in ("--provider-id=aws:///${ZONE}/${INSTANCE_ID}", "/sesacthon/dev/cluster/join/token",
                   "/sesacthon/dev/cluster/join/ca-cert-hash", "k8s-api.internal.dev.ecoeco.app:6443",
                   "sesacthon.io/spot=true:NoSchedule", "kubeadm join", "KUBE_VERSION=1.33.7"):
        assert needle in script, needle
    path = tmp_path / "user-data.sh"
    path.write_text(script)
    shellcheck = Path(sys.executable).parent / "shellcheck"
    result = subprocess.run([str(shellcheck), "--shell=bash", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_one_role_per_addon_trusting_only_its_service_account(stack_json: dict, specs: dict) -> None:
    for spec in specs.values():
        stack = stack_json[spec.name]
        roles = {role["name"]: role for role in _resources(stack, IamRole)}
        [provider] = [p for p in _resources(stack, IamOpenidConnectProvider) if p["url"] == oidc_issuer(spec)]
        assert provider["client_id_list"] == ["sts.amazonaws.com"]
        for addon in ADDONS:
            trust = json.loads(roles[addon.role_name(spec)]["assume_role_policy"])
            [statement] = trust["Statement"]
            assert statement["Action"] == ["sts:AssumeRoleWithWebIdentity"]
            assert statement["Principal"]["Federated"].startswith("${aws_iam_openid_connect_provider.")
            assert statement["Condition"] == {"StringEquals": {
                f"{issuer_host(spec)}:sub": addon.subject, f"{issuer_host(spec)}:aud": "sts.amazonaws.com"}}


def test_addon_permissions_come_from_their_upstream_documents(stack_json: dict, specs: dict) -> None:
    spec = specs["staging"]
    stack = stack_json["staging"]
    policies = {policy["name"]: json.loads(policy["policy"]) for policy in _resources(stack, IamRolePolicy)}
    assert policies["sesacthon-stg-aws-load-balancer-controller"] == load_balancer_controller_policy()
    attachments = {(a["role"], a["policy_arn"]) for a in _resources(stack, IamRolePolicyAttachment)}
    assert any(arn == EBS_CSI_DRIVER_POLICY_ARN for _, arn in attachments)
    assert "sesacthon-stg-ebs-csi-driver" not in policies
    secrets = policies["sesacthon-stg-external-secrets"]["Statement"]
    assert [s["Resource"] for s in secrets] == [[f"arn:aws:ssm:ap-northeast-2:222222222222:parameter{spec.ssm_root}/*"]]
    dns = policies["sesacthon-stg-external-dns"]["Statement"][0]["Resource"]
    assert dns == ["arn:aws:route53:::hostedzone/${aws_route53_zone.dns_zone_2E2729FB.zone_id}"]
    scale = policies["sesacthon-stg-cluster-autoscaler"]["Statement"][1]
    assert scale["Resource"] == [
        "arn:aws:autoscaling:ap-northeast-2:222222222222:autoScalingGroup:*:autoScalingGroupName/sesacthon-stg-*"]
    for policy in policies.values():
        for statement in policy["Statement"]:
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            assert not any("*" in action for action in actions), statement


def test_certificate_is_validated_through_dns(stack_json: dict, specs: dict) -> None:
    for spec in specs.values():
        stack = stack_json[spec.name]
        [validation] = _resources(stack, AcmCertificateValidation)
        records = {record["name"]: record for record in _resources(stack, Route53Record)}
        validation_record = next(r for r in records.values() if "domain_validation_options" in r["name"])
        assert validation["validation_record_fqdns"] == [
            "${aws_route53_record.dns_certificate-validation_74882D8A.fqdn}"]
        assert validation_record["zone_id"] == "${aws_route53_zone.dns_zone_2E2729FB.zone_id}"
        [acm] = [p["value"] for p in stack["resource"]["aws_ssm_parameter"].values()
                 if p["name"] == f"{spec.ssm_root}/ingress/acm-arn"]
        assert acm.startswith("${aws_acm_certificate_validation."), "consumers get the validated certificate"


def test_api_endpoint_only_in_the_private_zone(stack_json: dict, specs: dict) -> None:
    for spec in specs.values():
        stack = stack_json[spec.name]
        zones = {zone["name"]: zone for zone in _resources(stack, Route53Zone)}
        assert "vpc" not in zones[spec.dns.domain]
        [vpc] = zones[spec.dns.internal_zone]["vpc"]
        assert vpc["vpc_id"].startswith("${aws_vpc.network_vpc_")
        [api] = [r for r in _resources(stack, Route53Record) if r["name"] == spec.dns.api_name]
        assert api["zone_id"] == "${aws_route53_zone.dns_private-zone_BDA4F659.zone_id}"
        public = [r for r in _resources(stack, Route53Record)
                  if r["zone_id"].startswith("${aws_route53_zone.dns_zone_")]
        assert not any("private_ip" in json.dumps(record) for record in public), "no private address in public DNS"


def test_two_public_subnets_for_the_alb_and_dev_nodes_in_one_zone(stack_json: dict, specs: dict) -> None:
    for spec in specs.values():
        subnets = _resources(stack_json[spec.name], Subnet)
        public = {s["availability_zone"] for s in subnets if s["tags"]["Tier"] == "public"}
        private = {s["availability_zone"] for s in subnets if s["tags"]["Tier"] == "private"}
        assert len(public) >= 2
        assert private == {zone.name for zone in spec.network.node_zones}
    assert len({s["availability_zone"] for s in _resources(stack_json["dev"], Subnet)
                if s["tags"]["Tier"] == "private"}) == 1


def test_issuer_discovery_document(stack_json: dict, specs: dict) -> None:
    spec = specs["prod"]
    [document] = [o for o in _resources(stack_json["prod"], S3Object) if o["key"] == ".well-known/openid-configuration"]
    content = json.loads(document["content"])
    assert content["issuer"] == oidc_issuer(spec) and content["jwks_uri"] == f"{oidc_issuer(spec)}/keys.json"
    assert content["id_token_signing_alg_values_supported"] == ["RS256"]


@pytest.mark.parametrize("name", ["dev", "prod"])
def test_no_signing_key_in_the_stack(stack_json: dict, name: str) -> None:
    text = json.dumps(stack_json[name])
    assert "PRIVATE KEY" not in text and "tls_private_key" not in text


def test_delegations_in_the_spec_become_ns_records(environments_copy: Path) -> None:
    from platform_spec.loader import load_all
    from stacks.synth import build_app

    prod = environments_copy / "prod.yaml"
    prod.write_text(prod.read_text().replace(
        "  domain: ecoeco.app\n",
        "  domain: ecoeco.app\n  delegations:\n"
        "    - {zone: dev.ecoeco.app, name_servers: [ns-2.example.net, ns-1.example.org]}\n",
    ))
    spec: EnvironmentSpec = load_all(environments_copy)["prod"]
    app = build_app([spec], str(environments_copy.parent / "out"))
    app.synth()
    stack = json.loads((environments_copy.parent / "out/stacks/prod/cdk.tf.json").read_text())
    [record] = [r for r in _resources(stack, Route53Record) if r["type"] == "NS"]
    assert record["name"] == "dev.ecoeco.app" and record["records"] == ["ns-1.example.org", "ns-2.example.net"]
    assert record["zone_id"] == "${aws_route53_zone.dns_zone_2E2729FB.zone_id}"
