"""Known failures of terraform/cdktf/AWS, translated into one line each (exit codes: ``ExitCode``)."""

from __future__ import annotations

import json
import re

from platform_spec.model import EnvironmentSpec
from plumbing.exit_codes import ExitCode

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


class OpsError(Exception):
    """A failure with a one-line, actionable message and an exit code."""

    def __init__(self, message: str, code: ExitCode = ExitCode.FAILED) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def lock_message(spec: EnvironmentSpec, lock_id: str, info: dict[str, str] | None = None) -> str:
    """The message for a held state lock, with the exact unlock command."""
    info = info or {}
    details = ", ".join(
        f"{label} {info[key]}" for key, label in (("Operation", "operation"), ("Who", "by"), ("Created", "since"))
        if info.get(key)
    )
    return (
        f"the state of '{spec.name}' is locked (LOCK_ID={lock_id}{', ' + details if details else ''}); "
        f"if no other deploy is running, release it with: make unlock ENV={spec.name} LOCK_ID={lock_id}"
    )


def bootstrap_message(spec: EnvironmentSpec, what: str) -> str:
    """The message for a missing state backend."""
    return f"{what} does not exist: run `make bootstrap ENV={spec.name}` first"


def _lock_from_output(text: str) -> tuple[str, dict[str, str]] | None:
    if "Error acquiring the state lock" not in text:
        return None
    info: dict[str, str] = {}
    _, _, details = text.partition("Lock Info:")
    for raw in details.splitlines():
        line = re.sub(r"^[\s│|]*", "", raw)
        found = re.match(r"(ID|Path|Operation|Who|Version|Created|Info):\s*(.*?)\s*$", line)
        if found and found.group(2) and found.group(1) not in info:
            info[found.group(1)] = found.group(2)
    lock_id = info.get("ID")
    return (lock_id, info) if lock_id else None


def explain(text: str, spec: EnvironmentSpec) -> str | None:
    """One line for a known failure found in terraform/cdktf output, or None."""
    text = ANSI.sub("", text)
    lock = _lock_from_output(text)
    if lock:
        return lock_message(spec, *lock)
    if re.search(r"NoSuchBucket|S3 bucket \S+ does not exist|bucket does not exist", text):
        return bootstrap_message(spec, f"state bucket {spec.state_bucket_name}")
    if "ResourceNotFoundException" in text and spec.lock_table_name in text:
        return bootstrap_message(spec, f"lock table {spec.lock_table_name}")
    if re.search(r"No valid credential sources found|failed to refresh cached credentials|NoCredentialProviders", text):
        return "no AWS credentials: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (or AWS_PROFILE)"
    found = re.search(r"User: (\S+) is not authorized to perform: ([\w-]+:\w+)(?: on resource: ([^\s,\"]+))?", text)
    if found:
        where = f" on {found.group(3)}" if found.group(3) else ""
        return (
            f"AWS denied {found.group(2)}{where} to {found.group(1)}: these credentials may not make this change "
            f"(the plan role only reads; deploy '{spec.name}' with its deploy role)"
        )
    found = re.search(r"AWS account ID not allowed: (\d+)", text)
    if found:
        return (
            f"the credentials belong to AWS account {found.group(1)}, but '{spec.name}' may only be deployed "
            f"to account {spec.aws.account_id}"
        )
    found = re.search(r"dial tcp ([^:\s]+:\d+): connect: connection refused|no such host|i/o timeout", text)
    if found:
        where = f" {found.group(1)}" if found.group(1) else ""
        return f"cannot reach the AWS endpoint{where}: check AWS_ENDPOINT_URL and the network"
    found = re.search(r"invalid AWS Region: (\S+)|requested bucket from \"(\S+)\", actual location \"(\S+)\"", text)
    if found:
        return f"wrong AWS region ({found.group(0)}): '{spec.name}' lives in {spec.aws.region}"
    return None


def lock_info(raw: str | None) -> dict[str, str]:
    """The ``Info`` JSON of a DynamoDB lock item, as a dict (empty if unparseable)."""
    try:
        data = json.loads(raw or "")
    except ValueError:
        return {}
    return {str(key): str(value) for key, value in data.items()} if isinstance(data, dict) else {}
