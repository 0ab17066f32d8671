"""Global options (--db, --today) and how commands open the journal.

Imports nothing heavy at module level: --help, --version and completion must
not pay for SQLAlchemy.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from netlog.errors import UsageError

if TYPE_CHECKING:
    import sqlite3

    from netlog.db import Journal


class State:
    def __init__(self) -> None:
        self.db: str | None = None
        self.today_text: str | None = None
        # One journal per file for the whole command: a second one would look
        # at the file again while the first holds it (see db.read_header).
        self.journals: dict[str, Journal] = {}
        self.pending: list[str] | None = None  # messages held until the write commits


state = State()


# The largest --limit/--contacts a command takes: beyond it SQLite could not
# bind the number (64-bit), and no journal holds that many rows anyway.
MAX_COUNT = 1_000_000_000


def reset() -> None:
    state.__init__()  # type: ignore[misc]


def say(text: str) -> None:
    """A message for stderr; inside a write, held until the write has committed."""
    if state.pending is not None:
        state.pending.append(text)
    else:
        print(text, file=sys.stderr, flush=True)


def db_path() -> Path:
    from netlog.db import resolve_path

    return resolve_path(state.db)


def today() -> date:
    """--today, else NETLOG_TODAY, else the real date."""
    from netlog.dates import parse_today

    if state.today_text:
        return parse_today(state.today_text, "--today")
    env = os.environ.get("NETLOG_TODAY")
    if env:
        return parse_today(env, "NETLOG_TODAY")
    return date.today()


def open_journal(create: bool) -> Journal:
    """The command's journal, opened on first use; with ``create``, a real file
    even where an earlier read stood in for one that did not exist yet."""
    from netlog.db import open_journal as _open

    path = db_path()
    key = str(path)
    known = state.journals.get(key)
    if known is not None and (known.path is not None or not create):
        return known
    if known is not None:
        known.close()  # the empty stand-in: the file is made now

    def opened(journal: Journal) -> None:
        state.journals[key] = journal

    return _open(path, create=create, opened=opened)


@contextmanager
def writing() -> Iterator[sqlite3.Connection]:
    """One write transaction (BEGIN IMMEDIATE) on the journal, created if need be.

    Confirmations said inside it are printed only once it has committed, so
    nothing is reported as saved that was not.
    """
    with _writing(lambda journal: journal.transaction(write=True)) as conn:
        yield conn


@contextmanager
def _writing(begin):  # type: ignore[no-untyped-def]
    state.pending = []
    journal = open_journal(create=True)
    try:
        with begin(journal) as handle:
            yield handle
        held = state.pending
    except BaseException:
        journal.discard_if_new()
        raise
    finally:
        state.pending = None
    for text in held:
        say(text)


@contextmanager
def reading() -> Iterator[sqlite3.Connection]:
    """A read transaction; a journal that does not exist yet reads as empty."""
    with open_journal(create=False).transaction(write=False) as conn:
        yield conn


def forget_deleted() -> None:
    """Called by commands that delete people (rm, merge) once their write committed."""
    for journal in state.journals.values():
        journal.forget()


def damage() -> str | None:
    """The damaged-journal line, if a journal this command opened is damaged."""
    for journal in state.journals.values():
        found = journal.damage()
        if found:
            return found
    return None


def close_all() -> None:
    """Close every journal (kept in the list: the exit mapping may still look at them)."""
    for journal in state.journals.values():
        journal.close()


def read_text(value: str | None, what: str, edit: bool = False) -> str | None:
    """'-' reads the text from stdin and --edit opens $VISUAL/$EDITOR, so private
    details stay out of shell history."""
    if edit:
        return edit_text("" if value in (None, "-") else value, what)
    if value != "-":
        return value
    if sys.stdin is None or sys.stdin.closed:
        raise UsageError(f"{what}: '-' reads from stdin, but there is no stdin; pipe the text in")
    data = sys.stdin.read().rstrip("\n")
    if not data.strip():
        # An empty pipe is far likelier a mistake than a wish to blank the text.
        raise UsageError(f"{what}: '-' read nothing from stdin; pipe the text in, or pass it as an argument")
    return data


def confirm(question: str, yes: bool, what: str) -> None:
    """Ask on a terminal; without one, --yes is required."""
    if yes:
        return
    if not (sys.stdin and sys.stdin.isatty()):
        raise UsageError(f"{what} needs --yes when there is no terminal to ask on")
    import typer

    if not typer.confirm(question, default=False, err=True):
        raise UsageError(f"{what}: cancelled; nothing was changed")


def edit_text(initial: str, what: str) -> str:
    """Open the user's editor on a private temporary file (0600, removed afterwards)."""
    import shlex
    import subprocess
    import tempfile

    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    folder = tempfile.mkdtemp(prefix="netlog-")  # 0700: nobody else can even list it
    path = os.path.join(folder, "entry.txt")
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(initial)
        try:
            done = subprocess.run([*shlex.split(editor), path])
        except (OSError, ValueError) as e:
            raise UsageError(f"{what}: can't start the editor {editor!r} ({e}); set $VISUAL or $EDITOR") from None
        if done.returncode != 0:
            raise UsageError(f"{what}: the editor exited with {done.returncode}; nothing was saved")
        with open(path, encoding="utf-8") as f:
            return f.read().rstrip("\n")
    finally:
        # The whole folder goes, with whatever the editor left beside the file
        # (backups such as entry.txt~, swap files): they hold the same text.
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
