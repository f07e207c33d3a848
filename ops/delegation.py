"""The DNS delegation path from a parent zone (``ecoeco.app``, prod) to each child environment's zone.

Across accounts nothing reads another account's zone: each environment publishes its public zone's name
servers to its own SSM path (``/<project>/<env>/dns/name-servers``); the parent environment's spec lists
them under ``dns.delegations`` and its stack writes the NS records. ``sesacthon delegation <child>`` (with
the child account's credentials) compares what the child publishes with what the parent's spec lists and
prints the spec lines that are missing.
"""

from __future__ import annotations

from collections.abc import Iterable

import yaml
from botocore.exceptions import BotoCoreError, ClientError

from ops import preflight
from ops.errors import OpsError
from platform_spec.model import EnvironmentSpec
from plumbing.exit_codes import ExitCode

NAME_SERVERS = "dns/name-servers"


def parent_of(child: EnvironmentSpec, specs: Iterable[EnvironmentSpec]) -> EnvironmentSpec | None:
    """The environment whose domain most closely contains the child's (``None`` for a top-level domain)."""
    parents = [spec for spec in specs if child.dns.domain.endswith(f".{spec.dns.domain}")]
    return max(parents, key=lambda spec: len(spec.dns.domain), default=None)


def published_name_servers(child: EnvironmentSpec) -> list[str]:
    """The child zone's name servers as its environment published them (SSM, the child's account)."""
    name = f"{child.ssm_root}/{NAME_SERVERS}"
    try:
        value = preflight.client("ssm", child).get_parameter(Name=name)["Parameter"]["Value"]
    except ClientError as error:
        raise OpsError(f"cannot read {name} ({error.response['Error'].get('Code', 'error')}): "
                       f"deploy '{child.name}' first, with its account's credentials") from error
    except BotoCoreError as error:
        raise OpsError(f"cannot read {name}: {error}") from error
    return sorted(server.rstrip(".") for server in value.split(",") if server)


def missing(parent: EnvironmentSpec, child: EnvironmentSpec, published: list[str]) -> str | None:
    """The ``dns.delegations`` entry the parent's spec lacks (YAML), or ``None`` when it is current."""
    wanted = sorted(server.rstrip(".") for server in published)
    for delegation in parent.dns.delegations:
        if delegation.zone == child.dns.domain and sorted(s.rstrip(".") for s in delegation.name_servers) == wanted:
            return None
    entry = {"zone": child.dns.domain, "name_servers": wanted}
    return yaml.safe_dump([entry], sort_keys=False, default_flow_style=False)


def report(child: EnvironmentSpec, specs: Iterable[EnvironmentSpec], published: list[str] | None = None) -> tuple[
        ExitCode, str]:
    """Exit code and message: OK when the parent delegates to exactly the published servers, CHANGES otherwise."""
    parent = parent_of(child, specs)
    if parent is None:
        return ExitCode.OK, (f"{child.dns.domain} has no parent environment: register its name servers "
                             "with the domain's registrar")
    servers = published if published is not None else published_name_servers(child)
    entry = missing(parent, child, servers)
    if entry is None:
        return ExitCode.OK, f"{parent.dns.domain} ({parent.name}) delegates {child.dns.domain} to {', '.join(servers)}"
    indented = "\n".join(f"    {line}" if line else line for line in entry.splitlines())
    return ExitCode.CHANGES, (
        f"environments/{parent.name}.yaml does not delegate {child.dns.domain} to its published name servers; "
        f"add under dns.delegations, then deploy {parent.name}:\n  delegations:\n{indented}"
    )
