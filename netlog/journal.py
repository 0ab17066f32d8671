"""The journal's data API: contacts, entries, lookups and undo.

Commands are thin: they parse options, call one function here inside one
transaction, and render what comes back. Every check on input that the
database cannot express happens here, before anything is written.

It speaks plain SQL through the standard library's sqlite3 connection that
``db.Journal.transaction`` opens: SQLAlchemy and SQLModel cost more to import
than a whole ``netlog give`` may take. ``models.py`` still describes the same
tables as SQLModel classes, and a test keeps the two in step.
"""

from __future__ import annotations

import difflib
import json
import sqlite3
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta, timezone
from typing import Any

from netlog import validate
from netlog.errors import NetlogError, UsageError
from netlog.validate import CONTACT_FIELDS, ENTRY_TYPES, FAVOR_KINDS, OUTCOMES

MAX_ID = 2**63 - 1  # the largest id SQLite (and PostgreSQL's bigint) can hold
DEFAULT_EVERY_DAYS = 90
DEFAULT_FOLLOW_UP_DAYS = 7
UNDO_KEEP = 100


def now_stamp() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def _day(value: Any) -> date | None:
    return date.fromisoformat(str(value)[:10]) if value else None


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


@dataclass
class Contact:
    """A row of the contact table."""

    id: int
    name: str
    name_key: str
    email: str | None
    phone: str | None
    company: str | None
    title: str | None
    url: str | None
    met: str | None
    note: str | None
    birthday: str | None
    every_days: int | None
    added_on: date
    archived: bool
    snoozed_until: date | None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Contact:
        data = dict(row)
        data["added_on"] = _day(data["added_on"])
        data["snoozed_until"] = _day(data["snoozed_until"])
        data["archived"] = bool(data["archived"])
        return cls(**data)


@dataclass
class Entry:
    """A row of the entry table: a give, got, ask or note."""

    id: int
    contact_id: int
    type: str
    kind: str | None
    what: str
    day: date
    other_id: int | None
    outcome: str | None
    resolved_on: date | None
    follow_up: date | None
    followed_up_on: date | None
    followups: int
    created_at: str

    DATES = ("day", "resolved_on", "follow_up", "followed_up_on")

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Entry:
        data = dict(row)
        for k in cls.DATES:
            data[k] = _day(data[k])
        return cls(**data)

    def as_row(self) -> dict[str, Any]:
        """Every column, dates as ISO text (what undo keeps)."""
        return {f.name: _iso(getattr(self, f.name)) for f in fields(self)}


_CONTACT_COLS = ", ".join(f.name for f in fields(Contact))
_ENTRY_COLS = ", ".join(f.name for f in fields(Entry))


def _one(conn: sqlite3.Connection, sql: str, params: Any = ()) -> Any:
    row = conn.execute(sql, params).fetchone()
    return row[0] if row is not None else None


def _is_id(text: str) -> bool:
    """Digits only (ASCII: int() refuses some of what str.isdigit() takes)."""
    return text.isascii() and text.isdigit()


def get_contact(conn: sqlite3.Connection, contact_id: int) -> Contact | None:
    row = conn.execute(f"SELECT {_CONTACT_COLS} FROM contact WHERE id = ?", (contact_id,)).fetchone()
    return Contact.from_row(row) if row else None


def _contact_by_key(conn: sqlite3.Connection, key: str) -> Contact | None:
    row = conn.execute(f"SELECT {_CONTACT_COLS} FROM contact WHERE name_key = ?", (key,)).fetchone()
    return Contact.from_row(row) if row else None


def _update(conn: sqlite3.Connection, table: str, row_id: int, values: dict[str, Any]) -> None:
    if values:
        sets = ", ".join(f"{k} = ?" for k in values)
        conn.execute(f"UPDATE {table} SET {sets} WHERE id = ?", [*(_iso(v) for v in values.values()), row_id])


