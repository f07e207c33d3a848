"""Wave 70: the ALB Ingress routing ``/<api>`` to every API Service.

Annotations checked in kubernetes-sigs/aws-load-balancer-controller docs/guide/ingress/annotations.md
(master 225f44568): ``target-type: instance`` ("service must be of type NodePort"; the only mode for an
overlay CNI, see ``aws_load_balancer_controller.target_type``), ``target-node-labels`` (register only
the API nodes), ``security-groups`` ("Both name or ID ... Name matches a Name tag": the stacks' ALB group
``<prefix>-alb``, whose rule to the node group's NodePorts the stacks create, so the controller manages
no backend rules), ``ssl-policy`` (default ELBSecurityPolicy-2016-08 allows TLS 1.0/1.1; TLS 1.3 + 1.2
only here, the policy the controller's e2e test uses). No ``certificate-arn``: the controller discovers
the ACM certificate from the Ingress hosts (docs/guide/ingress/cert_discovery.md; the stacks' certificate
covers ``<domain>`` and ``*.<domain>``).
"""

from __future__ import annotations

from collections.abc import Sequence

from generators.components.aws_load_balancer_controller import target_type
from generators.kustomize import component_files, inline_patch, meta, shared_overlay
from generators.waves import Component, Files
from platform_spec.labels import ROLE_LABEL
from platform_spec.model import EnvironmentSpec, Workload
from platform_spec.namespaces import APPS

NAME = "ingress"
SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-Res-2021-06"
"""TLS 1.3 and 1.2 only (docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html)."""
ANNOTATION = "alb.ingress.kubernetes.io"


def _key(name: str) -> str:
    return f"/metadata/annotations/{ANNOTATION}~1{name}"


def base(workloads: Sequence[Workload]) -> Files:
    """One internet-facing ALB with a path per API."""
    apis = [workload for workload in workloads if workload.kind == "api"]
    ingress = {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {
            **meta("apis", APPS),
            "annotations": {
                f"{ANNOTATION}/scheme": "internet-facing",
                f"{ANNOTATION}/listen-ports": '[{"HTTP": 80}, {"HTTPS": 443}]',
                f"{ANNOTATION}/ssl-redirect": "443",
                f"{ANNOTATION}/ssl-policy": SSL_POLICY,
                f"{ANNOTATION}/healthcheck-path": "/healthz",
                f"{ANNOTATION}/target-node-labels": f"{ROLE_LABEL}=api",
            },
        },
        "spec": {
            "ingressClassName": "alb",
            "rules": [{"http": {"paths": [
                {
                    "path": f"/{api.name}",
                    "pathType": "Prefix",
                    "backend": {"service": {"name": api.name, "port": {"name": "http"}}},
                }
                for api in apis
            ]}}],
        },
    }
    return component_files(f"k8s/base/{NAME}", {"ingress.yaml": ingress})


def host(spec: EnvironmentSpec) -> str:
    """The public host of the APIs (its certificate is discovered by this name)."""
    return f"api.{spec.dns.domain}"


def overlay(spec: EnvironmentSpec) -> Files:
    """The environment's host and TLS host, target type, security group and load balancer name."""
    operations = [
        {"op": "add", "path": "/spec/rules/0/host", "value": host(spec)},
        {"op": "add", "path": "/spec/tls", "value": [{"hosts": [host(spec)]}]},
        {"op": "add", "path": _key("target-type"), "value": target_type(spec)},
        {"op": "add", "path": _key("security-groups"), "value": f"{spec.prefix}-alb"},
        {"op": "add", "path": _key("load-balancer-name"), "value": f"{spec.prefix}-apis"},
    ]
    return shared_overlay(spec, NAME, patches=[inline_patch({"kind": "Ingress", "name": "apis"}, operations)])


COMPONENT = Component(70, NAME, "ingress", APPS, needs=("apis", "aws-load-balancer-controller"),
                      base=base, overlay=overlay)
