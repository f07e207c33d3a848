"""moto_server on 127.0.0.1 for the e2e tests, and per-account credentials for it.

moto maps an access key to an account only for keys it issued itself (an unknown key is account
123456789012), so each environment gets an administrator (an IAM user with AdministratorAccess)
created *in its spec's account* through moto's ``x-moto-account-id`` header; its access key then
makes STS (and the provider's ``allowed_account_ids``) see the right account, exactly as on AWS.

``enforce_iam()`` then turns on moto's IAM enforcement (``INITIAL_NO_AUTH_ACTION_COUNT`` = 0 through
``/moto-api/reset-auth``): every later request is signed, authenticated and authorized against the
caller's policies (with the fixes of ``moto_launcher.py``).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

from platform_spec.model import EnvironmentSpec
from plumbing.paths import PROJECT_ROOT

LAUNCHER = Path(__file__).with_name("moto_launcher.py")

TIMINGS = PROJECT_ROOT / ".cache" / "e2e-timings.json"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class MotoServer:
    """A running moto_server (patched, see moto_launcher.py) and helpers to reach it."""

    def __init__(self, log: Path, extra_env: dict[str, str] | None = None) -> None:
        self.admins: dict[str, dict[str, str]] = {}
        self.enforcing = False
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        # MOTO_ACM_VALIDATION_WAIT=0: with the launcher's fix 4 a certificate is issued as soon as its
        # validation record exists (and never without it)
        env = {**os.environ, "MOTO_IAM_LOAD_MANAGED_POLICIES": "true", "MOTO_ACM_VALIDATION_WAIT": "0",
               **(extra_env or {})}
        env.pop("MOTO_ACCOUNT_ID", None)
        self._log_handle = log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, str(LAUNCHER), "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=self._log_handle, stderr=subprocess.STDOUT, env=env,
        )
        self._wait()

    def _wait(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"moto_server exited with {self.process.returncode}: {self.log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/moto-api/", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"moto_server did not answer on {self.url} within {timeout}s")

    def stop(self) -> None:
        """Terminate the server (kill if it does not stop)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._log_handle.close()

    def credentials(self, account_id: str) -> dict[str, str]:
        """Access key of a fresh administrator in ``account_id`` (moto then maps the key to that account).

        Before ``enforce_iam()`` any key may create it; afterwards the account's first administrator does.
        """
        if self.enforcing:
            iam = self.client("iam", self.admin(account_id))
        else:
            session = boto3.session.Session(aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
                                            aws_secret_access_key="bootstrap", region_name="ap-northeast-2")
            iam = session.client("iam", endpoint_url=self.url)
            iam.meta.events.register(
                "before-sign.iam.*", lambda request, **_: request.headers.__setitem__("x-moto-account-id", account_id)
            )
        name = f"deployer-{time.time_ns()}"
        iam.create_user(UserName=name)
        iam.attach_user_policy(UserName=name, PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
        key = iam.create_access_key(UserName=name)["AccessKey"]
        return {"AWS_ACCESS_KEY_ID": key["AccessKeyId"], "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"]}

    def admin(self, account_id: str) -> dict[str, str]:
        """The account's administrator (created once, before enforcement or by nobody else)."""
        if account_id not in self.admins:
            self.admins[account_id] = self.credentials(account_id)
        return self.admins[account_id]

    def enforce_iam(self) -> None:
        """From now on every request is authenticated and authorized (moto's INITIAL_NO_AUTH_ACTION_COUNT = 0)."""
        request = urllib.request.Request(f"{self.url}/moto-api/reset-auth", data=b"0", method="POST",
                                         headers={"Content-Type": "text/plain"})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
        self.enforcing = True

    def client(self, service: str, credentials: dict[str, str], region: str = "ap-northeast-2") -> Any:
        """A boto3 client for this server with the given credentials (no retries: denials show at once)."""
        session = boto3.session.Session(
            aws_access_key_id=credentials["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=credentials["AWS_SECRET_ACCESS_KEY"],
            aws_session_token=credentials.get("AWS_SESSION_TOKEN"), region_name=region,
        )
        return session.client(service, endpoint_url=self.url, config=Config(retries={"max_attempts": 1}))

    def assume(self, credentials: dict[str, str], role_arn: str, session_name: str) -> dict[str, str]:
        """Credentials of a session of ``role_arn`` (sts:AssumeRole, checked against its trust policy)."""
        found = self.client("sts", credentials).assume_role(RoleArn=role_arn, RoleSessionName=session_name)
        issued = found["Credentials"]
        return {"AWS_ACCESS_KEY_ID": issued["AccessKeyId"], "AWS_SECRET_ACCESS_KEY": issued["SecretAccessKey"],
                "AWS_SESSION_TOKEN": issued["SessionToken"]}

    def aws_env(self, spec: EnvironmentSpec, outdir: Path, credentials: dict[str, str] | None = None,
                environments: Path | None = None) -> dict[str, str]:
        """Environment for ``make``/``python -m cli`` against this server as ``spec``'s account (default:
        a fresh administrator before enforcement, the account's administrator after); ``environments``:
        the specs directory to use (``SESACTHON_ENVIRONMENTS_DIR``)."""
        env = {
            key: value for key, value in os.environ.items()
            if not key.startswith(("AWS_", "TF_", "CDKTF_")) and key not in ("ENV", "MAKEFLAGS", "MAKELEVEL", "MFLAGS")
        }
        if credentials is None:
            credentials = self.admin(spec.aws.account_id) if self.enforcing else self.credentials(spec.aws.account_id)
        env.update(
            credentials,
            AWS_REGION=spec.aws.region,
            AWS_DEFAULT_REGION=spec.aws.region,
            AWS_ENDPOINT_URL=self.url,
            AWS_EC2_METADATA_DISABLED="true",
            AWS_CONFIG_FILE="/dev/null",
            AWS_SHARED_CREDENTIALS_FILE="/dev/null",
            CDKTF_OUTDIR=str(outdir),
        )
        if environments is not None:
            env["SESACTHON_ENVIRONMENTS_DIR"] = str(environments)
        return env


@pytest.fixture(scope="session")
def moto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoServer]:
    """One moto_server for the e2e session, stopped at the end (also on failure)."""
    server = MotoServer(tmp_path_factory.mktemp("moto") / "moto_server.log")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture()
