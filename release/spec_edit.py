"""Minimal in-place edits of a spec file: only the characters of the changed values change.

Comments, key order, quoting and line endings (LF or CRLF) elsewhere in the file stay as they
were, so a promotion's pull request shows exactly the promoted values. Callers read and write the
file with ``newline=""`` so that Python does not translate CRLF.
"""

from __future__ import annotations

import json

import yaml


def scalar(value: str) -> str:
    """``value`` as a YAML scalar that reads back as the same string (plain when possible)."""
    try:
        if yaml.safe_load(value) == value and "#" not in value and ": " not in value:
            return value
    except yaml.YAMLError:
        pass
    return json.dumps(value)


def find(node: yaml.Node, path: tuple[str, ...]) -> tuple[yaml.MappingNode, yaml.Node | None]:
    """The mapping holding ``path[-1]`` and the value node (``None`` when the key is missing)."""
    current = node
    for depth, key in enumerate(path):
        if not isinstance(current, yaml.MappingNode):
            raise ValueError(f"{'.'.join(path[:depth])}: expected a mapping")
        found = next((value for k, value in current.value if k.value == key), None)
        if depth == len(path) - 1:
            return current, found
        if found is None:
            raise ValueError(f"{'.'.join(path[: depth + 1])}: missing in the spec")
        current = found
    raise ValueError("empty path")


def set_values(text: str, updates: dict[tuple[str, ...], str]) -> str:
    """Set string values in a YAML document by editing only their characters; comments and layout stay.

    A missing key is added to its block mapping, on a new line after the mapping's last entry.
    The result is checked: it must parse to the original data with exactly these updates.
    """
    newline = "\r\n" if "\r\n" in text else "\n"
    edits: list[tuple[int, int, str]] = []
    for path, value in updates.items():
        mapping, node = find(yaml.compose(text), path)
        if node is not None:
            if not isinstance(node, yaml.ScalarNode):
                raise ValueError(f"{'.'.join(path)}: expected a scalar value")
            edits.append((node.start_mark.index, node.end_mark.index, scalar(value)))
        elif mapping.flow_style:
            end = mapping.end_mark.index - 1  # just before the closing brace
            edits.append((end, end, f", {path[-1]}: {scalar(value)}"))
        else:
            last_key, last_value = mapping.value[-1]
            indent = " " * last_key.start_mark.column
            after = last_value.end_mark.index
            end = text.index(newline, after) if newline in text[after:] else len(text)
            if last_value.end_mark.column == 0:  # block value ending at the start of the next line
                end = after - len(newline)
            edits.append((end, end, f"{newline}{indent}{path[-1]}: {scalar(value)}"))
    result = text
    for start, end, replacement in sorted(edits, reverse=True):
        result = result[:start] + replacement + result[end:]
    expected = yaml.safe_load(text)
    for path, value in updates.items():
        target = expected
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    if yaml.safe_load(result) != expected:
        raise ValueError("internal error: the edit changed more than the promoted fields")
    return result
