"""The journal's data API: contacts, entries, lookups and undo.

Commands are thin: they parse options, call one function here inside one
transaction, and render what comes back. Every check on input that the
database cannot express happens here, before anything is written.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import delete, func, or_, update
from sqlmodel import Session, col, select

from netlog import validate
from netlog.errors import NetlogError, UsageError
from netlog.models import (
    CONTACT_FIELDS,
    FAVOR_KINDS,
    OUTCOMES,
    Contact,
    ContactTag,
    Entry,
    Setting,
    Tag,
    UndoStep,
)

DEFAULT_EVERY_DAYS = 90
DEFAULT_FOLLOW_UP_DAYS = 7
UNDO_KEEP = 100


def now_stamp() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


# --------------------------------------------------------------------------
# Finding contacts: exact, then unique prefix, then unique substring


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def find_contact(session: Session, typed: str, what: str = "NAME") -> Contact:
    """The one contact that ``typed`` names, or a UsageError that helps."""
    typed = validate.text(typed, what, max_len=validate.MAX_NAME) or ""
    if typed.startswith("#") and typed[1:].isdigit():
        found = session.get(Contact, int(typed[1:]))
        if found is None:
            raise UsageError(f"{what}: there is no contact {typed}; 'netlog contacts' lists them")
        return found
    key = validate.name_key(typed)
    exact = session.exec(select(Contact).where(Contact.name_key == key)).first()
    if exact:
        return exact
    esc = _like_escape(key)
    prefix = or_(
        col(Contact.name_key).like(f"{esc}%", escape="\\"),
        col(Contact.name_key).like(f"% {esc}%", escape="\\"),
        col(Contact.name_key).like(f"%-{esc}%", escape="\\"),
    )
    for condition in (prefix, col(Contact.name_key).like(f"%{esc}%", escape="\\")):
        found = session.exec(select(Contact).where(condition).order_by(Contact.name_key).limit(9)).all()
        if len(found) == 1:
            return found[0]
        if found:
            names = ", ".join(f"{c.name} (#{c.id})" for c in found[:8])
            more = ", ..." if len(found) > 8 else ""
            raise UsageError(f"{what}: {typed!r} matches several contacts: {names}{more}; type more of the name or use #id")
    names = session.exec(select(Contact.name)).all()
    close = difflib.get_close_matches(typed, names, n=3, cutoff=0.6)
    if not close:
        lowered = {n.casefold(): n for n in names}
        close = [lowered[k] for k in difflib.get_close_matches(key, list(lowered), n=3, cutoff=0.6)]
    hint = f"did you mean {', '.join(repr(c) for c in close)}?" if close else "'netlog contacts' lists them"
    raise UsageError(f"{what}: no contact matches {typed!r}; {hint} (use --new to create it)")


def find_or_create(session: Session, typed: str, new: bool, today: date, created: list[Contact]) -> Contact:
    """For give/got/ask/note: --new creates an unknown name instead of failing."""
    if not new:
        return find_contact(session, typed)
    key = validate.name_key(validate.name(typed))
    existing = session.exec(select(Contact).where(Contact.name_key == key)).first()
    if existing:
        return existing
    contact = add_contact(session, typed, today=today)
    created.append(contact)
    return contact


# --------------------------------------------------------------------------
# Contacts


def _tag(session: Session, typed: str) -> Tag:
    name = validate.name(typed, "--tag")
    key = validate.name_key(name)
    tag = session.exec(select(Tag).where(Tag.name_key == key)).first()
    if tag is None:
        tag = Tag(name=name, name_key=key)
        session.add(tag)
        session.flush()
    return tag


def contact_tags(session: Session, contact_id: int) -> list[str]:
    rows = session.exec(
        select(Tag.name).join(ContactTag, col(ContactTag.tag_id) == Tag.id).where(ContactTag.contact_id == contact_id).order_by(Tag.name_key)
    ).all()
    return list(rows)


def set_tags(session: Session, contact: Contact, add: list[str], remove: list[str]) -> None:
    assert contact.id is not None
    for typed in remove:
        key = validate.name_key(typed)
        tag = session.exec(select(Tag).where(Tag.name_key == key)).first()
        if tag is None:
            raise UsageError(f"--untag: there is no tag {typed!r}; 'netlog tags' lists them")
        session.exec(delete(ContactTag).where(col(ContactTag.contact_id) == contact.id, col(ContactTag.tag_id) == tag.id))  # type: ignore[call-overload]
    for typed in add:
        tag = _tag(session, typed)
        if session.get(ContactTag, (contact.id, tag.id)) is None:
            session.add(ContactTag(contact_id=contact.id, tag_id=tag.id))
    session.flush()


def _clean_fields(fields: dict[str, str | None]) -> dict[str, str | None]:
    cleaned: dict[str, str | None] = {}
    for key, value in fields.items():
        if value is None:
            continue
        if key not in CONTACT_FIELDS:
            raise UsageError(f"unknown contact field {key!r}")
        # '' clears a field on edit; text is stored as typed, trimmed
        cleaned[key] = validate.text(value, f"--{key}", required=False, max_len=10_000)
    return cleaned


def add_contact(
    session: Session,
    typed_name: str,
    *,
    today: date,
    fields: dict[str, str | None] | None = None,
    tags: list[str] | None = None,
    every_days: int | None = None,
) -> Contact:
    name = validate.name(typed_name)
    key = validate.name_key(name)
    existing = session.exec(select(Contact).where(Contact.name_key == key)).first()
    if existing:
        raise NetlogError(f"{existing.name!r} is already in the journal (#{existing.id}); use 'netlog edit' to change it")
    contact = Contact(name=name, name_key=key, added_on=today, every_days=every_days, **_clean_fields(fields or {}))
    session.add(contact)
    session.flush()
    set_tags(session, contact, tags or [], [])
    return contact


def edit_contact(
    session: Session,
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
    changed: list[str] = []
    if new_name is not None:
        name = validate.name(new_name, "--name")
        key = validate.name_key(name)
        other = session.exec(select(Contact).where(Contact.name_key == key, Contact.id != contact.id)).first()
        if other:
            raise NetlogError(f"{other.name!r} is already in the journal (#{other.id}); 'netlog merge' joins two contacts")
        if name != contact.name:
            contact.name, contact.name_key = name, key
            changed.append("name")
    for key, value in _clean_fields(fields or {}).items():
        if getattr(contact, key) != value:
            setattr(contact, key, value)
            changed.append(key)
    if clear_every and contact.every_days is not None:
        contact.every_days = None
        changed.append("every")
    elif every_days is not None and every_days != contact.every_days:
        contact.every_days = every_days
        changed.append("every")
    if add_tags or remove_tags:
        before = contact_tags(session, contact.id or 0)
        set_tags(session, contact, add_tags or [], remove_tags or [])
        if contact_tags(session, contact.id or 0) != before:
            changed.append("tags")
    session.add(contact)
    session.flush()
    return changed


def set_archived(session: Session, contact: Contact, archived: bool) -> bool:
    if contact.archived == archived:
        return False
    contact.archived = archived
    session.add(contact)
    session.flush()
    return True


def set_snooze(session: Session, contact: Contact, until: date | None) -> None:
    """Hide from hungry, the dashboard and remind while today < until; None ends it."""
    contact.snoozed_until = until
    session.add(contact)
    session.flush()


def remove_contact(session: Session, contact: Contact) -> int:
    """Delete a contact and its entries; returns how many entries went with it."""
    count = session.exec(select(func.count()).select_from(Entry).where(Entry.contact_id == contact.id)).one()
    session.exec(delete(Entry).where(col(Entry.contact_id) == contact.id))  # type: ignore[call-overload]
    session.exec(delete(ContactTag).where(col(ContactTag.contact_id) == contact.id))  # type: ignore[call-overload]
    session.delete(contact)
    # Undo steps may quote the contact's entries: a deleted person leaves no text behind.
    session.exec(delete(UndoStep))  # type: ignore[call-overload]
    session.flush()
    return int(count)


def list_contacts(session: Session, tag: str | None = None, search: str | None = None, archived: bool = False) -> list[dict[str, Any]]:
    stmt = select(Contact).where(Contact.archived == archived).order_by(Contact.name_key)
    if tag:
        key = validate.name_key(tag)
        stmt = stmt.join(ContactTag, col(ContactTag.contact_id) == Contact.id).join(Tag, col(Tag.id) == ContactTag.tag_id).where(Tag.name_key == key)
    if search:
        esc = f"%{_like_escape(validate.name_key(search))}%"
        lowered = f"%{_like_escape(search.strip().lower())}%"
        stmt = stmt.where(
            or_(
                col(Contact.name_key).like(esc, escape="\\"),
                *(func.lower(getattr(Contact, f)).like(lowered, escape="\\") for f in ("email", "company", "title", "met", "note", "url", "phone")),
            )
        )
    contacts = session.exec(stmt).all()
    tags = _tags_for(session, [c.id for c in contacts if c.id is not None])
    return [contact_row(c, tags.get(c.id or 0, [])) for c in contacts]


def _tags_for(session: Session, ids: list[int]) -> dict[int, list[str]]:
    """Tag names for many contacts in one query."""
    out: dict[int, list[str]] = {}
    if not ids:
        return out
    stmt = select(ContactTag.contact_id, Tag.name).join(Tag, col(Tag.id) == ContactTag.tag_id).order_by(Tag.name_key)
    if len(ids) < 500:
        stmt = stmt.where(col(ContactTag.contact_id).in_(ids))
    wanted = set(ids)
    for cid, name in session.exec(stmt).all():
        if cid in wanted:
            out.setdefault(cid, []).append(name)
    return out


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


def get_setting(session: Session, key: str, default: str) -> str:
    row = session.get(Setting, key)
    return row.value if row else default


def set_setting(session: Session, key: str, value: str) -> None:
    row = session.get(Setting, key) or Setting(key=key, value=value)
    row.value = value
    session.add(row)
    session.flush()


def default_every(session: Session) -> int:
    return int(get_setting(session, "default_every_days", str(DEFAULT_EVERY_DAYS)))


def cadence(session: Session, contact: Contact) -> tuple[int, str]:
    """(days, where it comes from): the contact's own, else its tag's, else the journal's."""
    if contact.every_days:
        return contact.every_days, "contact"
    row = session.exec(
        select(func.min(Tag.every_days), func.min(Tag.name))
        .join(ContactTag, col(ContactTag.tag_id) == Tag.id)
        .where(ContactTag.contact_id == contact.id, col(Tag.every_days).is_not(None))
    ).first()
    if row and row[0]:
        return int(row[0]), "tag"
    return default_every(session), "default"


