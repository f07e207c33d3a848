"""Reading one spec file safely and parsing its YAML with positions.

The file is opened without following it into a device or a FIFO, checked to be a regular file
no larger than ``MAX_SPEC_BYTES``, read once, and decoded as UTF-8. The YAML is checked as a
stream of events first (nesting depth, node count, anchors and aliases), then composed once
with positions kept, so that every later problem can name the line and quote the value exactly
as written. What YAML 1.1 reads differently from what a reader sees (``no`` as false,
``012345670123`` as an octal number, ``2024-01-01`` as a date) and duplicate keys are errors here.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

MAX_SPEC_BYTES = 256 * 1024
"""Largest spec file read (a full spec is ~4 KiB)."""
MAX_DEPTH = 16
"""Deepest nesting of mappings and lists (a spec needs 5)."""
MAX_NODES = 20_000
"""Most YAML nodes (keys, values, items) in one spec."""
SHOWN_CHARS = 60
"""Longest literal quoted in a message (longer values are cut with …)."""

_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR, _INT, _FLOAT, _BOOL, _TIMESTAMP = (f"tag:yaml.org,2002:{name}" for name in
                                         ("str", "int", "float", "bool", "timestamp"))
_PLAIN_STYLES = (None, "")
_YAML11_ONLY_INT = re.compile(r"^[-+]?(0[0-7_]+|0b[01_]+|[0-9][0-9_]*(:[0-5]?[0-9])+|[0-9_]*_[0-9_]*)$")
"""Integers only YAML 1.1 reads as numbers: leading-zero octal, binary, sexagesimal, digits with ``_``."""
_YAML11_ONLY_FLOAT = re.compile(r"^[-+]?([0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*|[0-9_]*_[0-9_.]*)$")
_YAML11_ONLY_BOOL = re.compile(r"^(yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF)$")

Path_ = tuple[str | int, ...]


class DocumentError(Exception):
    """The file cannot be read or is not the YAML a spec needs; ``problems`` are full messages."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class Located:
    """Where a value sits in the file: its key's line and the value exactly as written."""

    line: int
    literal: str | None
    """The scalar's source text (quotes included when quoted); ``None`` for a mapping or list."""


@dataclass
class Document:
    """A parsed spec file: the data and the position of every key and value in it."""

    where: str
    data: Any
    positions: dict[Path_, Located] = field(default_factory=dict)

    def locate(self, path: Path_) -> tuple[Path_, Located | None]:
        """The longest prefix of ``path`` present in the file and its position."""
        for length in range(len(path), -1, -1):
            found = self.positions.get(path[:length])
            if found is not None:
                return path[:length], found
        return (), None

    def line_of(self, path: Path_) -> int | None:
        """Line of the deepest part of ``path`` written in the file."""
        return located.line if (located := self.locate(path)[1]) else None


def show(literal: str) -> str:
    """A literal for a message, cut at ``SHOWN_CHARS``; plain text gets single quotes."""
    text = literal if len(literal) <= SHOWN_CHARS else literal[: SHOWN_CHARS - 1] + "…"
    return text if text[:1] in ("'", '"', "[", "{") else f"'{text}'"


# --- reading ------------------------------------------------------------------------------------


