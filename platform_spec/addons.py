"""The cluster add-ons that call AWS, and the Kubernetes identity each one runs as.

One table, read by both sides of IAM Roles for Service Accounts: the stacks create one IAM role per
add-on that trusts only ``system:serviceaccount:<namespace>:<service_account>``, and the GitOps
renderers run the add-on under exactly that service account, annotated with the role's ARN.
"""

from __future__ import annotations

from dataclasses import dataclass

from platform_spec.model import EnvironmentSpec
from platform_spec.naming import role_arn, role_name


@dataclass(frozen=True)
class AddonIdentity:
    """An add-on's Kubernetes service account and the IAM role it may assume."""

    name: str
    """Add-on name; the IAM role is ``<prefix>-<name>``."""
    namespace: str
    service_account: str

    @property
    def subject(self) -> str:
        """The ``sub`` claim of the service account's projected token."""
        return f"system:serviceaccount:{self.namespace}:{self.service_account}"

    def role_name(self, spec: EnvironmentSpec) -> str:
        """The add-on's IAM role name in ``spec``'s account."""
        return role_name(spec, self.name)

    def role_arn(self, spec: EnvironmentSpec) -> str:
        """The add-on's IAM role ARN (the service account's ``eks.amazonaws.com/role-arn`` annotation)."""
        return role_arn(spec, self.name)


AWS_LOAD_BALANCER_CONTROLLER = AddonIdentity("aws-load-balancer-controller", "kube-system",
                                             "aws-load-balancer-controller")
EBS_CSI_DRIVER = AddonIdentity("ebs-csi-driver", "kube-system", "ebs-csi-controller-sa")
CLUSTER_AUTOSCALER = AddonIdentity("cluster-autoscaler", "kube-system", "cluster-autoscaler")
EXTERNAL_SECRETS = AddonIdentity("external-secrets", "external-secrets", "external-secrets")
EXTERNAL_DNS = AddonIdentity("external-dns", "kube-system", "external-dns")

ADDONS: tuple[AddonIdentity, ...] = (
    AWS_LOAD_BALANCER_CONTROLLER, EBS_CSI_DRIVER, CLUSTER_AUTOSCALER, EXTERNAL_SECRETS, EXTERNAL_DNS,
)
"""Every add-on with an AWS identity; a new one is a new row here, a role in the stacks and a
service account in its component."""
