"""The journal file: where it lives, how it is opened, kept safe and upgraded.

Everything SQLite-specific lives here (pragmas, BEGIN IMMEDIATE, user_version,
application_id, julianday), so that the rest of netlog speaks plain SQL.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from netlog import exits
from netlog.errors import JournalRefused, NetlogError, StorageError
from netlog.faults import pause


APPLICATION_ID = 0x4E544C47  # "NTLG"
BUSY_TIMEOUT_MS = 10_000  # writers queue this long for each other before giving up
SQLITE_MAGIC = b"SQLite format 3\x00"


# --------------------------------------------------------------------------
# Where the journal lives


def default_path(env: dict[str, str] | None = None) -> Path:
    """$XDG_DATA_HOME/netlog/netlog.db, else ~/.local/share/netlog/netlog.db."""
    env = os.environ if env is None else env
    xdg = env.get("XDG_DATA_HOME", "")
    if xdg and os.path.isabs(xdg):
        return Path(xdg) / "netlog" / "netlog.db"
    home = env.get("HOME") or os.path.expanduser("~")
    return Path(home) / ".local" / "share" / "netlog" / "netlog.db"


def resolve_path(cli_db: str | None, env: dict[str, str] | None = None) -> Path:
    """--db wins over NETLOG_DB, which wins over the default."""
    env = os.environ if env is None else env
    chosen = cli_db or env.get("NETLOG_DB") or None
    return Path(chosen).expanduser() if chosen else default_path(env)


# --------------------------------------------------------------------------
# Migrations: an ordered list of steps; the version is PRAGMA user_version.
# A step never changes once released: add a new one instead.


def _v1_initial(conn: sqlite3.Connection) -> None:
    for sql in V1_SCHEMA:
        conn.execute(sql)


V1_SCHEMA = [
    """CREATE TABLE contact (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL CHECK (length(trim(name)) > 0),
        name_key TEXT NOT NULL UNIQUE CHECK (length(name_key) > 0),
        email TEXT, phone TEXT, company TEXT, title TEXT, url TEXT,
        met TEXT, note TEXT, birthday TEXT,
        every_days INTEGER CHECK (every_days IS NULL OR every_days > 0),
        added_on DATE NOT NULL,
        archived BOOLEAN NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
        snoozed_until DATE
    )""",
    """CREATE TABLE tag (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL CHECK (length(trim(name)) > 0),
        name_key TEXT NOT NULL UNIQUE,
        every_days INTEGER CHECK (every_days IS NULL OR every_days > 0)
    )""",
    """CREATE TABLE contact_tag (
        contact_id INTEGER NOT NULL REFERENCES contact(id) ON DELETE CASCADE,
        tag_id INTEGER NOT NULL REFERENCES tag(id) ON DELETE CASCADE,
        PRIMARY KEY (contact_id, tag_id)
    )""",
    "CREATE INDEX ix_contact_tag_tag ON contact_tag (tag_id, contact_id)",
    """CREATE TABLE entry (
        id INTEGER PRIMARY KEY,
        contact_id INTEGER NOT NULL REFERENCES contact(id) ON DELETE CASCADE,
        type TEXT NOT NULL CHECK (type IN ('give', 'got', 'ask', 'note')),
        kind TEXT CHECK (kind IS NULL OR (type IN ('give', 'got') AND kind IN
            ('intro', 'referral', 'advice', 'info', 'help', 'endorsement', 'gift', 'other'))),
        what TEXT NOT NULL CHECK (length(trim(what)) > 0),
        day DATE NOT NULL,
        other_id INTEGER REFERENCES contact(id) ON DELETE SET NULL
            CHECK (other_id IS NULL OR (type = 'give' AND other_id != contact_id)),
        outcome TEXT CHECK (outcome IS NULL OR (type = 'ask' AND outcome IN ('helped', 'declined', 'ignored'))),
        resolved_on DATE CHECK (resolved_on IS NULL OR outcome IS NOT NULL),
        follow_up DATE CHECK (follow_up IS NULL OR type = 'ask'),
        followed_up_on DATE,
        followups INTEGER NOT NULL DEFAULT 0 CHECK (followups >= 0),
        created_at TEXT NOT NULL
    )""",
    # Covering indexes: the reports seek per contact, they never scan history.
    "CREATE INDEX ix_entry_contact ON entry (contact_id, type, day)",
    "CREATE INDEX ix_entry_other ON entry (other_id, day) WHERE other_id IS NOT NULL",
    "CREATE INDEX ix_entry_day ON entry (day, type)",
    "CREATE INDEX ix_entry_open_ask ON entry (follow_up) WHERE type = 'ask' AND outcome IS NULL",
    """CREATE TABLE setting (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )""",
    """CREATE TABLE undo_step (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        summary TEXT NOT NULL,
        ops TEXT NOT NULL
    )""",
]

def _v2_reported(conn: sqlite3.Connection) -> None:
    """What `remind --new-only` has already reported, and in which state."""
    conn.execute(
        """CREATE TABLE reported (
            item TEXT PRIMARY KEY,
            state TEXT NOT NULL,
            first_on DATE NOT NULL,
            last_on DATE NOT NULL
        )"""
    )


def _v3_helped_index(conn: sqlite3.Connection) -> None:
    """Asks someone helped with are favors received: owe and stats seek them per
    contact and by date instead of reading every ask."""
    conn.execute(
        "CREATE INDEX ix_entry_helped ON entry (contact_id, resolved_on) WHERE type = 'ask' AND outcome = 'helped'"
    )


# The last day you fed a contact (your latest give to them, or the latest
# introduction that named them), and the last day they did you a favor (a
# 'got', or an ask they helped with, dated by when it was resolved). Frozen
# with v4: triggers on entry keep both exact.
LAST_GIVEN_OF_CONTACT = (
    "(SELECT max(d) FROM (SELECT max(g.day) AS d FROM entry AS g WHERE g.contact_id = contact.id AND g.type = 'give'"
    " UNION ALL SELECT max(i.day) FROM entry AS i WHERE i.other_id = contact.id))"
)
LAST_RECEIVED_OF_CONTACT = (
    "(SELECT max(d) FROM (SELECT max(g.day) AS d FROM entry AS g WHERE g.contact_id = contact.id AND g.type = 'got'"
    " UNION ALL SELECT max(h.resolved_on) FROM entry AS h WHERE h.contact_id = contact.id AND h.type = 'ask' AND h.outcome = 'helped'))"
)
V4_SCHEMA = [
    "ALTER TABLE contact ADD COLUMN last_given DATE",
    "ALTER TABLE contact ADD COLUMN last_received DATE",
    f"UPDATE contact SET last_given = {LAST_GIVEN_OF_CONTACT}, last_received = {LAST_RECEIVED_OF_CONTACT}",
    """CREATE TRIGGER fed_on_insert AFTER INSERT ON entry WHEN NEW.type = 'give' BEGIN
        UPDATE contact SET last_given = NEW.day
        WHERE id IN (NEW.contact_id, NEW.other_id) AND (last_given IS NULL OR last_given < NEW.day);
    END""",
    """CREATE TRIGGER received_on_insert AFTER INSERT ON entry
    WHEN NEW.type = 'got' OR (NEW.type = 'ask' AND NEW.outcome = 'helped' AND NEW.resolved_on IS NOT NULL) BEGIN
        UPDATE contact SET last_received = CASE NEW.type WHEN 'got' THEN NEW.day ELSE NEW.resolved_on END
        WHERE id = NEW.contact_id
        AND (last_received IS NULL OR last_received < CASE NEW.type WHEN 'got' THEN NEW.day ELSE NEW.resolved_on END);
    END""",
    f"""CREATE TRIGGER kept_on_delete AFTER DELETE ON entry WHEN OLD.type != 'note' BEGIN
        UPDATE contact SET last_given = {LAST_GIVEN_OF_CONTACT}, last_received = {LAST_RECEIVED_OF_CONTACT}
        WHERE id IN (OLD.contact_id, OLD.other_id);
    END""",
    f"""CREATE TRIGGER kept_on_update AFTER UPDATE OF type, day, contact_id, other_id, outcome, resolved_on ON entry
    WHEN OLD.type != 'note' OR NEW.type != 'note' BEGIN
        UPDATE contact SET last_given = {LAST_GIVEN_OF_CONTACT}, last_received = {LAST_RECEIVED_OF_CONTACT}
        WHERE id IN (OLD.contact_id, OLD.other_id, NEW.contact_id, NEW.other_id);
    END""",
]


# The shortest cadence among a contact's tags (None: no tag has one). Frozen
# with v5: triggers on contact_tag and tag keep it exact.
TAG_EVERY_OF_CONTACT = (
    "(SELECT min(t.every_days) FROM contact_tag AS ct JOIN tag AS t ON t.id = ct.tag_id WHERE ct.contact_id = contact.id)"
)
V5_SCHEMA = [
    "ALTER TABLE contact ADD COLUMN tag_every INTEGER",
    f"UPDATE contact SET tag_every = {TAG_EVERY_OF_CONTACT}",
    f"""CREATE TRIGGER tag_every_on_insert AFTER INSERT ON contact_tag BEGIN
        UPDATE contact SET tag_every = {TAG_EVERY_OF_CONTACT} WHERE id = NEW.contact_id;
    END""",
    f"""CREATE TRIGGER tag_every_on_delete AFTER DELETE ON contact_tag BEGIN
        UPDATE contact SET tag_every = {TAG_EVERY_OF_CONTACT} WHERE id = OLD.contact_id;
    END""",
    f"""CREATE TRIGGER tag_every_on_update AFTER UPDATE ON contact_tag BEGIN
        UPDATE contact SET tag_every = {TAG_EVERY_OF_CONTACT} WHERE id IN (OLD.contact_id, NEW.contact_id);
    END""",
    f"""CREATE TRIGGER tag_every_on_cadence AFTER UPDATE OF every_days ON tag BEGIN
        UPDATE contact SET tag_every = {TAG_EVERY_OF_CONTACT}
        WHERE id IN (SELECT contact_id FROM contact_tag WHERE tag_id = NEW.id);
    END""",
    # open asks: the index answers what remind and the dashboard count (state,
    # contact) without reading a row, and gives the first few in follow-up order
    "DROP INDEX IF EXISTS ix_entry_open_ask",
    "CREATE INDEX ix_entry_open_ask ON entry (follow_up, followups, contact_id) WHERE type = 'ask' AND outcome IS NULL",
]


def _v5_tag_every(conn: sqlite3.Connection) -> None:
    """Each contact's tag cadence kept in its row (hungry read it with a seek
    per contact), and open asks indexed with their follow-up count and
    contact: hungry, the dashboard and remind cost less per contact."""
    for sql in V5_SCHEMA:
        conn.execute(sql)


def _v4_last_given(conn: sqlite3.Connection) -> None:
    """Each contact's last give and last favor received, kept in the contact
    row by triggers on entry, so hungry, the dashboard, owe and remind read the
    contact table instead of seeking indexes per contact: flat however long
    the history."""
    for sql in V4_SCHEMA:
        conn.execute(sql)


# Each kept column of the contact row and the SQL it is kept equal to.
KEPT_COLUMNS = {"last_given": LAST_GIVEN_OF_CONTACT, "last_received": LAST_RECEIVED_OF_CONTACT, "tag_every": TAG_EVERY_OF_CONTACT}


def refresh_kept_days(conn: sqlite3.Connection) -> None:
    """Recompute every contact's kept values (after a bulk load made without
    the triggers)."""
    conn.execute("UPDATE contact SET " + ", ".join(f"{column} = {expr}" for column, expr in KEPT_COLUMNS.items()))


def stale_kept_days(conn: sqlite3.Connection) -> list[int]:
    """Contacts whose kept values disagree with their entries and tags (for
    check and tests), for the kept columns the journal's schema has (v4: the
    days, v5: the tag cadence; an older journal has none to disagree)."""
    have = {row[1] for row in conn.execute("PRAGMA table_info(contact)")}
    tests = [f"{column} IS NOT {expr}" for column, expr in KEPT_COLUMNS.items() if column in have]
    if not tests:
        return []
    return [r[0] for r in conn.execute(f"SELECT id FROM contact WHERE {' OR '.join(tests)}")]


# Ids are never given twice: a contact's or an entry's id, once printed (by
# ask, in a mailed digest), must not later name somebody else's. SQLite gives
# a deleted top id again unless the table says AUTOINCREMENT, which only a
# rebuild can add: each table is made anew and its rows copied, with foreign
# keys off for the step (Journal.migrate), then every index and trigger put
# back as they were. Frozen with v6. The entry type 'catchup' is allowed from
# here, so that catch-ups need no second rebuild of the entry table.
V6_TABLES = {
    "contact": """CREATE TABLE new_contact (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL CHECK (length(trim(name)) > 0),
        name_key TEXT NOT NULL UNIQUE CHECK (length(name_key) > 0),
        email TEXT, phone TEXT, company TEXT, title TEXT, url TEXT,
        met TEXT, note TEXT, birthday TEXT,
        every_days INTEGER CHECK (every_days IS NULL OR every_days > 0),
        added_on DATE NOT NULL,
        archived BOOLEAN NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
        snoozed_until DATE,
        last_given DATE,
        last_received DATE,
        tag_every INTEGER
    )""",
    "entry": """CREATE TABLE new_entry (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        contact_id INTEGER NOT NULL REFERENCES contact(id) ON DELETE CASCADE,
        type TEXT NOT NULL CHECK (type IN ('give', 'got', 'ask', 'note', 'catchup')),
        kind TEXT CHECK (kind IS NULL OR (type IN ('give', 'got') AND kind IN
            ('intro', 'referral', 'advice', 'info', 'help', 'endorsement', 'gift', 'other'))),
        what TEXT NOT NULL CHECK (length(trim(what)) > 0),
        day DATE NOT NULL,
        other_id INTEGER REFERENCES contact(id) ON DELETE SET NULL
            CHECK (other_id IS NULL OR (type = 'give' AND other_id != contact_id)),
        outcome TEXT CHECK (outcome IS NULL OR (type = 'ask' AND outcome IN ('helped', 'declined', 'ignored'))),
        resolved_on DATE CHECK (resolved_on IS NULL OR outcome IS NOT NULL),
        follow_up DATE CHECK (follow_up IS NULL OR type = 'ask'),
        followed_up_on DATE,
        followups INTEGER NOT NULL DEFAULT 0 CHECK (followups >= 0),
        created_at TEXT NOT NULL
    )""",
}
V6_COLUMNS = {
    "contact": "id, name, name_key, email, phone, company, title, url, met, note, birthday, every_days, added_on,"
    " archived, snoozed_until, last_given, last_received, tag_every",
    "entry": "id, contact_id, type, kind, what, day, other_id, outcome, resolved_on, follow_up, followed_up_on,"
    " followups, created_at",
}


def _v6_ids_never_reused(conn: sqlite3.Connection) -> None:
    """contact and entry rebuilt with AUTOINCREMENT (see V6_TABLES)."""
    kept = conn.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY rowid"
    ).fetchall()
    for kind, name, _sql in kept:
        if kind == "trigger":  # their bodies name contact: none may stand while it is rebuilt
            conn.execute(f'DROP TRIGGER "{name}"')
    for table, create in V6_TABLES.items():
        conn.execute(create)
        columns = V6_COLUMNS[table]
        conn.execute(f"INSERT INTO new_{table} ({columns}) SELECT {columns} FROM {table} ORDER BY id")
        conn.execute(f"DROP TABLE {table}")
        conn.execute(f"ALTER TABLE new_{table} RENAME TO {table}")
    for kind, name, sql in kept:
        if kind == "trigger" or not conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?", (name,)).fetchone():
            conn.execute(sql)
    # An id given before this step may be gone from its table yet still named:
    # by an undo step (an entry undone, a contact --new made), by a digest's
    # memory. The count starts past those too; an id nothing names was never
    # seen again by anyone, and the table's top id is as far as SQLite knows.
    import json

    named = {"contact": 0, "entry": 0}
    for (ops,) in conn.execute("SELECT ops FROM undo_step"):
        try:
            for op in json.loads(ops):
                table = "contact" if op.get("op") == "delete_contact" else "entry"
                if isinstance(op.get("id"), int):
                    named[table] = max(named[table], op["id"])
        except (ValueError, AttributeError, TypeError):
            continue
    for (item,) in conn.execute("SELECT item FROM reported"):
        kind, _, number = str(item).partition(":")
        if number.isascii() and number.isdigit() and len(number) < 19:
            table = "entry" if kind == "ask" else "contact"
            named[table] = max(named[table], int(number))
    for table, top in named.items():
        raise_next_id(conn, table, top)


Migration = Callable[[sqlite3.Connection], None]
MIGRATIONS: list[Migration] = [_v1_initial, _v2_reported, _v3_helped_index, _v4_last_given, _v5_tag_every, _v6_ids_never_reused]
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(conn: sqlite3.Connection, steps: list[Migration] | None = None) -> int:
    """Bring the schema up to date inside the caller's (immediate) transaction.

    Reads the version inside the transaction, so two processes opening an old
    journal at once upgrade it once: the second sees the new version.
    """
    steps = MIGRATIONS if steps is None else steps
    version = conn.execute("PRAGMA user_version").fetchone()[0] or 0
    if version < 0:
        raise JournalRefused(f"this journal's header says schema {version}, which no netlog ever wrote: it is damaged; run 'netlog check'")
    if version > len(steps):
        raise JournalRefused(
            f"this journal has schema version {version}, newer than this netlog knows ({len(steps)}); "
            "upgrade netlog to use it"
        )
    for number, step in enumerate(steps[version:], start=version + 1):
        step(conn)
        conn.execute(f"PRAGMA user_version = {int(number)}")
    if version < len(steps):
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    return len(steps)


# --------------------------------------------------------------------------
# Checking a file before we touch it


def _has_pending_wal(path: Path) -> bool:
    """A -wal file with frames in it: changes that may not be in the main file yet."""
    try:
        return os.path.getsize(f"{path}-wal") > 0
    except OSError:
        return False


def snapshot_uri(path: Path) -> str:
    """A URI that reads ``path`` without writing anything, not even a -wal or -shm.

    With no -wal frames the main file holds the whole journal, so it is opened
    immutable: SQLite then takes no locks and creates no -shm, which it must
    otherwise do even to read a WAL journal (and can't in a read-only folder,
    and would leave behind, unreadable by the next writer, beside a read-only
    file). The price: a writer that starts and checkpoints while this reads
    would not be noticed, so netlog uses it only where it can't write itself
    (inspecting a file before it is accepted, a read-only file or folder).
    With -wal frames, a plain read-only open sees them through the -shm that is
    already there.
    """
    uri = path.resolve().as_uri()
    return f"{uri}?mode=ro" if _has_pending_wal(path) else f"{uri}?mode=ro&immutable=1"


def reader_uri(path: Path) -> str:
    """A URI for a process that only reads the journal (netlog check): a snapshot
    where this process can't write (a read-only file or folder), else a plain
    read-only open that sees other processes' writes as they commit."""
    return snapshot_uri(path) if read_only_failure(path) else f"{path.resolve().as_uri()}?mode=ro"


