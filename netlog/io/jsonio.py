"""The lossless export (``netlog export json``) and its restore (``netlog import json``).

The document is the whole journal: settings, tags with their cadence,
contacts (with their tags by name), entries, and what ``remind --new-only``
has already reported, all with their ids, so that introductions and asks
keep pointing at the right people. The undo history is left out: it is a
convenience of the moment, not data.

It is deterministic: rows in id order, keys in a fixed order, no timestamp of
the export, so exporting, restoring into an empty journal and exporting again
gives byte-identical output.

Restoring refuses a journal that already has contacts, tags or entries:
merging a second journal into one that has its own ids is not what a restore
is for (``netlog import csv`` on an ``export csv`` of contacts is the way to
bring people from one journal into another).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import date
from json.encoder import encode_basestring as _quote  # the C one when there is one, as json.dumps uses
from typing import IO, Any

from netlog import validate
from netlog.errors import UsageError
from netlog.db import raise_next_id
from netlog.io.bulk import entries_aside
from netlog.journal import MAX_EVERY_DAYS, setting_problem

# Ids a restore takes: far past any journal's, far short of the 2**63 at which
# SQLite can give no next id (every later write would fail as if the disk were full).
MAX_ID = 10**15
from netlog.validate import CONTACT_FIELDS, ENTRY_TYPES, FAVOR_KINDS, OUTCOMES

FORMAT = "netlog-journal"
FORMAT_VERSION = 1

CONTACT_KEYS = ("id", "name", *CONTACT_FIELDS, "every_days", "added_on", "archived", "snoozed_until", "tags")
TAG_KEYS = ("id", "name", "every_days")
ENTRY_KEYS = (
    "id", "contact_id", "type", "kind", "what", "day", "other_id", "outcome",
    "resolved_on", "follow_up", "followed_up_on", "followups", "created_at",
)
REPORTED_KEYS = ("item", "state", "first_on", "last_on")
_ENTRY_DATES = ("day", "resolved_on", "follow_up", "followed_up_on")


class Tables:
    """The journal's records, each kind read row by row in a fixed order
    (a million entries are never all in memory at once)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def _read(self, sql: str) -> sqlite3.Cursor:
        cursor = self.conn.cursor()  # one each: a generator may still be reading another
        cursor.row_factory = None
        return cursor.execute(sql)

    def head(self) -> dict[str, Any]:
        """What comes before the lists: format, versions, settings."""
        from netlog.db import next_id, schema_version

        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "schema_version": schema_version(self.conn),
            "settings": dict(self._read("SELECT key, value FROM setting ORDER BY key")),
            # the highest ids ever given (deleted rows' too): a restore never gives them again
            "ids_used": {table: next_id(self.conn, table) - 1 for table in ("contact", "entry")},
        }

    def contacts(self) -> Iterator[dict[str, Any]]:
        tag_names = dict(self._read("SELECT id, name FROM tag"))
        tags_of: dict[int, list[tuple[str, str]]] = {}
        for cid, tid in self._read("SELECT contact_id, tag_id FROM contact_tag"):
            tags_of.setdefault(cid, []).append((validate.name_key(tag_names[tid]), tag_names[tid]))
        columns = [k for k in CONTACT_KEYS if k != "tags"]
        for row in self._read(f"SELECT {', '.join(columns)} FROM contact ORDER BY id"):
            item = dict(zip(columns, row))
            item["archived"] = bool(item["archived"])
            item["tags"] = [name for _key, name in sorted(tags_of.get(item["id"], []))]
            yield item

    def tags(self) -> Iterator[dict[str, Any]]:
        return self._rows("tag", TAG_KEYS, "id")

    def entries(self) -> Iterator[dict[str, Any]]:
        return self._rows("entry", ENTRY_KEYS, "id")

    def reported(self) -> Iterator[dict[str, Any]]:
        return self._rows("reported", REPORTED_KEYS, "item")

    def _rows(self, table: str, keys: tuple[str, ...], order: str) -> Iterator[dict[str, Any]]:
        return (dict(zip(keys, row)) for row in self._read(f"SELECT {', '.join(keys)} FROM {table} ORDER BY {order}"))

    def lists(self) -> tuple[tuple[str, Iterator[dict[str, Any]]], ...]:
        return (("tags", self.tags()), ("contacts", self.contacts()), ("entries", self.entries()), ("reported", self.reported()))


