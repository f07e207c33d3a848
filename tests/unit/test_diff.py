"""The semantic environment diff: normalisation, comparison, presentation, changes against a Git ref."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from platform_spec.model import EnvironmentSpec
from release import diff
from release.diff import changes, normalise, present


def test_normaliser_replaces_own_names_only(specs: dict[str, EnvironmentSpec]) -> None:
    replace = normalise.normaliser(diff.Environment.of(specs["staging"]))
    assert replace("sesacthon-stg-api-1") == "<prefix>-api-1"
    assert replace("sesacthon-tfstate-stg") == "<state-bucket>"
    assert replace("/sesacthon/staging/network/vpc-id") == "<ssm-root>/network/vpc-id"
    assert replace("api.staging.ecoeco.app") == "api.<domain>"
    assert replace("arn:aws:iam::222222222222:role/x") == "arn:aws:iam::<account>:role/x"
    assert replace("staging/terraform.tfstate") == "<env>/terraform.tfstate"
    assert replace("stagingx and xstg") == "stagingx and xstg"  # whole words only
    assert normalise.normaliser(diff.Environment.of(specs["dev"]))("develop") == "develop"
    assert normalise.normaliser(diff.Environment.of(specs["dev"]))("/dev/xvda") == "/dev/xvda"  # a device
    assert normalise.normaliser(diff.Environment.of(specs["dev"]))("k8s/overlays/dev") == "k8s/overlays/<env>"


def test_prepare_drops_metadata_parses_json_and_keys_named_lists() -> None:
    value = {
        "//": {"metadata": {}},
        "policy": '{"Statement": [{"Effect": "Allow"}]}',
        "groups": [{"name": "a", "count": 1}, {"name": "b", "count": 2}],
        "zones": ["2a", "2b"],
    }
    assert normalise.prepare(value) == {
        "policy": {"Statement": [{"Effect": "Allow"}]},
        "groups": {"[a]": {"name": "a", "count": 1}, "[b]": {"name": "b", "count": 2}},
        "zones": ["2a", "2b"],
    }


def test_compare_reports_added_removed_and_changed() -> None:
    a = {"spec": {}, "terraform": {"r.one": {"size": 1, "zones": ["a"], "tags": {"x": "1"}}, "r.gone": {"k": 1}}}
    b = {"spec": {}, "terraform": {"r.one": {"size": 2, "zones": ["a", "b"], "tags": {"x": "1", "y": "2"}},
                                   "r.new": {"k": 2}}}
    changes = {(c.obj, c.attribute): (c.kind, c.a, c.b) for c in diff.compare(a, b)}
    assert changes == {
        ("r.gone", ""): ("removed", {"k": 1}, diff.ABSENT),
        ("r.new", ""): ("added", diff.ABSENT, {"k": 2}),
        ("r.one", "size"): ("changed", 1, 2),
        ("r.one", "zones"): ("changed", ["a"], ["a", "b"]),  # lists of values compare whole
        ("r.one", "tags.y"): ("added", diff.ABSENT, "2"),
    }


def test_lists_of_objects_of_equal_length_compare_item_by_item() -> None:
    a = {"gitops": {"patch": [{"op": "add", "value": 1}, {"op": "add", "value": 2}]}}
    b = {"gitops": {"patch": [{"op": "add", "value": 1}, {"op": "add", "value": 3}]}}
    [change] = diff.compare(a, b)
    assert (change.obj, change.attribute, change.a, change.b) == ("patch", "1.value", 2, 3)


def test_an_environment_has_no_difference_with_itself(specs: dict[str, EnvironmentSpec], synth_dir: Path) -> None:
    report = diff.diff_environments(specs["prod"], specs["prod"], synth_dir / "stacks")
    assert report.changes == []
    assert "no differences" in diff.to_table(report)


def test_generated_sections_carry_no_environment_names(
    specs: dict[str, EnvironmentSpec], synth_dir: Path
) -> None:
    report = diff.diff_environments(specs["staging"], specs["prod"], synth_dir / "stacks")
    own = [value for spec in (specs["staging"], specs["prod"])
           for _, value in diff.placeholders(diff.Environment.of(spec))]
    for change in report.changes:
        if change.section == "spec":
            continue
        text = f"{change.obj} {change.attribute} {present.render_value(change.a)} {present.render_value(change.b)}"
        assert not [name for name in own if name in text], change


def test_staging_and_prod_differ_where_the_specs_do(specs: dict[str, EnvironmentSpec], synth_dir: Path) -> None:
    report = diff.diff_environments(specs["staging"], specs["prod"], synth_dir / "stacks")
    rows = {(c.section, c.obj, c.attribute): (c.a, c.b) for c in report.changes}
    assert rows[("spec", "gitops", "sync_mode")] == ("auto-with-hooks", "manual")
    control_plane = next(key for key in rows if key[1].startswith("platform: aws_instance.cluster_node-control-plane"))
    assert rows[control_plane] == ("t3.medium", "t3.large")
    assert any(key[1].startswith("platform: aws_nat_gateway.") and rows[key][0] is diff.ABSENT for key in rows)
    assert any(c.section == "gitops" and "HorizontalPodAutoscaler" in c.obj for c in report.changes)


def test_markdown_escapes_cells_and_table_colours_only_on_request(specs: dict[str, EnvironmentSpec]) -> None:
    change = diff.Change("spec", "a|b", "x", "1|2", diff.ABSENT)
    report = diff.DiffReport(diff.Environment.of(specs["dev"]), diff.Environment.of(specs["staging"]), [change])
    markdown = diff.to_markdown(report)
    assert "| `a\\|b` | `x` | `1\\|2` | _(absent)_ |" in markdown
    assert "\033[" not in diff.to_table(report)
    assert "\033[31m" in diff.to_table(report, colour=True)


def test_colour_needs_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal:
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    assert diff.use_colour(Terminal())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not diff.use_colour(Terminal())


@pytest.mark.slow
def test_changes_against_a_git_ref(tmp_path: Path, project_root: Path) -> None:
    """Only what the branch changed shows up, per environment."""
    repo = tmp_path / "repo"
    changes.export_tree("HEAD", repo, project_root)
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.invalid", "PATH": "/usr/bin:/bin:/usr/local/bin"}
    for command in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-q", "-m", "base"]):
        subprocess.run(command, cwd=repo, env=env, check=True, capture_output=True)
    prod = repo / "environments/prod.yaml"
    prod.write_text(prod.read_text().replace(
        "{name: control-plane, role: control-plane, count: 3, instance_type: t3.large",
        "{name: control-plane, role: control-plane, count: 3, instance_type: t3.xlarge",
    ))
    ref, reports = changes.changes_against("HEAD", repo)
    assert ref == "HEAD"
    by_env = {report.title: report for report in reports}
    assert sorted(by_env) == ["dev", "prod", "staging"]
    for name in ("dev", "staging"):
        assert [c for c in by_env[name].changes if c.section != "gitops"] == []
    prod_rows = {(c.section, c.attribute, c.a, c.b) for c in by_env["prod"].changes if c.section != "gitops"}
    assert ("spec", "node_groups.[control-plane].instance_type", "t3.large", "t3.xlarge") in prod_rows
    assert ("terraform", "instance_type", "t3.large", "t3.xlarge") in prod_rows
    markdown = changes.changes_markdown(ref, reports)
    assert "# Generated changes against `HEAD`" in markdown
    assert "| prod | +0 -0 ~1 | +0 -0 ~3 |" in markdown  # three control-plane instances


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["staging"], "Missing argument 'B'"),
        (["staging", "qa"], "error: B=qa: no such environment (allowed: dev, staging, prod)"),
            (["dev", "dev"], "error: A and B are both 'dev': name two different environments"),
    ],
)
def test_cli_errors_are_clear(args: list[str], message: str) -> None:
    from tests.conftest import run_cli

    result = run_cli("diff", *args)
    assert result.returncode == 2
    assert message in result.stderr


@pytest.mark.slow
def test_a_ref_with_another_spec_schema_is_read_by_its_own_code(tmp_path: Path, project_root: Path) -> None:
    """A pull request that changes the spec model still gets its report: the ref's specs are loaded by
    the ref's code (here the base knows a field this code refuses as unknown)."""
    repo = tmp_path / "repo"
    changes.export_tree("HEAD", repo, project_root)
    model = repo / "platform_spec/model/environment.py"
    anchor = "    name: str = Field("
    assert anchor in model.read_text()
    model.write_text(model.read_text().replace(
        anchor, '    legacy_note: str = ""\n    """A field only the base knows."""\n' + anchor, 1))
    dev = repo / "environments/dev.yaml"
    original = dev.read_text()
    dev.write_text(original.replace("name: dev\n", "name: dev\nlegacy_note: removed later\n", 1))
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.invalid", "PATH": "/usr/bin:/bin:/usr/local/bin"}
    for command in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-q", "-m", "base"]):
        subprocess.run(command, cwd=repo, env=env, check=True, capture_output=True)
    dev.write_text(original)
    _, reports = changes.changes_against("HEAD", repo)
    dev_rows = {(c.section, c.obj, c.a, c.b) for report in reports if report.title == "dev"
                for c in report.changes}
    assert ("spec", "legacy_note", "removed later", diff.ABSENT) in dev_rows
