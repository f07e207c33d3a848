"""Checks run before terraform: credentials, endpoint, region, account, state backend, lock.

They use boto3 with the standard AWS environment variables (``AWS_ENDPOINT_URL`` included), so
they see exactly what terraform will see, and fail in about a second with one line instead of
a Terraform trace.
"""

from __future__ import annotations

import os
from typing import Any

import boto3
import botocore.exceptions
from botocore.config import Config

from ops.errors import OpsError, bootstrap_message, lock_info, lock_message
from platform_spec.model import EnvironmentSpec

_CONFIG = Config(connect_timeout=5, read_timeout=20, retries={"max_attempts": 2, "mode": "standard"})


def endpoint() -> str | None:
    """The local/custom endpoint from ``AWS_ENDPOINT_URL`` (None for AWS itself)."""
    return os.environ.get("AWS_ENDPOINT_URL") or None


def client(service: str, spec: EnvironmentSpec) -> Any:
    """A boto3 client in the environment's region, honouring ``AWS_ENDPOINT_URL``."""
    if endpoint():
        os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")  # never probe IMDS for a local endpoint
    return boto3.session.Session().client(service, region_name=spec.aws.region, config=_CONFIG)


def check_region(spec: EnvironmentSpec) -> None:
    """A region set in the environment must be the spec's region."""
    for variable in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        value = os.environ.get(variable)
        if value and value != spec.aws.region:
            raise OpsError(
                f"wrong AWS region: {variable}={value}, but '{spec.name}' lives in {spec.aws.region} "
                f"(unset it or set {variable}={spec.aws.region})"
            )


def check_identity(spec: EnvironmentSpec) -> str:
    """Credentials present, endpoint reachable, account allowed; returns the caller ARN."""
    check_region(spec)
    try:
        identity = client("sts", spec).get_caller_identity()
    except botocore.exceptions.NoCredentialsError:
        raise OpsError("no AWS credentials: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (or AWS_PROFILE)") from None
    except (botocore.exceptions.EndpointConnectionError, botocore.exceptions.ConnectTimeoutError) as error:
        where = getattr(error, "kwargs", {}).get("endpoint_url") or endpoint() or "AWS"
        raise OpsError(f"cannot reach the AWS endpoint {where}: check AWS_ENDPOINT_URL and the network") from None
    except botocore.exceptions.ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        raise OpsError(f"AWS rejected the credentials ({code}): check AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY") \
            from None
    account = identity.get("Account")
    if account != spec.aws.account_id:
        raise OpsError(
            f"the credentials belong to AWS account {account}, but '{spec.name}' may only be deployed "
            f"to account {spec.aws.account_id}"
        )
    return str(identity.get("Arn", ""))


def check_backend(spec: EnvironmentSpec) -> None:
    """The environment's state bucket and (when used) lock table exist (else: run bootstrap first)."""
    try:
        client("s3", spec).head_bucket(Bucket=spec.state_bucket_name)
    except botocore.exceptions.ClientError as error:
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if status == 404:
            raise OpsError(bootstrap_message(spec, f"state bucket {spec.state_bucket_name}")) from None
        if status == 301:
            raise OpsError(
                f"wrong AWS region: state bucket {spec.state_bucket_name} is not in {spec.aws.region}"
            ) from None
        raise OpsError(f"cannot read state bucket {spec.state_bucket_name}: {error}") from None
    if not spec.uses_lock_table:
        return
    try:
        client("dynamodb", spec).describe_table(TableName=spec.lock_table_name)
    except botocore.exceptions.ClientError as error:
        if error.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
            raise OpsError(bootstrap_message(spec, f"lock table {spec.lock_table_name}")) from None
        raise


def lock_item_id(spec: EnvironmentSpec) -> str:
    """The S3 backend's DynamoDB ``LockID`` of the platform stack's state."""
    return f"{spec.state_bucket_name}/{spec.state_key}"


def held_lock(spec: EnvironmentSpec) -> tuple[str, dict[str, str]] | None:
    """``(lock id, info)`` when the platform state is locked (lock table item or S3 lock file), else None."""
    if spec.uses_lock_table:
        item = client("dynamodb", spec).get_item(
            TableName=spec.lock_table_name, Key={"LockID": {"S": lock_item_id(spec)}}, ConsistentRead=True
        ).get("Item")
        if item and "Info" in item:
            info = lock_info(item["Info"].get("S"))
            return info.get("ID", "unknown"), info
    if spec.uses_lock_file:
        try:
            body = client("s3", spec).get_object(Bucket=spec.state_bucket_name, Key=spec.lock_file_key)["Body"].read()
        except botocore.exceptions.ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return None
            raise
        info = lock_info(body.decode("utf-8", errors="replace"))
        return info.get("ID", "unknown"), info
    return None


def check_unlocked(spec: EnvironmentSpec) -> None:
    """Fail with the lock id and the unlock command when the state is locked."""
    lock = held_lock(spec)
    if lock:
        raise OpsError(lock_message(spec, *lock))