def dump(conn: sqlite3.Connection) -> dict[str, Any]:
    """The whole journal as plain data, in id order (dates are stored as ISO text)."""
    tables = Tables(conn)
    return {**tables.head(), **{name: list(rows) for name, rows in tables.lists()}}


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def write(conn: sqlite3.Connection, out: IO[str]) -> None:
    """Write the whole journal to ``out`` as JSON, record by record: the very
    text of dumps(dump(conn)), in little memory whatever the journal's size.

    Each record is encoded alone and indented two levels: JSON escapes line
    breaks inside strings, so every line break is the encoder's own.
    """
    tables = Tables(conn)
    encode = json.JSONEncoder(ensure_ascii=False, indent=2).encode
    head = encode(tables.head())
    out.write(head[: -len("\n}")])
    for name, rows in tables.lists():
        out.write(f",\n  {encode(name)}: ")
        opening = "[\n    "
        for item in rows:
            out.write(opening)
            out.write(_flat(item) or encode(item).replace("\n", "\n    "))
            opening = ",\n    "
        out.write("[]" if opening == "[\n    " else "\n  ]")
    out.write("\n}\n")


def _flat(item: dict[str, Any]) -> str | None:
    """A record of plain values as json's indent=2 writes it two levels deep, or
    None when a value is not plain. json's indenting encoder is pure Python;
    strings here go through its C quoting, so the text is the same, 3x sooner."""
    parts = []
    for key, value in item.items():
        if value is None:
            text = "null"
        elif value is True:
            text = "true"
        elif value is False:
            text = "false"
        elif type(value) is str:
            text = _quote(value)
        elif type(value) is int:
            text = int.__repr__(value)
        else:
            return None
        parts.append(f"{_quote(key)}: {text}")
    return "{\n      " + ",\n      ".join(parts) + "\n    }" if parts else None


# --------------------------------------------------------------------------
# Restore


