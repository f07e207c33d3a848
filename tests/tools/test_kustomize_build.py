"""Real tools: every overlay (and every component path an Application points at) builds with
``kubectl kustomize``; every built document validates against a real schema (strict core schemas,
vendored CRD schemas); a fourth environment yields a complete, valid tree with no code change."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from generators import gitops
from generators.components import PLAN, for_environment, generated, generated_for
from platform_spec.loader import load_all
from plumbing import manifests as validation
from plumbing.paths import PROJECT_ROOT

pytestmark = pytest.mark.tools
ENVS = ["dev", "staging", "prod"]


@pytest.fixture(scope="session")
def kubectl() -> str:
    """kubectl is required: its absence fails the tools tests instead of skipping them."""
    if shutil.which("kubectl") is None:
        pytest.fail("kubectl is not installed; the GitOps tools tests need `kubectl kustomize`")
    return "kubectl"


@pytest.fixture(scope="session")
def fresh_tree(tmp_path_factory: pytest.TempPathFactory, kubectl: str) -> Path:
    """The GitOps tree generated from the bundled specs into a temporary root (full validation)."""
    root = tmp_path_factory.mktemp("gitops")
    gitops.generate(root, "all", full=True)
    return root


@pytest.fixture(scope="session")
def built(fresh_tree: Path) -> dict[str, list[dict[str, Any]]]:
    """Documents of every environment's aggregate overlay."""
    outputs = validation.build_all(fresh_tree / "k8s" / "overlays" / env for env in ENVS)
    return {directory.name: validation.documents(text) for directory, text in outputs.items()}


def test_committed_tree_is_current(fresh_tree: Path) -> None:
    for top in ("k8s", "argocd"):
        committed = {p.relative_to(PROJECT_ROOT).as_posix(): p.read_bytes()
                     for p in sorted((PROJECT_ROOT / top).rglob("*")) if p.is_file()}
        fresh = {p.relative_to(fresh_tree).as_posix(): p.read_bytes()
                 for p in sorted((fresh_tree / top).rglob("*")) if p.is_file()}
        assert committed == fresh, f"{top}/ is stale: run `make gitops ENV=all`"


@pytest.mark.parametrize("env", ENVS)
@pytest.mark.parametrize("component", [c.name for c in generated()])
def test_every_application_path_builds_and_validates(fresh_tree: Path, env: str, component: str) -> None:
    if component not in {c.name for c in generated_for(load_all()[env])}:
        assert not (fresh_tree / "k8s" / "overlays" / env / component).exists()
        return
    output = validation.kustomize_build(fresh_tree / "k8s" / "overlays" / env / component)
    docs = validation.documents(output)
    assert docs, f"{env}/{component} builds to nothing"
    validation.validate_documents((f"{env}/{component}", doc) for doc in docs)


@pytest.mark.parametrize("env", ENVS)
def test_every_built_document_has_a_schema_and_validates(built: dict[str, list[dict[str, Any]]], env: str) -> None:
    documents = built[env]
    assert len(documents) > 50
    validation.validate_documents((env, doc) for doc in documents)
    kinds = {doc["kind"] for doc in documents}
    assert {"Namespace", "NetworkPolicy", "ClusterSecretStore", "ExternalSecret", "ValidatingAdmissionPolicy",
            "ValidatingAdmissionPolicyBinding", "RabbitmqCluster", "Deployment", "Service", "ServiceAccount",
            "ConfigMap", "Ingress", "ServiceMonitor"} <= kinds


def test_argocd_files_validate(fresh_tree: Path) -> None:
    count = validation.validate_tree(fresh_tree, [], build=False)
    applications = sum(len(for_environment(spec)) for name, spec in load_all().items() if name in ENVS)
    assert count == applications + 2 * len(ENVS) + len(ENVS)  # apps, root+appset, projects


@pytest.mark.parametrize("env", ENVS)
def test_built_workloads_follow_the_spec(built: dict[str, list[dict[str, Any]]], env: str) -> None:
    spec = load_all()[env]
    groups = {group.name: group for group in spec.cluster.node_groups}
    deployments = {d["metadata"]["name"]: d for d in built[env] if d["kind"] == "Deployment"}
    assert set(deployments) == {w.name for w in spec.workloads}
    for workload in spec.workloads:
        pod = deployments[workload.name]["spec"]["template"]
        container = pod["spec"]["containers"][0]
        digest = spec.gitops.image_digests.get(workload.name)
        assert container["image"] == f"{workload.image}:{spec.gitops.image_tag}" + (f"@{digest}" if digest else "")
        assert not container["image"].endswith(":latest")
        assert pod["spec"]["nodeSelector"] == {"sesacthon.io/node-group": workload.node_group}
        assert bool(pod["spec"].get("tolerations")) == groups[workload.node_group].spot
        assert container["resources"]["requests"]["cpu"] == spec.gitops.resources.cpu_request
        assert pod["metadata"]["labels"]["sesacthon.io/env"] == env
        assert deployments[workload.name]["spec"]["replicas"] == spec.gitops.replicas
    kinds = {doc["kind"] for doc in built[env]}
    assert ({"PodDisruptionBudget", "HorizontalPodAutoscaler"} <= kinds) == spec.gitops.high_availability
    hooks = [d for d in built[env] if d["kind"] == "Job" and d["metadata"]["namespace"] == "apps"]
    assert bool(hooks) == (spec.gitops.sync_mode == "auto-with-hooks")


