"""What the Ansible handoff needs to reach the nodes without SSH: the S3 bucket through which the
``community.aws.aws_ssm`` connection moves files (the controller presigns the URLs; nodes need no S3
permission). Nodes already run the SSM agent with ``AmazonSSMManagedInstanceCore`` (``stacks/cluster.py``)."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket
from cdktf_cdktf_provider_aws.s3_bucket_public_access_block import S3BucketPublicAccessBlock
from cdktf_cdktf_provider_aws.s3_bucket_server_side_encryption_configuration import (
    S3BucketServerSideEncryptionConfigurationA,
    S3BucketServerSideEncryptionConfigurationRuleA,
    S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA,
)
from constructs import Construct

from platform_spec.model import EnvironmentSpec
from platform_spec.naming import ansible_transfer_bucket


class AnsibleAccess(Construct):
    """A private, encrypted transfer bucket (``ansible_aws_ssm_bucket_name``). Output: ``bucket``."""

    def __init__(self, scope: Construct, construct_id: str, *, spec: EnvironmentSpec) -> None:
        super().__init__(scope, construct_id)
        self.bucket = S3Bucket(self, "bucket", bucket=ansible_transfer_bucket(spec), force_destroy=True)
        S3BucketServerSideEncryptionConfigurationA(
            self, "encryption", bucket=self.bucket.id,
            rule=[S3BucketServerSideEncryptionConfigurationRuleA(
                apply_server_side_encryption_by_default=(
                    S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA(
                        sse_algorithm="AES256"
                    )
                ),
            )],
        )
        S3BucketPublicAccessBlock(
            self, "public-access-block", bucket=self.bucket.id, block_public_acls=True, block_public_policy=True,
            ignore_public_acls=True, restrict_public_buckets=True,
        )