class _Checker:
    """Reads one part of the document, naming the exact place of a problem."""

    def __init__(self, shown: str) -> None:
        self.shown = shown

    def fail(self, where: str, problem: str) -> UsageError:
        return UsageError(f"FILE: {self.shown}: {where} {problem}; nothing was imported")

    def obj(self, value: Any, where: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(where, "is not an object")
        return value

    def seq(self, value: Any, where: str) -> list[Any]:
        if not isinstance(value, list):
            raise self.fail(where, "is not a list")
        return value

    def num(self, value: Any, where: str, *, optional: bool = False, minimum: int = 0, maximum: int = MAX_ID) -> int | None:
        if value is None and optional:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
            raise self.fail(where, f"should be a whole number from {minimum} to {maximum}")
        return value

    def text(self, value: Any, where: str, *, optional: bool = True) -> str | None:
        if value is None and optional:
            return None
        if not isinstance(value, str):
            raise self.fail(where, "should be text")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise self.fail(where, "is not valid UTF-8") from None
        if "\x00" in value:
            raise self.fail(where, "contains a NUL character")
        return value

    def day(self, value: Any, where: str, *, optional: bool = True) -> str | None:
        """A date, as the journal stores it (ISO text)."""
        if value is None and optional:
            return None
        try:
            return date.fromisoformat(value).isoformat()
        except (TypeError, ValueError):
            raise self.fail(where, "should be a date like 2025-11-14") from None

    def choice(self, value: Any, allowed: tuple[str, ...], where: str, *, optional: bool = True) -> str | None:
        if value is None and optional:
            return None
        if value not in allowed:
            raise self.fail(where, f"should be one of {', '.join(allowed)}")
        return str(value)

    def name(self, value: Any, where: str) -> str:
        text = self.text(value, where, optional=False) or ""
        try:
            clean = validate.name(text, where)
        except UsageError as e:
            raise UsageError(f"FILE: {self.shown}: {e.message}; nothing was imported") from None
        if clean != text:
            raise self.fail(where, "has blanks at its ends or doubled inside")
        return text


def parse(text: str, shown: str) -> dict[str, Any]:
    """Check a whole export document and return rows ready to insert."""
    ck = _Checker(shown)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise UsageError(f"FILE: {shown} is not JSON (line {e.lineno}, column {e.colno}: {e.msg}); give a file from 'netlog export json'") from None
    except (ValueError, RecursionError):  # a number of thousands of digits; lists nested past Python's depth
        raise UsageError(f"FILE: {shown} is JSON no netlog export can be (numbers too long, or nested too deep); give a file from 'netlog export json'") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise UsageError(f"FILE: {shown} is not a netlog export (no \"format\": \"{FORMAT}\"); give a file from 'netlog export json'")
    version = doc.get("format_version")
    if version != FORMAT_VERSION:
        raise UsageError(f"FILE: {shown} has format version {version!r}; this netlog reads version {FORMAT_VERSION}, upgrade netlog")

    settings = []
    for key, value in ck.obj(doc.get("settings", {}), "settings").items():
        problem = setting_problem(key, value)
        if problem:
            raise UsageError(f"FILE: {shown}: settings: {problem}; nothing was imported")
        settings.append({"key": key, "value": value})

    tags, tag_keys = [], {}
    for i, raw in enumerate(ck.seq(doc.get("tags", []), "tags")):
        where = f"tags[{i}]"
        item = ck.obj(raw, where)
        name = ck.name(item.get("name"), f"{where}.name")
        key = validate.name_key(name)
        if key in tag_keys:
            raise ck.fail(f"{where}.name", "repeats another tag's name")
        tid = ck.num(item.get("id"), f"{where}.id", minimum=1)
        tag_keys[key] = tid
        every = ck.num(item.get("every_days"), f"{where}.every_days", optional=True, minimum=1, maximum=MAX_EVERY_DAYS)
        tags.append({"id": tid, "name": name, "name_key": key, "every_days": every})

    contacts, links, ids, names = [], [], set(), set()
    for i, raw in enumerate(ck.seq(doc.get("contacts", []), "contacts")):
        where = f"contacts[{i}]"
        item = ck.obj(raw, where)
        cid = ck.num(item.get("id"), f"{where}.id", minimum=1)
        if cid in ids:
            raise ck.fail(f"{where}.id", "repeats another contact's id")
        ids.add(cid)
        name = ck.name(item.get("name"), f"{where}.name")
        key = validate.name_key(name)
        if key in names:
            raise ck.fail(f"{where}.name", "repeats another contact's name")
        names.add(key)
        row: dict[str, Any] = {"id": cid, "name": name, "name_key": key}
        for f in CONTACT_FIELDS:
            row[f] = ck.text(item.get(f), f"{where}.{f}")
        row["every_days"] = ck.num(item.get("every_days"), f"{where}.every_days", optional=True, minimum=1, maximum=MAX_EVERY_DAYS)
        row["added_on"] = ck.day(item.get("added_on"), f"{where}.added_on", optional=False)
        archived = item.get("archived", False)
        if not isinstance(archived, bool):
            raise ck.fail(f"{where}.archived", "should be true or false")
        row["archived"] = archived
        row["snoozed_until"] = ck.day(item.get("snoozed_until"), f"{where}.snoozed_until")
        for j, tag in enumerate(ck.seq(item.get("tags", []), f"{where}.tags")):
            tname = ck.text(tag, f"{where}.tags[{j}]", optional=False) or ""
            tid = tag_keys.get(validate.name_key(tname))
            if tid is None:
                raise ck.fail(f"{where}.tags[{j}]", "names a tag that is not in \"tags\"")
            links.append({"contact_id": cid, "tag_id": tid})
        contacts.append(row)

    entries, entry_ids = [], set()
    for i, raw in enumerate(ck.seq(doc.get("entries", []), "entries")):
        where = f"entries[{i}]"
        item = ck.obj(raw, where)
        eid = ck.num(item.get("id"), f"{where}.id", minimum=1)
        if eid in entry_ids:
            raise ck.fail(f"{where}.id", "repeats another entry's id")
        entry_ids.add(eid)
        row = {"id": eid}
        row["contact_id"] = ck.num(item.get("contact_id"), f"{where}.contact_id", minimum=1)
        if row["contact_id"] not in ids:
            raise ck.fail(f"{where}.contact_id", "names a contact that is not in \"contacts\"")
        row["type"] = ck.choice(item.get("type"), ENTRY_TYPES, f"{where}.type", optional=False)
        row["kind"] = ck.choice(item.get("kind"), FAVOR_KINDS, f"{where}.kind")
        row["what"] = ck.text(item.get("what"), f"{where}.what", optional=False)
        if not (row["what"] or "").strip():
            raise ck.fail(f"{where}.what", "is empty")
        row["other_id"] = ck.num(item.get("other_id"), f"{where}.other_id", optional=True, minimum=1)
        if row["other_id"] is not None and row["other_id"] not in ids:
            raise ck.fail(f"{where}.other_id", "names a contact that is not in \"contacts\"")
        row["outcome"] = ck.choice(item.get("outcome"), OUTCOMES, f"{where}.outcome")
        for f in _ENTRY_DATES:
            row[f] = ck.day(item.get(f), f"{where}.{f}", optional=f != "day")
        # an ask's outcome comes with the day it came (helped counts as a favor
        # received from that day), never before the ask: as netlog writes them
        if row["outcome"] is not None and row["resolved_on"] is None:
            raise ck.fail(f"{where}.resolved_on", "is missing; an ask with an outcome needs the day it was resolved")
        if row["resolved_on"] is not None and row["resolved_on"] < row["day"]:
            raise ck.fail(f"{where}.resolved_on", "is before the ask itself")
        row["followups"] = ck.num(item.get("followups", 0), f"{where}.followups")
        row["created_at"] = ck.text(item.get("created_at"), f"{where}.created_at", optional=False)
        entries.append(row)
    used = ck.obj(doc.get("ids_used", {}), "ids_used")
    ids_used = {table: ck.num(used.get(table, 0), f"ids_used.{table}") or 0 for table in ("contact", "entry")}
    reported = []
    for i, raw in enumerate(ck.seq(doc.get("reported", []), "reported")):
        where = f"reported[{i}]"
        item = ck.obj(raw, where)
        reported.append({
            "item": ck.text(item.get("item"), f"{where}.item", optional=False),
            "state": ck.text(item.get("state"), f"{where}.state", optional=False),
            "first_on": ck.day(item.get("first_on"), f"{where}.first_on", optional=False),
            "last_on": ck.day(item.get("last_on"), f"{where}.last_on", optional=False),
        })
    return {"setting": settings, "tag": tags, "contact": contacts, "contact_tag": links, "entry": entries, "reported": reported,
            "ids_used": ids_used}


# The columns each table is restored with, in the order of the rows parse() makes.
_COLUMNS = {
    "setting": ("key", "value"),
    "tag": ("id", "name", "name_key", "every_days"),
    "contact": ("id", "name", "name_key", *CONTACT_FIELDS, "every_days", "added_on", "archived", "snoozed_until"),
    "contact_tag": ("contact_id", "tag_id"),
    "entry": ("id", *ENTRY_KEYS[1:]),
    "reported": REPORTED_KEYS,
}


def restore(conn: sqlite3.Connection, rows: dict[str, Any], shown: str) -> dict[str, int]:
    """Insert a checked document into an empty journal, ids and all, inside the
    caller's write transaction."""
    for name in ("contact", "tag", "entry"):
        if conn.execute(f"SELECT EXISTS (SELECT 1 FROM {name})").fetchone()[0]:
            raise UsageError(
                "import json restores a whole journal, so it needs an empty one, and this journal has data; "
                "restore into a new file with --db PATH (or NETLOG_DB), or 'netlog import csv' to add contacts"
            )
    conn.execute("DELETE FROM undo_step")  # old steps must not touch restored ids
    try:
        for name, columns in _COLUMNS.items():
            if name in ("setting", "reported"):
                conn.execute(f"DELETE FROM {name}")  # an empty journal's leftovers give way to the export's
            if rows[name]:
                insert = f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})"
                if name == "entry":
                    with entries_aside(conn):  # indexes built once, kept days computed once
                        conn.executemany(insert, rows[name])
                else:
                    conn.executemany(insert, rows[name])
    except sqlite3.IntegrityError as e:
        rule = str(e).split("\n")[0]
        raise UsageError(f"FILE: {shown} breaks a rule of the journal ({rule}); nothing was imported") from None
    for table, used in rows["ids_used"].items():
        raise_next_id(conn, table, used)
    return {"contacts": len(rows["contact"]), "entries": len(rows["entry"]), "tags": len(rows["tag"]), "settings": len(rows["setting"])}
