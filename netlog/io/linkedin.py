"""LinkedIn's Connections.csv, as it really comes.

A few "Notes:" lines may come before the header; the header is found by its
columns, not by its position. Rows whose names are both empty are members
who left LinkedIn: they are skipped with that reason.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime

from netlog.errors import UsageError
from netlog.io import Batch, Record, Skip

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


def parse(text: str, shown: str) -> Batch:
    """Records and skips from the text of a Connections.csv (LF line ends).

    The whole file is read as CSV and its header found here, so a file that
    is not an export fails before the journal is touched; the records are
    made one by one as the importer asks for them.
    """
    rows, lines = read_rows(text, shown)
    header_at = find_header(rows)
    if header_at is None:
        raise UsageError(
            f"FILE: {shown} is not a LinkedIn connections export: no header line with "
            "'First Name,Last Name,URL,Email Address,Company,Position,Connected On'; "
            "for other spreadsheets use 'netlog import csv'"
        )
    return Batch(len(rows) - header_at - 1, _records(rows, lines, header_at))


def _records(rows: list[list[str]], lines: list[int], header_at: int) -> Iterator[Record | Skip]:
    index = {_header_key(c): i for i, c in enumerate(rows[header_at])}
    # column positions, -1 when the export lacks one; the loop is kept plain: it runs per row
    first, last, url, email, company, title, day_at = (
        index.get(k, -1) for k in ("first name", "last name", "url", "email address", "company", "position", "connected on")
    )
    width = max(first, last, url, email, company, title, day_at) + 1
    optional = tuple((key, i) for key, i in (("url", url), ("email", email), ("company", company), ("title", title)) if i >= 0)
    named = first >= 0 and last >= 0
    every = len(optional) == 4
    days: dict[str, tuple[date | None, str]] = {}  # exports repeat their days: parse each once
    for n in range(header_at + 1, len(rows)):
        row = rows[n]
        rows[n] = _DONE  # let the row go once read: the records are what is kept
        if len(row) < width:
            if not "".join(row).strip():
                continue  # blank lines at the end, or between
            row = row + [""] * (width - len(row))
        if named:
            given, family = row[first].strip(), row[last].strip()
            name = f"{given} {family}" if given and family else given or family
        else:
            name = ""
        if not name:
            if "".join(row).strip():
                yield Skip(f"line {lines[n]}", "no name (a member who left LinkedIn, or a hidden profile)")
            continue
        fields = {}
        if every:  # the usual export, unrolled: this runs for every row
            value = row[url].strip()
            if value:
                fields["url"] = value
            value = row[email].strip()
            if value:
                fields["email"] = value
            value = row[company].strip()
            if value:
                fields["company"] = value
            value = row[title].strip()
            if value:
                fields["title"] = value
        else:
            for key, i in optional:
                value = row[i].strip()
                if value:
                    fields[key] = value
        known = days.get(row[day_at] if day_at >= 0 else "")
        if known is None:
            raw_day = row[day_at] if day_at >= 0 else ""
            text = raw_day.strip()
            day = connected_on(text) if text else None
            met = f"LinkedIn, {day.isoformat()}" if day else f"LinkedIn, {text}" if text else "LinkedIn"
            known = days[raw_day] = (day, met)
        fields["met"] = known[1]
        yield Record(f"line {lines[n]}", name, fields, (), known[0])


_DONE: list[str] = []


def read_rows(text: str, shown: str, delimiter: str = ",") -> tuple[list[list[str]], list[int]]:
    """CSV rows, and the file line each one starts on (quoted fields may span lines).

    Lines end at LF only (read_text made every line end one): a form feed or
    a Unicode line separator inside a cell is text, not a new row.

    Strict: a quote that never closes would otherwise swallow the rest of the
    file into one cell (and import wrong data without a word), and text right
    after a closing quote would be glued on; both refuse the file instead.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[list[str]] = []
    lines: list[int] = []
    start = 1
    try:
        for row in reader:
            rows.append(row)
            lines.append(start)
            start = reader.line_num + 1
    except csv.Error as e:
        if str(e) == "unexpected end of data":  # the end of the file inside quotes: say where they opened
            problem = f"line {start}: a quoted cell that starts in this row never closes"
        else:
            problem = f"line {reader.line_num}: {e}"
        raise UsageError(f"FILE: {shown} is not a readable CSV file ({problem}); check that it is the right file") from None
    return rows, lines
