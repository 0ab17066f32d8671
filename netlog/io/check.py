"""`netlog check`: is the journal sound? It only reads, and leaves nothing behind.

SQLite's integrity and foreign-key checks; the schema as a whole (tables,
indexes, triggers) against what the migrations make for the version the
header states, so a damaged header is caught; the schema's CHECK rules,
evaluated as SQL over every row (SQLite leaves them out of integrity_check on
a connection that only reads, and check makes no copy to write in); the
journal's settings; and the values kept on each contact against the entries
and tags they come from.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from netlog.errors import NetlogError


@dataclass
class Health:
    path: Path
    lines: list[tuple[str, str]] = field(default_factory=list)  # (what, finding) for the report
    problems: list[str] = field(default_factory=list)
    # what the problems call for: "damaged" (restore a backup), "newer" (upgrade
    # netlog), "not a journal" (point --db elsewhere), "absent" (nothing yet)
    kind: str = "damaged"

    @property
    def ok(self) -> bool:
        return not self.problems


def check(path: Path) -> Health:
    from netlog import db

    h = Health(path)
    h.lines.append(("journal", str(path)))
    try:
        head = db.read_header(path)
    except NetlogError as e:
        h.problems.append(e.message.split(";")[0])
        h.kind = "not a journal"
        return h
    if head is None or head == b"":
        h.kind = "absent"
        h.problems.append(f"there is no journal at {path} yet" if head is None else f"{path} is an empty file, not a journal yet")
        return h
    if not head.startswith(db.SQLITE_MAGIC):
        h.problems.append(f"{path} is not a SQLite database")
        h.kind = "not sqlite"
        return h
    try:
        con = db.sqlite_connect(db.reader_uri(path), path, uri=True, timeout=db.BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    except sqlite3.Error as e:
        h.problems.append(f"SQLite can't open {path} ({e})")
        return h
    try:
        _check(con, h)
    except (sqlite3.DatabaseError, UnicodeDecodeError) as e:
        h.problems.append(f"SQLite can't read the file ({e if isinstance(e, sqlite3.DatabaseError) else 'text that is not UTF-8'})")
        h.kind = "damaged"
    finally:
        con.close()
    return h


def _check(con: sqlite3.Connection, h: Health) -> None:
    from netlog import db

    app_id = con.execute("PRAGMA application_id").fetchone()[0]
    version = con.execute("PRAGMA user_version").fetchone()[0]
    if app_id != db.APPLICATION_ID:
        h.lines.append(("application", f"0x{app_id & 0xFFFFFFFF:08X}, not netlog's 0x{db.APPLICATION_ID:08X}"))
        h.problems.append("the file is a SQLite database of another program, not a netlog journal")
        h.kind = "not a journal"
        return
    h.lines.append(("application", f"netlog (0x{app_id:08X})"))
    if version > db.SCHEMA_VERSION:
        h.lines.append(("schema", f"{version} (this netlog: {db.SCHEMA_VERSION})"))
        h.problems.append(f"schema {version} is newer than this netlog knows; upgrade netlog")
        h.kind = "newer"
        return
    upgrade = "; the next write upgrades it" if version < db.SCHEMA_VERSION else ""
    h.lines.append(("schema", f"{version} (this netlog: {db.SCHEMA_VERSION}{upgrade})"))
    integrity = [r[0] for r in con.execute("PRAGMA integrity_check(20)").fetchall()]
    if integrity != ["ok"]:
        h.lines.append(("integrity", f"{len(integrity)} problem(s): " + "; ".join(integrity[:3])))
        h.problems.append("SQLite's integrity check failed")
        return
    fk = con.execute("PRAGMA foreign_key_check").fetchall()
    if not fk:
        h.lines.append(("foreign keys", "ok"))
    else:
        tables = sorted({str(r[0]) for r in fk})
        h.lines.append(("foreign keys", f"{len(fk)} row(s) point at nothing, in {', '.join(tables)}"))
        h.problems.append("some rows refer to rows that do not exist")
    found = schema_problems(con, version)
    if found:
        h.lines.append(("schema objects", "; ".join(found[:4]) + ("; ..." if len(found) > 4 else "")))
        h.problems.append("the journal's tables, indexes or triggers are not those of its schema version")
        return
    broken = broken_rules(con, version) + wrong_types(con)
    if broken:
        h.lines.append(("integrity", f"{len(broken)} problem(s): " + "; ".join(broken[:3])))
        h.problems.append("some rows break the schema's rules")
    else:
        h.lines.append(("integrity", "ok"))
    if version == db.SCHEMA_VERSION:
        missing = _missing_models(con)
        if not missing:
            h.lines.append(("tables", "ok, as netlog/models.py declares them"))
        else:
            h.lines.append(("tables", "missing " + ", ".join(missing[:6]) + (", ..." if len(missing) > 6 else "")))
            h.problems.append("the journal lacks tables or columns this netlog needs")
    bad = _bad_settings(con)
    h.lines.append(("settings", "ok" if not bad else "; ".join(bad)))
    if bad:
        h.problems.append("a setting holds a value netlog can't use")
    if version >= 4:  # schema v4 and later keep each contact's days, v5 its tag cadence
        stale = db.stale_kept_days(con)
        if not stale:
            h.lines.append(("kept days", "ok"))
        else:
            h.lines.append(("kept days", f"{len(stale)} contact(s) whose kept last give, last favor or tag cadence disagrees with their entries and tags"))
            h.problems.append("the values kept on some contacts disagree with their entries and tags")


# --------------------------------------------------------------------------
# The schema as the migrations make it


def objects(con: sqlite3.Connection) -> dict[tuple[str, str], str]:
    """(type, name) -> SQL of every table, index and trigger, blanks normalised
    (none around brackets and commas: old releases laid the text out otherwise)."""
    return {
        (kind, name): re.sub(r" ?([(),]) ?", r"\1", " ".join(sql.split()))
        for kind, name, sql in con.execute("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL")
        if not name.startswith("sqlite_stat")  # ANALYZE's statistics (PRAGMA optimize, browsers): not the schema
    }


@lru_cache(maxsize=None)
def expected(version: int) -> dict[tuple[str, str], str]:
    """The schema objects of an empty journal made by the first ``version`` steps."""
    from netlog import db

    mem = sqlite3.connect(":memory:", isolation_level=None)
    try:
        db.migrate(mem, db.MIGRATIONS[:version])
        return objects(mem)
    finally:
        mem.close()


def version_of(found: dict[tuple[str, str], str]) -> int | None:
    """The schema version whose objects are exactly ``found``, if any."""
    from netlog import db

    for version in range(db.SCHEMA_VERSION, -1, -1):
        if expected(version) == found:
            return version
    return None


def schema_problems(con: sqlite3.Connection, version: int) -> list[str]:
    """What differs between the journal's schema objects and those of ``version``."""
    found = objects(con)
    if version >= 0 and expected(version) == found:
        return []
    actual = version_of(found)
    if actual is not None:
        return [f"its header says schema {version}, but its tables are those of schema {actual}"]
    want = expected(version) if version >= 0 else {}
    out = []
    for key, sql in want.items():
        if key not in found:
            out.append(f"{key[0]} {key[1]} is missing")
        elif found[key] != sql:
            out.append(f"{key[0]} {key[1]} is not as netlog makes it")
    out += [f"{kind} {name} is not netlog's" for kind, name in found if (kind, name) not in want]
    return out or [f"schema version {version} is not one netlog ever wrote"]


