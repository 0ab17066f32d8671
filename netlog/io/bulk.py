"""Loading many entries at once (netlog demo, import json).

Keeping five indexes and the kept-day triggers (schema v4) up to date row by
row costs far more than building the indexes once from the rows in place and
computing the kept days once at the end. ``entries_aside`` drops them for
the length of a block inside the caller's write transaction and puts them
back with the very SQL the migrations wrote (read from sqlite_master): DDL
is transactional in SQLite, so a failure or Ctrl-C rolls the drops back with
everything else, and no other connection ever sees the table without them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

BULK_CACHE_KIB = 65_536  # page cache for the load and the index builds


@contextmanager
def entries_aside(conn: sqlite3.Connection) -> Iterator[None]:
    """Inside a write transaction: the entry table without its indexes and
    triggers for the block, then rebuilt, and every contact's kept days
    recomputed (db.refresh_kept_days)."""
    from netlog import db

    assert conn.in_transaction, "entries_aside needs the caller's write transaction"
    cache = conn.execute("PRAGMA cache_size").fetchone()[0]
    conn.execute(f"PRAGMA cache_size = {-BULK_CACHE_KIB}")
    try:
        schema = [
            (kind, name, sql)
            for kind, name, sql in conn.execute(
                "SELECT type, name, sql FROM sqlite_master "
                "WHERE type IN ('index', 'trigger') AND tbl_name = 'entry' AND sql IS NOT NULL ORDER BY rowid"
            )
        ]
        for kind, name, _sql in schema:
            conn.execute(f'DROP {"INDEX" if kind == "index" else "TRIGGER"} "{name}"')
        yield
        for _kind, _name, sql in schema:
            conn.execute(sql)
        db.refresh_kept_days(conn)
    finally:
        conn.execute(f"PRAGMA cache_size = {int(cache)}")


@contextmanager
def tag_links_aside(conn: sqlite3.Connection, contact_ids: set[int]) -> Iterator[None]:
    """Inside a write transaction: contact_tag without the triggers that keep
    each contact's tag cadence (each would recompute it over all of the
    contact's tags, row by row: quadratic for a card with thousands), then the
    cadence of ``contact_ids`` recomputed once (db.V5_SCHEMA's rule)."""
    from netlog import db

    assert conn.in_transaction, "tag_links_aside needs the caller's write transaction"
    triggers = [
        (name, sql)
        for name, sql in conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'contact_tag' AND sql IS NOT NULL ORDER BY rowid"
        )
    ]
    for name, _sql in triggers:
        conn.execute(f'DROP TRIGGER "{name}"')
    yield
    for _name, sql in triggers:
        conn.execute(sql)
    ids = sorted(contact_ids)
    if len(ids) <= 500:
        conn.execute(f"UPDATE contact SET tag_every = {db.TAG_EVERY_OF_CONTACT} WHERE id IN ({', '.join('?' * len(ids))})", ids)
    else:  # one statement however many: every tagged contact, once each
        conn.execute(f"UPDATE contact SET tag_every = {db.TAG_EVERY_OF_CONTACT} WHERE id IN (SELECT contact_id FROM contact_tag)")
