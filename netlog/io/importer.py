"""Applying imported records to the journal: match, fill what is empty, in bulk.

One pass plans everything in memory from a handful of queries (contacts with
the fields an import may fill, tags, tag links: one query each), then the
writes go out as a few bulk statements (executemany), never a query per row.
The caller runs this inside one write transaction, so a bad row under
``strict``, a failure or Ctrl-C leaves the journal as it was; a dry run plans
the same way inside a read transaction and writes nothing.

Matching, in order: the profile URL (scheme, "www." and a trailing slash
ignored, case-insensitive), then the email (case-insensitive), then the exact
name ignoring case. A matched contact only gets the fields it does not have
yet: nothing the user entered or edited is ever overwritten.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from netlog import validate
from netlog.errors import NetlogError, UsageError
from netlog.io import FILL_FIELDS, Record, Skip

MAX_FIELD = 10_000
MAX_CHANGES = 100  # the created/updated contacts remembered for a dry run's listing
CHUNK = 5_000  # rows per executemany, so a progress bar moves while writing


@dataclass
class Outcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[Skip] = field(default_factory=list)
    changes: list[tuple[str, str, int, list[str]]] = field(default_factory=list)  # (created|updated, name, id, fields), the first MAX_CHANGES
    notices: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged + len(self.skipped)

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": len(self.skipped),
            "skipped_rows": [{"where": s.where, "reason": s.reason} for s in self.skipped],
        }


def url_key(url: str) -> str:
    key = url.strip().lower()
    scheme = key.find("://")
    if scheme != -1:
        key = key[scheme + 3 :]
    if key.startswith("www."):
        key = key[4:]
    return key.rstrip("/")


def email_key(email: str) -> str:
    return email.strip().lower()


def _clean(record: Record) -> tuple[str, dict[str, str], list[str]]:
    """The record's name, fields and tags as they will be stored; UsageError if unusable."""
    name = validate.name(record.name, "the name")
    fields: dict[str, str] = {}
    for key, value in record.fields.items():
        if key not in FILL_FIELDS:
            continue
        cleaned = value.strip()
        if len(cleaned) > MAX_FIELD or "\x00" in cleaned or not cleaned.isprintable():
            # the rare case, where the full check says what is wrong (text with
            # line breaks or tabs also comes here, and is fine)
            cleaned = validate.text(value, key, required=False, max_len=MAX_FIELD) or ""
        if cleaned:
            fields[key] = cleaned
    extra = []
    if record.more_emails:
        extra.append("Other emails: " + ", ".join(record.more_emails))
    if record.more_phones:
        extra.append("Other phones: " + ", ".join(record.more_phones))
    if extra:
        note = "\n".join(([fields["note"]] if fields.get("note") else []) + extra)
        fields["note"] = validate.text(note, "note", required=False, max_len=MAX_FIELD) or ""
    tags = []
    for typed in record.tags:
        try:
            tags.append(validate.name(typed, "tag"))
        except UsageError:
            continue
    return name, fields, tags


