"""What the Kubernetes API server refuses in the rendered workloads, checked on the spec.

- Resource quantities follow the grammar of ``k8s.io/apimachinery/pkg/api/resource`` (quantity.go:
  ``<sign><digits>[.<digits>]<suffix>``, suffixes ``n u m k M G T P E`` and ``Ki Mi Gi Ti Pi Ei``,
  or an exponent ``e3``) and are compared as numbers: ``1`` CPU is ``1000m``, ``1Gi`` is ``1024Mi``.
  A request above its limit is refused by the API server ("must be less than or equal to cpu
  limit", ``ValidateResourceRequirements`` in pkg/apis/core/validation/validation.go).
- Image references: a hook image tagged ``latest`` (or untagged, which means ``latest``) is not
  pinned: the same manifest could run different code (Kubernetes "Images" docs, tags and digests).
- Workload names are Deployment/Service names (RFC 1035 labels, unique per namespace): a workload
  listed twice renders two objects with one name, which ``kustomize`` refuses.
- Across environments the shared base holds one Deployment per workload, so its image, kind and
  port must be the same in every environment (the overlays carry only tags, replicas, resources).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from platform_spec.model import EnvironmentSpec
from platform_spec.problems import Problem

QUANTITY = re.compile(r"^(?P<number>[+-]?(\d+(\.\d*)?|\.\d+))(?P<suffix>Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$")
_BINARY = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}
_DECIMAL = {"n": Decimal("1e-9"), "u": Decimal("1e-6"), "m": Decimal("1e-3"), "": Decimal(1), "k": Decimal(10**3),
            "M": Decimal(10**6), "G": Decimal(10**9), "T": Decimal(10**12), "P": Decimal(10**15), "E": Decimal(10**18)}


def quantity(text: str) -> Decimal:
    """The value of a Kubernetes quantity (``250m`` → 0.25, ``1Gi`` → 1073741824); ValueError if invalid."""
    found = QUANTITY.match(text)
    if not found:
        raise ValueError(f"{text!r} is not a Kubernetes quantity")
    try:
        number = Decimal(found["number"])
    except InvalidOperation:
        raise ValueError(f"{text!r} is not a Kubernetes quantity") from None
    suffix = found["suffix"] or ""
    if suffix in _BINARY:
        return number * _BINARY[suffix]
    if suffix[:1] in ("e", "E"):
        return number * Decimal(10) ** int(suffix[1:])
    return number * _DECIMAL[suffix]


def image_tag(image: str) -> str | None:
    """The tag of an image reference (``None`` when it has none); a digest counts as its own tag."""
    if "@" in image:
        return image.split("@", 1)[1]
    last = image.rsplit("/", 1)[-1]
    return last.split(":", 1)[1] if ":" in last else None


def check(spec: EnvironmentSpec) -> list[Problem]:
    """Requests within limits, a pinned hook image, unique workload names."""
    problems: list[Problem] = []
    resources = spec.gitops.resources
    for kind in ("cpu", "memory"):
        request, limit = getattr(resources, f"{kind}_request"), getattr(resources, f"{kind}_limit")
        if quantity(limit) <= 0:
            problems.append(Problem(("gitops", "resources", f"{kind}_limit"), "is not above zero",
                                    f"a {kind} limit above zero"))
        elif quantity(request) > quantity(limit):
            problems.append(Problem(("gitops", "resources", f"{kind}_request"),
                                    f"is above {kind}_limit {limit}; Kubernetes refuses a request above its limit",
                                    f"at most {limit}"))
    tag = image_tag(spec.gitops.hook_image)
    if tag in (None, "latest"):
        problems.append(Problem(("gitops", "hook_image"), "is not pinned: " + (
            "no tag means latest" if tag is None else "latest moves"), "a pinned tag or digest, e.g. "
            "docker.io/curlimages/curl:8.11.1", value=spec.gitops.hook_image))
    first: dict[str, int] = {}
    for index, workload in enumerate(spec.workloads):
        if workload.name in first:
            problems.append(Problem(("workloads", index, "name"),
                                    f"is listed twice (also workloads.{first[workload.name]}); each workload once",
                                    "a name not used by another workload"))
        first.setdefault(workload.name, index)
    return problems


def cross_check(specs: Mapping[str, EnvironmentSpec]) -> dict[str, list[Problem]]:
    """Workloads shared by several environments agree on image, kind and port (one shared base)."""
    problems: dict[str, list[Problem]] = {}
    known: dict[str, tuple[str, tuple[str, str, int]]] = {}
    for name, spec in specs.items():
        for index, workload in enumerate(spec.workloads):
            shared = (workload.kind, workload.image, workload.port)
            owner = known.setdefault(workload.name, (name, shared))
            if owner[1] == shared:
                continue
            for position, field in enumerate(("kind", "image", "port")):
                if shared[position] != owner[1][position]:
                    problems.setdefault(name, []).append(Problem(
                        ("workloads", index, field),
                        f"differs from environment '{owner[0]}' ({owner[1][position]}) for workload "
                        f"'{workload.name}'; the shared base k8s/base needs the same {field} everywhere",
                        str(owner[1][position]), value=shared[position]))
    return problems
