"""The environment's customer-managed KMS key (SecureString parameters, the flow-log group)."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.kms_alias import KmsAlias
from cdktf_cdktf_provider_aws.kms_key import KmsKey
from constructs import Construct

from platform_spec import naming
from platform_spec.iam_documents import environment_key_policy
from platform_spec.model import EnvironmentSpec
from platform_spec.policy import to_json

KEY_DELETION_WINDOW_DAYS = 30
"""Waiting period before a destroyed key is gone (AWS allows 7 to 30 days)."""


class EnvironmentKey(Construct):
    """A symmetric key with yearly rotation, an explicit key policy and the alias ``alias/<prefix>``.

    Output: ``key`` (its ``arn`` scopes the pipeline roles' KMS permissions).
    """

    def __init__(self, scope: Construct, construct_id: str, *, spec: EnvironmentSpec) -> None:
        super().__init__(scope, construct_id)
        self.key = KmsKey(
            self, "key", description=f"{spec.prefix}: SecureString parameters and log groups",
            enable_key_rotation=True, deletion_window_in_days=KEY_DELETION_WINDOW_DAYS,
            policy=to_json(environment_key_policy(spec)),
        )
        KmsAlias(self, "alias", name=naming.environment_key_alias(spec), target_key_id=self.key.key_id)
