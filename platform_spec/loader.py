"""Load environment specs from YAML: read safely, parse with positions, validate the model, then the
rules of AWS, Kubernetes, Argo CD, Git and cron (``platform_spec.rules``), then across environments.

Every command that reads specs goes through ``load_all``, so ``check`` refuses everything a later
step would. Every problem is one line: file, line, field, the value as written, what is allowed.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from pydantic import ValidationError

from platform_spec import chain, rules
from platform_spec.document import Document, DocumentError, parse, read_text
from platform_spec.model import EnvironmentSpec
from platform_spec.problems import Problem, render
from platform_spec.validation_errors import describe
from plumbing.paths import PROJECT_ROOT

DEFAULT_ENVIRONMENTS_DIR = PROJECT_ROOT / "environments"
SUFFIX = ".yaml"
MAX_ENVIRONMENTS = 20
"""Most environment files one directory may hold."""
_IGNORED = re.compile(r"^(\..*|#.*#|.*~|.*\.(swp|swo|swx|bak|orig|rej|tmp)|.*\.(md|txt|rst))$")
"""Editor lock/backup/swap files (``.#dev.yaml``, ``dev.yaml~``, ``.dev.yaml.swp``) and notes: not specs."""
_SPEC_LIKE = re.compile(r"\.(ya?ml|json|YA?ML)$")


class SpecError(Exception):
    """A spec is invalid. The message names the file, the field, the value and what is allowed."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


def environments_dir() -> Path:
    """Directory holding `<env>.yaml`; `SESACTHON_ENVIRONMENTS_DIR` overrides the default."""
    return Path(os.environ.get("SESACTHON_ENVIRONMENTS_DIR", DEFAULT_ENVIRONMENTS_DIR))


def spec_files(directory: Path) -> tuple[list[Path], list[str]]:
    """The ``<env>.yaml`` files of ``directory`` and problems with the other entries: a spec-like file
    with the wrong name (``qa.yml``). Editor files and notes are ignored; so are subdirectories."""
    files: list[Path] = []
    problems: list[str] = []
    for entry in sorted(directory.iterdir(), key=lambda path: path.name):
        name = entry.name
        if _IGNORED.match(name):
            continue
        if name.endswith(SUFFIX):
            files.append(entry)
        elif _SPEC_LIKE.search(name) and not entry.is_dir():
            stem = name.rsplit(".", 1)[0]
            problems.append(f"{_show(entry)}: not read: environment files are named <env>{SUFFIX} "
                            f"(rename it to {stem}{SUFFIX})")
    if len(files) > MAX_ENVIRONMENTS:
        problems.append(f"{_show(directory)}: {len(files)} environment files; at most {MAX_ENVIRONMENTS}")
        files = files[:MAX_ENVIRONMENTS]
    return files, problems


def available(directory: Path | None = None) -> list[str]:
    """Names of the environment files on disk, sorted by name."""
    return [path.name.removesuffix(SUFFIX) for path in spec_files(directory or environments_dir())[0]]


def load(name: str, directory: Path | None = None) -> EnvironmentSpec:
    """Load and validate one environment, together with the cross-environment invariants."""
    specs = load_all(directory)
    if name not in specs:
        known = ", ".join(specs) or "none"
        path = (directory or environments_dir()) / f"{name}{SUFFIX}"
        raise SpecError([f"{_show(path)}: no such environment '{name}' (allowed: {known})"])
    return specs[name]


def load_all(directory: Path | None = None) -> dict[str, EnvironmentSpec]:
    """Load every environment on disk; raise one SpecError listing every problem found."""
    directory = directory or environments_dir()
    if not directory.is_dir():
        raise SpecError([f"{_show(directory)}: environments directory not found"])
    files, problems = spec_files(directory)
    specs: dict[str, EnvironmentSpec] = {}
    documents: dict[str, Document] = {}
    broken: set[str] = set()
    for path in files:
        name = path.name.removesuffix(SUFFIX)
        try:
            documents[name], specs[name] = _load(path)
        except SpecError as error:
            broken.add(name)
            problems.extend(error.problems)
    if not files and not problems:
        problems.append(f"{_show(directory)}: no environment files (*{SUFFIX})")
    for name, found in _across(specs, broken).items():
        problems.extend(render(problem, documents[name]) for problem in found)
    if problems:
        raise SpecError(problems)
    return chain.ordered(specs)


def load_file(path: Path) -> EnvironmentSpec:
    """Parse and validate one spec file with its own rules (no cross-environment checks)."""
    return _load(path)[1]


def _load(path: Path) -> tuple[Document, EnvironmentSpec]:
    where = _show(path)
    try:
        document = parse(read_text(path, where), where)
    except DocumentError as error:
        raise SpecError(error.problems) from None
    try:
        spec = EnvironmentSpec.model_validate(document.data)
    except ValidationError as error:
        raise SpecError(describe(error, document, EnvironmentSpec)) from None
    stem = path.name.removesuffix(SUFFIX)
    if spec.name != stem:
        raise SpecError([render(Problem(("name",), "must equal the file name", stem), document)])
    problems = rules.check(spec)
    if problems:
        raise SpecError(render(problem, document) for problem in problems)
    return document, spec


def _across(specs: Mapping[str, EnvironmentSpec], broken: set[str]) -> dict[str, list[Problem]]:
    """Problems spanning environments, by the environment whose file should change."""
    found: dict[str, list[Problem]] = {}
    unique_names = {
        ("short_name",): lambda spec: spec.short_name,
        ("state_bucket",): lambda spec: spec.state_bucket_name,
        ("dns", "domain"): lambda spec: spec.dns.domain,
    }
    for where, value_of in unique_names.items():
        owners: dict[str, str] = {}
        for name, spec in specs.items():
            value = value_of(spec)
            if value in owners:
                found.setdefault(name, []).append(Problem(
                    where, f"is already used by environment '{owners[value]}' (each environment needs its own)",
                    value=value))
            owners.setdefault(value, name)
    networks: list[tuple[str, ipaddress.IPv4Network]] = []
    for name, spec in specs.items():
        for other, cidr in networks:
            if spec.network.vpc_cidr.overlaps(cidr):
                found.setdefault(name, []).append(Problem(
                    ("network", "vpc_cidr"), f"overlaps environment '{other}' ({cidr}); VPC CIDRs must not overlap"))
        networks.append((name, spec.network.vpc_cidr))
    for source in (chain.problems(specs, broken), rules.cross_check(chain.ordered(specs))):
        for name, problems in source.items():
            found.setdefault(name, []).extend(problems)
    return found


def _show(path: Path) -> str:
    try:
        return str(path.absolute().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