def _describe(conn: sqlite3.Connection) -> tuple[int, int, int]:
    """(application_id, user_version, count of schema objects) of an open database."""
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    objects = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    return app_id, version, objects


# --------------------------------------------------------------------------
# File descriptors
#
# Closing any descriptor on a file drops every POSIX lock the process holds on
# it, those SQLite keeps for its own open connections included (SQLite's "How
# To Corrupt An SQLite Database File", 2.2): another process would then take
# itself for the journal's last user, checkpoint and delete the -wal this one
# still writes in. SQLite guards its own descriptors against this; netlog's
# code must never open one of its own on a journal a connection holds. So
# every connection is counted here while open, and the only place netlog reads
# a journal's bytes itself (the header, in inspect_file) looks there first.


class _Counted(sqlite3.Connection):
    """A connection that is counted in _held while it is open."""

    held: tuple[int, int] | None = None

    def close(self) -> None:
        key, self.held = self.held, None
        super().close()
        if key is not None:
            _held[key] -= 1
            if not _held[key]:
                del _held[key]


_held: dict[tuple[int, int], int] = {}  # (device, inode) -> connections open in this process


def _file_key(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def sqlite_connect(target: str, path: Path | None, **options: object) -> sqlite3.Connection:
    """sqlite3.connect, counting the connection against ``path``'s file."""
    conn = sqlite3.connect(target, factory=_Counted, **options)  # type: ignore[arg-type]
    key = _file_key(path) if path is not None else None
    if key is not None:
        _held[key] = _held.get(key, 0) + 1
        conn.held = key  # type: ignore[attr-defined]
    return conn


def held(path: Path) -> bool:
    """Whether a connection of this process has the file at ``path`` open."""
    key = _file_key(path)
    return key is not None and key in _held


def read_header(path: Path) -> bytes | None:
    """The first 100 bytes of the file at ``path``; None when there is no such
    file. Refuses what can't be a journal: a directory, a device, a pipe, a
    dangling link. It opens no descriptor on a file a connection of this
    process holds (that file is a database already: SQLite's magic stands in)."""
    try:
        st = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        if os.path.islink(path):
            raise JournalRefused(
                f"{path} is a link to {os.readlink(path)}, which does not exist; "
                "point --db at the journal itself, or create the folder the link points into"
            ) from None
        return None  # no such file (yet): creating it says why it can't be
    except PermissionError:
        raise StorageError(f"can't read {path}: permission denied on a folder above it; check the folders' modes") from None
    except OSError as e:  # a loop of links, a name too long
        raise JournalRefused(f"can't use {path}: {e.strerror}; give another path with --db") from None
    if stat.S_ISDIR(st.st_mode):
        raise JournalRefused(f"{path} is a directory, not a journal; give a file path with --db")
    if not stat.S_ISREG(st.st_mode):
        raise JournalRefused(f"{path} is not a regular file (a device, a pipe or a socket), so not a journal; give a file path with --db")
    if (st.st_dev, st.st_ino) in _held:
        return SQLITE_MAGIC
    try:
        # non-blocking: if the file was swapped for a pipe since, open must not hang
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    except PermissionError:
        raise StorageError(f"can't read {path}: permission denied; check the file's owner and mode (ls -l {path})") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise JournalRefused(f"{path} is not a regular file (a device, a pipe or a socket), so not a journal; give a file path with --db")
        return os.read(fd, 100)
    finally:
        os.close(fd)


def inspect_file(path: Path) -> tuple[int, int, int] | None:
    """(application_id, user_version, schema object count) of an existing file.

    None for a file that does not exist or is empty (a new journal). Raises
    JournalRefused for anything that is not SQLite. Never writes to the file and
    creates nothing beside it, so a refused file is left exactly as it was.
    """
    head = read_header(path)
    if not head:
        return None
    if not head.startswith(SQLITE_MAGIC):
        raise JournalRefused(f"{path} is not a SQLite database, so not a netlog journal; choose another file with --db")
    if len(head) >= 72 and int.from_bytes(head[68:72], "big", signed=True) == APPLICATION_ID:
        version = int.from_bytes(head[60:64], "big", signed=True)
        if version >= SCHEMA_VERSION:
            return APPLICATION_ID, version, 1  # netlog's, and current: its header says all
        # an upgrade is due: the tables are looked at through a connection that
        # takes SQLite's locks (another netlog may be writing right now; the
        # header in the file may lag behind its -wal), and that may roll back
        # what a crash left in an old rollback journal, as the upgrade will
        uri = snapshot_uri(path) if read_only_failure(path) else path.resolve().as_uri()
    else:
        # not (yet) netlog's: looked at without writing anything beside it
        uri = snapshot_uri(path)
    try:
        ro = sqlite_connect(uri, path, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            info = _describe(ro)
            if info[0] == APPLICATION_ID and info[1] < SCHEMA_VERSION:
                _header_matches_tables(ro, path, info[1])
            return info
        finally:
            ro.close()
    except sqlite3.DatabaseError as e:
        raise damaged(path, e) from None
    except UnicodeDecodeError:
        raise damaged(path, "its schema holds text that is not UTF-8") from None


def _header_matches_tables(conn: sqlite3.Connection, path: Path, version: int) -> None:
    """Before an upgrade runs the steps after ``version``: the tables must be
    those of ``version``, or the header's version bytes are damaged (the steps
    would fail half-way, or worse, run twice)."""
    from netlog.io.check import schema_problems

    found = schema_problems(conn, version)
    if found:
        raise damaged(path, found[0])


def damaged(path: Path, e: Exception | str) -> JournalRefused:
    """A file that says it is SQLite but can't be read as one."""
    why = e if isinstance(e, str) else f"SQLite can't read it ({e})"
    return JournalRefused(
        f"{path} is damaged: {why}; nothing was changed. "
        f"Keep the file, run 'netlog --db {path} check', and restore your latest backup"
    )


def check_ownership(path: Path, info: tuple[int, int, int] | None) -> bool:
    """Refuse files that are not ours; True when the schema needs upgrading.

    netlog takes over only a file with nothing in it: no application id, no
    user_version and no tables. Any mark another program could have left (its
    own application id, a user_version, a table) means the file is not ours.
    """
    if info is None:
        return True
    app_id, version, objects = info
    if app_id == APPLICATION_ID:
        if version > SCHEMA_VERSION:
            raise JournalRefused(
                f"{path} was written by a newer netlog (schema {version}, this one knows {SCHEMA_VERSION}); "
                "upgrade netlog to open it, or choose another file with --db"
            )
        return version < SCHEMA_VERSION
    if app_id != 0 or version != 0 or objects > 0:
        raise JournalRefused(
            f"{path} is a SQLite database of another program, not a netlog journal; choose another file with --db"
        )
    return True


def read_only_failure(path: Path, doing: str = "", outcome: str = "nothing was saved") -> str | None:
    """The one line for a write this process can't make to the existing journal
    at ``path`` because the file or its folder is read-only; None if it can.

    SQLite writes beside the journal (its -wal and -shm files), so the folder
    must be writable as well as the file.
    """
    doing = doing or f"write to the journal {path}"
    if not os.access(path, os.W_OK):
        return (
            f"can't {doing}: the file is read-only; {outcome}. "
            f"Make it writable (chmod u+w {path}), or copy it elsewhere and use --db"
        )
    if not os.access(path.parent, os.W_OK | os.X_OK):
        return (
            f"can't {doing}: its folder {path.parent} is read-only, and netlog writes beside the journal; {outcome}. "
            f"Make the folder writable (chmod u+w {path.parent}), or copy the journal elsewhere and use --db"
        )
    for side in (Path(f"{path}-wal"), Path(f"{path}-shm")):
        # left by a reader while the journal was read-only: SQLite can't write
        # through them. Other processes delete and make them at any moment
        # (their last connection closing, the next opening): one stat says
        # whether and how one is there, where two calls could see two files.
        if not _writable_if_there(side):
            return (
                f"can't {doing}: {side} beside it is read-only; {outcome}. "
                f"Make it writable (chmod u+w {side}), or remove it while no netlog runs"
            )
    return None


def _writable_if_there(path: Path) -> bool:
    """False only for a file that is there and that this process may not write."""
    try:
        st = os.stat(path)
    except OSError:
        return True
    uid = os.geteuid()
    if uid == 0:
        return True
    if st.st_uid == uid:
        return bool(st.st_mode & stat.S_IWUSR)
    if st.st_gid in (os.getegid(), *os.getgroups()):
        return bool(st.st_mode & stat.S_IWGRP)
    return bool(st.st_mode & stat.S_IWOTH)


def _create_private(path: Path) -> list[Path] | None:
    """Make the directory (0700) and an empty file (0600), whatever the umask.

    Returns the directories it made, outermost first; None when another
    process made the file first (then it is theirs: a failure here must not
    remove it).
    """
    made = []
    parent = path.parent
    missing = [p for p in [parent, *parent.parents] if not p.exists()]
    for d in reversed(missing):
        try:
            d.mkdir(mode=0o700)
            os.chmod(d, 0o700)
            made.append(d)
        except FileExistsError:
            pass
        except OSError as e:
            raise StorageError(f"can't create {d}: {e.strerror}; choose another place with --db") from None
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
    except FileExistsError:
        return None
    except OSError as e:
        raise StorageError(f"can't create {path}: {e.strerror}; choose another place with --db") from None
    _tighten(path)
    return made


def _tighten(path: Path) -> None:
    """Journal, -wal and -shm readable by their owner only."""
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            if stat.S_IMODE(p.stat().st_mode) != 0o600:
                os.chmod(p, 0o600)
        except OSError:
            pass


# --------------------------------------------------------------------------
# Connections and transactions
#
# Commands talk to the journal through the standard library's sqlite3:
# importing SQLAlchemy and SQLModel costs more than a whole `netlog give` may
# take. models.py declares the same tables as SQLModel classes; `netlog check`
# holds a journal against them.


def connect(path: Path | None, *, snapshot: bool = False) -> sqlite3.Connection:
    """A connection with netlog's pragmas; None is an empty journal in memory.

    ``snapshot`` reads the file without writing anything (see snapshot_uri).
    Otherwise the file is checked again on this very connection before it is
    switched to WAL, the first thing that writes: a file that changed since
    open_journal inspected it is refused untouched all the same.
    """
    target, uri = (snapshot_uri(path), True) if snapshot and path else (str(path) if path else ":memory:", False)
    conn = sqlite_connect(
        target,
        path,
        uri=uri,
        timeout=BUSY_TIMEOUT_MS / 1000,
        isolation_level=None,  # we say BEGIN ourselves, see Journal.transaction
    )
    try:
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if path is not None and not snapshot:
            check_ownership(path, _describe(conn))
            _use_wal(conn)
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA secure_delete = ON")  # deleted text is overwritten, not left in free pages
        conn.execute("PRAGMA synchronous = NORMAL")  # WAL + NORMAL: durable across crashes of the process
    except BaseException:
        conn.close()
        raise
    return conn


def _use_wal(conn: sqlite3.Connection) -> None:
    """Switch the journal to WAL (a no-op once it is). On an older journal still in
    rollback mode SQLite answers "locked" at once, without waiting on
    busy_timeout, while another process writes (say, upgrading it): so wait here,
    as long as busy_timeout would."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as e:
            if "locked" not in str(e).lower() or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _translate(e: Exception, where: Path | None) -> StorageError:
    path = f"the journal {where}" if where else "the journal"
    text = str(getattr(e, "orig", e)).lower()
    if "locked" in text or "busy" in text:
        return StorageError(
            f"{path} stayed locked by another process for {BUSY_TIMEOUT_MS // 1000} s; nothing was saved. "
            "Try again once the other netlog command (an import, a cron job), or the program that has the journal open, has finished"
        )
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        found = read_only_failure(where) if where and where.exists() else None
        return StorageError(found or f"can't write to {path} (read-only file or folder); nothing was saved. Check the permissions of the file and its folder")
    if "full" in text or "disk i/o" in text:
        return StorageError(f"the disk holding {path} is full or failing; nothing was saved. Free some space and try again")
    return StorageError(f"{path} could not be used ({text}); nothing was saved. Run 'netlog check'")


def _storage_failure(e: BaseException, where: Path | None) -> NetlogError | None:
    """The one line for what SQLite (or a row it gave back) said went wrong;
    None for what is netlog's own bug."""
    if isinstance(e, sqlite3.OperationalError):
        return _translate(e, where)
    if isinstance(e, sqlite3.IntegrityError):
        rule = str(e).split("\n")[0]  # names columns and rules, never a row's text
        return StorageError(
            f"the journal refused the change: it breaks a rule of the journal ({rule}); nothing was saved. "
            "Run 'netlog check': if it finds nothing, report this"
        )
    if isinstance(e, sqlite3.DatabaseError) and not isinstance(e, sqlite3.ProgrammingError):
        return damaged(where or Path("the journal"), e)
    if isinstance(e, UnicodeDecodeError):
        return damaged(where or Path("the journal"), "some of its text is not UTF-8")
    return None


def _commit(conn: sqlite3.Connection) -> None:
    conn.execute("COMMIT")


class Journal:
    """An open journal: one connection to one file (or to an empty journal in memory)."""

    def __init__(self, path: Path | None, read_only: str | None = None) -> None:
        self.path = path
        # Why this process can't write the file (a read-only file or folder):
        # then it is read as a snapshot and every write is refused with this.
        self.read_only = read_only
        self.created_dirs: list[Path] = []  # set when this process made the file
        self.created = False
        self.committed = 0  # write transactions committed: what an interrupt must not deny
        self._conn: sqlite3.Connection | None = None
        self.folder_lock: int | None = None  # see share_folder

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            try:
                self._conn = connect(self.path, snapshot=self.read_only is not None)
            except sqlite3.OperationalError as e:
                raise _translate(e, self.path) from None
            except sqlite3.DatabaseError as e:
                raise damaged(self.path, e) from None
        return self._conn

    @contextmanager
    def transaction(self, write: bool) -> Iterator[sqlite3.Connection]:
        """One transaction: committed when the block ends, rolled back otherwise.

        Writers say BEGIN IMMEDIATE, so they take the write lock up front and
        queue on busy_timeout instead of failing half-way with "locked".
        """
        if write and self.read_only:
            raise StorageError(self.read_only)
        try:
            conn = self.conn
            if write:
                pause("write-begin")
            conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            if write:
                pause("write-locked")
            committing = counted = False
            try:
                yield conn
                committing = True
                _commit(conn)
                if write:
                    self._count_commit()  # at once: a Ctrl-C from here on was after the save
                    counted = True
                    pause("committed")
            except BaseException as e:
                if write and committing and isinstance(e, KeyboardInterrupt) and not conn.in_transaction:
                    # Ctrl-C during a COMMIT that went through (say, in the
                    # checkpoint it ends with): Python raises it only as COMMIT
                    # returns, and the change is saved, so count it as saved.
                    if not counted:
                        self._count_commit()
                    raise
                # A failed COMMIT can leave SQLite's transaction open; roll it
                # back now so nothing reported as failed is saved later.
                if conn.in_transaction:
                    try:
                        conn.execute("ROLLBACK")
                    except sqlite3.Error:
                        pass
                raise
        except Exception as e:
            failure = _storage_failure(e, self.path)
            if failure is not None:
                raise failure from None
            raise
        if write and self.path:
            _tighten(self.path)

    def _count_commit(self) -> None:
        self.committed += 1
        if self.path is not None:  # an empty stand-in in memory saves nothing of the user's
            exits.note_commit()

    def migrate(self, steps: list[Migration] | None = None) -> None:
        """Upgrade in one transaction, foreign keys off (a step may rebuild a
        table: dropping one would otherwise cascade into every entry) and
        checked before the commit instead."""
        conn = self.conn
        conn.execute("PRAGMA foreign_keys = OFF")
        try:
            with self.transaction(write=True) as handle:
                migrate(handle, steps)
                if handle.execute("PRAGMA foreign_key_check").fetchone() is not None:
                    raise damaged(self.path or Path(":memory:"), "some rows refer to rows that do not exist")
        finally:
            conn.execute("PRAGMA foreign_keys = ON")

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self.folder_lock is not None:
            os.close(self.folder_lock)
            self.folder_lock = None

    def damage(self) -> str | None:
        """After an unexpected error: the damaged-journal line if SQLite's quick
        check, or the type every column is declared with, finds the file
        damaged (a row SQLite reads fine may still hold a number where text
        belongs); None when it looks sound."""
        if self.path is None:
            return None
        from netlog.io.check import wrong_types

        try:
            conn = sqlite_connect(reader_uri(self.path), self.path, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        except sqlite3.Error:
            return None
        try:
            problems = [r[0] for r in conn.execute("PRAGMA quick_check(1)")]
            if problems != ["ok"]:
                return damaged(self.path, f"SQLite's check says: {problems[0]}").message
            wrong = wrong_types(conn)
            return damaged(self.path, f"{wrong[0]}").message if wrong else None
        except sqlite3.DatabaseError as e:
            return damaged(self.path, e).message
        except UnicodeDecodeError:
            return damaged(self.path, "some of its text is not UTF-8").message
        finally:
            conn.close()

    def forget(self) -> None:
        """After deleting someone: move every page out of the WAL and empty it, so
        the deleted text (already zeroed by secure_delete) lingers in no old frame."""
        if self.path is None or self.read_only:
            return
        try:
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error as e:
            why = "the disk is full or failing" if "full" in str(e).lower() or "i/o" in str(e).lower() else f"SQLite said: {e}"
            raise StorageError(
                f"your change was saved, but the deleted text could not yet be wiped from {self.path}-wal ({why}); "
                "free some space: the next netlog command wipes it as it closes the journal"
            ) from None

    def discard_if_new(self) -> None:
        """The first write failed: leave no empty journal (or directory) behind."""
        if not (self.created and self.path):
            return
        lock, self.folder_lock = self.folder_lock, None
        self.close()
        try:
            # no netlog may be using the file while it goes (each holds the
            # folder shared): one that saved to it a moment ago must find it kept
            if lock is None or not _take_folder(lock) or _holds_rows(self.path):
                return  # in use, or another process wrote to it since: it is theirs now
            self._remove_files()
        finally:
            if lock is not None:
                os.close(lock)

    def _remove_files(self) -> None:
        assert self.path is not None
        exits.forget_commits(self.committed)  # whatever it had committed goes with the file
        self.committed = 0
        for p in (self.path, Path(f"{self.path}-wal"), Path(f"{self.path}-shm"), Path(f"{self.path}-journal")):
            try:
                p.unlink()
            except FileNotFoundError:
                pass
        for d in reversed(self.created_dirs):
            try:
                d.rmdir()
            except OSError:
                break


def share_folder(path: Path) -> int | None:
    """A shared flock on the journal's folder, held while the journal is in
    use, so that the one thing that removes a journal (a failed first write,
    taking the folder exclusively) can't remove it from under another netlog.
    Not a POSIX lock, and on the folder: SQLite's locks on the file are untouched."""
    import fcntl

    try:
        fd = os.open(path.parent if str(path.parent) else ".", os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
    except OSError:
        os.close(fd)
        return None
    return fd


def _take_folder(fd: int, wait: float = 2.0) -> bool:
    """Turn a shared folder lock into an exclusive one; False if other netlog
    processes keep using the folder's journals for ``wait`` seconds."""
    import fcntl

    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        except OSError:
            return False


def _holds_rows(path: Path) -> bool:
    """Whether the journal at ``path`` has any contact or entry (or can't be read)."""
    try:
        con = sqlite_connect(f"{path.resolve().as_uri()}?mode=ro", path, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            return any(con.execute(f"SELECT 1 FROM {t} LIMIT 1").fetchone() for t in ("contact", "entry") if t in tables)
        finally:
            con.close()
    except sqlite3.Error:
        return True  # when in doubt, keep it


def open_journal(path: Path, *, create: bool, opened: Callable[[Journal], None] | None = None) -> Journal:
    """Open (and if needed create and upgrade) the journal at ``path``.

    With ``create`` False and no file yet, an empty in-memory journal stands in,
    so that read-only commands work and nothing is written to disk. A journal
    this process can't write (a read-only file or folder) is read as a
    snapshot, as long as no -wal holds changes it would miss.

    ``opened`` hears of the journal before it is upgraded, so that a Ctrl-C
    landing after the upgrade committed is told it was saved.
    """
    lock = share_folder(path)
    try:
        info = inspect_file(path)
        needs_upgrade = check_ownership(path, info)
    except BaseException:
        if lock is not None:
            os.close(lock)
        raise
    if info is None and not create:
        if lock is not None:
            os.close(lock)
        journal = Journal(None)
        journal.migrate()
        if opened:
            opened(journal)
        return journal
    journal = Journal(path)
    journal.folder_lock = lock  # closed with the journal from here on
    read_only = read_only_failure(path) if info is not None else None
    if read_only and needs_upgrade:
        journal.close()
        doing = f"upgrade the journal {path} to schema {SCHEMA_VERSION}, which this netlog needs"
        raise StorageError(read_only_failure(path, doing, "nothing was read or changed") or read_only)
    if read_only and not _has_pending_wal(path):
        journal.read_only = read_only
        if opened:
            opened(journal)
        return journal
    try:
        made: list[Path] | None = _create_private(path) if info is None else None
    except BaseException:
        journal.close()
        raise
    if journal.folder_lock is None:
        journal.folder_lock = share_folder(path)  # the folder is there now
    if opened:
        opened(journal)
    if made is not None:
        journal.created, journal.created_dirs = True, made
    try:
        if needs_upgrade:
            journal.migrate()
    except BaseException:
        journal.discard_if_new()
        raise
    return journal


def next_id(conn: sqlite3.Connection, table: str) -> int:
    """The id the next row of ``table`` gets: past every id it ever had (an
    AUTOINCREMENT table remembers them in sqlite_sequence), for writers that
    give ids themselves (a bulk import)."""
    seq = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", (table,)).fetchone() if _has_sequence(conn) else None
    top = conn.execute(f"SELECT max(id) FROM {table}").fetchone()[0]
    return max(seq[0] if seq else 0, top or 0) + 1


def _has_sequence(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").fetchone() is not None


def raise_next_id(conn: sqlite3.Connection, table: str, used: int) -> None:
    """Make sure ``table`` never gives an id up to ``used`` again (a restore
    that knows which ids the journal it came from had given)."""
    if not _has_sequence(conn) or used < 1:
        return
    if conn.execute("UPDATE sqlite_sequence SET seq = ? WHERE name = ? AND seq < ?", (used, table, used)).rowcount == 0:
        if conn.execute("SELECT 1 FROM sqlite_sequence WHERE name = ?", (table,)).fetchone() is None:
            conn.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (table, used))


def schema_version(conn: sqlite3.Connection) -> int:
    """The schema version of the journal a connection is on."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0] or 0)


def day_number(sql: str) -> str:
    """SQL for a DATE as a day count, so SQL can subtract dates.

    SQLite's julianday(); on PostgreSQL this would be a date difference.
    """
    return f"julianday({sql})"


def materialized() -> str:
    """What makes a CTE be computed once (its correlated subqueries then run
    once per row, not once per reference): SQLite >= 3.35 and PostgreSQL say
    AS MATERIALIZED; older SQLite computes a CTE used more than once anyway."""
    return "MATERIALIZED " if sqlite3.sqlite_version_info >= (3, 35, 0) else ""


def plus_days(sql: str, days: int) -> str:
    """SQL for a DATE some days later, as ISO text ('YYYY-MM-DD').

    SQLite's date() modifier; on PostgreSQL, (sql + days)::text.
    """
    return f"date({sql}, '{int(days):+d} days')"
