"""LinkedIn's Connections.csv, as it really comes.

A few "Notes:" lines may come before the header; the header is found by its
columns, not by its position. Rows whose names are both empty are members
who left LinkedIn: they are skipped with that reason.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date, datetime

from netlog.errors import UsageError
from netlog.io import Record, Skip

COLUMNS = ("first name", "last name", "url", "email address", "company", "position", "connected on")
_NEEDED = ("first name", "last name")


def _header_key(cell: str) -> str:
    return " ".join(cell.strip().strip('"').lower().split())


def find_header(rows: list[list[str]]) -> int | None:
    """Index of the header row: the first with First Name, Last Name and one more known column."""
    for i, row in enumerate(rows[:50]):
        keys = {_header_key(c) for c in row}
        if all(k in keys for k in _NEEDED) and len(keys & set(COLUMNS)) >= 3:
            return i
    return None


_MONTHS = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1)}


def connected_on(text: str) -> date | None:
    """'14 Nov 2025' (and the ISO form, as some re-saved files have it)."""
    parts = text.split()
    if len(parts) == 3 and parts[0].isdigit() and parts[2].isdigit():  # the usual form, fast: strptime is slow
        month = _MONTHS.get(parts[1][:3].lower())
        if month:
            try:
                return date(int(parts[2]), month, int(parts[0]))
            except ValueError:
                return None
    text = " ".join(parts)
    for fmt in ("%d %b %Y", "%d %B %Y", "%Y-%m-%d", "%b %d, %Y", "%m/%d/%Y", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def parse(text: str, shown: str) -> Iterator[Record | Skip]:
    """Records and skips from the text of a Connections.csv (LF line ends)."""
    rows, lines = read_rows(text, shown)
    header_at = find_header(rows)
    if header_at is None:
        raise UsageError(
            f"FILE: {shown} is not a LinkedIn connections export: no header line with "
            "'First Name,Last Name,URL,Email Address,Company,Position,Connected On'; "
            "for other spreadsheets use 'netlog import csv'"
        )
    index = {_header_key(c): i for i, c in enumerate(rows[header_at])}

    def get(row: list[str], column: str) -> str:
        i = index.get(column)
        return row[i].strip() if i is not None and i < len(row) else ""

    for n, row in enumerate(rows[header_at + 1 :], start=header_at + 1):
        where = f"line {lines[n]}"
        if not any(c.strip() for c in row):
            continue  # blank lines at the end, or between
        name = " ".join(p for p in (get(row, "first name"), get(row, "last name")) if p)
        if not name:
            yield Skip(where, "no name (a member who left LinkedIn, or a hidden profile)")
            continue
        fields = {
            "url": get(row, "url"),
            "email": get(row, "email address"),
            "company": get(row, "company"),
            "title": get(row, "position"),
        }
        raw_day = get(row, "connected on")
        day = connected_on(raw_day) if raw_day else None
        if day is not None:
            fields["met"] = f"LinkedIn, {day.isoformat()}"
        elif raw_day:
            fields["met"] = f"LinkedIn, {raw_day}"
        else:
            fields["met"] = "LinkedIn"
        yield Record(where, name, {k: v for k, v in fields.items() if v}, added_on=day)


def read_rows(text: str, shown: str, delimiter: str = ",") -> tuple[list[list[str]], list[int]]:
    """CSV rows, and the file line each one starts on (quoted fields may span lines)."""
    reader = csv.reader(text.splitlines(keepends=True), delimiter=delimiter)
    rows: list[list[str]] = []
    lines: list[int] = []
    start = 1
    try:
        for row in reader:
            rows.append(row)
            lines.append(start)
            start = reader.line_num + 1
    except csv.Error as e:
        raise UsageError(f"FILE: {shown} is not a readable CSV file (line {reader.line_num}: {e}); check that it is the right file") from None
    return rows, lines
