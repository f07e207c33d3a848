"""Write the project's Terraform CLI configuration (provider installation from a local mirror).

The machine may carry a filesystem mirror of ``hashicorp/aws`` (no internet needed). The config
points Terraform at it when found and falls back to the registry otherwise, so the same command
works offline here and online elsewhere.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from plumbing.paths import PROJECT_ROOT

CONFIG_PATH = PROJECT_ROOT / ".cache" / "terraform.rc"
PLUGIN_CACHE = PROJECT_ROOT / ".cache" / "terraform-plugins"
CANDIDATE_MIRRORS = (
    "/opt/tf-plugins",
    "/usr/share/terraform/plugins",
    "/usr/local/share/terraform/plugins",
    "~/.terraform.d/plugins",
    "~/.local/share/terraform/plugins",
)
PROVIDER = "registry.terraform.io/hashicorp/aws"


def find_mirror() -> Path | None:
    """The first directory holding ``registry.terraform.io/hashicorp/aws`` (``TF_PROVIDER_MIRROR`` first)."""
    candidates = [os.environ.get("TF_PROVIDER_MIRROR", ""), *CANDIDATE_MIRRORS]
    for candidate in candidates:
        if candidate and (Path(candidate).expanduser() / PROVIDER).is_dir():
            return Path(candidate).expanduser()
    return None


def render(mirror: Path | None, plugin_cache: Path = PLUGIN_CACHE) -> str:
    """The CLI configuration text for a mirror (or none).

    A shared plugin cache makes every ``terraform init`` after the first link the provider
    (~700 MB) instead of copying it.
    """
    cache = (
        f'plugin_cache_dir = "{plugin_cache}"\n'
        "plugin_cache_may_break_dependency_lock_file = true\n"
    )
    if mirror is None:
        return cache + "# no local provider mirror found: providers come from the registry\n"
    return cache + (
        "provider_installation {\n"
        "  filesystem_mirror {\n"
        f'    path    = "{mirror}"\n'
        f'    include = ["{PROVIDER}"]\n'
        "  }\n"
        "  direct {\n"
        f'    exclude = ["{PROVIDER}"]\n'
        "  }\n"
        "}\n"
    )


def write(path: Path = CONFIG_PATH) -> Path:
    """Write the configuration (only when its content changes) and return its path."""
    text = render(find_mirror())
    path.parent.mkdir(parents=True, exist_ok=True)
    PLUGIN_CACHE.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text() != text:
        path.write_text(text)
    return path


def uses_mirror(path: Path = CONFIG_PATH) -> bool:
    """Whether the written configuration installs providers from a filesystem mirror."""
    return path.exists() and "filesystem_mirror" in path.read_text()


if __name__ == "__main__":
    print(write(Path(sys.argv[1]) if len(sys.argv) > 1 else CONFIG_PATH))
