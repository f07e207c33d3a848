"""The admission policy set (CEL ValidatingAdmissionPolicies) evaluated offline with a PyPI CEL library
(tests/policy_model.py): every rendered workload passes its environment's policies (prod's included, by
digest), and known-bad manifests are denied in prod and only audited in dev."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from plumbing import manifests
from plumbing.paths import PROJECT_ROOT
from tests.policy_model import admit, denied, matches

pytestmark = pytest.mark.tools
ENVS = ("dev", "staging", "prod")
DIGEST = "sha256:" + "0" * 64


@pytest.fixture(scope="module")
def built() -> dict[str, list[dict[str, Any]]]:
    parts = ("admission-policies", "apis", "workers")
    directories = [PROJECT_ROOT / "k8s/overlays" / env / part for env in ENVS for part in parts]
    output = manifests.build_all(directories)
    overlays = PROJECT_ROOT / "k8s/overlays"
    return {env: [doc for part in parts for doc in manifests.documents(output[overlays / env / part])] for env in ENVS}


def _policy_set(documents: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    return ([d for d in documents if d["kind"] == "ValidatingAdmissionPolicy"],
            [d for d in documents if d["kind"] == "ValidatingAdmissionPolicyBinding"])


def _workloads(documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every rendered Deployment and Job, and the Pod each would create."""
    controllers = [d for d in documents if d["kind"] in ("Deployment", "Job")]
    pods = [{"apiVersion": "v1", "kind": "Pod",
             "metadata": {**d["spec"]["template"]["metadata"], "name": d["metadata"]["name"],
                          "namespace": d["metadata"]["namespace"]},
             "spec": d["spec"]["template"]["spec"]} for d in controllers]
    return controllers + pods


@pytest.mark.parametrize("env", ENVS)
def test_every_rendered_workload_passes_its_environments_policies(built: dict[str, Any], env: str) -> None:
    policies, bindings = _policy_set(built[env])
    assert len(policies) == len(bindings) == 7
    workloads = _workloads(built[env])
    assert len(workloads) >= 16
    for document in workloads:
        assert any(matches(policy, document) for policy in policies)
        violations = admit(policies, bindings, document)
        if env == "prod":
            assert violations == [], f"{document['kind']}/{document['metadata']['name']}: {violations}"
        else:  # images move by tag before production: the digest policy warns, nothing else fires
            assert {v.policy for v in violations} <= {"sesacthon-images-by-digest"}
            assert not denied(violations)


def _good_deployment() -> dict[str, Any]:
    container = {
        "name": "app", "image": f"ghcr.io/sesacthon/waste-api:v1.4.0@{DIGEST}",
        "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}, "limits": {"cpu": "1", "memory": "128Mi"}},
        "readinessProbe": {"httpGet": {"path": "/healthz", "port": 8000}},
        "livenessProbe": {"httpGet": {"path": "/healthz", "port": 8000}},
        "securityContext": {"allowPrivilegeEscalation": False},
    }
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "bad", "namespace": "apps"},
            "spec": {"template": {"metadata": {"labels": {"sesacthon.io/env": "prod"}}, "spec": {
                "securityContext": {"runAsNonRoot": True}, "containers": [container]}}}}


def _bad(change: str) -> dict[str, Any]:
    document = _good_deployment()
    pod = document["spec"]["template"]["spec"]
    container = pod["containers"][0]
    if change == "root":
        pod["securityContext"] = {"runAsUser": 0}
    elif change == "no-run-as-non-root":
        del pod["securityContext"]
    elif change == "escalation":
        container["securityContext"]["allowPrivilegeEscalation"] = True
    elif change == "privileged":
        container["securityContext"]["privileged"] = True
    elif change == "no-limits":
        del container["resources"]["limits"]
    elif change == "no-memory-request":
        del container["resources"]["requests"]["memory"]
    elif change == "no-probes":
        del container["livenessProbe"]
    elif change == "latest":
        container["image"] = "ghcr.io/sesacthon/waste-api:latest"
    elif change == "untagged":
        container["image"] = "localhost:5000/waste-api"
    elif change == "tag-only":
        container["image"] = "ghcr.io/sesacthon/waste-api:v1.4.0"
    elif change == "no-env-label":
        document["spec"]["template"]["metadata"]["labels"] = {}
    elif change == "init-container-as-root":
        pod["initContainers"] = [{**copy.deepcopy(container), "name": "init",
                                  "securityContext": {"allowPrivilegeEscalation": False, "runAsNonRoot": False}}]
    return document


BAD = {
    "root": "sesacthon-run-as-non-root", "no-run-as-non-root": "sesacthon-run-as-non-root",
    "escalation": "sesacthon-no-privilege-escalation", "privileged": "sesacthon-no-privilege-escalation",
    "no-limits": "sesacthon-requests-limits", "no-memory-request": "sesacthon-requests-limits",
    "no-probes": "sesacthon-probes", "latest": "sesacthon-pinned-images", "untagged": "sesacthon-pinned-images",
    "tag-only": "sesacthon-images-by-digest", "no-env-label": "sesacthon-env-label",
    "init-container-as-root": "sesacthon-run-as-non-root",
}


def test_the_good_manifest_passes(built: dict[str, Any]) -> None:
    assert admit(*_policy_set(built["prod"]), _good_deployment()) == []


@pytest.mark.parametrize("change", sorted(BAD))
def test_known_bad_manifests_are_denied_in_prod_and_audited_in_dev(built: dict[str, Any], change: str) -> None:
    document = _bad(change)
    violations = admit(*_policy_set(built["prod"]), document)
    assert BAD[change] in {v.policy for v in violations}, violations
    assert denied(violations)
    dev = admit(*_policy_set(built["dev"]), document)
    assert BAD[change] in {v.policy for v in dev}
    assert not denied(dev) and all(v.actions == ("Audit", "Warn") for v in dev)


def test_bad_pods_are_denied_too_and_only_in_the_policy_namespaces(built: dict[str, Any]) -> None:
    deployment = _bad("escalation")
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {**deployment["spec"]["template"]["metadata"],
                                                           "name": "bad", "namespace": "apps"},
           "spec": deployment["spec"]["template"]["spec"]}
    assert denied(admit(*_policy_set(built["prod"]), pod))
    elsewhere = {**pod, "metadata": {**pod["metadata"], "namespace": "data"}}
    assert admit(*_policy_set(built["prod"]), elsewhere) == []


def test_jobs_need_no_probes(built: dict[str, Any]) -> None:
    job = _bad("no-probes")
    job["kind"], job["apiVersion"] = "Job", "batch/v1"
    assert admit(*_policy_set(built["prod"]), job) == []
