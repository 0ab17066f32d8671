"""Applying imported records to the journal: match, fill what is empty, in bulk.

It speaks plain SQL on the standard library's sqlite3 connection. One pass
plans everything in memory from a handful of queries (contacts with the
fields an import may fill, tags, and tag links only when a contact already
there may get a tag: one query each), then the writes go out as a few bulk
statements (executemany), never a query per row.
The caller runs this inside one write transaction, so a bad row under
``strict``, a failure or Ctrl-C leaves the journal as it was; a dry run plans
the same way inside a read transaction and writes nothing.

Matching, in order: the profile URL (scheme, "www." and a trailing slash
ignored, case-insensitive), then the email (case-insensitive), then the exact
name ignoring case. A profile URL is the strongest sign of who someone is:
a row with one that no contact has is never matched, by email or name, to a
contact with another URL (two John Smiths); it is skipped with the reason,
since names are unique in a journal. A matched contact only gets the fields
it does not have yet: nothing the user entered or edited is ever overwritten.
"""

from __future__ import annotations

import sqlite3
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from operator import itemgetter
from typing import Any

from netlog import validate
from netlog.validate import name_key
from netlog.errors import NetlogError, UsageError
from netlog.io import FILL_FIELDS, Record, Skip

MAX_FIELD = 10_000
MAX_NAME = validate.MAX_NAME
CHUNK = 5_000  # rows per executemany, so a progress bar moves while writing


@dataclass
class Outcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[Skip] = field(default_factory=list)
    changes: list[tuple[str, str, int, list[str]]] = field(default_factory=list)  # (created|updated, name, id, fields), every one
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
            # what each contact gets (a dry run: would get); the id is the one it has or would be given
            "changes": [{"action": verb, "id": cid, "name": name, "fields": fields} for verb, name, cid, fields in self.changes],
        }

    def skip_lines(self, width: int = 88) -> list[str]:
        """The skipped rows for the text report, grouped by reason: every
        row's place, however many (the spec promises the reason for each)."""
        by_reason: dict[str, list[str]] = {}
        for skip in self.skipped:
            by_reason.setdefault(skip.reason, []).append(skip.where)
        out = []
        for reason, wheres in by_reason.items():
            if len(wheres) == 1:
                out.append(f"  skipped {wheres[0]}: {reason}")
                continue
            out.append(f"  skipped {len(wheres)} rows: {reason}")
            out += textwrap.wrap(_places(wheres), width, initial_indent="    ", subsequent_indent="    ", break_long_words=False, break_on_hyphens=False)
        return out


def _places(wheres: list[str]) -> str:
    """'line 4', 'line 9' -> 'lines 4, 9'; other places (cards) as they are."""
    if all(w.startswith("line ") and w[5:].isdigit() for w in wheres):
        return "lines " + ", ".join(w[5:] for w in wheres)
    return ", ".join(wheres)


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
    name = record.name
    # The usual name is printable (so no control characters, line breaks or
    # blanks but the space), short, without blanks at its ends or doubled and
    # no '#' in front: validate.name would return it as it is. Others get the
    # full check, which also says what is wrong.
    if not (name and name.isprintable() and len(name) <= MAX_NAME and name[0] not in _BAD_START and name[-1] != " " and "  " not in name):
        name = validate.name(name, "the name")
    fields: dict[str, str] = {}
    for key, value in record.fields.items():
        if key not in _FILL:
            continue
        cleaned = value.strip()
        if not cleaned.isprintable() or len(cleaned) > MAX_FIELD:
            # the rare case, where the full check says what is wrong (text with
            # line breaks or tabs also comes here, and is fine)
            cleaned = validate.text(value, key, required=False, max_len=MAX_FIELD) or ""
        if cleaned:
            fields[key] = cleaned
    if record.more_emails or record.more_phones:
        extra = []
        if record.more_emails:
            extra.append("Other emails: " + ", ".join(record.more_emails))
        if record.more_phones:
            extra.append("Other phones: " + ", ".join(record.more_phones))
        note = "\n".join(([fields["note"]] if fields.get("note") else []) + extra)
        fields["note"] = validate.text(note, "note", required=False, max_len=MAX_FIELD) or ""
    tags = []
    for typed in record.tags:
        try:
            tags.append(validate.name(typed, "tag"))
        except UsageError:
            continue
    return name, fields, tags


