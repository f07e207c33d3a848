"""State backend: the environment's S3 state bucket and DynamoDB lock table."""

from __future__ import annotations

from constructs import Construct

from platform_spec.iam_documents import state_bucket_policy, to_json
from platform_spec.model import EnvironmentSpec
from stacks.aws import aws


class StateBackend(Construct):
    """Versioned, encrypted, private, TLS-only state bucket plus a lock table with PITR.

    Inputs: the environment spec. Outputs: ``bucket`` and ``lock_table`` resources.
    """

    def __init__(self, scope: Construct, construct_id: str, *, spec: EnvironmentSpec) -> None:
        super().__init__(scope, construct_id)
        s3 = "s3_bucket_server_side_encryption_configuration"
        self.bucket = aws("s3_bucket", "S3Bucket")(self, "bucket", bucket=spec.state_bucket_name)
        aws("s3_bucket_versioning", "S3BucketVersioningA")(
            self,
            "versioning",
            bucket=self.bucket.id,
            versioning_configuration=aws("s3_bucket_versioning", "S3BucketVersioningVersioningConfiguration")(
                status="Enabled"
            ),
        )
        aws(s3, "S3BucketServerSideEncryptionConfigurationA")(
            self,
            "encryption",
            bucket=self.bucket.id,
            rule=[
                aws(s3, "S3BucketServerSideEncryptionConfigurationRuleA")(
                    apply_server_side_encryption_by_default=aws(
                        s3, "S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA"
                    )(sse_algorithm="aws:kms"),
                    bucket_key_enabled=True,
                )
            ],
        )
        public_access = aws("s3_bucket_public_access_block", "S3BucketPublicAccessBlock")(
            self,
            "public-access-block",
            bucket=self.bucket.id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
        )
        aws("s3_bucket_policy", "S3BucketPolicy")(
            self,
            "tls-only",
            bucket=self.bucket.id,
            policy=to_json(state_bucket_policy(spec)),
            depends_on=[public_access],
        )
        table = "dynamodb_table"
        self.lock_table = aws(table, "DynamodbTable")(
            self,
            "lock-table",
            name=spec.lock_table_name,
            billing_mode="PAY_PER_REQUEST",
            hash_key="LockID",
            attribute=[aws(table, "DynamodbTableAttribute")(name="LockID", type="S")],
            point_in_time_recovery=aws(table, "DynamodbTablePointInTimeRecovery")(enabled=True),
            server_side_encryption=aws(table, "DynamodbTableServerSideEncryption")(enabled=True),
            deletion_protection_enabled=spec.tier == "production",
        )
