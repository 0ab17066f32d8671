"""netlog: a command-line reciprocity journal."""

import _signal  # the C module: no Python code runs while the handler goes in
import sys as _sys


def _interrupted_while_starting(signum, frame):  # type: ignore[no-untyped-def]
    """Ctrl-C before netlog's own code has begun: nothing can have been read or
    written yet, so one line and 130, not a traceback from an import."""
    import os

    os.write(2, b"netlog: interrupted; nothing was saved\n")
    os._exit(130)


# The earliest moment netlog's code runs, as `netlog` or `python -m netlog`
# (a program that only imports netlog keeps Python's own Ctrl-C).
if _sys.argv and (_sys.argv[0] == "-m" or _sys.argv[0].replace("\\", "/").rsplit("/", 1)[-1] == "netlog"):
    _signal.signal(_signal.SIGINT, _interrupted_while_starting)  # EARLY HANDLER

__version__ = "0.1.0"
