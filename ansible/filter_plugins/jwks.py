"""``sesacthon_jwks``: the JWKS of a service-account public key, as the kube-apiserver would serve it.

The key id is the kube-apiserver's own (kubernetes pkg/serviceaccount/jwt.go ``keyIDFromPublicKey``:
base64url without padding of the SHA-256 of the PKIX DER encoding), so IAM finds the key a token names.
Fields per RFC 7517 / RFC 7518 (``kty``, ``n``, ``e``), ``use: sig``, ``alg: RS256``.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _uint(value: int) -> str:
    return _b64url(value.to_bytes((value.bit_length() + 7) // 8, "big"))


def key_id(public_key: rsa.RSAPublicKey) -> str:
    """The kube-apiserver's ``kid`` of a public key."""
    der = public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return _b64url(hashlib.sha256(der).digest())


def sesacthon_jwks(pem: str) -> dict[str, Any]:
    """``{"keys": [<the RSA public key as a JWK>]}`` from a PEM public key (``/etc/kubernetes/pki/sa.pub``)."""
    public_key = serialization.load_pem_public_key(pem.encode())
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise ValueError("the service-account key must be RSA (kubeadm generates RSA keys)")
    numbers = public_key.public_numbers()
    return {"keys": [{"use": "sig", "kty": "RSA", "kid": key_id(public_key), "alg": "RS256",
                      "n": _uint(numbers.n), "e": _uint(numbers.e)}]}


class FilterModule:
    """Ansible filter plugin entry point."""

    def filters(self) -> dict[str, Any]:
        return {"sesacthon_jwks": sesacthon_jwks}
