"""Wave 15: external-dns writes the application hosts (Ingress hosts) into the environment's public zone.

Chart ``external-dns`` 1.21.1 from kubernetes-sigs/external-dns (tag external-dns-helm-chart-1.21.1,
appVersion 0.21.0). ``policy: upsert-only`` never deletes a record it did not create; the TXT registry with
the cluster's owner id marks what it owns. Runs as the ``external-dns`` service account of
platform_spec/addons.py with its IRSA role (Route 53 on this zone only).
"""

from __future__ import annotations

from generators.components.identities import service_account_values
from generators.waves import Chart, Component, Doc
from platform_spec.addons import EXTERNAL_DNS
from platform_spec.model import EnvironmentSpec
from platform_spec.naming import cluster_name

NAME = "external-dns"


def values(spec: EnvironmentSpec) -> Doc:
    """AWS provider, the environment's domain only, Ingress sources, the add-on's service account and role."""
    return {
        "provider": {"name": "aws"},
        "env": [{"name": "AWS_DEFAULT_REGION", "value": spec.aws.region}],
        "sources": ["ingress", "service"],
        "domainFilters": [spec.dns.domain],
        "policy": "upsert-only",
        "registry": "txt",
        "txtOwnerId": cluster_name(spec),
        "serviceAccount": service_account_values(spec, EXTERNAL_DNS),
    }


COMPONENT = Component(15, NAME, "operator", EXTERNAL_DNS.namespace,
                      Chart("https://kubernetes-sigs.github.io/external-dns", "external-dns", "1.21.1"),
                      needs=("pod-identity-webhook",), values=values)
