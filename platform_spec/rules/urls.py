"""URLs the spec hands to HTTP clients: a scheme from an allowed list, a host, no credentials.

Parsed with ``urllib.parse`` (RFC 3986); the host must be a DNS name or an IP address. Used for
the Alertmanager the promotion health gate asks (http or https only: ``file://`` or ``ftp://``
would let a spec make the gate read local files) and Argo CD's destination and repository.
"""

from __future__ import annotations

import ipaddress
import re
import urllib.parse

from platform_spec.model import EnvironmentSpec
from platform_spec.problems import Problem

_LABEL = r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOST = re.compile(rf"^(?=.{{1,253}}$){_LABEL}(\.{_LABEL})*$")


def url_problem(text: str, schemes: tuple[str, ...]) -> str | None:
    """Why ``text`` is not an absolute URL with one of ``schemes`` and a host, or ``None``."""
    if any(character.isspace() or ord(character) < 32 for character in text):
        return "contains whitespace or control characters"
    try:
        parsed = urllib.parse.urlsplit(text)
        port = parsed.port
    except ValueError as error:
        return f"is not a valid URL ({error})"
    if parsed.scheme.lower() not in schemes:
        found = f"has the scheme '{parsed.scheme}'" if parsed.scheme else "has no scheme"
        return f"{found} (allowed schemes: {', '.join(schemes)})"
    if parsed.username is not None or parsed.password is not None:
        return "carries credentials (user:password@); they would end up in committed files"
    host = parsed.hostname or ""
    if not host:
        return "has no host"
    if not _HOST.match(host):
        try:
            ipaddress.ip_address(host)
        except ValueError:
            return f"has an invalid host name '{host}'"
    if port == 0:
        return "has port 0"
    if parsed.fragment or parsed.query:
        return "has a query or fragment (the base URL only)"
    return None


def check(spec: EnvironmentSpec) -> list[Problem]:
    """The Alertmanager base URL of the promotion health gate."""
    url = spec.gitops.alertmanager_url
    if url is None:
        return []
    reason = url_problem(url, ("http", "https"))
    return [Problem(("gitops", "alertmanager_url"), reason, "an http:// or https:// base URL, e.g. "
                    "http://alertmanager.monitoring.svc:9093")] if reason else []
