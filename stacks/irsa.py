"""Self-hosted IAM Roles for Service Accounts: the issuer's S3 bucket, its discovery document, the IAM OIDC
provider. The signing key never enters Terraform: kubeadm creates it on the first control-plane node and
``ansible/post-install.yml`` publishes its public half as ``keys.json``
(amazon-eks-pod-identity-webhook SELF_HOSTED_SETUP.md)."""

from __future__ import annotations

import json

from cdktf_cdktf_provider_aws.iam_openid_connect_provider import IamOpenidConnectProvider
from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket
from cdktf_cdktf_provider_aws.s3_bucket_policy import S3BucketPolicy
from cdktf_cdktf_provider_aws.s3_bucket_public_access_block import S3BucketPublicAccessBlock
from cdktf_cdktf_provider_aws.s3_object import S3Object
from constructs import Construct

from platform_spec.addon_policies import STS_AUDIENCE, discovery_document, oidc_bucket_policy
from platform_spec.model import EnvironmentSpec
from platform_spec.naming import DISCOVERY_KEY, oidc_bucket, oidc_issuer
from platform_spec.policy import to_json
from stacks.buckets import harden

NONCURRENT_DAYS = 30
"""Replaced discovery documents and keys stay recoverable this long."""


class Irsa(Construct):
    """The issuer bucket (two public objects, SSE-S3 so anonymous reads work; versioned, logged) and the OIDC
    provider. Public on purpose: STS fetches the discovery document and the keys anonymously; the bucket
    policy allows ``s3:GetObject`` of those two keys only, and every other public access stays blocked.

    Output: ``provider`` (``aws_iam_openid_connect_provider``), ``bucket``.
    """

    def __init__(self, scope: Construct, construct_id: str, *, spec: EnvironmentSpec) -> None:
        super().__init__(scope, construct_id)
        name = oidc_bucket(spec)
        self.bucket = S3Bucket(self, "bucket", bucket=name, force_destroy=True)
        harden(self, self.bucket, spec=spec, name=name, current_days=None, noncurrent_days=NONCURRENT_DAYS)
        access = S3BucketPublicAccessBlock(
            self, "public-access-block", bucket=self.bucket.id, block_public_acls=True, ignore_public_acls=True,
            block_public_policy=False, restrict_public_buckets=False,
        )
        S3BucketPolicy(self, "public-read", bucket=self.bucket.id, policy=to_json(oidc_bucket_policy(name)),
                       depends_on=[access])
        S3Object(
            self, "discovery", bucket=self.bucket.id, key=DISCOVERY_KEY,
            content=json.dumps(discovery_document(spec), indent=2, sort_keys=True), content_type="application/json",
        )
        self.provider = IamOpenidConnectProvider(
            self, "provider", url=oidc_issuer(spec), client_id_list=[STS_AUDIENCE],
        )