# --------------------------------------------------------------------------
# Finding contacts: exact, then unique prefix, then unique substring


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def find_contact(conn: sqlite3.Connection, typed: str, what: str = "NAME", *, can_create: bool = False) -> Contact:
    """The one contact that ``typed`` names, or a UsageError that helps
    (``can_create``: the command has --new, so the error says so)."""
    typed = validate.text(typed, what, max_len=validate.MAX_NAME) or ""
    if typed.startswith("#") and _is_id(typed[1:]):
        found = get_contact(conn, int(typed[1:])) if int(typed[1:]) <= MAX_ID else None
        if found is None:
            raise UsageError(f"{what}: there is no contact {typed}; 'netlog contacts' lists them")
        return found
    key = validate.name_key(typed)
    exact = _contact_by_key(conn, key)
    if exact:
        return exact
    esc = _like_escape(key)
    prefix = ("name_key LIKE ? ESCAPE '\\' OR name_key LIKE ? ESCAPE '\\' OR name_key LIKE ? ESCAPE '\\'", (f"{esc}%", f"% {esc}%", f"%-{esc}%"))
    anywhere = ("name_key LIKE ? ESCAPE '\\'", (f"%{esc}%",))
    for condition, params in (prefix, anywhere):
        rows = conn.execute(f"SELECT {_CONTACT_COLS} FROM contact WHERE {condition} ORDER BY name_key LIMIT 9", params).fetchall()
        if len(rows) == 1:
            return Contact.from_row(rows[0])
        if rows:
            names = ", ".join(f"{r['name']} (#{r['id']})" for r in rows[:8])
            more = ", ..." if len(rows) > 8 else ""
            raise UsageError(f"{what}: {typed!r} matches several contacts: {names}{more}; type more of the name or use #id")
    names = [r[0] for r in conn.execute("SELECT name FROM contact")]
    close = difflib.get_close_matches(typed, names, n=3, cutoff=0.6)
    if not close:
        lowered = {n.casefold(): n for n in names}
        close = [lowered[k] for k in difflib.get_close_matches(key, list(lowered), n=3, cutoff=0.6)]
    hint = f"did you mean {', '.join(repr(c) for c in close)}?" if close else "'netlog contacts' lists them"
    create = " (use --new to create it)" if can_create else ""
    raise UsageError(f"{what}: no contact matches {typed!r}; {hint}{create}")


def find_or_create(conn: sqlite3.Connection, typed: str, new: bool, today: date, created: list[Contact]) -> Contact:
    """For give/got/ask/note: --new creates an unknown name instead of failing."""
    if not new:
        return find_contact(conn, typed, can_create=True)
    existing = _contact_by_key(conn, validate.name_key(validate.name(typed)))
    if existing:
        return existing
    contact = add_contact(conn, typed, today=today)
    created.append(contact)
    return contact


# --------------------------------------------------------------------------
# Contacts


def _tag_id(conn: sqlite3.Connection, typed: str) -> int:
    name = validate.name(typed, "--tag")
    key = validate.name_key(name)
    found = _one(conn, "SELECT id FROM tag WHERE name_key = ?", (key,))
    if found is not None:
        return int(found)
    return int(conn.execute("INSERT INTO tag (name, name_key) VALUES (?, ?)", (name, key)).lastrowid or 0)


def contact_tags(conn: sqlite3.Connection, contact_id: int) -> list[str]:
    return [
        r[0]
        for r in conn.execute(
            "SELECT tag.name FROM contact_tag JOIN tag ON tag.id = contact_tag.tag_id WHERE contact_tag.contact_id = ? ORDER BY tag.name_key",
            (contact_id,),
        )
    ]


def set_tags(conn: sqlite3.Connection, contact: Contact, add: list[str], remove: list[str]) -> None:
    for typed in remove:
        tag_id = _one(conn, "SELECT id FROM tag WHERE name_key = ?", (validate.name_key(validate.name(typed, "--untag")),))
        if tag_id is None:
            raise UsageError(f"--untag: there is no tag {typed!r}; 'netlog tags' lists them")
        conn.execute("DELETE FROM contact_tag WHERE contact_id = ? AND tag_id = ?", (contact.id, tag_id))
    for typed in add:
        conn.execute("INSERT OR IGNORE INTO contact_tag (contact_id, tag_id) VALUES (?, ?)", (contact.id, _tag_id(conn, typed)))


def _clean_fields(values: dict[str, str | None]) -> dict[str, str | None]:
    cleaned: dict[str, str | None] = {}
    for key, value in values.items():
        if value is None:
            continue
        if key not in CONTACT_FIELDS:
            raise UsageError(f"unknown contact field {key!r}")
        # '' clears a field on edit; text is stored as typed, trimmed
        cleaned[key] = validate.text(value, f"--{key}", required=False, max_len=10_000)
    return cleaned


