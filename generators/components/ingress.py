"""Wave 70: the ALB Ingress routing ``/<api>`` to every API Service."""

from __future__ import annotations

from collections.abc import Sequence

from generators.kustomize import component_files, inline_patch, meta, shared_overlay
from generators.waves import Component, Files
from platform_spec.model import EnvironmentSpec, Workload
from platform_spec.namespaces import APPS

NAME = "ingress"


def base(workloads: Sequence[Workload]) -> Files:
    """One internet-facing ALB with a path per API."""
    apis = [workload for workload in workloads if workload.kind == "api"]
    ingress = {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {
            **meta("apis", APPS),
            "annotations": {
                "alb.ingress.kubernetes.io/scheme": "internet-facing",
                "alb.ingress.kubernetes.io/target-type": "ip",
                "alb.ingress.kubernetes.io/listen-ports": '[{"HTTP": 80}, {"HTTPS": 443}]',
                "alb.ingress.kubernetes.io/ssl-redirect": "443",
                "alb.ingress.kubernetes.io/healthcheck-path": "/healthz",
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


def overlay(spec: EnvironmentSpec) -> Files:
    """The environment's host, TLS and load balancer name."""
    host = f"api.{spec.dns.domain}"
    operations = [
        {"op": "add", "path": "/spec/rules/0/host", "value": host},
        {"op": "add", "path": "/spec/tls", "value": [{"hosts": [host]}]},
        {"op": "add", "path": "/metadata/annotations/alb.ingress.kubernetes.io~1load-balancer-name",
         "value": f"{spec.prefix}-apis"},
    ]
    return shared_overlay(spec, NAME, patches=[inline_patch({"kind": "Ingress", "name": "apis"}, operations)])


COMPONENT = Component(70, NAME, "ingress", APPS, needs=("apis", "aws-load-balancer-controller", "ingress-values"),
                      base=base, overlay=overlay)
