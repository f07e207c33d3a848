"""The environment spec: seed values, derived names, invariants that hold for the examples."""

from __future__ import annotations

from pathlib import Path

import pytest

from platform_spec.loader import SpecError, load, load_all
from platform_spec.model import EnvironmentSpec


def test_examples_carry_the_seed_values(specs: dict[str, EnvironmentSpec]) -> None:
    assert list(specs) == ["dev", "staging", "prod"], "promotion order dev -> staging -> prod"
    dev, staging, prod = specs["dev"], specs["staging"], specs["prod"]
    assert [spec.prefix for spec in specs.values()] == ["sesacthon-dev", "sesacthon-stg", "sesacthon-prod"]
    assert [spec.dns.domain for spec in specs.values()] == ["dev.ecoeco.app", "staging.ecoeco.app", "ecoeco.app"]
    assert str(dev.network.vpc_cidr) == "10.10.0.0/16"
    assert {spec.aws.region for spec in specs.values()} == {"ap-northeast-2"}
    assert (len(dev.network.node_zones), len(staging.network.zones), len(prod.network.zones)) == (1, 3, 3)
    assert len(dev.network.zones) == 2, "the ALB needs public subnets in two zones; dev keeps its nodes in one"
    assert (dev.cluster.node_count, staging.cluster.node_count, prod.cluster.node_count) == (6, 15, 15)
    assert [spec.cluster.control_plane.count for spec in specs.values()] == [1, 3, 3], "etcd quorum over 3 AZs"
    assert [spec.gitops.sync_mode for spec in specs.values()] == ["auto", "auto-with-hooks", "manual"]
    assert dev.git.refs == ["feature/*", "develop"] and staging.git.refs == ["release/*"] and prod.git.refs == ["main"]
    assert dev.cluster.spot_allowed and not staging.cluster.spot_allowed and not prod.cluster.spot_allowed
    assert dev.access.developers_may_assume and not staging.access.developers_may_assume
    assert not prod.access.developers_may_assume


def test_autoscaling_minimums_follow_the_cost_guardrail(specs: dict[str, EnvironmentSpec]) -> None:
    minimums = {
        name: {spec.cluster.min_size(group) for group in spec.cluster.node_groups if group.role != "control-plane"}
        for name, spec in specs.items()
    }
    assert minimums["dev"] == {0}
    assert minimums["staging"] == {1}
    prod = specs["prod"]
    assert all(prod.cluster.min_size(group) == group.count for group in prod.cluster.node_groups), "prod always on"
    for spec in specs.values():
        [control_plane] = [group for group in spec.cluster.node_groups if group.role == "control-plane"]
        assert spec.cluster.min_size(control_plane) == spec.cluster.max_size(control_plane) == control_plane.count


def test_spot_groups_are_labelled_and_tainted(specs: dict[str, EnvironmentSpec]) -> None:
    dev_api = next(group for group in specs["dev"].cluster.node_groups if group.name == "api")
    assert dev_api.node_labels() == {
        "sesacthon.io/role": "api", "sesacthon.io/node-group": "api", "sesacthon.io/spot": "true"}
    assert dev_api.node_taints() == ["sesacthon.io/spot=true:NoSchedule"]
    prod_waste = next(group for group in specs["prod"].cluster.node_groups if group.name == "api-waste")
    assert prod_waste.node_labels()["service"] == "waste" and prod_waste.node_taints() == []


def test_staging_has_the_prod_topology_with_smaller_instances(specs: dict[str, EnvironmentSpec]) -> None:
    staging, prod = specs["staging"], specs["prod"]
    shape = [(group.name, group.role, group.count) for group in staging.cluster.node_groups]
    assert shape == [(group.name, group.role, group.count) for group in prod.cluster.node_groups]
    sizes = ["nano", "micro", "small", "medium", "large", "xlarge"]
    for small, large in zip(staging.cluster.node_groups, prod.cluster.node_groups, strict=True):
        assert sizes.index(small.instance_type.split(".")[1]) <= sizes.index(large.instance_type.split(".")[1])


def test_names_are_derived_once_per_environment(specs: dict[str, EnvironmentSpec]) -> None:
    dev = specs["dev"]
    assert dev.state_bucket_name == "sesacthon-tfstate-dev"
    assert dev.lock_table_name == "sesacthon-tflock-dev"
    assert dev.ssm_root == "/sesacthon/dev"
    assert (dev.bootstrap_stack, dev.platform_stack, dev.state_key) == ("dev-bootstrap", "dev", "dev/terraform.tfstate")
    assert dev.access_log_bucket_name == "sesacthon-tfstate-dev-logs"
    assert dev.lock_file_key == "dev/terraform.tfstate.tflock"
    assert dev.uses_lock_table and not dev.uses_lock_file


def test_a_new_environment_needs_no_code_change(qa_spec: Path) -> None:
    specs = load_all(qa_spec)
    assert list(specs) == ["dev", "staging", "prod", "qa"]
    assert specs["qa"].prefix == "sesacthon-qa" and specs["qa"].ssm_root == "/sesacthon/qa"


def test_every_problem_is_reported_at_once(environments_copy: Path) -> None:
    dev = environments_copy / "dev.yaml"
    dev.write_text(dev.read_text().replace("purpose:", "purpse:").replace("sync_mode: auto", "sync_mode: x"))
    with pytest.raises(SpecError) as caught:
        load_all(environments_copy)
    problems = "\n".join(caught.value.problems)
    assert len(caught.value.problems) == 3, problems
    assert "field 'purpose': required field is missing" in problems
    assert "field 'purpse': unknown key" in problems
    assert "field 'gitops.sync_mode': 'x' is not allowed" in problems


def test_load_names_the_environment(environments_copy: Path) -> None:
    assert load("prod", environments_copy).tier == "production"
    with pytest.raises(SpecError, match="no such environment 'qa' \\(allowed: dev, staging, prod\\)"):
        load("qa", environments_copy)


def test_every_field_is_documented() -> None:
    from generators.spec_reference import undocumented_fields

    assert undocumented_fields() == []


def test_spec_reference_is_current(project_root: Path) -> None:
    from generators.spec_reference import render

    committed = (project_root / "docs" / "spec-reference.md").read_text()
    assert committed == render(), "docs/spec-reference.md is stale: run `make spec-reference`"
