"""Fast path to the prebuilt `hashicorp/aws` bindings, installed once by ``stacks/__init__.py``.

Loading ``cdktf_cdktf_provider_aws`` the ordinary way costs two eager imports of all 2,135
resource modules (terraform-cdk issue 3753):

* Python: the package ``__init__`` imports every submodule. We register an empty package object
  in its place and load the jsii assembly; an ordinary ``from cdktf_cdktf_provider_aws.vpc import Vpc``
  then imports only that submodule.
* Node (the jsii kernel): the assembly's ``lib/index.js`` ``require``s every module. The kernel
  runs it from its package cache; we give the project its own cache (``.cache/jsii``) and rewrite
  that cached index once into lazy getters (same exports, loaded on first access).

``SESACTHON_EAGER_BINDINGS=1`` switches both off (plain ``import cdktf_cdktf_provider_aws`` and
the user's default jsii cache): the equivalence test and ``make bench`` compare the two paths.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import importlib.util
import os
import re
import shutil
import sys
import tempfile
import types
from collections.abc import Generator
from pathlib import Path

from plumbing.jsii_runtime import JSII_CACHE, eager

PACKAGE = "cdktf_cdktf_provider_aws"
_EAGER_REQUIRE = re.compile(r'^exports\.([A-Za-z0-9_$]+) = require\("(\./[a-z0-9-]+)"\);$', re.MULTILINE)



_scratch: list[Path] = []


def configure_jsii() -> None:
    """Point jsii at the project cache and give its client a scratch directory of our own; must run
    before the kernel starts (first cdktf import)."""
    if not eager():
        os.environ.setdefault("JSII_RUNTIME_PACKAGE_CACHE_ROOT", str(JSII_CACHE))
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")


@contextlib.contextmanager
def jsii_scratch() -> Generator[None]:
    """Temporary files made inside go below one directory of this process (while the kernel starts).

    The Python jsii client writes its node runtime (~2 MB) into a ``tempfile.TemporaryDirectory()``
    when the kernel starts and removes it only at interpreter exit, which the CLI's ``os._exit``
    skips; the node kernel makes a ``jsii-kernel-*`` directory in its ``TMPDIR`` and may not reach
    its own cleanup when its input closes. Both go below this directory, which
    ``remove_jsii_scratch`` deletes right before that exit (and ``atexit`` after an ordinary exit).
    """
    if not _scratch:
        _scratch.append(Path(tempfile.mkdtemp(prefix="sesacthon-jsii-")))
        atexit.register(remove_jsii_scratch)
    previous, tempfile.tempdir = tempfile.tempdir, str(_scratch[0])
    previous_variable = os.environ.get("TMPDIR")
    os.environ["TMPDIR"] = str(_scratch[0])  # the node process copies the environment when it starts
    try:
        yield
    finally:
        tempfile.tempdir = previous
        if previous_variable is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = previous_variable


def remove_jsii_scratch() -> None:
    """Delete this process's scratch directory (call right before ``os._exit``)."""
    for directory in _scratch:
        shutil.rmtree(directory, ignore_errors=True)


def install_bindings() -> None:
    """Make ``cdktf_cdktf_provider_aws`` importable submodule by submodule (idempotent).

    Must run before the first import of any of its submodules; the eager path imports the package.
    """
    if PACKAGE in sys.modules:
        return
    configure_jsii()
    with jsii_scratch():  # the first binding import starts the jsii kernel
        _import_bindings()


def _import_bindings() -> None:
    if eager():
        importlib.import_module(PACKAGE)
        return
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or spec.submodule_search_locations is None:
        raise ImportError(f"{PACKAGE} is not installed; run `make venv`")
    package = types.ModuleType(PACKAGE)
    package.__spec__ = spec
    package.__path__ = list(spec.submodule_search_locations)
    package.__file__ = spec.origin
    package.__package__ = PACKAGE
    sys.modules[PACKAGE] = package
    importlib.import_module(f"{PACKAGE}._jsii")
    make_cached_index_lazy()


def make_cached_index_lazy(cache_root: Path | None = None) -> int:
    """Rewrite the cached provider ``lib/index.js`` into lazy getters; return modules rewritten.

    Idempotent: an index already rewritten has no eager ``require`` lines left.
    """
    root = cache_root or Path(os.environ.get("JSII_RUNTIME_PACKAGE_CACHE_ROOT", JSII_CACHE))
    rewritten = 0
    for index in root.glob("@cdktf/provider-aws/*/*/lib/index.js"):
        source = index.read_text(encoding="utf-8")
        lazy, count = _EAGER_REQUIRE.subn(
            lambda match: (
                f'Object.defineProperty(exports, "{match.group(1)}", '
                f'{{ enumerable: true, configurable: true, get: () => require("{match.group(2)}") }});'
            ),
            source,
        )
        if count:
            temporary = index.with_suffix(".js.tmp")
            temporary.write_text(lazy, encoding="utf-8")
            os.replace(temporary, index)
            rewritten += count
    return rewritten
