"""netlog: a command-line reciprocity journal."""

import sys as _sys

__version__ = "0.1.0"


def _interrupted_while_starting(signum: int, frame: object) -> None:
    """Ctrl-C before netlog's own code has begun: nothing can have been read or
    written yet, so one line and 130, not a traceback from an import."""
    import os

    os.write(2, b"netlog: interrupted; nothing was saved\n")
    os._exit(130)


# The earliest moment netlog's code runs, as `netlog` or `python -m netlog`
# (a program that only imports netlog keeps Python's own Ctrl-C).
if _sys.argv and (_sys.argv[0] == "-m" or _sys.argv[0].replace("\\", "/").rsplit("/", 1)[-1] == "netlog"):
    import signal as _signal

    _signal.signal(_signal.SIGINT, _interrupted_while_starting)
