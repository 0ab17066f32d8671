"""The Typer app, its global options, and the one place every exit goes through."""

from __future__ import annotations

import os
import signal
import sys
from typing import Any, Optional

import typer
from typer.core import TyperGroup

from netlog import __version__, exits
from netlog.cli import state as st
from netlog.errors import EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_USAGE, NetlogError
from netlog.errors import UsageError as NetlogUsage
from netlog.faults import pause


def _is(exc: BaseException, name: str) -> bool:
    """Match click's exceptions by class name: typer may vendor its own click."""
    return any(k.__name__ == name for k in type(exc).__mro__)


def fail(message: str) -> None:
    """Every error the user sees: one line on stderr."""
    try:
        print(f"netlog: {message}", file=sys.stderr, flush=True)
    except (OSError, ValueError, exits.OutputFailed):
        pass  # stderr itself is gone: the exit code still tells


def _usage_line(exc: Any) -> str:
    text = exc.format_message() if hasattr(exc, "format_message") else str(exc)
    text = " ".join(text.split()).rstrip(".")
    ctx = getattr(exc, "ctx", None)
    path = ctx.command_path if ctx is not None else "netlog"
    return f"{text[:1].lower()}{text[1:]}; see '{path} --help'"


class NetlogGroup(TyperGroup):
    """Runs the command and maps every outcome to one exit code and one line."""

    def main(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        kwargs["standalone_mode"] = False
        exits.reset()
        streams = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = exits.Guarded(sys.stdout, "stdout"), exits.Guarded(sys.stderr, "stderr")  # type: ignore[assignment]
        try:
            code = self._run(args, kwargs)
        finally:
            sys.stdout, sys.stderr = streams
        sys.exit(code)

    def _run(self, args: Any, kwargs: Any) -> int:
        code = 0
        try:
            try:
                rv = super().main(*args, **kwargs)
                code = rv if isinstance(rv, int) else 0
                if code == EXIT_INTERRUPTED:
                    fail(exits.interrupted())
                sys.stdout.flush()
            finally:
                if exits.owns_process:
                    # the command is over: a Ctrl-C now would only tell a
                    # half-truth about a journal being closed; let it finish
                    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
                pause("closing")
                st.close_all()
        except NetlogError as e:
            fail(e.message)
            code = e.exit_code
        except KeyboardInterrupt:
            fail(exits.interrupted())
            code = EXIT_INTERRUPTED
        except exits.OutputFailed as e:
            # a closed pipe is the reader's choice (netlog log | head): not an error
            code = _quiet() if e.closed_pipe else _failed_output(e)
        except Exception as e:  # noqa: BLE001 - the last line of defence
            if _is(e, "UsageError"):
                fail(_usage_line(e))
                code = EXIT_USAGE
            elif _is(e, "Abort"):
                fail("cancelled; nothing was changed")
                code = EXIT_FAILURE
            elif _is(e, "ClickException"):
                fail(_usage_line(e))
                code = getattr(e, "exit_code", EXIT_FAILURE)
            else:
                if os.environ.get("NETLOG_DEBUG"):
                    raise
                # A damaged journal, when that is what it is; never the
                # exception's text: it may quote journal data.
                fail(st.damage() or exits.unexpected(type(e).__name__))
                code = EXIT_FAILURE
        finally:
            st.close_all()
            st.reset()
        return code


def _quiet() -> int:
    _silence_stdout()
    return 0


def _failed_output(e: exits.OutputFailed) -> int:
    if e.stream == "stdout":
        _silence_stdout()
    fail(exits.output_failed(e))
    return EXIT_FAILURE


def _silence_stdout() -> None:
    """What is left in stdout's buffer goes nowhere: its final flush can't fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def _version(value: bool) -> None:
    if value:
        print(f"netlog {__version__}")
        raise typer.Exit()


app = typer.Typer(
    cls=NetlogGroup,
    name="netlog",
    help=(
        "A reciprocity journal for people who give first.\n\n"
        "Record favors you give and receive, the asks you make and what came of them; "
        "see which relationships you haven't fed lately.\n\n"
        "Try: netlog add \"Priya Raman\" --tag work, then netlog give pri \"intro to Sam\"."
    ),
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    db: Optional[str] = typer.Option(
        None, "--db", metavar="PATH", help="Journal file to use (else $NETLOG_DB, else $XDG_DATA_HOME/netlog/netlog.db)."
    ),
    today: Optional[str] = typer.Option(
        None, "--today", metavar="YYYY-MM-DD", help="Pretend today is this date (also $NETLOG_TODAY), for reproducible reports."
    ),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version and exit."),
) -> None:
    if db is not None and not db.strip():
        raise NetlogUsage("--db: the path is empty; give the journal file's path, or leave --db out for the default")
    st.state.db = db
    st.state.today_text = today
    st.today()  # a bad --today or NETLOG_TODAY fails here, before any work
    if ctx.invoked_subcommand is None:
        from netlog.cli.home import home

        home()