def add_contact(
    conn: sqlite3.Connection,
    typed_name: str,
    *,
    today: date,
    fields: dict[str, str | None] | None = None,
    tags: list[str] | None = None,
    every_days: int | None = None,
) -> Contact:
    name = validate.name(typed_name)
    key = validate.name_key(name)
    existing = _contact_by_key(conn, key)
    if existing:
        raise NetlogError(f"{existing.name!r} is already in the journal (#{existing.id}); use 'netlog edit' to change it")
    values: dict[str, Any] = {"name": name, "name_key": key, "added_on": today.isoformat(), "every_days": every_days, "archived": 0}
    values.update(_clean_fields(fields or {}))
    cols = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    new_id = int(conn.execute(f"INSERT INTO contact ({cols}) VALUES ({marks})", list(values.values())).lastrowid or 0)
    contact = get_contact(conn, new_id)
    assert contact is not None
    set_tags(conn, contact, tags or [], [])
    return contact


def edit_contact(
    conn: sqlite3.Connection,
    contact: Contact,
    *,
    new_name: str | None = None,
    fields: dict[str, str | None] | None = None,
    add_tags: list[str] | None = None,
    remove_tags: list[str] | None = None,
    every_days: int | None = None,
    clear_every: bool = False,
) -> list[str]:
    """Change a contact; returns the names of what changed."""
    changes: dict[str, Any] = {}
    if new_name is not None:
        name = validate.name(new_name, "--name")
        key = validate.name_key(name)
        other = conn.execute("SELECT id, name FROM contact WHERE name_key = ? AND id != ?", (key, contact.id)).fetchone()
        if other:
            raise NetlogError(f"{other['name']!r} is already in the journal (#{other['id']}); 'netlog merge' joins two contacts")
        if name != contact.name:
            changes["name"], changes["name_key"] = name, key
    for key, value in _clean_fields(fields or {}).items():
        if getattr(contact, key) != value:
            changes[key] = value
    if clear_every and contact.every_days is not None:
        changes["every_days"] = None
    elif every_days is not None and every_days != contact.every_days:
        changes["every_days"] = every_days
    _update(conn, "contact", contact.id, changes)
    for key, value in changes.items():
        setattr(contact, key, value)
    changed = [{"name_key": "", "every_days": "every"}.get(k, k) for k in changes]
    changed = [c for c in changed if c]
    if add_tags or remove_tags:
        before = contact_tags(conn, contact.id)
        set_tags(conn, contact, add_tags or [], remove_tags or [])
        if contact_tags(conn, contact.id) != before:
            changed.append("tags")
    return changed


def set_archived(conn: sqlite3.Connection, contact: Contact, archived: bool) -> bool:
    if contact.archived == archived:
        return False
    _update(conn, "contact", contact.id, {"archived": int(archived)})
    contact.archived = archived
    return True


def set_snooze(conn: sqlite3.Connection, contact: Contact, until: date | None) -> None:
    """Hide from hungry, the dashboard and remind while today < until; None ends it."""
    _update(conn, "contact", contact.id, {"snoozed_until": until})
    contact.snoozed_until = until


def entry_count(conn: sqlite3.Connection, contact_id: int) -> int:
    """The entries that are the contact's own (what rm deletes with them)."""
    return int(_one(conn, "SELECT count(*) FROM entry WHERE contact_id = ?", (contact_id,)))


def remove_contact(conn: sqlite3.Connection, contact: Contact) -> int:
    """Delete a contact and its entries; returns how many entries went with it."""
    count = entry_count(conn, contact.id)
    conn.execute("DELETE FROM entry WHERE contact_id = ?", (contact.id,))
    conn.execute("DELETE FROM contact_tag WHERE contact_id = ?", (contact.id,))
    conn.execute("DELETE FROM contact WHERE id = ?", (contact.id,))
    # Undo steps may quote the contact's entries: a deleted person leaves no text behind.
    conn.execute("DELETE FROM undo_step")
    return count


_SEARCHED = ("email", "company", "title", "met", "note", "url", "phone")


def list_contacts(conn: sqlite3.Connection, tag: str | None = None, search: str | None = None, archived: bool = False) -> list[dict[str, Any]]:
    """Contacts as plain rows, tags joined in SQL: no object per row."""
    where = ["c.archived = ?"]
    params: list[Any] = [int(archived)]
    if tag:
        where.append("c.id IN (SELECT ct.contact_id FROM contact_tag ct JOIN tag t ON t.id = ct.tag_id WHERE t.name_key = ?)")
        params.append(validate.name_key(validate.name(tag, "--tag")))
    search = validate.text(search, "--search", required=False) if search is not None else None
    if search:
        where.append(
            "(c.name_key LIKE ? ESCAPE '\\' OR " + " OR ".join(f"lower(c.{f}) LIKE ? ESCAPE '\\'" for f in _SEARCHED) + ")"
        )
        params.append(f"%{_like_escape(validate.name_key(search))}%")
        params += [f"%{_like_escape(search.strip().lower())}%"] * len(_SEARCHED)
    tags = _tags_by_contact(conn)
    rows = conn.execute(f"SELECT {_CONTACT_COLS} FROM contact c WHERE {' AND '.join(where)} ORDER BY c.name_key", params)
    return [_card(r, tags.get(r["id"], [])) for r in rows]


