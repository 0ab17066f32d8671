"""Bringing contacts in and taking the journal out: import, export, backup, check.

Parsers (``linkedin``, ``vcard``, ``csvimport``) turn a file into plain
``Record``s and ``Skip``s and touch no database; ``importer`` applies records
to the journal in one transaction with bulk statements. ``jsonio`` is the
lossless export and restore, ``export`` the CSV and vCard exports, ``backup``
the snapshot and the health check. Nothing here is imported by ``--help``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
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


class Batch:
    """What a parser found in a file: records and skips, made one at a time.

    The parser checks the file as a whole (its header, that it is CSV at all)
    before it returns one, so a malformed file fails before the journal is
    opened; the rows then become records only as the importer takes them, so
    a big file never exists twice in memory. ``len()`` is the number of rows
    it will give at most (for a progress bar).
    """

    __slots__ = ("total", "_items")

    def __init__(self, total: int, items: Iterable[Record | Skip]) -> None:
        self.total = total
        self._items = items

    def __len__(self) -> int:
        return self.total

    def __iter__(self) -> Iterator[Record | Skip]:
        return iter(self._items)
