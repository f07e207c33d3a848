"""The Ansible handoff's own pieces: the JWKS filter, the plays (syntax and lint), the delegation check."""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from ops.delegation import missing, parent_of, report
from platform_spec.model import EnvironmentSpec
from plumbing.exit_codes import ExitCode
from plumbing.paths import PROJECT_ROOT

ANSIBLE = PROJECT_ROOT / "ansible"
STAND_IN = PROJECT_ROOT / "tests/fixtures/kubespray_collection"


def _filter():
    spec = importlib.util.spec_from_file_location("jwks_filter", ANSIBLE / "filter_plugins/jwks.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _b64url_decode(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def test_jwks_verifies_a_token_signed_by_the_service_account_key(tmp_path: Path) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    [jwk] = _filter().FilterModule().filters()["sesacthon_jwks"](pem.decode())["keys"]
    assert (jwk["kty"], jwk["alg"], jwk["use"]) == ("RSA", "RS256", "sig")
    # the kid is the kube-apiserver's: base64url(sha256(PKIX DER)), recomputed here with openssl
    (tmp_path / "sa.pub").write_bytes(pem)
    der = subprocess.run(["openssl", "pkey", "-pubin", "-in", str(tmp_path / "sa.pub"), "-outform", "DER"],
                         capture_output=True, check=True).stdout
    assert jwk["kid"] == base64.urlsafe_b64encode(hashlib.sha256(der).digest()).rstrip(b"=").decode()
    # a token signed with the private key verifies with the key rebuilt from n and e
    public = rsa.RSAPublicNumbers(int.from_bytes(_b64url_decode(jwk["e"]), "big"),
                                  int.from_bytes(_b64url_decode(jwk["n"]), "big")).public_key()
    message = b"header.payload"
    signature = key.sign(message, padding.PKCS1v15(), hashes.SHA256())
    public.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())


def _ansible_env(tmp_path: Path) -> dict[str, str]:
    site_packages = Path(importlib.util.find_spec("ansible_collections").submodule_search_locations[0]).parent
    return {**os.environ, "ANSIBLE_HOME": str(tmp_path / "home"), "ANSIBLE_LOCAL_TEMP": str(tmp_path / "tmp"),
            "ANSIBLE_COLLECTIONS_PATH": f"{STAND_IN}:{site_packages}",
            "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}


@pytest.mark.tools
def test_plays_pass_syntax_check(specs: dict[str, EnvironmentSpec], tmp_path: Path) -> None:
    from generators.inventory import render
    from plumbing.writer import write_tree
    from tests.unit.test_inventory import fake_outputs

    spec = specs["prod"]
    write_tree(tmp_path, render(spec, fake_outputs(spec)), owned_dirs=["ansible/inventory/prod"])
    result = subprocess.run(
        [str(Path(sys.executable).parent / "ansible-playbook"), "--syntax-check",
         "-i", str(tmp_path / "ansible/inventory/prod/hosts.ini"), str(ANSIBLE / "site.yml")],
        capture_output=True, text=True, env=_ansible_env(tmp_path), cwd=PROJECT_ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "playbook: " in result.stdout


@pytest.mark.tools
def test_ansible_lint_passes(tmp_path: Path) -> None:
    result = subprocess.run(
        [str(Path(sys.executable).parent / "ansible-lint"), "--offline", "--nocolor",
         "ansible/site.yml", "ansible/post-install.yml", "ansible/requirements.yml"],
        capture_output=True, text=True, env=_ansible_env(tmp_path), cwd=PROJECT_ROOT, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 failure(s), 0 warning(s)" in result.stdout + result.stderr


def test_delegation_names_the_missing_entry(specs: dict[str, EnvironmentSpec]) -> None:
    dev, prod = specs["dev"], specs["prod"]
    assert parent_of(dev, specs.values()) is prod and parent_of(prod, specs.values()) is None
    servers = ["ns-2.awsdns-02.net.", "ns-1.awsdns-01.org."]
    entry = missing(prod, dev, servers)
    assert entry == "- zone: dev.ecoeco.app\n  name_servers:\n  - ns-1.awsdns-01.org\n  - ns-2.awsdns-02.net\n"
    code, message = report(dev, specs.values(), servers)
    assert code == ExitCode.CHANGES and "environments/prod.yaml does not delegate dev.ecoeco.app" in message
    raw = prod.model_dump(mode="json")
    raw["dns"]["delegations"] = [
        {"zone": "dev.ecoeco.app", "name_servers": ["ns-1.awsdns-01.org", "ns-2.awsdns-02.net"]}]
    delegated = type(prod).model_validate(raw)
    assert missing(delegated, dev, servers) is None
    assert report(dev, [dev, delegated], servers)[0] == ExitCode.OK
    assert report(prod, specs.values(), [])[0] == ExitCode.OK
