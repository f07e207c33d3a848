"""Kubernetes NetworkPolicy semantics, to decide which flows a set of rendered policies allows.

From kubernetes.io/docs/concepts/services-networking/network-policies/:
* a pod is isolated for ingress (egress) when any policy in its namespace selects it and has ``Ingress``
  (``Egress``) in ``policyTypes``; ``policyTypes`` defaults to ``Ingress``, plus ``Egress`` when the policy
  has an ``egress`` section ("The two sorts of pod isolation", "policyTypes");
* policies are additive: a flow is allowed when any selecting policy's rule allows it; a connection needs
  the source's egress and the destination's ingress ("Behavior of to and from selectors");
* a peer with ``namespaceSelector`` and ``podSelector`` in one element selects pods matching both; a
  ``podSelector`` alone selects pods of the policy's namespace; an empty ``from``/``to`` list is not
  written, a missing one means every peer; ``ipBlock`` matches addresses in ``cidr`` minus ``except``;
* ``ports``: missing means every port; ``protocol`` defaults to TCP; a named port is the destination pod's
  container port of that name; ``endPort`` makes a range;
* hostNetwork endpoints (nodes, the load balancer, the metadata service) are addresses, never selected pods;
* namespaces carry ``kubernetes.io/metadata.name`` (automatic label).
Pods have addresses from the pod network (kubespray's default kube_pods_subnet) so ``ipBlock`` rules are
evaluated against them too, as Calico does.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Any

Doc = dict[str, Any]


@dataclass(frozen=True)
class Pod:
    name: str
    namespace: str
    labels: dict[str, str]
    ip: str
    ports: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Host:
    name: str
    ip: str


Endpoint = Pod | Host


def selects(selector: Doc | None, labels: dict[str, str]) -> bool:
    """A label selector (matchLabels + matchExpressions; the empty selector selects everything)."""
    if selector is None:
        return False
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expression in selector.get("matchExpressions") or []:
        key, operator, values = expression["key"], expression["operator"], expression.get("values") or []
        if operator == "In" and labels.get(key) not in values:
            return False
        if operator == "NotIn" and labels.get(key) in values:
            return False
        if operator == "Exists" and key not in labels:
            return False
        if operator == "DoesNotExist" and key in labels:
            return False
    return True


def _types(policy: Doc) -> list[str]:
    spec = policy["spec"]
    return spec.get("policyTypes") or (["Ingress", "Egress"] if "egress" in spec else ["Ingress"])


def _peer_matches(peer: Doc, endpoint: Endpoint, policy_namespace: str) -> bool:
    if "ipBlock" in peer:
        block = peer["ipBlock"]
        address = ipaddress.ip_address(endpoint.ip)
        if address not in ipaddress.ip_network(block["cidr"]):
            return False
        return not any(address in ipaddress.ip_network(cidr) for cidr in block.get("except") or [])
    if not isinstance(endpoint, Pod):
        return False
    if "namespaceSelector" in peer:
        if not selects(peer["namespaceSelector"], {"kubernetes.io/metadata.name": endpoint.namespace}):
            return False
    elif endpoint.namespace != policy_namespace:
        return False
    return selects(peer.get("podSelector", {}), endpoint.labels)


def _port_matches(ports: list[Doc] | None, destination: Endpoint, port: int, protocol: str) -> bool:
    if not ports:
        return True
    for item in ports:
        if item.get("protocol", "TCP") != protocol:
            continue
        wanted = item.get("port")
        if wanted is None:
            return True
        if isinstance(wanted, str):
            wanted = destination.ports.get(wanted) if isinstance(destination, Pod) else None
            if wanted is None:
                continue
        if wanted <= port <= item.get("endPort", wanted):
            return True
    return False


def _direction_allows(policies: list[Doc], subject: Pod, other: Endpoint, kind: str, destination: Endpoint,
                      port: int, protocol: str) -> bool:
    selecting = [p for p in policies if p["metadata"]["namespace"] == subject.namespace
                 and kind.capitalize() in _types(p) and selects(p["spec"].get("podSelector", {}), subject.labels)]
    if not selecting:
        return True
    peers_key = "from" if kind == "ingress" else "to"
    for policy in selecting:
        for rule in policy["spec"].get(kind) or []:
            peers = rule.get(peers_key)
            if peers is not None and not any(_peer_matches(peer, other, policy["metadata"]["namespace"])
                                             for peer in peers):
                continue
            if _port_matches(rule.get("ports"), destination, port, protocol):
                return True
    return False


def allowed(policies: list[Doc], source: Endpoint, destination: Endpoint, port: int, protocol: str = "TCP") -> bool:
    """Whether a connection from ``source`` to ``destination:port`` is allowed (egress and ingress)."""
    if isinstance(source, Pod) and not _direction_allows(policies, source, destination, "egress", destination, port,
                                                         protocol):
        return False
    return not (isinstance(destination, Pod) and not _direction_allows(
        policies, destination, source, "ingress", destination, port, protocol))
