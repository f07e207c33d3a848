"""Resolve image tags to digests through the registry's OCI Distribution API.

``HEAD /v2/<name>/manifests/<tag>`` answers the manifest's digest in ``Docker-Content-Digest``
(github.com/opencontainers/distribution-spec, spec.md "Pulling manifests"); a registry that wants a
token answers 401 with ``WWW-Authenticate: Bearer realm=…,service=…,scope=…`` and hands an anonymous
pull token for public images at that realm (distribution.github.io/distribution/spec/auth/token/).
``SESACTHON_REGISTRY_URL`` sends every request to one base URL instead (tests use a local fixture
registry on 127.0.0.1). Failing to resolve is an answer too (``None`` plus the reason), never an exception.
"""

from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request

REGISTRY_OVERRIDE_VARIABLE = "SESACTHON_REGISTRY_URL"
ACCEPT = ", ".join((
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
))
DIGEST = re.compile(r"^sha256:[a-f0-9]{64}$")


def split(image: str) -> tuple[str, str]:
    """(registry host, repository) of an image name without tag (Docker Hub names get ``library/``)."""
    first, _, rest = image.partition("/")
    if rest and ("." in first or ":" in first or first == "localhost"):
        host, name = first, rest
    else:
        host, name = "docker.io", image
    if host == "docker.io":
        host = "registry-1.docker.io"
        if "/" not in name:
            name = f"library/{name}"
    return host, name


def _bearer(challenge: str, timeout: float) -> str | None:
    fields = dict(re.findall(r'(\w+)="([^"]*)"', challenge))
    if not challenge.lower().startswith("bearer") or "realm" not in fields:
        return None
    query = urllib.parse.urlencode({key: fields[key] for key in ("service", "scope") if key in fields})
    with urllib.request.urlopen(f"{fields['realm']}?{query}", timeout=timeout) as response:
        body = json.loads(response.read())
    token = body.get("token") or body.get("access_token")
    return str(token) if token else None


def resolve(image: str, tag: str, timeout: float = 10.0) -> tuple[str | None, str]:
    """(digest, "") of ``image:tag``, or (None, why not)."""
    host, name = split(image)
    base = os.environ.get(REGISTRY_OVERRIDE_VARIABLE) or f"https://{host}"
    url = f"{base.rstrip('/')}/v2/{name}/manifests/{urllib.parse.quote(tag)}"
    headers = {"Accept": ACCEPT}
    for _attempt in range(2):
        request = urllib.request.Request(url, method="HEAD", headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                digest = response.headers.get("Docker-Content-Digest", "")
            if DIGEST.match(digest):
                return digest, ""
            return None, f"{image}:{tag}: the registry sent no usable Docker-Content-Digest ({digest or 'none'})"
        except urllib.error.HTTPError as error:
            challenge = error.headers.get("WWW-Authenticate", "") if error.headers else ""
            if error.code == 401 and "Authorization" not in headers and challenge:
                try:
                    token = _bearer(challenge, timeout)
                except (urllib.error.URLError, TimeoutError, OSError, ValueError) as failure:
                    return None, f"{image}:{tag}: token request failed: {getattr(failure, 'reason', failure)}"
                if token:
                    headers["Authorization"] = f"Bearer {token}"
                    continue
            return None, f"{image}:{tag}: registry answered HTTP {error.code} {error.reason}"
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            return None, f"{image}:{tag}: registry unreachable: {getattr(error, 'reason', error)}"
    return None, f"{image}:{tag}: registry refused the token"
