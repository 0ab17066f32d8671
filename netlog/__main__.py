"""Entry point for the `netlog` script and `python -m netlog`."""

from __future__ import annotations

import os
import _signal as signal  # the C module: signal.py would load enum at start-up
import sys

from netlog import exits


def main() -> None:
    code = 1
    exits.owns_process = True
    try:
        # from here on Ctrl-C is a KeyboardInterrupt, and the exit mapping says
        # whether the change was saved (netlog/__init__.py answered it until now)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        if os.environ.get("_NETLOG_COMPLETE"):
            # Tab completion of names and asks, without loading Typer or SQLAlchemy
            from netlog.complete import main as complete

            complete()
        _utf8_without_locale()
        if not _answer_without_typer(sys.argv[1:]):
            _plain_help_when_piped()
            from netlog.cli import app
            from typer.main import get_command

            get_command(app).main(args=sys.argv[1:], prog_name="netlog")
        code = 0
    except BrokenPipeError:  # netlog --help | head: the reader had enough
        code = 0
        _quiet_stdout()
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except KeyboardInterrupt:  # Ctrl-C while starting up, before the exit mapping ran
        _say(exits.interrupted())
        code = 130
    except OSError as e:  # --help or --version into a full disk
        _say(f"the output could not be written: {e.strerror}")
        code = 1
    finally:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})  # nothing left to interrupt
        for stream in (sys.stdout, sys.stderr):
            try:
                if stream is not None:  # started with it closed
                    stream.flush()
            except (OSError, ValueError):
                if stream is sys.stdout:
                    _quiet_stdout()
    # Everything is flushed and the journal closed: skip the interpreter's
    # slow teardown of SQLAlchemy's modules.
    os._exit(code)


def _say(text: str) -> None:
    try:
        print(f"netlog: {text}", file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass


def _quiet_stdout() -> None:
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _answer_without_typer(argv: list[str]) -> bool:
    """`netlog --version` and `netlog --help` from constants: no Typer, Click
    or Rich to import (netlog/cli/tophelp.py makes the help text and a test
    keeps it equal to what Typer would print)."""
    from netlog import __version__

    if argv == ["--version"]:
        sys.stdout.write(f"netlog {__version__}\n")
        return True
    if argv in (["--help"], ["-h"]):
        from netlog import helptext

        if helptext.VERSION == __version__:  # else the text may be stale: let Typer speak
            sys.stdout.write(helptext.TOP_HELP)
            return True
    return False


def _plain_help_when_piped() -> None:
    """Help and usage text go through Rich only on a terminal: piped or under
    cron, plain text is what a reader wants, and it skips ~60 ms of Rich imports."""
    if "TYPER_USE_RICH" not in os.environ and not _isatty(sys.stdout):
        os.environ["TYPER_USE_RICH"] = "0"  # read once, when typer is imported


def _isatty(stream: object) -> bool:
    try:
        return bool(stream.isatty())  # type: ignore[attr-defined]
    except (AttributeError, ValueError):
        return False


def _utf8_without_locale() -> None:
    """Under cron's bare environment (no locale) names are still written as UTF-8."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", "") or "").lower().replace("-", "").replace("_", "")
        if encoding in ("ascii", "ansix3.41968", "646", "usascii") and hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")


if __name__ == "__main__":
    main()