def _tags_by_contact(conn: sqlite3.Connection) -> dict[int, list[str]]:
    """Every contact's tag names, in one pass over the (small) link table."""
    out: dict[int, list[str]] = {}
    for cid, name in conn.execute("SELECT ct.contact_id, t.name FROM contact_tag ct JOIN tag t ON t.id = ct.tag_id ORDER BY t.name_key"):
        out.setdefault(cid, []).append(name)
    return out


def _card(r: sqlite3.Row, tags: list[str]) -> dict[str, Any]:
    return {
        "id": r["id"],
        "name": r["name"],
        "email": r["email"],
        "phone": r["phone"],
        "company": r["company"],
        "title": r["title"],
        "url": r["url"],
        "met": r["met"],
        "note": r["note"],
        "birthday": r["birthday"],
        "tags": tags,
        "every_days": r["every_days"],
        "added_on": str(r["added_on"])[:10],
        "archived": bool(r["archived"]),
        "snoozed_until": str(r["snoozed_until"])[:10] if r["snoozed_until"] else None,
    }


def contact_row(c: Contact, tags: list[str]) -> dict[str, Any]:
    return {
        "id": c.id,
        "name": c.name,
        "email": c.email,
        "phone": c.phone,
        "company": c.company,
        "title": c.title,
        "url": c.url,
        "met": c.met,
        "note": c.note,
        "birthday": c.birthday,
        "tags": tags,
        "every_days": c.every_days,
        "added_on": c.added_on.isoformat(),
        "archived": bool(c.archived),
        "snoozed_until": c.snoozed_until.isoformat() if c.snoozed_until else None,
    }


# --------------------------------------------------------------------------
# Settings and cadence


MAX_EVERY_DAYS = 36_500  # a cadence of a hundred years: --every's own limit


def _days_setting(value: str) -> int:
    days = int(value) if value.isascii() and value.isdigit() and len(value) <= 6 else 0
    if not 1 <= days <= MAX_EVERY_DAYS:
        raise ValueError(value)
    return days


# Every setting a journal can hold: how its text is read, and its default.
SETTINGS = {"default_every_days": (_days_setting, str(DEFAULT_EVERY_DAYS))}


def setting_problem(key: str, value: object) -> str | None:
    """Why a stored setting can't be used (None: it can): for check and import json."""
    if key not in SETTINGS:
        return f"{key!r} is not a setting this netlog knows"
    try:
        SETTINGS[key][0](value if isinstance(value, str) else "")
    except ValueError:
        return f"{key} is {str(value)[:20]!r}, not a whole number of days from 1 to {MAX_EVERY_DAYS}"
    return None


def get_setting(conn: sqlite3.Connection, key: str) -> Any:
    """A setting's value, read by its rule; a stored value the rule refuses
    is a damaged journal, said in one line with the way out."""
    read, default = SETTINGS[key]
    value = _one(conn, "SELECT value FROM setting WHERE key = ?", (key,))
    try:
        return read(default if value is None else str(value))
    except ValueError:
        raise NetlogError(
            f"the journal's setting {key} holds {str(value)[:20]!r}, which netlog can't use; "
            "set it again ('netlog cadence --default 90d'), then run 'netlog check'"
        ) from None


