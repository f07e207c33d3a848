"""Wave 12: the ClusterSecretStore reading the environment's SSM parameters (``/sesacthon/<env>/``).

Authentication: External Secrets' documented AWS service-account token auth
(``auth.jwt.serviceAccountRef``, external-secrets.io "AWS Authentication" / provider AWS Parameter
Store). The controller reads the role from the referenced service account's
``eks.amazonaws.com/role-arn`` annotation, requests a token for it (audience ``sts.amazonaws.com``)
and calls ``sts:AssumeRoleWithWebIdentity`` (providers/v1/aws/auth/auth.go, v2.9.0). Chosen over the
controller's injected web identity (no ``auth``) because a store without ``auth`` falls back to the SDK's
default chain, whose last link is the node's instance role: with ``jwt`` a missing annotation or trust
is an error on the store ("an IAM role must be associated with service account ..."), never a silent
fallback. The referenced account is the controller's own (``platform_spec.addons.EXTERNAL_SECRETS``,
the subject the IAM role trusts); the Role below lets the controller mint tokens for that account only.
"""

from __future__ import annotations

from collections.abc import Sequence

from generators.components.secrets import SECRET_STORE
from generators.kustomize import component_files, meta, shared_overlay
from generators.waves import Component, Files
from platform_spec.addons import EXTERNAL_SECRETS
from platform_spec.model import EnvironmentSpec, Workload
from platform_spec.namespaces import APPS, DATA
from plumbing.yaml_io import dump

NAME = "cluster-secret-store"
TOKEN_ROLE = "external-secrets-token-request"


def base(workloads: Sequence[Workload]) -> Files:
    """The store (usable from apps and data), and the token grant for the controller's own account."""
    account = EXTERNAL_SECRETS.service_account
    store = {
        "apiVersion": "external-secrets.io/v1",
        "kind": "ClusterSecretStore",
        "metadata": meta(SECRET_STORE),
        "spec": {
            "provider": {"aws": {
                "service": "ParameterStore",
                "auth": {"jwt": {"serviceAccountRef": {"name": account, "namespace": EXTERNAL_SECRETS.namespace}}},
            }},
            "conditions": [{"namespaces": [APPS, DATA]}],
        },
    }
    role = {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "Role",
        "metadata": meta(TOKEN_ROLE, EXTERNAL_SECRETS.namespace),
        "rules": [{"apiGroups": [""], "resources": ["serviceaccounts/token"], "verbs": ["create"],
                   "resourceNames": [account]}],
    }
    binding = {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "RoleBinding",
        "metadata": meta(TOKEN_ROLE, EXTERNAL_SECRETS.namespace),
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": TOKEN_ROLE},
        "subjects": [{"kind": "ServiceAccount", "name": account, "namespace": EXTERNAL_SECRETS.namespace}],
    }
    return component_files(f"k8s/base/{NAME}", {"cluster-secret-store.yaml": store, "token-request.yaml": [role,
                                                                                                           binding]})


def overlay(spec: EnvironmentSpec) -> Files:
    """The environment's region and SSM root."""
    aws = "/spec/provider/aws"
    operations = [
        {"op": "add", "path": f"{aws}/region", "value": spec.aws.region},
        {"op": "add", "path": f"{aws}/prefix", "value": f"{spec.ssm_root}/"},
    ]
    return shared_overlay(
        spec, NAME,
        files={"cluster-secret-store.yaml": dump(operations)},
        patches=[{"path": "cluster-secret-store.yaml", "target": {"kind": "ClusterSecretStore", "name": SECRET_STORE}}],
    )


COMPONENT = Component(12, NAME, "instance", EXTERNAL_SECRETS.namespace, needs=("external-secrets",), base=base,
                      overlay=overlay)
