"""Entry point: ``python -m generators``.

Exits with ``os._exit`` after flushing: tearing down the jsii object graph at interpreter
shutdown costs seconds after a synth and does nothing useful (every file is already closed).
"""

import os
import sys

from generators.cli import main

code = main()
sys.stdout.flush()
sys.stderr.flush()
os._exit(code)
