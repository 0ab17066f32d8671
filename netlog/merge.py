"""Merging two contacts into one: ``netlog merge KEEP OTHER``.

Everything of OTHER's moves to KEEP: its entries (as the contact, and as the
person introduced), its tags, and the fields KEEP has empty. Where both have
a value, KEEP's wins and OTHER's is reported as discarded; the card notes are
the exception: OTHER's note is added below KEEP's, since notes are free text
that nobody wants to lose. An introduction between KEEP and OTHER themselves
would become an introduction of KEEP to KEEP: it stays as a give to KEEP,
without the introduced person. OTHER is deleted, and so is the undo history,
whose steps may name OTHER's id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from netlog.errors import UsageError
from netlog.models import CONTACT_FIELDS

CARD_FIELDS = tuple(f for f in CONTACT_FIELDS if f != "note") + ("every_days", "snoozed_until")


@dataclass
class MergePlan:
    keep_id: int
    other_id: int
    keep_name: str
    other_name: str
    filled: dict[str, Any] = field(default_factory=dict)  # field -> OTHER's value, taken
    discarded: dict[str, Any] = field(default_factory=dict)  # field -> OTHER's value, dropped
    note: str | None = None  # the merged note, when OTHER has one
    added_on: Any = None  # the earlier of the two, when OTHER's is earlier
    entries: int = 0
    mentions: int = 0  # entries where OTHER is the person introduced
    between: int = 0  # introductions between KEEP and OTHER
    tags: list[str] = field(default_factory=list)

    def describe(self) -> list[str]:
        lines = [f"Merge {self.other_name} (#{self.other_id}) into {self.keep_name} (#{self.keep_id}):"]
        lines.append(f"  move {self.entries} entries and {self.mentions} introductions naming {self.other_name}")
        if self.between:
            lines.append(f"  {self.between} introduction(s) between the two become gives to {self.keep_name}, with nobody introduced")
        if self.tags:
            lines.append(f"  add tags: {', '.join(self.tags)}")
        for f, v in self.filled.items():
            lines.append(f"  take {f}: {_show(v)}")
        if self.note is not None:
            lines.append("  add the note of the other card below this one's")
        for f, v in self.discarded.items():
            lines.append(f"  keep {f} as it is; drop {self.other_name}'s {f}: {_show(v)}")
        lines.append(f"  then delete {self.other_name} (#{self.other_id}); undo history is cleared")
        return lines


def _show(value: Any) -> str:
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    text = " ".join(text.split())
    return repr(text if len(text) <= 60 else text[:59] + "…")


def plan(session: Any, keep: Any, other: Any) -> MergePlan:
    from sqlalchemy import and_, func, or_, select

    from netlog import journal
    from netlog.models import Entry

    if keep.id == other.id:
        raise UsageError(f"merge: KEEP and OTHER are both {keep.name} (#{keep.id}); name two different contacts")
    p = MergePlan(keep.id, other.id, keep.name, other.name)
    for f in CARD_FIELDS:
        mine, theirs = getattr(keep, f), getattr(other, f)
        if theirs in (None, ""):
            continue
        if mine in (None, ""):
            p.filled[f] = theirs
        elif mine != theirs:
            p.discarded[f] = theirs
    if other.note and other.note != keep.note:
        p.note = f"{keep.note}\n\n{other.note}" if keep.note else other.note
    if other.added_on < keep.added_on:
        p.added_on = other.added_on
    e = Entry.__table__  # type: ignore[attr-defined]
    pair = or_(and_(e.c.contact_id == keep.id, e.c.other_id == other.id), and_(e.c.contact_id == other.id, e.c.other_id == keep.id))
    count = lambda *where: int(session.connection().execute(select(func.count()).select_from(e).where(*where)).scalar())  # noqa: E731
    p.between = count(pair)
    p.entries = count(e.c.contact_id == other.id)
    p.mentions = count(e.c.other_id == other.id, e.c.contact_id != keep.id)
    mine = set(journal.contact_tags(session, keep.id))
    p.tags = [t for t in journal.contact_tags(session, other.id) if t not in mine]
    return p


def apply(session: Any, p: MergePlan) -> None:
    """Carry out a plan inside the caller's write transaction."""
    from sqlalchemy import and_, delete, insert, or_, select, update

    from netlog.models import Contact, ContactTag, Entry, UndoStep

    conn = session.connection()
    e, c, ct = Entry.__table__, Contact.__table__, ContactTag.__table__  # type: ignore[attr-defined]
    keep, other = p.keep_id, p.other_id
    pair = or_(and_(e.c.contact_id == keep, e.c.other_id == other), and_(e.c.contact_id == other, e.c.other_id == keep))
    conn.execute(update(e).where(pair).values(contact_id=keep, other_id=None))
    conn.execute(update(e).where(e.c.contact_id == other).values(contact_id=keep))
    conn.execute(update(e).where(e.c.other_id == other).values(other_id=keep))
    conn.execute(
        insert(ct).from_select(
            ["contact_id", "tag_id"],
            select(keep, ct.c.tag_id).where(ct.c.contact_id == other, ct.c.tag_id.not_in(select(ct.c.tag_id).where(ct.c.contact_id == keep))),
        )
    )
    conn.execute(delete(ct).where(ct.c.contact_id == other))
    conn.execute(delete(c).where(c.c.id == other))  # before KEEP may take fields that must stay unique
    values = dict(p.filled)
    if p.note is not None:
        values["note"] = p.note
    if p.added_on is not None:
        values["added_on"] = p.added_on
    if values:
        conn.execute(update(c).where(c.c.id == keep).values(**values))
    conn.execute(delete(UndoStep.__table__))  # type: ignore[attr-defined]
    session.expire_all()
