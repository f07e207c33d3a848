"""CDKTF app entry point (``cdktf.json`` -> ``app``), used by ``cdktf synth`` and ``cdktf deploy``.

``ENV`` selects the environment(s): a name, a comma-separated list, or ``all`` (the default).
``make synth`` calls ``sesacthon synth`` instead, which synthesizes atomically.
"""

import os
import sys

from platform_spec.loader import SpecError, load_all
from platform_spec.selection import select


def main() -> int:
    """Synthesize the selected environments into the directory the cdktf CLI asks for."""
    try:
        specs = select(os.environ.get("ENV", "all"), load_all())
    except SpecError as error:
        for problem in error.problems:
            print(f"error: {problem}", file=sys.stderr)
        return 2
    from stacks.synth import build_app

    build_app(specs).synth()
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    bindings = sys.modules.get("stacks.aws")
    if bindings is not None:
        bindings.remove_jsii_scratch()  # the jsii runtime copy and kernel directory (see stacks/aws.py)
    os._exit(code)  # skip interpreter teardown of the jsii object graph (~3 s); output is flushed
