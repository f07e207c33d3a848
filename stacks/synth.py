"""Build the cdktf app for some environments and synthesize it atomically."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TypedDict

from cdktf import App

from platform_spec.model import EnvironmentSpec
from stacks.platform import BootstrapStack, PlatformStack


class Manifest(TypedDict):
    """cdktf's ``manifest.json``: the stacks by name (other keys, such as ``version``, are copied as they are)."""

    stacks: dict[str, object]


def build_app(specs: Iterable[EnvironmentSpec], outdir: str | None = None) -> App:
    """An App holding ``<env>-bootstrap`` and ``<env>`` for every given environment."""
    app = App(outdir=outdir) if outdir else App()
    for spec in specs:
        BootstrapStack(app, spec)
        PlatformStack(app, spec)
    return app


def synth_to(outdir: Path, specs: list[EnvironmentSpec]) -> list[str]:
    """Synthesize into a temporary directory, then swap each stack directory into ``outdir``.

    Stacks of environments not selected are left as they are; ``manifest.json`` lists all
    stacks present afterwards. Returns the synthesized stack names.
    """
    if outdir.exists() and not outdir.is_dir():
        raise NotADirectoryError(f"{outdir}: is a file, not the synth output directory (move it away)")
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".synth-", dir=outdir) as scratch:
        build_app(specs, scratch).synth()
        fresh: Manifest = json.loads((Path(scratch) / "manifest.json").read_text())
        stacks_dir = outdir / "stacks"
        stacks_dir.mkdir(exist_ok=True)
        for name in fresh["stacks"]:
            target, old = stacks_dir / name, stacks_dir / f".{name}.old"
            if target.exists():
                os.replace(target, old)
            os.replace(Path(scratch) / "stacks" / name, target)
            shutil.rmtree(old, ignore_errors=True)
        manifest_path = outdir / "manifest.json"
        previous: Manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {"stacks": {}}
        manifest: Manifest = {
            **previous, **fresh, "stacks": dict(sorted({**previous.get("stacks", {}), **fresh["stacks"]}.items()))
        }
        manifest_path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return list(fresh["stacks"])
