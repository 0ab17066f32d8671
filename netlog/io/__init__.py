"""Bringing contacts in and taking the journal out: import, export, backup, check.

Parsers (``linkedin``, ``vcard``, ``csvimport``) turn a file into plain
``Record``s and ``Skip``s and touch no database; ``importer`` applies records
to the journal in one transaction with bulk statements. ``jsonio`` is the
lossless export and restore, ``export`` the CSV and vCard exports, ``backup``
the snapshot and the health check. Nothing here is imported by ``--help``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

# the contact fields an import may fill, in the order they are shown
FILL_FIELDS = ("email", "phone", "company", "title", "url", "met", "birthday", "note")


@dataclass(slots=True)
class Record:
    """One contact as a file gives it: nothing validated yet.

    Slots and shared empty defaults: a big file makes tens of thousands.
    """

    where: str  # "line 12", "card 3": for messages
    name: str | None
    fields: dict[str, str] = field(default_factory=dict)  # keys from FILL_FIELDS
    tags: Sequence[str] = ()
    added_on: date | None = None  # when the file knows it (LinkedIn's Connected On)
    more_emails: Sequence[str] = ()  # beyond the first, kept in the note
    more_phones: Sequence[str] = ()


@dataclass(slots=True)
class Skip:
    """A row or card that will not be imported, and why."""

    where: str
    reason: str
