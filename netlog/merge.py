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

import sqlite3
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from netlog.errors import UsageError
from netlog.validate import CONTACT_FIELDS

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


def plan(conn: sqlite3.Connection, keep: Any, other: Any) -> MergePlan:
    """What merging OTHER into KEEP would do (``keep`` and ``other`` are journal.Contact)."""
    from netlog import journal

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
    ids = {"keep": keep.id, "other": other.id}
    count = lambda where: int(conn.execute(f"SELECT count(*) FROM entry WHERE {where}", ids).fetchone()[0])  # noqa: E731
    p.between = count(_PAIR)
    p.entries = count("contact_id = :other")
    p.mentions = count("other_id = :other AND contact_id != :keep")
    mine = set(journal.contact_tags(conn, keep.id))
    p.tags = [t for t in journal.contact_tags(conn, other.id) if t not in mine]
    return p


# entries between the two: an introduction of one to the other
_PAIR = "(contact_id = :keep AND other_id = :other) OR (contact_id = :other AND other_id = :keep)"


def apply(conn: sqlite3.Connection, p: MergePlan) -> None:
    """Carry out a plan inside the caller's write transaction."""
    ids = {"keep": p.keep_id, "other": p.other_id}
    conn.execute(f"UPDATE entry SET contact_id = :keep, other_id = NULL WHERE {_PAIR}", ids)
    conn.execute("UPDATE entry SET contact_id = :keep WHERE contact_id = :other", ids)
    conn.execute("UPDATE entry SET other_id = :keep WHERE other_id = :other", ids)
    conn.execute(
        "INSERT INTO contact_tag (contact_id, tag_id) SELECT :keep, tag_id FROM contact_tag "
        "WHERE contact_id = :other AND tag_id NOT IN (SELECT tag_id FROM contact_tag WHERE contact_id = :keep)",
        ids,
    )
    conn.execute("DELETE FROM contact_tag WHERE contact_id = :other", ids)
    conn.execute("DELETE FROM contact WHERE id = :other", ids)  # before KEEP may take fields that must stay unique
    values: dict[str, Any] = dict(p.filled)
    if p.note is not None:
        values["note"] = p.note
    if p.added_on is not None:
        values["added_on"] = p.added_on
    if values:
        columns = [f for f in values if f in _SETTABLE]  # names from this module only, never typed ones
        params = {f: v.isoformat() if isinstance(v, date) else v for f, v in values.items()}
        conn.execute(f"UPDATE contact SET {', '.join(f'{f} = :{f}' for f in columns)} WHERE id = :id", {**params, "id": p.keep_id})
    conn.execute("DELETE FROM undo_step")


_SETTABLE = frozenset((*CARD_FIELDS, "note", "added_on"))
