"""Service accounts of the add-ons that call AWS (IAM Roles for Service Accounts).

The stacks create one role per ``platform_spec.addons`` entry, trusting only that add-on's service
account; here each chart runs the add-on under exactly that service account name, annotated with the
role's ARN (``eks.amazonaws.com/role-arn``: the pod-identity webhook injects ``AWS_ROLE_ARN`` and a
projected token into pods of annotated service accounts, github.com/aws/amazon-eks-pod-identity-webhook).
"""

from __future__ import annotations

from generators.waves import Doc
from platform_spec.addons import AddonIdentity
from platform_spec.model import EnvironmentSpec

ROLE_ARN_ANNOTATION = "eks.amazonaws.com/role-arn"


def service_account_values(spec: EnvironmentSpec, identity: AddonIdentity) -> Doc:
    """The ``serviceAccount`` values block shared by the charts (create, name, annotations)."""
    return {"create": True, "name": identity.service_account,
            "annotations": {ROLE_ARN_ANNOTATION: identity.role_arn(spec)}}
