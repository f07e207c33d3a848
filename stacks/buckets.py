"""Hardening shared by the platform stack's S3 buckets: versioning, encryption at rest, server access logs (into
the bootstrap's access-log bucket) and a lifecycle. The state buckets keep their own construct
(``stacks/state_backend.py``): their construct ids are addresses of the bootstrap state."""

from __future__ import annotations

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

from platform_spec.model import EnvironmentSpec


def harden(scope: Construct, bucket: S3Bucket, *, spec: EnvironmentSpec, name: str, current_days: int | None,
           noncurrent_days: int) -> None:
    """Versioned, SSE-S3, logged to ``<state bucket>-logs`` under ``<name>/``, with a lifecycle.

    SSE-S3, not SSE-KMS: anonymous readers (STS fetching the issuer's documents) cannot use a KMS key.
    ``current_days``: expire current objects after that many days (``None``: keep them); noncurrent
    versions expire after ``noncurrent_days``; incomplete multipart uploads are aborted after a day.
    """
    S3BucketVersioningA(
        scope, "versioning", bucket=bucket.id,
        versioning_configuration=S3BucketVersioningVersioningConfiguration(status="Enabled"),
    )
    S3BucketServerSideEncryptionConfigurationA(
        scope, "encryption", bucket=bucket.id,
        rule=[S3BucketServerSideEncryptionConfigurationRuleA(
            apply_server_side_encryption_by_default=(
                S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA(sse_algorithm="AES256")
            ),
        )],
    )
    # the access-log bucket's policy lets S3 log delivery write for the platform's buckets (iam_documents.py)
    S3BucketLoggingA(scope, "access-logs", bucket=bucket.id, target_bucket=spec.access_log_bucket_name,
                     target_prefix=f"{name}/")
    S3BucketLifecycleConfiguration(
        scope, "lifecycle", bucket=bucket.id,
        rule=[S3BucketLifecycleConfigurationRule(
            id="expire", status="Enabled",
            filter=[S3BucketLifecycleConfigurationRuleFilter(prefix="")],
            expiration=[S3BucketLifecycleConfigurationRuleExpiration(days=current_days)] if current_days else None,
            noncurrent_version_expiration=[
                S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration(noncurrent_days=noncurrent_days)
            ],
            abort_incomplete_multipart_upload=[
                S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload(days_after_initiation=1)
            ],
        )],
    )