_FILL = frozenset(FILL_FIELDS)
_EMPTY = ("",) * len(FILL_FIELDS)
_BAD_START = " #"


# A contact as the importer keeps it: [id, name, name_key, *FILL_FIELDS,
# added_on], a list so that a later row of the same file can fill it.
_FIRST_FILL = 3
_SLOTS = tuple(enumerate(FILL_FIELDS, start=_FIRST_FILL))
_URL = _FIRST_FILL + FILL_FIELDS.index("url")
_EMAIL = _FIRST_FILL + FILL_FIELDS.index("email")
# Empty fields are bound as '' and stored as NULL: binding None costs the
# sqlite3 module a failed adapter lookup (two attribute misses) per value,
# which was a third of the inserts' time.
_NULL_IF_EMPTY = "NULLIF(?, '')"


def _insert(rows: list[list[Any]]) -> tuple[str, Callable[[list[Any]], tuple[Any, ...]]]:
    """The INSERT for new contacts, and what it takes of each row: only the
    fields some row has (a column no row fills is left to its default, NULL),
    so a LinkedIn export binds no phone, birthday or note."""
    slots = [(i, f) for i, f in _SLOTS if any(map(itemgetter(i), rows))]
    sql = (
        f"INSERT INTO contact (id, name, name_key, {''.join(f + ', ' for _i, f in slots)}added_on, every_days, archived, snoozed_until) "
        f"VALUES (?, ?, ?, {''.join(_NULL_IF_EMPTY + ', ' for _ in slots)}?, NULL, 0, NULL)"
    )
    return sql, itemgetter(0, 1, 2, *(i for i, _f in slots), _FIRST_FILL + len(FILL_FIELDS))


_UPDATE = f"UPDATE contact SET {', '.join(f'{f} = {_NULL_IF_EMPTY}' for f in FILL_FIELDS)} WHERE id = ?"


