"""How the journals in this folder were made: one per released schema version.

Run once when a schema version is released (python tests/data/schemas/build.py N)
and commit the .db file. Never rebuild an existing one: they stand for journals
that real people have on disk. The SQL here is frozen with the version it builds.
"""

from __future__ import annotations

import random
import sqlite3
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
APPLICATION_ID = 0x4E544C47

V1 = [
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
    "CREATE INDEX ix_entry_contact ON entry (contact_id, type, day)",
    "CREATE INDEX ix_entry_other ON entry (other_id, day) WHERE other_id IS NOT NULL",
    "CREATE INDEX ix_entry_day ON entry (day, type)",
    "CREATE INDEX ix_entry_open_ask ON entry (follow_up) WHERE type = 'ask' AND outcome IS NULL",
    "CREATE TABLE setting (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE undo_step (id INTEGER PRIMARY KEY, at TEXT NOT NULL, summary TEXT NOT NULL, ops TEXT NOT NULL)",
]
V2 = V1 + [
    "CREATE TABLE reported (item TEXT PRIMARY KEY, state TEXT NOT NULL, first_on DATE NOT NULL, last_on DATE NOT NULL)",
]
V3 = V2 + [
    "CREATE INDEX ix_entry_helped ON entry (contact_id, resolved_on) WHERE type = 'ask' AND outcome = 'helped'",
]
LAST_GIVEN = (
    "(SELECT max(d) FROM (SELECT max(g.day) AS d FROM entry AS g WHERE g.contact_id = contact.id AND g.type = 'give'"
    " UNION ALL SELECT max(i.day) FROM entry AS i WHERE i.other_id = contact.id))"
)
LAST_RECEIVED = (
    "(SELECT max(d) FROM (SELECT max(g.day) AS d FROM entry AS g WHERE g.contact_id = contact.id AND g.type = 'got'"
    " UNION ALL SELECT max(h.resolved_on) FROM entry AS h WHERE h.contact_id = contact.id AND h.type = 'ask' AND h.outcome = 'helped'))"
)
V4 = V3 + [
    "ALTER TABLE contact ADD COLUMN last_given DATE",
    "ALTER TABLE contact ADD COLUMN last_received DATE",
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
        UPDATE contact SET last_given = {LAST_GIVEN}, last_received = {LAST_RECEIVED}
        WHERE id IN (OLD.contact_id, OLD.other_id);
    END""",
    f"""CREATE TRIGGER kept_on_update AFTER UPDATE OF type, day, contact_id, other_id, outcome, resolved_on ON entry
    WHEN OLD.type != 'note' OR NEW.type != 'note' BEGIN
        UPDATE contact SET last_given = {LAST_GIVEN}, last_received = {LAST_RECEIVED}
        WHERE id IN (OLD.contact_id, OLD.other_id, NEW.contact_id, NEW.other_id);
    END""",
]
TAG_EVERY = "(SELECT min(t.every_days) FROM contact_tag AS ct JOIN tag AS t ON t.id = ct.tag_id WHERE ct.contact_id = contact.id)"
V5 = V4 + [
    "ALTER TABLE contact ADD COLUMN tag_every INTEGER",
    f"""CREATE TRIGGER tag_every_on_insert AFTER INSERT ON contact_tag BEGIN
        UPDATE contact SET tag_every = {TAG_EVERY} WHERE id = NEW.contact_id;
    END""",
    f"""CREATE TRIGGER tag_every_on_delete AFTER DELETE ON contact_tag BEGIN
        UPDATE contact SET tag_every = {TAG_EVERY} WHERE id = OLD.contact_id;
    END""",
    f"""CREATE TRIGGER tag_every_on_update AFTER UPDATE ON contact_tag BEGIN
        UPDATE contact SET tag_every = {TAG_EVERY} WHERE id IN (OLD.contact_id, NEW.contact_id);
    END""",
    f"""CREATE TRIGGER tag_every_on_cadence AFTER UPDATE OF every_days ON tag BEGIN
        UPDATE contact SET tag_every = {TAG_EVERY}
        WHERE id IN (SELECT contact_id FROM contact_tag WHERE tag_id = NEW.id);
    END""",
    "DROP INDEX ix_entry_open_ask",
    "CREATE INDEX ix_entry_open_ask ON entry (follow_up, followups, contact_id) WHERE type = 'ask' AND outcome IS NULL",
]
V5_TRIGGERS = ["fed_on_insert", "received_on_insert", "kept_on_delete", "kept_on_update",
               "tag_every_on_insert", "tag_every_on_delete", "tag_every_on_update", "tag_every_on_cadence"]
V6_CONTACT = """CREATE TABLE new_contact (
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
    )"""
V6_ENTRY = """CREATE TABLE new_entry (
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
    )"""
V6 = (
    V5
    + [f"DROP TRIGGER {t}" for t in V5_TRIGGERS]
    + [V6_CONTACT, "DROP TABLE contact", "ALTER TABLE new_contact RENAME TO contact"]
    + [V6_ENTRY, "DROP TABLE entry", "ALTER TABLE new_entry RENAME TO entry"]
    + [sql for sql in V1 if sql.startswith("CREATE INDEX ix_entry") and "open_ask" not in sql]
    + [sql for sql in V3 if sql.startswith("CREATE INDEX ix_entry_helped")]
    + [sql for sql in V5 if sql.startswith("CREATE INDEX ix_entry_open_ask")][-1:]  # v5's, not v1's
    + [sql for sql in V5 if sql.startswith("CREATE TRIGGER")]
)
SCHEMAS = {1: V1, 2: V2, 3: V3, 4: V4, 5: V5, 6: V6}

FIRST = ["Priya", "Tomás", "Grace", "Wen", "Amara", "Jonas", "Zoë", "Kwame", "Ingrid", "Yuki", "Omar", "Lucía"]
LAST = ["Raman", "Ibarra", "O'Neill", "Zhou", "Okafor", "Berg", "Müller", "Mensah", "Larsen", "Tanaka", "Haddad", "Fernández"]


def build(version: int) -> Path:
    path = HERE / f"v{version}.db"
    if path.exists():
        sys.exit(f"{path} exists; released journals are never rebuilt")
    rng = random.Random(version)
    con = sqlite3.connect(path)
    for sql in SCHEMAS[version]:
        con.execute(sql)
    con.execute("INSERT INTO tag VALUES (1, 'work', 'work', 30), (2, 'family', 'family', NULL), (3, 'mentor', 'mentor', 60)")
    con.execute("INSERT INTO setting VALUES ('default_every_days', '75')")
    contacts = []
    for i, (f, l) in enumerate(((f, l) for f in FIRST for l in LAST[:3]), start=1):
        name = f"{f} {l}"
        contacts.append(i)
        con.execute(
            "INSERT INTO contact (id, name, name_key, email, phone, company, title, url, met, note, birthday, every_days,"
            " added_on, archived, snoozed_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (i, name, name.casefold(), f"{f.lower()}@example.org" if i % 2 else None, "+1 555 0100" if i % 5 == 0 else None,
             rng.choice(["Northwind", "Contoso", None]), rng.choice(["CTO", "Recruiter", None]), None, "PyCon 2019" if i % 4 == 0 else None,
             "likes jazz" if i % 6 == 0 else None, "1988-04-17" if i == 3 else None, 21 if i % 7 == 0 else None,
             f"20{18 + i % 6}-0{1 + i % 9}-1{i % 9}", 1 if i % 11 == 0 else 0, "2026-12-24" if i % 13 == 0 else None),
        )
        for t in {rng.choice([1, 2, 3]) for _ in range(rng.randint(0, 2))}:
            con.execute("INSERT INTO contact_tag VALUES (?, ?)", (i, t))
    n = 0
    for c in contacts:
        for _ in range(rng.randint(2, 12)):
            n += 1
            kind = rng.choice(["give", "give", "got", "ask", "note"])
            day = f"20{20 + rng.randint(0, 6)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            other = rng.choice([o for o in contacts if o != c]) if kind == "give" and rng.random() < 0.2 else None
            outcome = rng.choice([None, "helped", "declined", "ignored"]) if kind == "ask" else None
            con.execute(
                "INSERT INTO entry VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (n, c, kind, "intro" if other else (rng.choice(["advice", "help", "gift", None]) if kind in ("give", "got") else None),
                 f"{kind} number {n} — ünïcode ✓", day, other, outcome, day if outcome else None,
                 day if kind == "ask" else None, None, 0, f"{day}T12:00:00+00:00"),
            )
    con.execute("INSERT INTO undo_step VALUES (1, '2026-01-01T00:00:00', ?, ?)", (f"#{n} the last one", f'[{{"op": "delete_entry", "id": {n}}}]'))
    if version >= 2:
        con.execute("INSERT INTO reported VALUES ('ask:5', 'follow up now', '2026-01-01', '2026-01-02')")
    con.execute(f"PRAGMA user_version = {version}")
    con.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    con.commit()
    con.execute("VACUUM")
    con.close()
    return path


if __name__ == "__main__":
    print(build(int(sys.argv[1])))
