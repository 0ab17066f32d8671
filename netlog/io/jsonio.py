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
from datetime import date
from typing import Any

from netlog import validate
from netlog.errors import UsageError
from netlog.models import CONTACT_FIELDS, ENTRY_TYPES, FAVOR_KINDS, OUTCOMES

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


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def dump(session: Any) -> dict[str, Any]:
    """The whole journal as plain data, in id order."""
    from sqlalchemy import select

    from netlog.db import schema_version
    from netlog.models import Contact, ContactTag, Entry, Reported, Setting, Tag

    conn = session.connection()
    c, t, ct, e, s, rep = (m.__table__ for m in (Contact, Tag, ContactTag, Entry, Setting, Reported))  # type: ignore[attr-defined]
    tag_names = {tid: name for tid, name in conn.execute(select(t.c.id, t.c.name))}
    tags_of: dict[int, list[tuple[str, str]]] = {}
    for cid, tid in conn.execute(select(ct.c.contact_id, ct.c.tag_id)):
        tags_of.setdefault(cid, []).append((validate.name_key(tag_names[tid]), tag_names[tid]))
    contacts = []
    for row in conn.execute(select(c).order_by(c.c.id)):
        m = row._mapping
        item = {k: _iso(m[k]) for k in CONTACT_KEYS if k != "tags"}
        item["archived"] = bool(item["archived"])
        item["tags"] = [name for _key, name in sorted(tags_of.get(m["id"], []))]
        contacts.append(item)
    tags = [{k: row._mapping[k] for k in TAG_KEYS} for row in conn.execute(select(t).order_by(t.c.id))]
    entries = [{k: _iso(row._mapping[k]) for k in ENTRY_KEYS} for row in conn.execute(select(e).order_by(e.c.id))]
    settings = {k: v for k, v in conn.execute(select(s.c.key, s.c.value).order_by(s.c.key))}
    reported = [{k: _iso(row._mapping[k]) for k in REPORTED_KEYS} for row in conn.execute(select(rep).order_by(rep.c.item))]
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "schema_version": schema_version(session),
        "settings": settings,
        "tags": tags,
        "contacts": contacts,
        "entries": entries,
        "reported": reported,
    }


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


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

    def num(self, value: Any, where: str, *, optional: bool = False, minimum: int = 0) -> int | None:
        if value is None and optional:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise self.fail(where, f"should be a whole number of at least {minimum}")
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

    def day(self, value: Any, where: str, *, optional: bool = True) -> date | None:
        if value is None and optional:
            return None
        try:
            return date.fromisoformat(value)
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
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise UsageError(f"FILE: {shown} is not a netlog export (no \"format\": \"{FORMAT}\"); give a file from 'netlog export json'")
    version = doc.get("format_version")
    if version != FORMAT_VERSION:
        raise UsageError(f"FILE: {shown} has format version {version!r}; this netlog reads version {FORMAT_VERSION}, upgrade netlog")

    settings = []
    for key, value in ck.obj(doc.get("settings", {}), "settings").items():
        settings.append({"key": ck.text(key, "a setting's name", optional=False), "value": ck.text(value, f"setting {key!r}", optional=False)})

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
        tags.append({"id": tid, "name": name, "name_key": key, "every_days": ck.num(item.get("every_days"), f"{where}.every_days", optional=True, minimum=1)})

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
        row["every_days"] = ck.num(item.get("every_days"), f"{where}.every_days", optional=True, minimum=1)
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
        row["followups"] = ck.num(item.get("followups", 0), f"{where}.followups")
        row["created_at"] = ck.text(item.get("created_at"), f"{where}.created_at", optional=False)
        entries.append(row)
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
    return {"setting": settings, "tag": tags, "contact": contacts, "contact_tag": links, "entry": entries, "reported": reported}


def restore(session: Any, rows: dict[str, Any], shown: str) -> dict[str, int]:
    """Insert a checked document into an empty journal, ids and all."""
    from sqlalchemy import func, select
    from sqlalchemy.exc import IntegrityError

    from netlog.models import Contact, ContactTag, Entry, Reported, Setting, Tag, UndoStep

    conn = session.connection()
    conn.execute(UndoStep.__table__.delete())  # type: ignore[attr-defined]  # old steps must not touch restored ids
    tables = {"setting": Setting, "tag": Tag, "contact": Contact, "contact_tag": ContactTag, "entry": Entry, "reported": Reported}
    for name in ("contact", "tag", "entry"):
        if conn.execute(select(func.count()).select_from(tables[name].__table__)).scalar():  # type: ignore[attr-defined]
            raise UsageError(
                "import json restores a whole journal, so it needs an empty one, and this journal has data; "
                "restore into a new file with --db PATH (or NETLOG_DB), or 'netlog import csv' to add contacts"
            )
    try:
        for name in ("setting", "tag", "contact", "contact_tag", "entry", "reported"):
            table = tables[name].__table__  # type: ignore[attr-defined]
            if name in ("setting", "reported"):
                conn.execute(table.delete())  # an empty journal's leftovers give way to the export's
            if rows[name]:
                conn.execute(table.insert(), rows[name])
    except IntegrityError as e:
        rule = str(e.orig).split("\n")[0]
        raise UsageError(f"FILE: {shown} breaks a rule of the journal ({rule}); nothing was imported") from None
    return {"contacts": len(rows["contact"]), "entries": len(rows["entry"]), "tags": len(rows["tag"]), "settings": len(rows["setting"])}