def apply(
    conn: sqlite3.Connection,
    items: Iterable[Record | Skip],
    *,
    today: date,
    tags: list[str] | None = None,
    strict: bool = False,
    write: bool = True,
    progress: Callable[[int], None] | None = None,
) -> Outcome:
    """Import records on a sqlite3 connection inside the caller's transaction;
    with ``write`` False only plan (a dry run)."""
    out = Outcome()
    read = conn.cursor()
    read.row_factory = None  # plain tuples: no Row object per contact

    # --- what is there already: one query per table
    existing: dict[int, list[Any]] = {}
    by_url: dict[str, int] = {}
    by_email: dict[str, int] = {}
    by_name: dict[str, int] = {}
    for row in read.execute(f"SELECT id, name, name_key, {', '.join(FILL_FIELDS)} FROM contact ORDER BY id"):
        contact = list(row)
        existing[contact[0]] = contact
        _index(contact, by_url, by_email, by_name)
    tag_ids: dict[str, int] = dict(read.execute("SELECT name_key, id FROM tag"))
    links: set[tuple[int, int]] | None = None  # read when a contact already there may get a tag
    from netlog.db import next_id

    next_contact = next_id(conn, "contact")  # never an id a deleted contact had
    next_tag = read.execute("SELECT coalesce(max(id), 0) + 1 FROM tag").fetchone()[0]

    new_tags: dict[str, tuple[int, str, str]] = {}
    created: dict[int, list[Any]] = {}
    changed: dict[int, list[Any]] = {}  # contacts already there that get fields
    new_links: set[tuple[int, int]] = set()

    def tag_id(name: str) -> int:
        nonlocal next_tag
        key = name_key(name)
        tid = tag_ids.get(key)
        if tid is None:
            tid = tag_ids[key] = next_tag
            new_tags[key] = (tid, name, key)
            next_tag += 1
        return tid

    common = [tag_id(n) for n in tags or []]
    today_iso = today.isoformat()
    changes = out.changes
    done = n_created = 0
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
        get = fields.get
        url, email = get("url"), get("email")
        # validate.name_key; for the usual ASCII name (already single-spaced)
        # that is lower(): NFC changes no ASCII, and casefold is lower there
        key = name.lower() if name.isascii() else name_key(name)
        ukey = url_key(url) if url else None
        ekey = email_key(email) if email else None
        cid = by_url.get(ukey) if url else None
        if cid is None:
            by = "email"
            if email:
                cid = by_email.get(ekey)
            if cid is None:
                by = "name"
                cid = by_name.get(key)
            if cid is not None and url:
                # the file's URL is no contact's: if the one found by email or
                # name has another, they are two people who share a name or an
                # address, and merging them would mix their journals
                found = created.get(cid) or changed.get(cid) or existing[cid]
                if found[_URL] and url_key(found[_URL]) != ukey:
                    _skip(out, Skip(item.where, _conflict(by, found[1], email)), strict)
                    continue
        wanted = common + [tag_id(n) for n in record_tags] if record_tags else common
        if cid is None:
            cid = next_contact
            next_contact += 1
            day = item.added_on
            created[cid] = [cid, name, key, *map(get, FILL_FIELDS, _EMPTY), day.isoformat() if day else today_iso]
            # nothing matched, so each of its keys is new: index it as _index would
            if url:
                by_url[ukey] = cid
            if email:
                by_email[ekey] = cid
            by_name[key] = cid
            for tid in wanted:
                new_links.add((cid, tid))
            n_created += 1
            changes.append(("created", name, cid, (sorted(fields) + ["tags"]) if wanted else sorted(fields)))
            continue
        target = created.get(cid) or changed.get(cid) or existing[cid]
        filled = [(i, f) for i, f in _SLOTS if not target[i] and fields.get(f)]
        if wanted and cid in existing and links is None:
            links = set(read.execute("SELECT contact_id, tag_id FROM contact_tag"))
        linked = [tid for tid in wanted if (cid, tid) not in new_links and (links is None or (cid, tid) not in links)]
        if not filled and not linked:
            out.unchanged += 1
            continue
        if filled:
            if cid not in created and cid not in changed:
                target = changed[cid] = existing[cid]
            for i, f in filled:
                target[i] = fields[f]
            _index(target, by_url, by_email, by_name)
        for tid in linked:
            new_links.add((cid, tid))
        out.updated += 1
        changes.append(("updated", target[1], cid, [f for _i, f in filled] + (["tags"] if linked else [])))
    out.created = n_created
    if progress:
        progress(done % 500)

    if not write:
        if progress:
            progress(done)
        return out
    # --- the writes: a few bulk statements, never one per row
    if new_tags:
        conn.executemany("INSERT INTO tag (id, name, name_key, every_days) VALUES (?, ?, ?, NULL)", new_tags.values())
    rows = list(created.values())
    created.clear()
    insert, columns = _insert(rows)
    for i in range(0, len(rows), CHUNK):
        chunk = rows[i : i + CHUNK]
        conn.executemany(insert, map(columns, chunk))
        if progress:
            progress(len(chunk))
    if changed:
        conn.executemany(_UPDATE, ([*(v or "" for v in row[_FIRST_FILL : _FIRST_FILL + len(FILL_FIELDS)]), cid] for cid, row in changed.items()))
    if new_links:
        from netlog.io.bulk import tag_links_aside

        with tag_links_aside(conn, {cid for cid, _tid in new_links}):  # linear however many tags a card has
            conn.executemany("INSERT INTO contact_tag (contact_id, tag_id) VALUES (?, ?)", sorted(new_links))
    if progress:
        progress(done - len(rows))  # the bar counts each row twice: planned, then written
    return out


def _index(row: list[Any], by_url: dict[str, int], by_email: dict[str, int], by_name: dict[str, int]) -> None:
    """Make a contact findable by its URL, email and name (the first one keeps each)."""
    if row[_URL]:
        by_url.setdefault(url_key(row[_URL]), row[0])
    if row[_EMAIL]:
        by_email.setdefault(email_key(row[_EMAIL]), row[0])
    by_name.setdefault(row[2], row[0])


def _conflict(by: str, name: str, email: str | None) -> str:
    if by == "name":
        return f"another contact is already named {name}, with a different profile URL; import it after renaming, or merge by hand"
    return f"{name} already has the email {email}, with a different profile URL; import it after changing one of them, or merge by hand"


def _skip(out: Outcome, skip: Skip, strict: bool) -> None:
    if strict:
        raise NetlogError(f"{skip.where}: {skip.reason}; nothing was imported (without --strict such rows are skipped)")
    out.skipped.append(skip)
