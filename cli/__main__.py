"""``python -m cli`` — the same as the ``sesacthon`` console script."""

from cli.app import entry_point

entry_point()