def set_setting(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute("INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))


def default_every(conn: sqlite3.Connection) -> int:
    return int(get_setting(conn, "default_every_days"))


def cadence(conn: sqlite3.Connection, contact: Contact) -> tuple[int, str]:
    """(days, where it comes from): the contact's own, else its tag's, else the journal's."""
    if contact.every_days:
        return contact.every_days, "contact"
    every = _one(conn, "SELECT tag_every FROM contact WHERE id = ?", (contact.id,))  # kept by triggers (db.V5_SCHEMA)
    if every:
        return int(every), "tag"
    return default_every(conn), "default"


def last_given(conn: sqlite3.Connection, contact_id: int) -> date | None:
    """The last day you gave to this contact, or introduced them to someone:
    kept in the contact row by triggers (db.V4_SCHEMA)."""
    return _day(_one(conn, "SELECT last_given FROM contact WHERE id = ?", (contact_id,)))


# --------------------------------------------------------------------------
# Entries


@dataclass
class Written:
    """What a write command did, for its confirmation line."""

    entry: Entry
    contact: Contact
    other: Contact | None = None
    created: list[Contact] | None = None
    hint: str | None = None  # the kind word on stderr after an ask


def _record_undo(conn: sqlite3.Connection, summary: str, ops: list[dict[str, Any]]) -> None:
    conn.execute("INSERT INTO undo_step (at, summary, ops) VALUES (?, ?, ?)", (now_stamp(), summary, json.dumps(ops, default=str)))
    oldest_kept = _one(conn, "SELECT id FROM undo_step ORDER BY id DESC LIMIT 1 OFFSET ?", (UNDO_KEEP - 1,))
    if oldest_kept:
        conn.execute("DELETE FROM undo_step WHERE id < ?", (oldest_kept,))


def get_entry_by_id(conn: sqlite3.Connection, entry_id: int) -> Entry | None:
    row = conn.execute(f"SELECT {_ENTRY_COLS} FROM entry WHERE id = ?", (entry_id,)).fetchone()
    return Entry.from_row(row) if row else None


def add_entry(
    conn: sqlite3.Connection,
    *,
    type: str,
    name: str,
    what: str | None,
    today: date,
    day: date,
    kind: str | None = None,
    intro: str | None = None,
    follow_up: date | None = None,
    new: bool = False,
) -> Written:
    what_clean = validate.text(what, "WHAT" if type != "note" else "TEXT")
    if kind is not None:
        kind = validate.choice(kind, FAVOR_KINDS, "--kind")
    created: list[Contact] = []
    contact = find_or_create(conn, name, new, today, created)
    other = None
    if intro is not None:
        # --new is for NAME only: a typo in --intro must not become a new contact
        other = find_contact(conn, intro, "--intro")
        if other.id == contact.id:
            raise UsageError("--intro: an introduction needs two different people")
        kind = kind or "intro"
    if follow_up is not None and follow_up < day:
        raise UsageError(f"--follow-up: {follow_up.isoformat()} is before the ask itself ({day.isoformat()}); give a later date")
    if type == "ask" and follow_up is None:
        follow_up = day + timedelta(days=DEFAULT_FOLLOW_UP_DAYS)
    new_id = conn.execute(
        "INSERT INTO entry (contact_id, type, kind, what, day, other_id, follow_up, followups, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?)",
        (contact.id, type, kind, what_clean or "", day.isoformat(), other.id if other else None, _iso(follow_up), now_stamp()),
    ).lastrowid
    entry = get_entry_by_id(conn, int(new_id or 0))
    assert entry is not None
    ops: list[dict[str, Any]] = [{"op": "delete_entry", "id": entry.id}]
    ops += [{"op": "delete_contact", "id": c.id} for c in created]
    _record_undo(conn, describe(entry, contact, other), ops)
    hint = _give_first_hint(conn, contact, today) if type == "ask" else None
    return Written(entry, contact, other, created, hint)


def _give_first_hint(conn: sqlite3.Connection, contact: Contact, today: date) -> str | None:
    last = last_given(conn, contact.id)
    every, _ = cadence(conn, contact)
    if last is None:
        return f"You have never given to {contact.name}. Do it first: what could you offer? Try: {give_command(contact.name, contact.id)}"
    if (today - last).days > every:
        return f"Your last give to {contact.name} was {(today - last).days} days ago; feed the relationship too: {give_command(contact.name, contact.id)}"
    return None


def shell_name(name: str) -> str:
    """A name as it is typed in a shell: bare, "double quoted", or 'quoted'."""
    import re
    import shlex

    if re.fullmatch(r"[\w.@+,-]+", name):
        return name
    if not re.search(r'["$`\\!]', name):
        return f'"{name}"'
    return shlex.quote(name)


def give_command(name: str, contact_id: int) -> str:
    """The command that feeds a contact, as typed in a shell. A name that
    starts with '-' would be read as an option (quotes don't help: the shell
    takes them off), so that contact is named by its id."""
    if name.startswith("-"):
        return f"netlog give '#{contact_id}' ..."
    return f"netlog give {shell_name(name)} ..."


def describe(e: Entry, contact: Contact, other: Contact | None = None) -> str:
    verb = {"give": "gave", "got": "got", "ask": "asked", "note": "note on"}[e.type]
    if e.type == "give" and other is not None:
        head = f"introduced {contact.name} to {other.name}"
    elif e.type == "got":
        head = f"got from {contact.name}"
    elif e.type == "give":
        head = f"gave {contact.name}"
    else:
        head = f"{verb} {contact.name}"
    kind = f" ({e.kind})" if e.kind and not (e.kind == "intro" and other) else ""
    return f"#{e.id} {e.day.isoformat()} {head}{kind}: {short(e.what)}"


def short(text: str, width: int = 60) -> str:
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= width else one_line[: width - 1] + "…"


def get_entry(conn: sqlite3.Connection, typed_id: str, what: str = "ID") -> Entry:
    raw = typed_id.strip().lstrip("#")
    if not _is_id(raw):
        raise UsageError(f"{what}: {typed_id!r} is not an entry id; 'netlog log' shows ids")
    entry = get_entry_by_id(conn, int(raw)) if int(raw) <= MAX_ID else None
    if entry is None:
        raise UsageError(f"{what}: there is no entry #{raw}; 'netlog log' shows ids")
    return entry


def find_ask(conn: sqlite3.Connection, typed: str, what: str = "ASK") -> Entry:
    """An ask by id, or by a NAME with exactly one open ask."""
    raw = typed.strip().lstrip("#")
    if _is_id(raw):
        entry = get_entry(conn, typed, what)
        if entry.type != "ask":
            raise UsageError(f"{what}: #{entry.id} is a {entry.type}, not an ask; 'netlog asks' lists open asks")
        return entry
    contact = find_contact(conn, typed, what)
    open_asks = [
        Entry.from_row(r)
        for r in conn.execute(
            f"SELECT {_ENTRY_COLS} FROM entry WHERE contact_id = ? AND type = 'ask' AND outcome IS NULL ORDER BY day, id", (contact.id,)
        )
    ]
    if len(open_asks) == 1:
        return open_asks[0]
    if not open_asks:
        raise UsageError(f"{what}: {contact.name} has no open ask; 'netlog asks --all' lists every ask")
    ids = ", ".join(f"#{a.id}" for a in open_asks[:8])
    raise UsageError(f"{what}: {contact.name} has {len(open_asks)} open asks ({ids}); give the ask's id")


def _change_entry(conn: sqlite3.Connection, entry: Entry, values: dict[str, Any], summary: str) -> None:
    """Update an entry and record how to put it back."""
    before = {k: _iso(getattr(entry, k)) for k in values}
    _update(conn, "entry", entry.id, values)
    for k, v in values.items():
        setattr(entry, k, v)
    _record_undo(conn, summary, [{"op": "restore_entry", "id": entry.id, "values": before}])


def resolve_ask(conn: sqlite3.Connection, entry: Entry, outcome: str, day: date) -> Entry:
    outcome = validate.choice(outcome, OUTCOMES, "OUTCOME")
    if day < entry.day:
        raise UsageError(f"--on: {day.isoformat()} is before the ask itself ({entry.day.isoformat()}); give a later date")
    _change_entry(conn, entry, {"outcome": outcome, "resolved_on": day}, f"resolved ask #{entry.id} as {outcome}")
    return entry


def wait_days(entry: Entry) -> int:
    """How long the last wait was (from the ask, or from the last follow-up, to
    the follow-up date): the next wait is as long."""
    if entry.follow_up is None:
        return DEFAULT_FOLLOW_UP_DAYS
    start = entry.followed_up_on if entry.followups and entry.followed_up_on else entry.day
    return max((entry.follow_up - start).days, 1)


def follow_up_ask(conn: sqlite3.Connection, entry: Entry, day: date, next_date: date | None) -> Entry:
    """You reached out again: count it and set when to look again."""
    if entry.outcome is not None:
        raise UsageError(f"ASK: #{entry.id} is already resolved ({entry.outcome}); nothing to follow up")
    last = entry.followed_up_on if entry.followups and entry.followed_up_on else entry.day
    if day < last:
        before = "the ask itself" if last == entry.day else "your last follow-up"
        raise UsageError(f"--on: {day.isoformat()} is before {before} ({last.isoformat()}); give a later date")
    if next_date is not None and next_date <= day:
        raise UsageError(f"--next: {next_date.isoformat()} is not after the follow-up itself ({day.isoformat()}); give a later date")
    values = {"follow_up": next_date or day + timedelta(days=wait_days(entry)), "followed_up_on": day, "followups": (entry.followups or 0) + 1}
    _change_entry(conn, entry, values, f"followed up ask #{entry.id}")
    return entry


def amend_entry(
    conn: sqlite3.Connection,
    entry: Entry,
    *,
    what: str | None = None,
    day: date | None = None,
    kind: str | None = None,
) -> list[str]:
    values: dict[str, Any] = {}
    if what is not None:
        values["what"] = validate.text(what, "--what") or ""
    if day is not None:
        values["day"] = day
        if entry.type == "ask":
            values.update(_ask_moved(entry, day))
    if kind is not None:
        if entry.type not in ("give", "got"):
            raise UsageError(f"--kind: #{entry.id} is a {entry.type}; only gives and gots have a kind")
        values["kind"] = validate.choice(kind, FAVOR_KINDS, "--kind")
    if not values:
        raise UsageError("amend: nothing to change; give --what, --on or --kind")
    _change_entry(conn, entry, values, f"amended #{entry.id}")
    return list(values)


def _ask_moved(entry: Entry, day: date) -> dict[str, Any]:
    """An ask's new date must come before what followed it; a follow-up date
    not yet moved by a follow-up keeps its distance from the ask."""
    for later, name in ((entry.resolved_on, "was resolved"), (entry.followed_up_on if entry.followups else None, "was followed up")):
        if later is not None and day > later:
            raise UsageError(f"--on: #{entry.id} {name} on {later.isoformat()}; an ask can't come after that, give an earlier date")
    if entry.follow_up is None or entry.followups:
        return {}
    return {"follow_up": day + (entry.follow_up - entry.day)}


def drop_entry(conn: sqlite3.Connection, entry: Entry) -> str:
    contact = get_contact(conn, entry.contact_id)
    other = get_contact(conn, entry.other_id) if entry.other_id else None
    text = describe(entry, contact, other) if contact else f"#{entry.id}"
    conn.execute("DELETE FROM entry WHERE id = ?", (entry.id,))
    _record_undo(conn, f"dropped {text}", [{"op": "insert_entry", "row": entry.as_row()}])
    return text


def undo_last(conn: sqlite3.Connection) -> str:
    """Take back the last write to an entry; returns what was taken back."""
    step = conn.execute("SELECT id, summary, ops FROM undo_step ORDER BY id DESC LIMIT 1").fetchone()
    if step is None:
        raise NetlogError("nothing to undo: no entry has been written, changed or dropped since the last rm or merge")
    for op in json.loads(step["ops"]):
        _apply_undo(conn, op)
    conn.execute("DELETE FROM undo_step WHERE id = ?", (step["id"],))
    summary = step["summary"]
    if summary.startswith("#"):
        return f"removed {summary}"
    return f"took back: {summary}"


_ENTRY_COLUMNS = tuple(f.name for f in fields(Entry))


def _apply_undo(conn: sqlite3.Connection, op: dict[str, Any]) -> None:
    if op["op"] == "delete_entry":
        conn.execute("DELETE FROM entry WHERE id = ?", (op["id"],))
    elif op["op"] == "delete_contact":
        in_use = _one(conn, "SELECT 1 FROM entry WHERE contact_id = ? OR other_id = ? LIMIT 1", (op["id"], op["id"]))
        if not in_use:
            conn.execute("DELETE FROM contact_tag WHERE contact_id = ?", (op["id"],))
            conn.execute("DELETE FROM contact WHERE id = ?", (op["id"],))
    elif op["op"] == "restore_entry":
        values = {k: v for k, v in op["values"].items() if k in _ENTRY_COLUMNS}
        _update(conn, "entry", op["id"], values)
    elif op["op"] == "insert_entry":
        row = {k: v for k, v in op["row"].items() if k in _ENTRY_COLUMNS}
        if get_contact(conn, row["contact_id"]) is None:
            raise NetlogError("can't undo the drop: its contact has been deleted since")
        if row.get("other_id") and get_contact(conn, row["other_id"]) is None:
            row["other_id"] = None
        row.setdefault("followups", 0)
        cols = ", ".join(row)
        conn.execute(f"INSERT INTO entry ({cols}) VALUES ({', '.join('?' for _ in row)})", list(row.values()))


# --------------------------------------------------------------------------
# Reading entries


def _entry_dict(r: sqlite3.Row) -> dict[str, Any]:
    return {
        "id": r["id"],
        "day": r["day"],
        "type": r["type"],
        "contact_id": r["contact_id"],
        "contact": r["contact"],
        "kind": r["kind"],
        "what": r["what"],
        "other_id": r["other_id"],
        "other": r["other"],
        "outcome": r["outcome"],
        "resolved_on": r["resolved_on"],
        "follow_up": r["follow_up"],
        "followed_up_on": r["followed_up_on"],
        "followups": r["followups"],
    }


def log(
    conn: sqlite3.Connection,
    contact: Contact | None = None,
    types: list[str] | None = None,
    kind: str | None = None,
    since: date | None = None,
    limit: int | None = 50,
    open_only: bool = False,
) -> list[dict[str, Any]]:
    """Entries newest first, as plain rows."""
    where: list[str] = []
    params: dict[str, Any] = {}
    if kind:
        where.append("kind = :kind")
        params["kind"] = validate.choice(kind, FAVOR_KINDS, "--kind")
    if since:
        where.append("day >= :since")
        params["since"] = since.isoformat()
    if open_only:
        where.append("outcome IS NULL")
    if contact is not None:
        params["contact"] = contact.id
        chosen = f"e.id IN ({_contact_entry_ids(types or list(ENTRY_TYPES), where, bool(limit))})"
    else:
        if types:
            where.append(f"type IN ({', '.join(f':type{i}' for i in range(len(types)))})")
            params.update({f"type{i}": t for i, t in enumerate(types)})
        chosen = " AND ".join(f"e.{w}" for w in where)
    sql = (
        "SELECT e.id, e.day, e.type, e.contact_id, c.name AS contact, e.kind, e.what, e.other_id, o.name AS other,"
        " e.outcome, e.resolved_on, e.follow_up, e.followed_up_on, e.followups"
        " FROM entry e JOIN contact c ON c.id = e.contact_id LEFT JOIN contact o ON o.id = e.other_id"
        + (f" WHERE {chosen}" if chosen else "")
        + " ORDER BY e.day DESC, e.id DESC"
    )
    if limit:
        sql += " LIMIT :limit"
        params["limit"] = limit
    return [_entry_dict(r) for r in conn.execute(sql, params)]


def _contact_entry_ids(types: list[str], where: list[str], limited: bool) -> str:
    """The ids of one contact's entries (theirs, and introductions that name
    them), as a UNION of index seeks: one per type on (contact_id, type, day),
    one on (other_id, day). With a limit, each seek reads only its newest
    :limit entries in index order, so the busiest contact's timeline costs no
    more than anyone's; an OR, or one seek sorted after, would read them all."""
    extra = "".join(f" AND {w}" for w in where)
    cut = " ORDER BY day DESC, id DESC LIMIT :limit" if limited else ""
    parts = [f"SELECT * FROM (SELECT id FROM entry WHERE contact_id = :contact AND type = '{t}'{extra}{cut}) AS own_{t}" for t in types if t in ENTRY_TYPES]
    if "give" in types:
        parts.append(f"SELECT * FROM (SELECT id FROM entry WHERE other_id = :contact{extra}{cut}) AS named")
    return " UNION ALL ".join(parts) or "SELECT NULL WHERE 0"


def totals(conn: sqlite3.Connection, contact_id: int) -> dict[str, int]:
    """Given, received and asked for one contact, and how the asks ended: the
    reports' own grouped counts, so a card and a report can never disagree."""
    from netlog.reports import _totals_for, _zero

    t = _totals_for(conn, [contact_id]).get(contact_id, _zero())
    return {k: t[k] for k in ("given", "received", "asked", "helped", "declined", "ignored", "open", "notes")}


def show(conn: sqlite3.Connection, contact: Contact, today: date, limit: int | None = 100) -> dict[str, Any]:
    """The card, totals, open asks, and the newest ``limit`` entries (None: all)."""
    every, source = cadence(conn, contact)
    last = last_given(conn, contact.id)
    card = contact_row(contact, contact_tags(conn, contact.id))
    timeline = log(conn, contact, limit=limit)
    open_asks = log(conn, contact, types=["ask"], limit=None, open_only=True)
    t = totals(conn, contact.id)
    return {
        **card,
        "every": every,
        "every_from": source,
        "last_given": last.isoformat() if last else None,
        "days_since_given": (today - last).days if last else None,
        "totals": t,
        "open_asks": open_asks,
        "timeline": timeline,
        "timeline_total": t["given"] + t["received"] - t["helped"] + t["asked"] + t["notes"],
    }


def counts(conn: sqlite3.Connection) -> dict[str, int]:
    return {
        "contacts": int(_one(conn, "SELECT count(*) FROM contact")),
        "entries": int(_one(conn, "SELECT count(*) FROM entry")),
    }
