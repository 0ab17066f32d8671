"""A consistent snapshot of the journal, and its health check.

SQLite-specific (VACUUM INTO, PRAGMAs on the standard library's sqlite3): this
belongs with ``netlog.db`` and may move there.

``backup`` runs ``VACUUM INTO`` a new private (0600) temporary file beside the
target: VACUUM INTO reads inside one read transaction, so the copy is a
consistent snapshot even while other netlog commands write (WAL lets them go
on), and it rebuilds the file, so the free pages of deleted contacts are not
copied. The copy is checked with ``PRAGMA integrity_check`` before it is
renamed to its name; an existing file is never replaced.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import date
from pathlib import Path

from netlog.errors import NetlogError, StorageError



def default_target(journal: Path, today: date) -> Path:
    """netlog-YYYY-MM-DD.db beside the journal; -2, -3... when that day has one."""
    base = journal.parent / f"netlog-{today.isoformat()}.db"
    n = 1
    target = base
    while target.exists():
        n += 1
        target = base.with_name(f"netlog-{today.isoformat()}-{n}.db")
    return target


def _connect_ro(path: Path) -> sqlite3.Connection:
    # reader_uri: a snapshot in a read-only file or folder, where SQLite can't make a -shm
    from netlog.db import BUSY_TIMEOUT_MS, reader_uri, sqlite_connect

    con = sqlite_connect(reader_uri(path), path, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return con


def backup(journal: Path, target: Path) -> int:
    """Snapshot ``journal`` into the new file ``target``; returns its size in bytes."""
    from netlog.db import check_ownership, inspect_file
    from netlog.io.files import not_the_journal, place, private_temp

    not_the_journal(target, journal)
    if not journal.exists():
        raise NetlogError(f"there is no journal at {journal} yet, so nothing to back up")
    check_ownership(journal, inspect_file(journal))  # refuses files that are not netlog journals
    if target.exists():
        raise NetlogError(f"{target} already exists; choose another name or remove it first")
    with private_temp(target) as (tmp, _fd):
        try:
            # read-only: a plain connection would leave a -wal and -shm the
            # journal's owner can't write beside a journal this user can't
            con = _connect_ro(journal)
            try:
                con.execute("VACUUM INTO ?", (str(tmp),))
            finally:
                con.close()
            copy = sqlite3.connect(tmp, isolation_level=None)
            try:
                verdict = copy.execute("PRAGMA integrity_check").fetchall()
                copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
            finally:
                copy.close()
        except sqlite3.OperationalError as e:
            raise StorageError(_sqlite_problem(e, journal, target)) from None
        except (sqlite3.DatabaseError, UnicodeDecodeError) as e:
            from netlog.db import damaged

            raise damaged(journal, e if isinstance(e, sqlite3.DatabaseError) else "some of its text is not UTF-8") from None
        if verdict != [("ok",)]:
            raise StorageError(f"the copy of {journal} failed its integrity check; nothing was written. Run 'netlog check'")
        os.chmod(tmp, 0o600)
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        size = tmp.stat().st_size
        try:
            place(tmp, target, overwrite=False)
        except OSError as e:
            raise StorageError(f"can't write {target}: {e.strerror}; nothing was written") from None
    return size


def _sqlite_problem(e: sqlite3.Error, journal: Path, target: Path) -> str:
    text = str(e).lower()
    if "locked" in text or "busy" in text:
        from netlog.db import BUSY_TIMEOUT_MS

        return f"the journal {journal} stayed locked for {BUSY_TIMEOUT_MS // 1000} s; nothing was written, try again"
    if "full" in text:
        return f"the disk holding {target} is full; nothing was written, free some space and try again"
    if "readonly" in text or "unable to open" in text or "permission" in text:
        return f"can't write the backup {target}; check the directory's permissions"
    return f"the backup of {journal} failed ({text}); nothing was written. Run 'netlog check'"