def last_given(session: Session, contact_id: int) -> date | None:
    """The last day you gave to this contact, introductions to others included."""
    own = session.exec(select(func.max(Entry.day)).where(Entry.contact_id == contact_id, Entry.type == "give")).one()
    intro = session.exec(select(func.max(Entry.day)).where(Entry.other_id == contact_id, Entry.type == "give")).one()
    days = [d for d in (own, intro) if d]
    return max(days) if days else None


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


def _record_undo(session: Session, summary: str, ops: list[dict[str, Any]]) -> None:
    session.add(UndoStep(at=now_stamp(), summary=summary, ops=json.dumps(ops, default=str)))
    session.flush()
    oldest_kept = session.exec(select(UndoStep.id).order_by(col(UndoStep.id).desc()).offset(UNDO_KEEP - 1).limit(1)).first()
    if oldest_kept:
        session.exec(delete(UndoStep).where(col(UndoStep.id) < oldest_kept))  # type: ignore[call-overload]


def _entry_row(e: Entry) -> dict[str, Any]:
    return e.model_dump(mode="json")


def add_entry(
    session: Session,
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
    contact = find_or_create(session, name, new, today, created)
    other = None
    if intro is not None:
        other = find_or_create(session, intro, new, today, created)
        if other.id == contact.id:
            raise UsageError("--intro: an introduction needs two different people")
        kind = kind or "intro"
    if follow_up is not None and follow_up < day:
        raise UsageError(f"--follow-up: {follow_up.isoformat()} is before the ask itself ({day.isoformat()}); give a later date")
    if type == "ask" and follow_up is None:
        follow_up = day + timedelta(days=DEFAULT_FOLLOW_UP_DAYS)
    entry = Entry(
        contact_id=contact.id or 0,
        type=type,
        kind=kind,
        what=what_clean or "",
        day=day,
        other_id=other.id if other else None,
        follow_up=follow_up,
        created_at=now_stamp(),
    )
    session.add(entry)
    session.flush()
    ops: list[dict[str, Any]] = [{"op": "delete_entry", "id": entry.id}]
    ops += [{"op": "delete_contact", "id": c.id} for c in created]
    _record_undo(session, f"{describe(entry, contact, other)}", ops)
    hint = None
    if type == "ask":
        hint = _give_first_hint(session, contact, today)
    return Written(entry, contact, other, created, hint)


def _give_first_hint(session: Session, contact: Contact, today: date) -> str | None:
    last = last_given(session, contact.id or 0)
    every, _ = cadence(session, contact)
    if last is None:
        return f"You have never given to {contact.name}. Do it first: what could you offer? ('netlog give {quote_name(contact.name)} ...')"
    if (today - last).days > every:
        return f"Your last give to {contact.name} was {(today - last).days} days ago; feed the relationship too ('netlog give {quote_name(contact.name)} ...')"
    return None


def quote_name(name: str) -> str:
    import shlex

    return shlex.quote(name) if name != shlex.quote(name) else name


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


def get_entry(session: Session, typed_id: str, what: str = "ID") -> Entry:
    raw = typed_id.strip().lstrip("#")
    if not raw.isdigit():
        raise UsageError(f"{what}: {typed_id!r} is not an entry id; 'netlog log' shows ids")
    entry = session.get(Entry, int(raw))
    if entry is None:
        raise UsageError(f"{what}: there is no entry #{raw}; 'netlog log' shows ids")
    return entry


def find_ask(session: Session, typed: str, what: str = "ASK") -> Entry:
    """An ask by id, or by a NAME with exactly one open ask."""
    raw = typed.strip().lstrip("#")
    if raw.isdigit():
        entry = get_entry(session, typed, what)
        if entry.type != "ask":
            raise UsageError(f"{what}: #{entry.id} is a {entry.type}, not an ask; 'netlog asks' lists open asks")
        return entry
    contact = find_contact(session, typed, what)
    open_asks = session.exec(
        select(Entry).where(Entry.contact_id == contact.id, Entry.type == "ask", col(Entry.outcome).is_(None)).order_by(col(Entry.day))
    ).all()
    if len(open_asks) == 1:
        return open_asks[0]
    if not open_asks:
        raise UsageError(f"{what}: {contact.name} has no open ask; 'netlog asks --all' lists every ask")
    ids = ", ".join(f"#{a.id}" for a in open_asks[:8])
    raise UsageError(f"{what}: {contact.name} has {len(open_asks)} open asks ({ids}); give the ask's id")


def _snapshot(entry: Entry, fields: tuple[str, ...]) -> dict[str, Any]:
    return {f: (getattr(entry, f).isoformat() if isinstance(getattr(entry, f), date) else getattr(entry, f)) for f in fields}


def resolve_ask(session: Session, entry: Entry, outcome: str, day: date) -> Entry:
    outcome = validate.choice(outcome, OUTCOMES, "OUTCOME")
    if day < entry.day:
        raise UsageError(f"--on: {day.isoformat()} is before the ask itself ({entry.day.isoformat()}); give a later date")
    before = _snapshot(entry, ("outcome", "resolved_on"))
    entry.outcome, entry.resolved_on = outcome, day
    session.add(entry)
    session.flush()
    _record_undo(session, f"resolved ask #{entry.id} as {outcome}", [{"op": "restore_entry", "id": entry.id, "values": before}])
    return entry


def follow_up_ask(session: Session, entry: Entry, day: date, next_date: date | None) -> Entry:
    """You reached out again: count it and set when to look again."""
    if entry.outcome is not None:
        raise UsageError(f"ASK: #{entry.id} is already resolved ({entry.outcome}); nothing to follow up")
    if day < entry.day:
        raise UsageError(f"--on: {day.isoformat()} is before the ask itself ({entry.day.isoformat()}); give a later date")
    before = _snapshot(entry, ("follow_up", "followed_up_on", "followups"))
    gap = max(((entry.follow_up or entry.day) - entry.day).days, 1) if entry.follow_up else DEFAULT_FOLLOW_UP_DAYS
    entry.followed_up_on = day
    entry.followups = (entry.followups or 0) + 1
    entry.follow_up = next_date or day + timedelta(days=gap)
    session.add(entry)
    session.flush()
    _record_undo(session, f"followed up ask #{entry.id}", [{"op": "restore_entry", "id": entry.id, "values": before}])
    return entry


def amend_entry(
    session: Session,
    entry: Entry,
    *,
    what: str | None = None,
    day: date | None = None,
    kind: str | None = None,
) -> list[str]:
    before = _snapshot(entry, ("what", "day", "kind"))
    changed = []
    if what is not None:
        entry.what = validate.text(what, "--what") or ""
        changed.append("what")
    if day is not None:
        entry.day = day
        changed.append("day")
    if kind is not None:
        if entry.type not in ("give", "got"):
            raise UsageError(f"--kind: #{entry.id} is a {entry.type}; only gives and gots have a kind")
        entry.kind = validate.choice(kind, FAVOR_KINDS, "--kind")
        changed.append("kind")
    if not changed:
        raise UsageError("amend: nothing to change; give --what, --on or --kind")
    session.add(entry)
    session.flush()
    _record_undo(session, f"amended #{entry.id}", [{"op": "restore_entry", "id": entry.id, "values": before}])
    return changed


def drop_entry(session: Session, entry: Entry) -> str:
    contact = session.get(Contact, entry.contact_id)
    other = session.get(Contact, entry.other_id) if entry.other_id else None
    text = describe(entry, contact, other) if contact else f"#{entry.id}"
    row = _entry_row(entry)
    session.delete(entry)
    session.flush()
    _record_undo(session, f"dropped {text}", [{"op": "insert_entry", "row": row}])
    return text


def undo_last(session: Session) -> str:
    """Take back the last write to an entry; returns what was taken back."""
    step = session.exec(select(UndoStep).order_by(col(UndoStep.id).desc()).limit(1)).first()
    if step is None:
        raise NetlogError("nothing to undo: no entry has been written, changed or dropped since the last rm or merge")
    for op in json.loads(step.ops):
        _apply_undo(session, op)
    session.delete(step)
    session.flush()
    summary = step.summary
    if summary.startswith("#"):
        return f"removed {summary}"
    return f"took back: {summary}"


def _apply_undo(session: Session, op: dict[str, Any]) -> None:
    if op["op"] == "delete_entry":
        session.exec(delete(Entry).where(col(Entry.id) == op["id"]))  # type: ignore[call-overload]
    elif op["op"] == "delete_contact":
        contact = session.get(Contact, op["id"])
        has_entries = session.exec(select(Entry.id).where(or_(Entry.contact_id == op["id"], Entry.other_id == op["id"])).limit(1)).first()
        if contact is not None and not has_entries:
            session.exec(delete(ContactTag).where(col(ContactTag.contact_id) == op["id"]))  # type: ignore[call-overload]
            session.delete(contact)
    elif op["op"] == "restore_entry":
        values = {k: (date.fromisoformat(v) if k in ("day", "resolved_on", "follow_up", "followed_up_on") and v else v) for k, v in op["values"].items()}
        session.exec(update(Entry).where(col(Entry.id) == op["id"]).values(**values))  # type: ignore[call-overload]
    elif op["op"] == "insert_entry":
        row = dict(op["row"])
        for k in ("day", "resolved_on", "follow_up", "followed_up_on"):
            if row.get(k):
                row[k] = date.fromisoformat(row[k])
        if session.get(Contact, row["contact_id"]) is None:
            raise NetlogError("can't undo the drop: its contact has been deleted since")
        if row.get("other_id") and session.get(Contact, row["other_id"]) is None:
            row["other_id"] = None
        session.add(Entry(**row))
    session.flush()


# --------------------------------------------------------------------------
# Reading entries


def entry_dict(e: Entry, name: str, other_name: str | None) -> dict[str, Any]:
    return {
        "id": e.id,
        "day": e.day.isoformat(),
        "type": e.type,
        "contact_id": e.contact_id,
        "contact": name,
        "kind": e.kind,
        "what": e.what,
        "other_id": e.other_id,
        "other": other_name,
        "outcome": e.outcome,
        "resolved_on": e.resolved_on.isoformat() if e.resolved_on else None,
        "follow_up": e.follow_up.isoformat() if e.follow_up else None,
        "followed_up_on": e.followed_up_on.isoformat() if e.followed_up_on else None,
        "followups": e.followups,
    }


def log(
    session: Session,
    contact: Contact | None = None,
    types: list[str] | None = None,
    kind: str | None = None,
    since: date | None = None,
    limit: int | None = 50,
    open_only: bool = False,
) -> list[dict[str, Any]]:
    from sqlalchemy.orm import aliased

    other = aliased(Contact)
    stmt = (
        select(Entry, Contact.name, other.name)
        .join(Contact, col(Contact.id) == Entry.contact_id)
        .outerjoin(other, col(other.id) == Entry.other_id)
        .order_by(col(Entry.day).desc(), col(Entry.id).desc())
    )
    if contact is not None:
        stmt = stmt.where(or_(Entry.contact_id == contact.id, Entry.other_id == contact.id))
    if types:
        stmt = stmt.where(col(Entry.type).in_(types))
    if kind:
        stmt = stmt.where(Entry.kind == validate.choice(kind, FAVOR_KINDS, "--kind"))
    if since:
        stmt = stmt.where(Entry.day >= since)
    if open_only:
        stmt = stmt.where(col(Entry.outcome).is_(None))
    if limit:
        stmt = stmt.limit(limit)
    return [entry_dict(e, n, o) for e, n, o in session.exec(stmt).all()]


def totals(session: Session, contact_id: int) -> dict[str, int]:
    """Given, received and asked for one contact, and how the asks ended: the
    reports' own grouped counts, so a card and a report can never disagree."""
    from netlog.reports import _totals_for, _zero

    t = _totals_for(session.connection(), [contact_id]).get(contact_id, _zero())
    return {k: t[k] for k in ("given", "received", "asked", "helped", "declined", "ignored", "open", "notes")}


def show(session: Session, contact: Contact, today: date, limit: int | None = 100) -> dict[str, Any]:
    """The card, totals, open asks, and the newest ``limit`` entries (None: all)."""
    every, source = cadence(session, contact)
    last = last_given(session, contact.id or 0)
    card = contact_row(contact, contact_tags(session, contact.id or 0))
    timeline = log(session, contact, limit=limit)
    open_asks = log(session, contact, types=["ask"], limit=None, open_only=True)
    t = totals(session, contact.id or 0)
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


def counts(session: Session) -> dict[str, int]:
    return {
        "contacts": int(session.exec(select(func.count()).select_from(Contact)).one()),
        "entries": int(session.exec(select(func.count()).select_from(Entry)).one()),
    }
