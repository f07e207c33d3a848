"""Semantic diff of everything environments generate (``diff staging prod``, ``diff-changes``).

Three sections are compared, each as ``{object: structure}``:

* ``spec`` — the environment specs, field by field (raw values: the spec is the source);
* ``terraform`` — every resource, data source, output, provider and backend of both CDKTF stacks,
  keyed by its (stable) address, after the environment's own names (prefix, state bucket, lock
  table, SSM root, domain, account, environment name) are replaced by placeholders, JSON policy
  strings parsed and the ``//`` metadata dropped;
* ``gitops`` — the Kubernetes overlay and Argo CD documents, keyed by normalised path, kind and name.

The structural comparison is DeepDiff's. The parts: ``normalise`` (placeholders), ``collect`` (the
sections of one environment), ``compare`` (the changes), ``present`` (table, Markdown, report
files) and ``changes`` (this branch against a Git ref).
"""

from release.diff.collect import SECTIONS, collect, collect_spec, synth_stacks
from release.diff.compare import Change, DiffReport, compare, diff_environments
from release.diff.normalise import ABSENT, Environment, placeholders
from release.diff.present import report_path, to_markdown, to_table, use_colour, write_report

__all__ = [
    "ABSENT", "SECTIONS", "Change", "DiffReport", "Environment", "collect", "collect_spec", "compare",
    "diff_environments", "placeholders",
    "report_path", "synth_stacks", "to_markdown", "to_table", "use_colour", "write_report",
]
