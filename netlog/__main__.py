"""Entry point for the `netlog` script and `python -m netlog`."""

from __future__ import annotations

import os
import sys


def main() -> None:
    if os.environ.get("_NETLOG_COMPLETE"):
        # Tab completion of names and asks, without loading Typer or SQLAlchemy
        from netlog.complete import main as complete

        complete()
    code = 1
    try:
        from netlog.cli import app
        from typer.main import get_command

        get_command(app).main(args=sys.argv[1:], prog_name="netlog")
        code = 0
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except KeyboardInterrupt:  # Ctrl-C while starting up, before any command ran
        print("netlog: interrupted; nothing was saved", file=sys.stderr)
        code = 130
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except (BrokenPipeError, ValueError):
            pass
    # Everything is flushed and the journal closed: skip the interpreter's
    # slow teardown of SQLAlchemy's modules.
    os._exit(code)


if __name__ == "__main__":
    main()
