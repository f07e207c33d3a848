"""The GitOps side of the add-on identities: the webhook first, each add-on under its addons.py service account."""

from __future__ import annotations

import pytest

from generators.components import by_name
from generators.components.identities import ROLE_ARN_ANNOTATION
from platform_spec.addons import ADDONS, CLUSTER_AUTOSCALER, EXTERNAL_DNS
from platform_spec.model import EnvironmentSpec

IRSA_COMPONENTS = {
    "aws-load-balancer-controller": "aws-load-balancer-controller",
    "ebs-csi-driver": "ebs-csi-driver",
    "cluster-autoscaler": "cluster-autoscaler",
    "external-secrets": "external-secrets",
    "external-dns": "external-dns",
}
"""Wave-plan component of each add-on identity."""


def test_every_identity_has_a_component_after_the_webhook() -> None:
    plan = by_name()
    assert sorted(IRSA_COMPONENTS.values()) == sorted(addon.name for addon in ADDONS)
    webhook = plan["pod-identity-webhook"]
    for component in IRSA_COMPONENTS:
        assert plan[component].wave > webhook.wave, f"{component} would start without its AWS credentials"


@pytest.mark.parametrize("name", ["dev", "staging", "prod"])
def test_autoscaler_and_external_dns_run_as_their_identity(name: str, specs: dict[str, EnvironmentSpec]) -> None:
    spec = specs[name]
    plan = by_name()
    autoscaler = plan["cluster-autoscaler"]
    assert autoscaler.values is not None and autoscaler.namespace == CLUSTER_AUTOSCALER.namespace
    account = autoscaler.values(spec)["rbac"]["serviceAccount"]
    assert account["name"] == CLUSTER_AUTOSCALER.service_account
    assert account["annotations"] == {ROLE_ARN_ANNOTATION: CLUSTER_AUTOSCALER.role_arn(spec)}
    assert autoscaler.values(spec)["autoDiscovery"]["clusterName"] == spec.prefix
    dns = plan["external-dns"]
    assert dns.values is not None and dns.namespace == EXTERNAL_DNS.namespace
    values = dns.values(spec)
    assert values["serviceAccount"]["name"] == EXTERNAL_DNS.service_account
    assert values["serviceAccount"]["annotations"] == {ROLE_ARN_ANNOTATION: EXTERNAL_DNS.role_arn(spec)}
    assert values["domainFilters"] == [spec.dns.domain] and values["policy"] == "upsert-only"


def test_webhook_requests_tokens_for_sts(specs: dict[str, EnvironmentSpec]) -> None:
    webhook = by_name()["pod-identity-webhook"]
    assert webhook.values is not None and webhook.namespace == "kube-system"
    values = webhook.values(specs["prod"])
    assert values["config"]["tokenAudience"] == "sts.amazonaws.com"
    assert values["config"]["annotationPrefix"] + "/role-arn" == ROLE_ARN_ANNOTATION
    assert values["pki"]["certManager"]["enabled"] is True


def test_the_load_balancer_controller_role_has_the_policy_of_the_controller_the_chart_runs() -> None:
    from generators.components.aws_load_balancer_controller import APP_VERSION
    from platform_spec.addon_policies import LOAD_BALANCER_CONTROLLER_VERSION

    assert LOAD_BALANCER_CONTROLLER_VERSION == APP_VERSION
