"""Wave 10: the External Secrets Operator (its CRDs too), under its IRSA identity.

Pin: chart ``external-secrets`` 2.9.0 (app v2.9.0), checked in external-secrets/external-secrets
(tag helm-chart-2.9.0; deploy/charts/external-secrets/Chart.yaml at cc5bfbc22, 2026-08-08).
Values keys checked in that chart's values.yaml: ``installCRDs``, ``serviceAccount.{create,name,annotations}``,
``rbac.serviceAccountTokenCreate`` ("When set to false, users must create per-ServiceAccount
Role/RoleBinding with resourceNames constraint"): the cluster-wide ``serviceaccounts/token`` grant is
off, and ``cluster-secret-store`` grants token creation for the controller's own service account only.
"""

from __future__ import annotations

from generators.components.identities import service_account_values
from generators.waves import Chart, Component, Doc
from platform_spec.addons import EXTERNAL_SECRETS
from platform_spec.model import EnvironmentSpec


def values(spec: EnvironmentSpec) -> Doc:
    """CRDs, the service account with the role ARN, token creation scoped to that account."""
    return {
        "installCRDs": True,
        "serviceAccount": service_account_values(spec, EXTERNAL_SECRETS),
        "rbac": {"serviceAccountTokenCreate": False},
    }


COMPONENT = Component(10, "external-secrets", "operator", EXTERNAL_SECRETS.namespace,
                      Chart("https://charts.external-secrets.io", "external-secrets", "2.9.0"),
                      needs=("namespaces", "network-policies"), server_side_apply=True, values=values,
                      provides=tuple(f"external-secrets.io/{kind}" for kind in (
                          "ClusterExternalSecret", "ClusterSecretStore", "ExternalSecret", "SecretStore")))
