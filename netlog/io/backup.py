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
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from netlog.errors import NetlogError, StorageError

BUSY_TIMEOUT_S = 15.0


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
    from netlog.db import reader_uri  # a snapshot in a read-only file or folder: SQLite can't make a -shm there

    con = sqlite3.connect(reader_uri(path), uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    con.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    return con


def _broken_rules(con: sqlite3.Connection, path: Path) -> list[str]:
    """integrity_check of a private copy, for the journal's CHECK rules.

    SQLite leaves out a database's CHECK constraints when it is opened
    read-only (they can't be broken there), and check must not write to the
    journal it is told to keep (a writable connection would checkpoint a
    crashed journal's -wal into it on closing). So the rules are checked on a
    VACUUM INTO copy: in a private folder beside the journal (the same
    privacy as the journal itself), else in the system's temporary folder,
    removed at once."""
    import shutil
    import tempfile

    beside = path.parent if os.access(path.parent, os.W_OK | os.X_OK) else None
    folder = Path(tempfile.mkdtemp(prefix=".netlog-check-", dir=beside))
    try:
        copy_path = folder / "copy.db"
        con.execute("VACUUM INTO ?", (str(copy_path),))
        copy = sqlite3.connect(copy_path, isolation_level=None)
        try:
            return [r[0] for r in copy.execute("PRAGMA integrity_check(20)").fetchall() if r[0] != "ok"]
        finally:
            copy.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _connect(path: Path) -> sqlite3.Connection:
    """A plain connection that only reads: unlike a read-only one, it tidies -wal and -shm on close."""
    con = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    con.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    return con


def backup(journal: Path, target: Path) -> int:
    """Snapshot ``journal`` into the new file ``target``; returns its size in bytes."""
    from netlog.db import check_ownership, inspect_file
    from netlog.io.files import place, private_temp

    if not journal.exists():
        raise NetlogError(f"there is no journal at {journal} yet, so nothing to back up")
    check_ownership(journal, inspect_file(journal))  # refuses files that are not netlog journals
    if target.exists():
        raise NetlogError(f"{target} already exists; choose another name or remove it first")
    with private_temp(target) as (tmp, _fd):
        try:
            con = _connect(journal)
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
        except sqlite3.Error as e:
            raise StorageError(_sqlite_problem(e, journal, target)) from None
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
        return f"the journal {journal} stayed locked for {BUSY_TIMEOUT_S:.0f} s; nothing was written, try again"
    if "full" in text:
        return f"the disk holding {target} is full; nothing was written, free some space and try again"
    if "readonly" in text or "unable to open" in text or "permission" in text:
        return f"can't write the backup {target}; check the directory's permissions"
    return f"the backup of {journal} failed ({text}); nothing was written. Run 'netlog check'"


# --------------------------------------------------------------------------
# check


def _missing_schema(con: sqlite3.Connection) -> list[str]:
    """Tables and columns that the SQLModel classes declare, and the triggers
    that keep the contact days, which the journal lacks. check is a rare
    command: it may pay for importing SQLModel."""
    from sqlmodel import SQLModel

    import netlog.models  # noqa: F401  (declares the tables)
    missing = []
    for table in SQLModel.metadata.sorted_tables:
        have = {row[1] for row in con.execute(f'PRAGMA table_info("{table.name}")')}
        if not have:
            missing.append(f"table {table.name}")
            continue
        missing += [f"{table.name}.{c.name}" for c in table.columns if c.name not in have]
    have = _schema_objects(con)
    for (kind, name), sql in _schema_objects(_migrated()).items():
        if have.get((kind, name)) != sql:
            missing.append(f"{kind} {name}" + (" (not as this netlog makes it)" if (kind, name) in have else ""))
    return missing


def _schema_objects(con: sqlite3.Connection) -> dict[tuple[str, str], str]:
    """(type, name) -> SQL, blanks normalised, of the indexes and triggers."""
    return {
        (kind, name): " ".join(sql.split())
        for kind, name, sql in con.execute("SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') AND sql IS NOT NULL")
    }


def _migrated() -> sqlite3.Connection:
    """An empty journal made by every migration step: the schema as it should be."""
    from netlog.db import migrate

    mem = sqlite3.connect(":memory:", isolation_level=None)
    migrate(mem)
    return mem


def _has_kept_days(con: sqlite3.Connection) -> bool:
    """Schema v4 and later keep each contact's last give and favor received."""
    columns = {row[1] for row in con.execute("PRAGMA table_info(contact)")}
    return {"last_given", "last_received"} <= columns


@dataclass
class Health:
    path: Path
    lines: list[tuple[str, str]] = field(default_factory=list)  # (what, finding) for the report
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check(path: Path) -> Health:
    """SQLite's integrity and foreign-key checks, application id, schema version, and
    the days kept on each contact against the entries they come from. Never writes."""
    from netlog.db import APPLICATION_ID, SCHEMA_VERSION, SQLITE_MAGIC, stale_kept_days

    h = Health(path)
    h.lines.append(("journal", str(path)))
    try:
        with open(path, "rb") as f:
            head = f.read(100)
    except FileNotFoundError:
        h.problems.append(f"there is no journal at {path}")
        return h
    except OSError as e:
        h.problems.append(f"can't read {path}: {e.strerror}")
        return h
    if not head.startswith(SQLITE_MAGIC):
        h.problems.append(f"{path} is not a SQLite database")
        return h
    try:
        con = _connect_ro(path)
    except sqlite3.Error as e:
        h.problems.append(f"can't open {path} ({e})")
        return h
    try:
        app_id = con.execute("PRAGMA application_id").fetchone()[0]
        version = con.execute("PRAGMA user_version").fetchone()[0]
        if app_id == APPLICATION_ID:
            h.lines.append(("application", f"netlog (0x{app_id:08X})"))
        else:
            h.lines.append(("application", f"0x{app_id:08X}, not netlog's 0x{APPLICATION_ID:08X}"))
            h.problems.append("the file is not a netlog journal (wrong application id)")
        h.lines.append(("schema", f"{version} (this netlog: {SCHEMA_VERSION})"))
        if version > SCHEMA_VERSION:
            h.problems.append(f"schema {version} is newer than this netlog knows; upgrade netlog")
        elif version < SCHEMA_VERSION and app_id == APPLICATION_ID:
            h.lines[-1] = ("schema", f"{version} (this netlog: {SCHEMA_VERSION}; the next write upgrades it)")
        integrity = [r[0] for r in con.execute("PRAGMA integrity_check(20)").fetchall()]
        if integrity == ["ok"]:
            integrity = _broken_rules(con, path) or ["ok"]
        if integrity == ["ok"]:
            h.lines.append(("integrity", "ok"))
        else:
            h.lines.append(("integrity", f"{len(integrity)} problem(s): " + "; ".join(integrity[:3])))
            h.problems.append("SQLite's integrity check failed")
        fk = con.execute("PRAGMA foreign_key_check").fetchall()
        if not fk:
            h.lines.append(("foreign keys", "ok"))
        else:
            tables = sorted({str(r[0]) for r in fk})
            h.lines.append(("foreign keys", f"{len(fk)} row(s) point at nothing, in {', '.join(tables)}"))
            h.problems.append("some rows refer to rows that do not exist")
        if integrity == ["ok"] and app_id == APPLICATION_ID and version == SCHEMA_VERSION:
            missing = _missing_schema(con)
            if not missing:
                h.lines.append(("tables", "ok, as netlog/models.py declares them"))
            else:
                h.lines.append(("tables", "missing " + ", ".join(missing[:6]) + (", ..." if len(missing) > 6 else "")))
                h.problems.append("the journal lacks tables, columns or triggers this netlog needs")
        if integrity == ["ok"] and app_id == APPLICATION_ID and _has_kept_days(con):
            stale = stale_kept_days(con)
            if not stale:
                h.lines.append(("kept days", "ok"))
            else:
                h.lines.append(("kept days", f"{len(stale)} contact(s) whose kept last give, last favor or tag cadence disagrees with their entries and tags"))
                h.problems.append("the values kept on some contacts disagree with their entries and tags")
    except sqlite3.DatabaseError as e:
        h.problems.append(f"SQLite can't read the file ({e})")
    finally:
        con.close()
    return h
