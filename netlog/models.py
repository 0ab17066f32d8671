"""The journal's tables, as SQLModel models.

These classes describe the current schema; the schema itself is built by the
ordered migration steps in ``netlog.db`` (frozen SQL, so an old step never
changes), and a test checks that the two agree.  SQLModel does not validate
``table=True`` models, so nothing here is trusted with user input: input is
checked at the edge (``netlog.journal``) and the database backs the rules
with CHECK constraints.
"""

from __future__ import annotations

from datetime import date
from typing import Optional

from sqlmodel import Field, SQLModel

from netlog.validate import CONTACT_FIELDS, ENTRY_TYPES, FAVOR_KINDS, OUTCOMES  # noqa: F401  (re-exported)


class Contact(SQLModel, table=True):
    __tablename__ = "contact"

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str
    name_key: str = Field(unique=True)  # casefolded name: names are unique ignoring case
    email: Optional[str] = None
    phone: Optional[str] = None
    company: Optional[str] = None
    title: Optional[str] = None
    url: Optional[str] = None
    met: Optional[str] = None
    note: Optional[str] = None
    birthday: Optional[str] = None  # as given: vCards may omit the year
    every_days: Optional[int] = None  # the contact's own cadence
    added_on: date
    archived: bool = False
    snoozed_until: Optional[date] = None
    last_given: Optional[date] = None  # kept by triggers (db.V4_SCHEMA); never written by netlog
    last_received: Optional[date] = None  # likewise
    tag_every: Optional[int] = None  # the shortest cadence of its tags: kept by triggers (db.V5_SCHEMA)


class Tag(SQLModel, table=True):
    __tablename__ = "tag"

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str
    name_key: str = Field(unique=True)
    every_days: Optional[int] = None  # cadence for contacts with this tag


class ContactTag(SQLModel, table=True):
    __tablename__ = "contact_tag"

    contact_id: int = Field(foreign_key="contact.id", primary_key=True, ondelete="CASCADE")
    tag_id: int = Field(foreign_key="tag.id", primary_key=True, ondelete="CASCADE")


class Entry(SQLModel, table=True):
    """One thing that happened: a favor given or received, an ask, a note."""

    __tablename__ = "entry"

    id: Optional[int] = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contact.id", ondelete="CASCADE")
    type: str  # give | got | ask | note
    kind: Optional[str] = None  # favor kind, for give and got
    what: str
    day: date
    other_id: Optional[int] = Field(default=None, foreign_key="contact.id", ondelete="SET NULL")
    outcome: Optional[str] = None  # asks: helped | declined | ignored; None while open
    resolved_on: Optional[date] = None
    follow_up: Optional[date] = None  # asks: when to reach out (again)
    followed_up_on: Optional[date] = None
    followups: int = 0
    created_at: str  # when it was written, for undo


class Setting(SQLModel, table=True):
    __tablename__ = "setting"

    key: str = Field(primary_key=True)
    value: str


class UndoStep(SQLModel, table=True):
    """What ``netlog undo`` can take back: the last writes to entries."""

    __tablename__ = "undo_step"

    id: Optional[int] = Field(default=None, primary_key=True)
    at: str
    summary: str
    ops: str  # JSON list of operations that reverse the change


class Reported(SQLModel, table=True):
    """An item a `remind --new-only` digest has shown, and its state then."""

    __tablename__ = "reported"

    item: str = Field(primary_key=True)  # e.g. "hungry:12", "ask:34", "owe:56"
    state: str
    first_on: date
    last_on: date