def read_text(path: Path, where: str) -> str:
    """The file's text: refuses anything but a regular UTF-8 file of at most ``MAX_SPEC_BYTES``."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as error:
        raise DocumentError([f"{where}: {_open_failure(path, error)}"]) from None
    try:
        info = os.fstat(descriptor)
        if stat.S_ISDIR(info.st_mode):
            raise DocumentError([f"{where}: is a directory, not a spec file"])
        if not stat.S_ISREG(info.st_mode):
            raise DocumentError([f"{where}: is a {_kind(info.st_mode)}, not a regular file (allowed: a YAML file)"])
        if info.st_size > MAX_SPEC_BYTES:
            raise DocumentError([f"{where}: is {info.st_size:,} bytes; a spec may have at most "
                                 f"{MAX_SPEC_BYTES:,} bytes"])
        with os.fdopen(descriptor, "rb", closefd=False) as stream:
            raw = stream.read(MAX_SPEC_BYTES + 1)
    except OSError as error:
        raise DocumentError([f"{where}: cannot be read: {error.strerror or error}"]) from None
    finally:
        os.close(descriptor)
    if len(raw) > MAX_SPEC_BYTES:
        raise DocumentError([f"{where}: is larger than {MAX_SPEC_BYTES:,} bytes (the most a spec may have)"])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise DocumentError([f"{where}:{line}: is not UTF-8 text (byte 0x{raw[error.start]:02x} at offset "
                             f"{error.start}); save the file as UTF-8"]) from None
    return text.removeprefix("\ufeff")


def _open_failure(path: Path, error: OSError) -> str:
    if error.errno == errno.ENOENT:
        return "is a symbolic link to a file that does not exist" if path.is_symlink() else "file not found"
    if error.errno == errno.ELOOP:
        return "is a symbolic link loop"
    if error.errno == errno.EACCES:
        return "cannot be read: permission denied"
    return f"cannot be read: {error.strerror or error}"


def _kind(mode: int) -> str:
    kinds = {stat.S_ISFIFO: "named pipe (FIFO)", stat.S_ISCHR: "character device", stat.S_ISBLK: "block device",
             stat.S_ISSOCK: "socket"}
    return next((name for test, name in kinds.items() if test(mode)), "special file")


# --- parsing ------------------------------------------------------------------------------------


def parse(text: str, where: str) -> Document:
    """The YAML document in ``text`` with the position of every key and value."""
    _check_events(text, where)
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError as error:
        raise DocumentError([_syntax_error(where, error)]) from None
    document = Document(where, None)
    if root is None:
        raise DocumentError([f"{where}: the file is empty (expected a mapping of spec fields)"])
    problems: list[str] = []
    lines = text.splitlines()
    _index(root, (), document.positions, lines, problems, where)
    if problems:
        raise DocumentError(problems)
    try:
        document.data = SafeConstructor().construct_document(root)
    except yaml.YAMLError as error:
        raise DocumentError([_syntax_error(where, error)]) from None
    return document


def _check_events(text: str, where: str) -> None:
    depth = nodes = 0
    try:
        for event in yaml.parse(text, Loader=_LOADER):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                line = event.start_mark.line + 1
                raise DocumentError([f"{where}:{line}: anchors and aliases (&name, *name) are not allowed in a spec: "
                                     "write each value where it applies (promotion edits one place)"])
            if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise DocumentError([f"{where}:{event.start_mark.line + 1}: nested more than {MAX_DEPTH} levels "
                                         "deep (a spec needs 5)"])
            elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                depth -= 1
            if isinstance(event, yaml.NodeEvent):
                nodes += 1
                if nodes > MAX_NODES:
                    raise DocumentError([f"{where}:{event.start_mark.line + 1}: more than {MAX_NODES:,} values "
                                         "(the most a spec may have)"])
    except yaml.YAMLError as error:
        raise DocumentError([_syntax_error(where, error)]) from None


def _syntax_error(where: str, error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    line = f":{mark.line + 1}" if mark is not None else ""
    column = f" (column {mark.column + 1})" if mark is not None else ""
    reason = getattr(error, "problem", None) or str(error)
    if "expected a single document" in str(error):
        reason = "more than one YAML document (---); a spec file holds one"
    return f"{where}{line}: YAML syntax error{column}: {reason}"


def _literal(node: yaml.Node, lines: list[str]) -> str:
    start, end = node.start_mark, node.end_mark
    if start.line == end.line and start.line < len(lines):
        return lines[start.line][start.column:end.column]
    return str(node.value).split("\n", 1)[0]


def _index(node: yaml.Node, path: Path_, positions: dict[Path_, Located], lines: list[str],
           problems: list[str], where: str) -> None:
    """Record positions under ``path`` and report duplicate keys, non-text keys and YAML 1.1 surprises."""
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key, value in node.value:
            line = key.start_mark.line + 1
            if isinstance(key, yaml.ScalarNode) and key.value == "<<" and key.style in _PLAIN_STYLES:
                problems.append(f"{where}:{line}: merge keys (<<) are not allowed in a spec: write the fields out")
                continue
            if not isinstance(key, yaml.ScalarNode) or key.tag != _STR:
                shown = _literal(key, lines) if isinstance(key, yaml.ScalarNode) else "a mapping or list"
                problems.append(f"{where}:{line}: key {show(shown)} must be text ({_surprise(key) or 'quote it'})")
                continue
            dotted = ".".join(str(part) for part in (*path, key.value))
            if key.value in seen:
                problems.append(f"{where}:{line}: field '{dotted}': duplicate key (first written on line "
                                f"{seen[key.value]}); YAML keeps only the last one: remove one of them")
                continue
            seen[key.value] = line
            child = (*path, key.value)
            literal = _literal(value, lines) if isinstance(value, yaml.ScalarNode) else None
            positions[child] = Located(line, literal)
            _index(value, child, positions, lines, problems, where)
    elif isinstance(node, yaml.SequenceNode):
        for position, item in enumerate(node.value):
            child = (*path, position)
            literal = _literal(item, lines) if isinstance(item, yaml.ScalarNode) else None
            positions[child] = Located(item.start_mark.line + 1, literal)
            _index(item, child, positions, lines, problems, where)
    elif isinstance(node, yaml.ScalarNode) and (surprise := _surprise(node)):
        dotted = ".".join(str(part) for part in path)
        text = _literal(node, lines)
        problems.append(f"{where}:{node.start_mark.line + 1}: field '{dotted}': {text} {surprise}")
    if path == () and not isinstance(node, yaml.MappingNode):
        kind = "list" if isinstance(node, yaml.SequenceNode) else "single value"
        problems.append(f"{where}:{node.start_mark.line + 1}: expected a mapping of spec fields, got a {kind}")


def _surprise(node: yaml.ScalarNode) -> str | None:
    """How YAML 1.1 reads an unquoted scalar differently from YAML 1.2 and from a reader, if it does."""
    if node.style not in _PLAIN_STYLES:
        return None
    text, tag = node.value, node.tag
    quoted = f'write "{text}" in quotes for the text'
    if tag == _INT and _YAML11_ONLY_INT.match(text):
        number = SafeConstructor().construct_yaml_int(node)
        octal = " (octal)" if re.match(r"^[-+]?0[0-7_]+$", text) else ""
        return f"is read by YAML 1.1 as the number {number}{octal}; {quoted}, or {number} for the number"
    if tag == _FLOAT and _YAML11_ONLY_FLOAT.match(text):
        number = SafeConstructor().construct_yaml_float(node)
        return f"is read by YAML 1.1 as the number {number}; {quoted}, or {number} for the number"
    if tag == _BOOL and _YAML11_ONLY_BOOL.match(text):
        value = str(text.lower() in ("yes", "on")).lower()
        return f"is read by YAML 1.1 as the boolean {value}; write {value} for the boolean, or {quoted[6:]}"
    if tag == _TIMESTAMP:
        return f"is read by YAML 1.1 as a {'date' if len(text) == 10 else 'timestamp'}, not text; {quoted}"
    return None
