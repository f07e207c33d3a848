"""Load environment specs from YAML and check the invariants that span environments."""

from __future__ import annotations

import difflib
import ipaddress
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError

from platform_spec import chain
from platform_spec.model import EnvironmentSpec
from plumbing.paths import PROJECT_ROOT

DEFAULT_ENVIRONMENTS_DIR = PROJECT_ROOT / "environments"


class SpecError(Exception):
    """A spec is invalid. The message names the file, the field, the value and what is allowed."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


def environments_dir() -> Path:
    """Directory holding `<env>.yaml`; `SESACTHON_ENVIRONMENTS_DIR` overrides the default."""
    return Path(os.environ.get("SESACTHON_ENVIRONMENTS_DIR", DEFAULT_ENVIRONMENTS_DIR))


def available(directory: Path | None = None) -> list[str]:
    """Names of the environments defined on disk, sorted by promotion order then name."""
    directory = directory or environments_dir()
    return sorted(path.stem for path in directory.glob("*.yaml"))


def load(name: str, directory: Path | None = None) -> EnvironmentSpec:
    """Load and validate one environment, together with the cross-environment invariants."""
    specs = load_all(directory)
    if name not in specs:
        known = ", ".join(specs) or "none"
        path = (directory or environments_dir()) / f"{name}.yaml"
        raise SpecError([f"{_show(path)}: no such environment '{name}' (allowed: {known})"])
    return specs[name]


def load_all(directory: Path | None = None) -> dict[str, EnvironmentSpec]:
    """Load every environment on disk; raise one SpecError listing every problem found."""
    directory = directory or environments_dir()
    if not directory.is_dir():
        raise SpecError([f"{_show(directory)}: environments directory not found"])
    specs: dict[str, EnvironmentSpec] = {}
    problems: list[str] = []
    broken: set[str] = set()
    for path in sorted(directory.glob("*.yaml")):
        try:
            specs[path.stem] = load_file(path)
        except SpecError as error:
            broken.add(path.stem)
            problems.extend(error.problems)
    if not specs and not problems:
        problems.append(f"{_show(directory)}: no environment files (*.yaml)")
    problems.extend(_cross_environment_problems(specs, directory, broken))
    if problems:
        raise SpecError(problems)
    return chain.ordered(specs)


def load_file(path: Path) -> EnvironmentSpec:
    """Parse and validate one spec file (no cross-environment checks)."""
    where = _show(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SpecError([f"{where}: file not found"]) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        position = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        reason = getattr(error, "problem", None) or str(error)
        raise SpecError([f"{where}: YAML syntax error{position}: {reason}"]) from None
    if not isinstance(raw, dict):
        raise SpecError([f"{where}: expected a mapping of spec fields, got {type(raw).__name__}"])
    try:
        spec = EnvironmentSpec.model_validate(raw)
    except ValidationError as error:
        raise SpecError(f"{where}: {message}" for message in _describe(error, raw)) from None
    if spec.name != path.stem:
        raise SpecError([f"{where}: field 'name': '{spec.name}' must equal the file name (allowed: {path.stem})"])
    return spec


def _describe(error: ValidationError, raw: dict[str, Any]) -> list[str]:
    messages = []
    for item in error.errors(include_url=False):
        location = [part for part in item["loc"] if part not in ("function-after", "function-before")]
        field = ".".join(str(part) for part in location)
        kind = item["type"]
        if kind == "extra_forbidden":
            allowed = _allowed_keys(EnvironmentSpec, location[:-1])
            hint = difflib.get_close_matches(str(location[-1]), allowed, n=1)
            suggestion = f"; did you mean '{hint[0]}'?" if hint else ""
            messages.append(f"field '{field}': unknown key (allowed: {', '.join(allowed)}){suggestion}")
        elif kind == "missing":
            messages.append(f"field '{field}': required field is missing")
        elif kind in ("literal_error", "enum"):
            expected = item.get("ctx", {}).get("expected", "")
            messages.append(f"field '{field}': {item.get('input')!r} is not allowed (allowed: {expected})")
        elif kind == "value_error" and not location:
            messages.append(item["msg"].removeprefix("Value error, "))
        else:
            value = item.get("input")
            shown = f" {value!r}" if not isinstance(value, dict | list) else ""
            reason = item["msg"].removeprefix("Value error, ")
            messages.append(f"field '{field}':{shown} {reason}")
    return messages


def _allowed_keys(model: type[BaseModel], location: list[Any]) -> list[str]:
    current: Any = model
    for part in location:
        if isinstance(part, int):
            continue
        field = current.model_fields.get(part) if _is_model(current) else None
        if field is None:
            return []
        current = _inner_model(field.annotation)
    return sorted(current.model_fields) if _is_model(current) else []


def _inner_model(annotation: Any) -> Any:
    if _is_model(annotation):
        return annotation
    for argument in get_args(annotation) if get_origin(annotation) else ():
        found = _inner_model(argument)
        if found is not None:
            return found
    return None


def _is_model(value: Any) -> bool:
    return isinstance(value, type) and issubclass(value, BaseModel)


def _cross_environment_problems(
    specs: dict[str, EnvironmentSpec], directory: Path, broken: set[str]
) -> list[str]:
    problems: list[str] = []
    unique_names = {
        "short_name": lambda spec: spec.short_name,
        "state_bucket": lambda spec: spec.state_bucket_name,
        "dns.domain": lambda spec: spec.dns.domain,
    }
    for field, value_of in unique_names.items():
        owners: dict[str, str] = {}
        for name, spec in specs.items():
            value = value_of(spec)
            if value in owners:
                problems.append(
                    f"{_show(directory / f'{name}.yaml')}: field '{field}': '{value}' is already used by "
                    f"environment '{owners[value]}' (each environment needs its own)"
                )
            else:
                owners[value] = name
    networks: list[tuple[str, ipaddress.IPv4Network]] = []
    for name, spec in specs.items():
        for other, cidr in networks:
            if spec.network.vpc_cidr.overlaps(cidr):
                problems.append(
                    f"{_show(directory / f'{name}.yaml')}: field 'network.vpc_cidr': {spec.network.vpc_cidr} "
                    f"overlaps environment '{other}' ({cidr}); VPC CIDRs must not overlap"
                )
        networks.append((name, spec.network.vpc_cidr))
    for name, spec in specs.items():
        if spec.promotes_to is not None and spec.promotes_to not in specs | dict.fromkeys(broken):
            problems.append(
                f"{_show(directory / f'{name}.yaml')}: field 'promotes_to': '{spec.promotes_to}' is not an "
                f"environment (allowed: {', '.join(sorted(set(specs) - {name}))})"
            )
    return problems



def _show(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
