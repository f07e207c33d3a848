"""Legacy alias kept for the committed deploy workflows: ``python -m generators <command> --env E``
runs ``sesacthon <command> E``. Removed once every generated workflow calls ``sesacthon``."""

import sys

from cli.app import entry_point

arguments = sys.argv[1:]
if "--env" in arguments:
    position = arguments.index("--env")
    value = arguments[position + 1 : position + 2]
    del arguments[position : position + 2]
    arguments[1:1] = value
sys.argv[1:] = arguments
entry_point()
