"""S3-native state locking (``state_locking: s3``, Terraform's ``use_lockfile``) really excludes a second
writer, against moto: Terraform takes the lock with a conditional ``PutObject`` (``If-None-Match: *``,
developer.hashicorp.com/terraform/language/backend/s3, "State Locking"), which moto 5.2.5 implements.

qa (the README's recipe, ``state_locking: s3``) is bootstrapped by ``conftest.bootstrapped``: no lock
table. Its read-only plan role may take and release the lock file, nothing else in the bucket.
"""

from __future__ import annotations

import json
import subprocess

import pytest

from ops.terraform import backend_flags, tool_env
from tests.e2e.access_checks import denied
from tests.e2e.conftest import Bootstrapped
from tests.e2e.helpers import error_lines, make

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

FOREIGN_LOCK = {"ID": "00000000-1111-2222-3333-444444444444", "Operation": "OperationTypeApply",
                "Who": "someone@elsewhere", "Version": "1.11.4", "Created": "2026-01-01T00:00:00Z", "Path": ""}


def _terraform(args: list[str], env: Bootstrapped, credentials: dict[str, str]) -> subprocess.CompletedProcess:
    environment = {**tool_env(), **env.env(credentials)}
    directory = env.outdir / "stacks" / env.spec.platform_stack
    return subprocess.run(["terraform", *args], cwd=directory, env=environment, capture_output=True, text=True,
                          timeout=600)


def test_s3_lock_file_excludes_a_second_writer(bootstrapped: dict[str, Bootstrapped]) -> None:
    env = bootstrapped["qa"]
    spec, who = env.spec, env.identities
    s3 = who.client("s3")
    assert not spec.uses_lock_table and spec.uses_lock_file
    assert "sesacthon-tflock-qa" not in who.client("dynamodb").list_tables()["TableNames"]
    plan = who.plan()

    # The plan role plans through the lock file (takes and releases it) and leaves no lock behind.
    result = make("plan", env.env(plan), "ENV=qa")  # an empty state: changes to make (exit 3)
    assert "Plan: " in result.stdout and error_lines(result) == [], result.stdout[-2000:] + result.stderr[-2000:]
    assert "Contents" not in s3.list_objects_v2(Bucket=spec.state_bucket_name, Prefix=spec.lock_file_key)

    # Another writer holds the lock: terraform's conditional PutObject fails, nothing runs.
    s3.put_object(Bucket=spec.state_bucket_name, Key=spec.lock_file_key, Body=json.dumps(FOREIGN_LOCK).encode())
    init = _terraform(["init", "-input=false", "-no-color", *backend_flags()], env, plan)
    assert init.returncode == 0, init.stdout + init.stderr
    blocked = _terraform(["plan", "-input=false", "-no-color", "-lock-timeout=0s"], env, plan)
    assert blocked.returncode != 0
    assert "Error acquiring the state lock" in blocked.stderr, blocked.stderr
    assert "PreconditionFailed" in blocked.stderr or "StatusCode: 412" in blocked.stderr, blocked.stderr
    held = json.loads(s3.get_object(Bucket=spec.state_bucket_name, Key=spec.lock_file_key)["Body"].read())
    assert held["ID"] == FOREIGN_LOCK["ID"], "the second writer must not overwrite the lock"

    # The project's preflight reports the held lock with the unlock command, in one line.
    refused = make("plan", env.env(plan), "ENV=qa")
    assert refused.returncode != 0
    assert any(f"LOCK_ID={FOREIGN_LOCK['ID']}" in line and "make unlock ENV=qa" in line
               for line in error_lines(refused)), refused.stderr

    # The plan role may hold the lock file but write nothing else in the bucket.
    assert denied(lambda: who.client("s3", plan).put_object(Bucket=spec.state_bucket_name, Key=spec.state_key,
                                                            Body=b"{}"))
    unlocked = make("unlock", env.env(who.deploy()), "ENV=qa", f"LOCK_ID={FOREIGN_LOCK['ID']}")
    assert unlocked.returncode == 0, unlocked.stdout + unlocked.stderr
    assert "Contents" not in s3.list_objects_v2(Bucket=spec.state_bucket_name, Prefix=spec.lock_file_key)