@pytest.mark.parametrize("env", ENVS)
def test_built_policies_and_secret_store_follow_the_spec(built: dict[str, list[dict[str, Any]]], env: str) -> None:
    spec = load_all()[env]
    bindings = [d for d in built[env] if d["kind"] == "ValidatingAdmissionPolicyBinding"]
    assert len(bindings) == 7
    expected = ["Deny"] if spec.gitops.policy_action == "Enforce" else ["Audit", "Warn"]
    assert all(b["spec"]["validationActions"] == expected for b in bindings
               if b["spec"]["policyName"] != "sesacthon-images-by-digest")
    store = next(d for d in built[env] if d["kind"] == "ClusterSecretStore")
    assert store["spec"]["provider"]["aws"]["prefix"] == f"/sesacthon/{env}/"
    assert store["spec"]["provider"]["aws"]["auth"] == {"jwt": {"serviceAccountRef": {
        "name": "external-secrets", "namespace": "external-secrets"}}}
    config = next(d for d in built[env] if d["kind"] == "ConfigMap" and d["metadata"]["name"] == "cluster-config")
    assert config["data"] == {"aws_region": spec.aws.region, "env": env, "domain": spec.dns.domain}
    namespaces = {d["metadata"]["name"] for d in built[env] if d["kind"] == "Namespace"}
    denied = {d["metadata"]["namespace"] for d in built[env]
              if d["kind"] == "NetworkPolicy" and d["metadata"]["name"] == "default-deny"}
    assert namespaces == denied


def test_wave_minus_one_bootstrap_carries_the_application_health_check(fresh_tree: Path) -> None:
    app = yaml.safe_load((fresh_tree / "argocd/apps/dev/-1-argocd-config.yaml").read_text())
    assert app["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"] == "-1"
    docs = validation.documents(validation.kustomize_build(fresh_tree / app["spec"]["source"]["path"]))
    config = next(d for d in docs if d["kind"] == "ConfigMap" and d["metadata"]["name"] == "argocd-cm")
    lua = config["data"]["resource.customizations.health.argoproj.io_Application"]
    assert "obj.status.health" in lua and "return hs" in lua


# --- a fourth environment --------------------------------------------------------------------
def test_a_fourth_environment_needs_no_code_change(tmp_path: Path, qa_spec: Path, kubectl: str) -> None:
    root = tmp_path / "project"
    gitops.generate(root, "all", environments_dir=qa_spec, full=True)
    assert (root / "argocd/projects/qa-project.yaml").is_file()
    assert len(list((root / "argocd/apps/qa").glob("*.yaml"))) == len(PLAN) - 1  # qa promotes nowhere: no gate
    roots = list(yaml.safe_load_all((root / "argocd/root-app.yaml").read_text()))
    assert "root-qa" in {r["metadata"]["name"] for r in roots}
    docs = validation.documents(validation.kustomize_build(root / "k8s/overlays/qa"))
    validation.validate_documents(("qa", doc) for doc in docs)
    config = next(d for d in docs if d["kind"] == "ConfigMap" and d["metadata"]["name"] == "cluster-config")
    assert config["data"]["domain"] == "qa.ecoeco.app"
    for component in generated_for(load_all(qa_spec)["qa"]):
        assert (root / "k8s/overlays/qa" / component.name / "kustomization.yaml").is_file()


def test_a_broken_overlay_fails_the_write_and_changes_nothing(tmp_path: Path, kubectl: str,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "project"
    gitops.generate(root, "all", full=True)
    before = {p: p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
    from generators.components import workloads

    original = workloads.resources
    monkeypatch.setattr(workloads, "resources", lambda spec: {**original(spec), "limitz": {"cpu": "1"}})
    from plumbing.writer import ValidationFailed

    with pytest.raises(ValidationFailed, match="limitz"):
        gitops.generate(root, "all")
    assert {p: p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()} == before


# --- the kubernetes-validate CLI agrees with the cached in-process validator ----------------------
def _cli(path: Path) -> subprocess.CompletedProcess[str]:
    executable = Path(sys.executable).with_name("kubernetes-validate")
    return subprocess.run([str(executable), "--strict", "-k", f"{validation.KUBERNETES_VERSION}.0", "--quiet",
                           str(path)], capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize("env", ENVS)
def test_kubernetes_validate_cli_accepts_every_core_document(built: dict[str, list[dict[str, Any]]], env: str,
                                                             tmp_path: Path) -> None:
    core = [doc for doc in built[env] if "." not in doc["apiVersion"].split("/")[0] or
            doc["apiVersion"].split("/")[0].endswith(".k8s.io")]
    assert len(core) > 40
    path = tmp_path / f"{env}.yaml"
    path.write_text(yaml.safe_dump_all(core))
    result = _cli(path)
    assert result.returncode == 0 and "WARN" not in result.stdout, result.stdout + result.stderr


def test_kubernetes_validate_cli_and_validator_reject_the_same_unknown_field(tmp_path: Path) -> None:
    bad = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "x", "bogus": 1}, "spec": {}}
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(bad))
    assert _cli(path).returncode == 1
    assert any("bogus" in problem for problem in validation.document_problems(bad))