def fresh_moto(tmp_path: Path) -> Iterator[MotoServer]:
    """A moto_server of its own for one test (fault cases that need an empty account)."""
    server = MotoServer(tmp_path / "moto_server.log")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def timings() -> Iterator[dict[str, dict[str, float]]]:
    """Wall time per environment and step, written to .cache/e2e-timings.json at the end."""
    recorded: dict[str, dict[str, float]] = {}
    start = time.monotonic()
    yield recorded
    recorded["_session"] = {"total": round(time.monotonic() - start, 1)}
    TIMINGS.parent.mkdir(exist_ok=True)
    TIMINGS.write_text(json.dumps(recorded, indent=2, sort_keys=True) + "\n")


E2E_ENVIRONMENTS = ("dev", "staging", "prod", "qa")
"""Bootstrapped once per session; qa (the README's recipe) locks its state with S3-native lock files."""


@dataclass
class Bootstrapped:
    """An environment bootstrapped by its administrator, with its identities and synth directory."""

    spec: EnvironmentSpec
    outdir: Path
    environments: Path
    identities: Any  # tests.e2e.identities.Identities (imported lazily: it imports this module)

    def env(self, credentials: dict[str, str]) -> dict[str, str]:
        """``make`` environment acting with ``credentials`` in this environment's account."""
        return self.identities.moto.aws_env(self.spec, self.outdir, credentials, environments=self.environments)


@pytest.fixture(scope="session")
def bootstrapped(moto: MotoServer, synth_dir: Path, tmp_path_factory: pytest.TempPathFactory,
                 timings: dict[str, dict[str, float]]) -> dict[str, Bootstrapped]:
    """dev, staging, prod and qa, each bootstrapped by its account's administrator (in parallel), then
    moto's IAM enforcement on for the rest of the session; ``synth_dir`` has warmed the jsii cache."""
    from concurrent.futures import ThreadPoolExecutor

    from platform_spec.loader import load_all
    from tests.conftest import qa_from_staging
    from tests.e2e.helpers import timed_make
    from tests.e2e.identities import stand_in

    root = tmp_path_factory.mktemp("e2e")
    environments = root / "environments"
    shutil.copytree(PROJECT_ROOT / "environments", environments)
    qa = qa_from_staging((environments / "staging.yaml").read_text()) + "state_locking: s3\n"
    (environments / "qa.yaml").write_text(qa)
    specs = load_all(environments)
    tools = subprocess.run(["make", "-s", "tools"], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=900)
    assert tools.returncode == 0, tools.stderr[-2000:]  # once, before the parallel makes below
    for name in E2E_ENVIRONMENTS:
        moto.admin(specs[name].aws.account_id)
    moto.enforce_iam()

    def bootstrap(name: str) -> tuple[str, float]:
        spec = specs[name]
        env = moto.aws_env(spec, root / name / "cdktf.out", moto.admin(spec.aws.account_id), environments)
        result, seconds = timed_make("bootstrap", env, f"ENV={name}")
        assert result.returncode == 0, f"make bootstrap ENV={name}:\n{result.stdout[-3000:]}\n{result.stderr[-2000:]}"
        return name, seconds

    with ThreadPoolExecutor(max_workers=len(E2E_ENVIRONMENTS)) as pool:
        seconds = dict(pool.map(bootstrap, E2E_ENVIRONMENTS))
    timings["bootstrap (parallel)"] = seconds
    return {name: Bootstrapped(specs[name], root / name / "cdktf.out", environments, stand_in(moto, specs[name]))
            for name in E2E_ENVIRONMENTS}
