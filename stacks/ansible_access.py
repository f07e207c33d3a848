"""What the Ansible handoff needs to reach the nodes without SSH: the S3 bucket through which the
``community.aws.aws_ssm`` connection moves files (the controller presigns the URLs; nodes need no S3
permission). Nodes already run the SSM agent with ``AmazonSSMManagedInstanceCore`` (``stacks/cluster.py``)."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket
from cdktf_cdktf_provider_aws.s3_bucket_public_access_block import S3BucketPublicAccessBlock
from constructs import Construct

from platform_spec.model import EnvironmentSpec
from platform_spec.naming import ansible_transfer_bucket
from stacks.buckets import harden

TRANSFER_DAYS = 1
"""The connection deletes what it moved once a task ran; whatever a failed run left behind expires after a day."""


class AnsibleAccess(Construct):
    """A private, encrypted, logged transfer bucket (``ansible_aws_ssm_bucket_name``) whose files expire.

    Output: ``bucket``.
    """

    def __init__(self, scope: Construct, construct_id: str, *, spec: EnvironmentSpec) -> None:
        super().__init__(scope, construct_id)
        name = ansible_transfer_bucket(spec)
        self.bucket = S3Bucket(self, "bucket", bucket=name, force_destroy=True)
        harden(self, self.bucket, spec=spec, name=name, current_days=TRANSFER_DAYS, noncurrent_days=TRANSFER_DAYS)
        S3BucketPublicAccessBlock(
            self, "public-access-block", bucket=self.bucket.id, block_public_acls=True, block_public_policy=True,
            ignore_public_acls=True, restrict_public_buckets=True,
        )
