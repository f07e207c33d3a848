"""What an identity may and may not do to an environment's state and parameters, asked of moto under IAM
enforcement. Every denial is checked next to an allowed call of the same kind, so a check cannot pass
because the call was broken."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import botocore.exceptions

from platform_spec.model import EnvironmentSpec
from tests.e2e.identities import Identities

DENIED = ("AccessDenied", "AccessDeniedException")


def denied(call: Callable[[], Any]) -> bool:
    """Whether AWS (moto) refused the call for lack of permission."""
    try:
        call()
    except botocore.exceptions.ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        return code in DENIED or status == 403
    return False


def _table(spec: EnvironmentSpec, *, own: bool) -> str:
    """The lock table: by name in the caller's own account, by ARN in another (as cross-account calls are)."""
    if own:
        return spec.lock_table_name
    return f"arn:aws:dynamodb:{spec.aws.region}:{spec.aws.account_id}:table/{spec.lock_table_name}"


def _parameter(spec: EnvironmentSpec, name: str, *, own: bool) -> str:
    path = f"{spec.ssm_root}/{name}"
    return path if own else f"arn:aws:ssm:{spec.aws.region}:{spec.aws.account_id}:parameter{path}"


def state_and_parameter_calls(who: Identities, credentials: dict[str, str], target: EnvironmentSpec,
                              *, own: bool = False) -> dict[str, Callable[[], Any]]:
    """Reads and writes of ``target``'s state object, lock and parameters, made with ``credentials``
    (``own``: the target is in the caller's account)."""
    s3, ssm, dynamodb = (who.client(service, credentials) for service in ("s3", "ssm", "dynamodb"))
    lock = {"LockID": {"S": f"{target.state_bucket_name}/{target.state_key}"}}
    table = _table(target, own=own)
    return {
        "read state": lambda: s3.get_object(Bucket=target.state_bucket_name, Key=target.state_key),
        "write state": lambda: s3.put_object(Bucket=target.state_bucket_name, Key=target.state_key, Body=b"{}"),
        "read lock": lambda: dynamodb.get_item(TableName=table, Key=lock),
        "take lock": lambda: dynamodb.put_item(TableName=table, Item={**lock, "Info": {"S": "e2e"}}),
        "read parameter": lambda: ssm.get_parameter(Name=_parameter(target, "network/vpc-id", own=own)),
        "read secret": lambda: ssm.get_parameter(Name=_parameter(target, "data/postgres-password", own=own),
                                                 WithDecryption=True),
        "write parameter": lambda: ssm.put_parameter(Name=_parameter(target, "network/vpc-id", own=own),
                                                     Value="x", Type="String", Overwrite=True),
    }


def refusals(who: Identities, credentials: dict[str, str], targets: list[EnvironmentSpec],
             kinds: tuple[str, ...]) -> dict[str, bool]:
    """``"<kind> <env>" -> denied?`` for each kind of call on each target environment."""
    result = {}
    for target in targets:
        calls = state_and_parameter_calls(who, credentials, target)
        for kind in kinds:
            result[f"{kind} {target.name}"] = denied(calls[kind])
    return result
