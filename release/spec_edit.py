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


def _missing_mappings(text: str, updates: dict[tuple[str, ...], str], after: dict[tuple[str, ...], str],
                      newline: str) -> tuple[str, dict[tuple[str, ...], str]]:
    """Add each missing parent mapping of an update's key as a new block mapping holding its updates (after the
    sibling ``after[parent]`` names, else after the last entry); returns the text and the updates left."""
    pending = dict(updates)
    for parent in sorted({path[:-1] for path in updates if len(path) >= 3}):
        mapping, node = find(yaml.compose(text), parent)
        if node is not None or mapping.flow_style:
            continue
        sibling = after.get(parent)
        last_key, last_value = next(((k, v) for k, v in mapping.value if k.value == sibling), mapping.value[-1])
        indent = " " * last_key.start_mark.column
        value_end = last_value.end_mark.index
        end = text.index(newline, value_end) if newline in text[value_end:] else len(text)
        if last_value.end_mark.column == 0:
            end = value_end - len(newline)
        children = [(path[-1], value) for path, value in updates.items() if path[:-1] == parent]
        block = f"{newline}{indent}{parent[-1]}:" + "".join(
            f"{newline}{indent}  {key}: {scalar(value)}" for key, value in children)
        text = text[:end] + block + text[end:]
        for key, _ in children:
            del pending[(*parent, key)]
    return text, pending


def set_values(text: str, updates: dict[tuple[str, ...], str],
               after: dict[tuple[str, ...], str] | None = None) -> str:
    """Set string values in a YAML document by editing only their characters; comments and layout stay.

    A missing key is added to its block mapping, on a new line after the mapping's last entry.
    The result is checked: it must parse to the original data with exactly these updates.
    """
    newline = "\r\n" if "\r\n" in text else "\n"
    original = text
    text, pending = _missing_mappings(text, updates, after or {}, newline)
    edits: list[tuple[int, int, str]] = []
    for path, value in pending.items():
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
            value_end = last_value.end_mark.index
            end = text.index(newline, value_end) if newline in text[value_end:] else len(text)
            if last_value.end_mark.column == 0:  # block value ending at the start of the next line
                end = value_end - len(newline)
            edits.append((end, end, f"{newline}{indent}{path[-1]}: {scalar(value)}"))
    result = text
    for start, end, replacement in sorted(edits, reverse=True):
        result = result[:start] + replacement + result[end:]
    expected = yaml.safe_load(original)
    for path, value in updates.items():
        target = expected
        for key in path[:-1]:
            target = target.setdefault(key, {})
        target[path[-1]] = value
    if yaml.safe_load(result) != expected:
        raise ValueError("internal error: the edit changed more than the promoted fields")
    return result