def check_clauses(create_table: str) -> list[str]:
    """The expressions of every CHECK (...) in a CREATE TABLE statement."""
    out = []
    upper = create_table.upper()
    at = upper.find("CHECK")
    while at != -1:
        start = create_table.index("(", at)
        depth, i = 0, start
        while True:
            c = create_table[i]
            if c == "'":
                i = create_table.index("'", i + 1)
            elif c == "(":
                depth += 1
            elif c == ")":
                depth -= 1
                if depth == 0:
                    break
            i += 1
        out.append(create_table[start + 1 : i])
        at = upper.find("CHECK", i)
    return out


def broken_rules(con: sqlite3.Connection, version: int) -> list[str]:
    """Tables whose rows break one of their CHECK rules, with how many rows: one
    scan per table (a rule holds when it is true or NULL, as in SQLite)."""
    out = []
    for (kind, table), sql in expected(version).items():
        if kind != "table" or table.startswith("sqlite_"):
            continue
        rules = check_clauses(sql)
        if not rules:
            continue
        broken = " OR ".join(f"NOT coalesce(({rule}), 1)" for rule in rules)
        n = con.execute(f'SELECT count(*) FROM "{table}" WHERE {broken}').fetchone()[0]
        if n:
            out.append(f"CHECK constraint failed in {table} ({n} row{'' if n == 1 else 's'})")
    return out


_TYPES = {"INTEGER": ("integer",), "TEXT": ("text",), "DATE": ("text",), "BOOLEAN": ("integer",)}


def wrong_types(con: sqlite3.Connection) -> list[str]:
    """Columns holding a value of another type than declared (SQLite would
    store one), as 'a number where text belongs in entry.what': one scan per
    table, stopping at the first row."""
    out = []
    for table in ("contact", "tag", "contact_tag", "entry", "setting", "reported"):
        columns = [(r[1], r[2].upper()) for r in con.execute(f'PRAGMA table_info("{table}")') if r[2].upper() in _TYPES]
        if not columns:
            continue
        tests = " OR ".join(f"typeof({c}) NOT IN ('null', {', '.join(repr(t) for t in _TYPES[kind])})" for c, kind in columns)
        row = con.execute(f'SELECT {", ".join(f"typeof({c})" for c, _ in columns)} FROM "{table}" WHERE {tests} LIMIT 1').fetchone()
        if row is not None:
            for (column, kind), found in zip(columns, row):
                if found != "null" and found not in _TYPES[kind]:
                    out.append(f"{table}.{column} holds {'a number' if found in ('integer', 'real') else found} where {kind.lower()} belongs")
                    break
    return out


def _bad_settings(con: sqlite3.Connection) -> list[str]:
    from netlog import journal

    out = []
    for key, value in con.execute("SELECT key, value FROM setting ORDER BY key"):
        problem = journal.setting_problem(key, value)
        if problem:
            out.append(problem)
    return out


def _missing_models(con: sqlite3.Connection) -> list[str]:
    """Tables and columns that the SQLModel classes declare and the journal
    lacks. check is a rare command: it may pay for importing SQLModel."""
    from sqlmodel import SQLModel

    import netlog.models  # noqa: F401  (declares the tables)

    missing = []
    for table in SQLModel.metadata.sorted_tables:
        have = {row[1] for row in con.execute(f'PRAGMA table_info("{table.name}")')}
        if not have:
            missing.append(f"table {table.name}")
            continue
        missing += [f"{table.name}.{c.name}" for c in table.columns if c.name not in have]
    return missing