def apply(
    session: Any,
    items: Iterable[Record | Skip],
    *,
    today: date,
    tags: list[str] | None = None,
    strict: bool = False,
    write: bool = True,
    progress: Callable[[int], None] | None = None,
) -> Outcome:
    """Import records; with ``write`` False only plan (a dry run)."""
    from sqlalchemy import bindparam, func, select

    from netlog.models import Contact, ContactTag, Tag

    conn = session.connection()
    c, t, ct = Contact.__table__, Tag.__table__, ContactTag.__table__  # type: ignore[attr-defined]
    out = Outcome()

    # --- what is there already: one query per kind
    existing: dict[int, dict[str, Any]] = {}
    by_url: dict[str, int] = {}
    by_email: dict[str, int] = {}
    by_name: dict[str, int] = {}
    for row in conn.execute(select(c.c.id, c.c.name, c.c.name_key, *(c.c[f] for f in FILL_FIELDS)).order_by(c.c.id)):
        data = dict(row._mapping)
        existing[data["id"]] = data
        _index(data, by_url, by_email, by_name)
    tag_ids: dict[str, int] = {}
    for tid, key in conn.execute(select(t.c.id, t.c.name_key)):
        tag_ids[key] = tid
    links: set[tuple[int, int]] = {(a, b) for a, b in conn.execute(select(ct.c.contact_id, ct.c.tag_id))}
    next_contact = (conn.execute(select(func.max(c.c.id))).scalar() or 0) + 1
    next_tag = (conn.execute(select(func.max(t.c.id))).scalar() or 0) + 1

    new_tags: dict[str, dict[str, Any]] = {}
    created: dict[int, dict[str, Any]] = {}
    changed: dict[int, dict[str, Any]] = {}  # existing contacts that get fields
    new_links: set[tuple[int, int]] = set()

    def tag_id(name: str) -> int:
        nonlocal next_tag
        key = validate.name_key(name)
        if key not in tag_ids:
            tag_ids[key] = next_tag
            new_tags[key] = {"id": next_tag, "name": name, "name_key": key, "every_days": None}
            next_tag += 1
        return tag_ids[key]

    common = [tag_id(n) for n in tags or []]
    done = 0
    for item in items:
        done += 1
        if progress and done % 500 == 0:
            progress(500)
        if isinstance(item, Skip):
            _skip(out, item, strict)
            continue
        try:
            name, fields, record_tags = _clean(item)
        except UsageError as e:
            _skip(out, Skip(item.where, e.message), strict)
            continue
        key = validate.name_key(name)
        url, email = fields.get("url"), fields.get("email")
        cid = by_url.get(url_key(url)) if url else None
        if cid is None and email:
            cid = by_email.get(email_key(email))
        if cid is None:
            cid = by_name.get(key)
        wanted = common + [tag_id(n) for n in record_tags] if record_tags else common
        if cid is None:
            cid = next_contact
            next_contact += 1
            row = {"id": cid, "name": name, "name_key": key, **{f: fields.get(f) for f in FILL_FIELDS}}
            row.update(added_on=item.added_on or today, every_days=None, archived=False, snoozed_until=None)
            created[cid] = row
            _index(row, by_url, by_email, by_name)
            new_links.update((cid, tid) for tid in wanted)
            out.created += 1
            if len(out.changes) < MAX_CHANGES:
                out.changes.append(("created", name, cid, sorted(fields)))
            continue
        target = created.get(cid) or changed.get(cid) or existing[cid]
        filled = [f for f in FILL_FIELDS if fields.get(f) and not target.get(f)]
        linked = [tid for tid in wanted if (cid, tid) not in links and (cid, tid) not in new_links]
        if not filled and not linked:
            out.unchanged += 1
            continue
        if filled:
            if cid not in created and cid not in changed:
                target = changed[cid] = dict(existing[cid])
            for f in filled:
                target[f] = fields[f]
            _index(target, by_url, by_email, by_name)
        new_links.update((cid, tid) for tid in linked)
        out.updated += 1
        if len(out.changes) < MAX_CHANGES:
            out.changes.append(("updated", target["name"], cid, filled + (["tags"] if linked else [])))
    if progress:
        progress(done % 500)

    if not write:
        if progress:
            progress(done)
        return out
    # --- the writes: a few bulk statements. Contacts go through the driver's
    # executemany with plain tuples: SQLAlchemy's per-row parameter handling
    # cost more than SQLite's inserts. Dates are written as SQLAlchemy writes
    # them on SQLite (ISO text), so the ORM reads them back as dates.
    if new_tags:
        conn.execute(t.insert(), list(new_tags.values()))
    columns = ("id", "name", "name_key", *FILL_FIELDS, "added_on", "every_days", "archived", "snoozed_until")
    insert = f"INSERT INTO contact ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
    rows = [
        (r["id"], r["name"], r["name_key"], *(r[f] for f in FILL_FIELDS), r["added_on"].isoformat(), None, 0, None)
        for r in created.values()
    ]
    for i in range(0, len(rows), CHUNK):
        conn.exec_driver_sql(insert, rows[i : i + CHUNK])
        if progress:
            progress(len(rows[i : i + CHUNK]))
    if changed:
        stmt = c.update().where(c.c.id == bindparam("_id")).values({f: bindparam(f"_{f}") for f in FILL_FIELDS})
        conn.execute(stmt, [{"_id": cid, **{f"_{f}": row[f] for f in FILL_FIELDS}} for cid, row in changed.items()])
    if new_links:
        conn.exec_driver_sql("INSERT INTO contact_tag (contact_id, tag_id) VALUES (?, ?)", sorted(new_links))
    if progress:
        progress(done - len(rows))  # the bar counts each row twice: planned, then written
    return out


def _index(row: dict[str, Any], by_url: dict[str, int], by_email: dict[str, int], by_name: dict[str, int]) -> None:
    if row.get("url"):
        by_url.setdefault(url_key(row["url"]), row["id"])
    if row.get("email"):
        by_email.setdefault(email_key(row["email"]), row["id"])
    by_name.setdefault(row["name_key"], row["id"])


def _skip(out: Outcome, skip: Skip, strict: bool) -> None:
    if strict:
        raise NetlogError(f"{skip.where}: {skip.reason}; nothing was imported (without --strict such rows are skipped)")
    out.skipped.append(skip)
