"""State backend: the environment's S3 state bucket (+ its access-log bucket) and, if used, the lock table."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.dynamodb_table import (
    DynamodbTable,
    DynamodbTableAttribute,
    DynamodbTablePointInTimeRecovery,
    DynamodbTableServerSideEncryption,
)
from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket
from cdktf_cdktf_provider_aws.s3_bucket_lifecycle_configuration import (
    S3BucketLifecycleConfiguration,
    S3BucketLifecycleConfigurationRule,
    S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload,
    S3BucketLifecycleConfigurationRuleExpiration,
    S3BucketLifecycleConfigurationRuleFilter,
    S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration,
)
from cdktf_cdktf_provider_aws.s3_bucket_logging import S3BucketLoggingA
from cdktf_cdktf_provider_aws.s3_bucket_ownership_controls import (
    S3BucketOwnershipControls,
    S3BucketOwnershipControlsRule,
)
from cdktf_cdktf_provider_aws.s3_bucket_policy import S3BucketPolicy
from cdktf_cdktf_provider_aws.s3_bucket_public_access_block import S3BucketPublicAccessBlock
from cdktf_cdktf_provider_aws.s3_bucket_server_side_encryption_configuration import (
    S3BucketServerSideEncryptionConfigurationA,
    S3BucketServerSideEncryptionConfigurationRuleA,
    S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA,
)
from cdktf_cdktf_provider_aws.s3_bucket_versioning import (
    S3BucketVersioningA,
    S3BucketVersioningVersioningConfiguration,
)
from constructs import Construct

from platform_spec.iam_documents import access_log_bucket_policy, state_bucket_policy
from platform_spec.model import EnvironmentSpec
from platform_spec.policy import Policy, to_json

NONCURRENT_STATE_DAYS = 90
"""Noncurrent state versions (the history behind every apply) are kept this long, then expire."""
ACCESS_LOG_DAYS = 365
"""Server access logs of the state bucket are kept a year."""


class StateBackend(Construct):
    """Versioned, encrypted, private, TLS-only state bucket with access logs and a lifecycle; the lock table.

    Inputs: the environment spec. Outputs: ``bucket``, ``log_bucket`` and ``lock_table`` (``None``
    when the spec locks with S3-native lock files only).
    """

    def __init__(self, scope: Construct, construct_id: str, *, spec: EnvironmentSpec) -> None:
        super().__init__(scope, construct_id)
        self.log_bucket, log_policy = self._bucket("logs-", spec.access_log_bucket_name,
                                                   access_log_bucket_policy(spec), kms=False)
        S3BucketOwnershipControls(  # S3 server access logs need ACLs disabled on the target (bucket-owner enforced)
            self, "logs-ownership", bucket=self.log_bucket.id,
            rule=S3BucketOwnershipControlsRule(object_ownership="BucketOwnerEnforced"),
        )
        self._lifecycle("logs", self.log_bucket, current_days=ACCESS_LOG_DAYS, noncurrent_days=30)
        # Construct ids of the state bucket are those of the former `<env>-state` stack: moving its local
        # state file to `<env>-bootstrap.tfstate` keeps every address (README, "Upgrading the bootstrap").
        self.bucket, _ = self._bucket("", spec.state_bucket_name, state_bucket_policy(spec), kms=True)
        self._lifecycle("state", self.bucket, current_days=None, noncurrent_days=NONCURRENT_STATE_DAYS)
        S3BucketLoggingA(
            self, "access-logs", bucket=self.bucket.id, target_bucket=self.log_bucket.id,
            target_prefix=f"{spec.state_bucket_name}/", depends_on=[log_policy],  # S3 checks the target's policy
        )
        self.lock_table: DynamodbTable | None = None
        if spec.uses_lock_table:
            self.lock_table = DynamodbTable(
                self,
                "lock-table",
                name=spec.lock_table_name,
                billing_mode="PAY_PER_REQUEST",
                hash_key="LockID",
                attribute=[DynamodbTableAttribute(name="LockID", type="S")],
                point_in_time_recovery=DynamodbTablePointInTimeRecovery(enabled=True),
                server_side_encryption=DynamodbTableServerSideEncryption(enabled=True),
                deletion_protection_enabled=spec.tier == "production",
            )

    def _bucket(self, prefix: str, bucket_name: str, policy: Policy, *, kms: bool) -> tuple[S3Bucket, S3BucketPolicy]:
        """A versioned, private, TLS-only bucket (SSE-KMS, or SSE-S3 where S3 log delivery writes)."""
        bucket = S3Bucket(self, f"{prefix}bucket", bucket=bucket_name)
        S3BucketVersioningA(
            self, f"{prefix}versioning", bucket=bucket.id,
            versioning_configuration=S3BucketVersioningVersioningConfiguration(status="Enabled"),
        )
        S3BucketServerSideEncryptionConfigurationA(
            self, f"{prefix}encryption", bucket=bucket.id,
            rule=[
                S3BucketServerSideEncryptionConfigurationRuleA(
                    apply_server_side_encryption_by_default=(
                        S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA(
                            sse_algorithm="aws:kms" if kms else "AES256"
                        )
                    ),
                    bucket_key_enabled=kms,
                )
            ],
        )
        public_access = S3BucketPublicAccessBlock(
            self, f"{prefix}public-access-block", bucket=bucket.id, block_public_acls=True,
            block_public_policy=True, ignore_public_acls=True, restrict_public_buckets=True,
        )
        bucket_policy = S3BucketPolicy(self, f"{prefix}tls-only", bucket=bucket.id, policy=to_json(policy),
                                       depends_on=[public_access])
        return bucket, bucket_policy

    def _lifecycle(self, name: str, bucket: S3Bucket, *, current_days: int | None, noncurrent_days: int) -> None:
        """Expire noncurrent versions (and current objects after ``current_days``); abort stale uploads."""
        S3BucketLifecycleConfiguration(
            self, f"{name}-lifecycle", bucket=bucket.id,
            rule=[
                S3BucketLifecycleConfigurationRule(
                    id="expire-old-versions", status="Enabled",
                    filter=[S3BucketLifecycleConfigurationRuleFilter(prefix="")],
                    noncurrent_version_expiration=[
                        S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration(noncurrent_days=noncurrent_days)
                    ],
                    expiration=[S3BucketLifecycleConfigurationRuleExpiration(days=current_days)]
                    if current_days else None,
                    abort_incomplete_multipart_upload=[
                        S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload(days_after_initiation=7)
                    ],
                )
            ],
        )
