"""The project's one YAML emitter: insertion key order (fixed by the renderers), no aliases,
block literals for multi-line strings, no timestamps. The same input always yields the same bytes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import yaml

_BaseDumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml when available (10x faster)
_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

DEFAULT_WIDTH = 120
"""Line width of Kubernetes manifests and reports; workflows use a wider one (long ``run:`` lines)."""


class _Dumper(_BaseDumper):  # type: ignore[misc, valid-type]
    """Safe dumper that never emits anchors/aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_str(dumper: Any, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _represent_str)


def dump(document: Mapping[str, Any] | list[Any], width: int = DEFAULT_WIDTH) -> str:
    """One YAML document, keys in insertion order."""
    return yaml.dump(document, Dumper=_Dumper, sort_keys=False, default_flow_style=False, width=width,
                     allow_unicode=True)


def dump_all(documents: Iterable[Mapping[str, Any]]) -> str:
    """Several documents separated by ``---``."""
    return "---\n".join(dump(document) for document in documents)


def load_all(text: str) -> list[Any]:
    """The non-empty documents of a YAML text (safe loader, libyaml when available)."""
    return [document for document in yaml.load_all(text, Loader=_BaseLoader) if document]
