"""Any other spreadsheet: columns found by the header names people use.

Recognised headers (case, spaces, underscores and punctuation ignored, so
netlog's own ``added_on`` is "added on"): name / full name,
first name, last name, email, phone, company / organization, title /
position, url / website / linkedin, met, note(s), birthday, tags / labels /
groups. ``--map COLUMN=FIELD`` names the rest (FIELD ``ignore`` drops one).
The delimiter (comma, semicolon, tab) is found from the header line.

A cell that starts with ``'`` followed by a formula character loses the
quote (netlog.csvcells.unquote_cell): that is how ``export csv`` and
spreadsheets mark text that must not run as a formula, so "'+46 70" is the
phone "+46 70".
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from netlog.csvcells import unquote_cell

from netlog.errors import UsageError
from netlog.io import Batch, Record, Skip
from netlog.io.linkedin import connected_on, read_rows

TARGETS = ("name", "first", "last", "email", "phone", "company", "title", "url", "met", "note", "birthday", "tags", "added", "ignore")

SYNONYMS = {
    "name": ["name", "full name", "fullname", "display name", "contact", "contact name"],
    "first": ["first name", "firstname", "first", "given name", "forename"],
    "last": ["last name", "lastname", "last", "surname", "family name"],
    "email": ["email", "e mail", "email address", "e mail address", "mail", "e mail 1 value", "email 1", "primary email"],
    "phone": ["phone", "phone number", "telephone", "tel", "mobile", "mobile phone", "cell", "phone 1 value", "primary phone"],
    "company": ["company", "organization", "organisation", "org", "employer", "organization name", "organization 1 name", "company name"],
    "title": ["title", "job title", "position", "role", "organization title", "organization 1 title"],
    "url": ["url", "website", "web", "web page", "homepage", "linkedin", "linkedin url", "profile", "profile url", "website 1 value"],
    "met": ["met", "how we met", "how met", "where met", "source"],
    "note": ["note", "notes", "comment", "comments", "description"],
    "birthday": ["birthday", "birth date", "birthdate", "date of birth", "dob", "bday"],
    "tags": ["tags", "tag", "labels", "label", "groups", "group", "group membership", "categories", "category"],
    "added": ["added", "added on", "date added", "connected on", "created"],
}
_BY_HEADER = {h: field for field, names in SYNONYMS.items() for h in names}


def header_key(text: str) -> str:
    """'E-mail 1 - Value' -> 'e mail 1 value', 'added_on' -> 'added on'."""
    return " ".join(re.sub(r"[\W_]+", " ", text.casefold()).split())


def parse_maps(maps: list[str]) -> dict[str, str]:
    """--map COLUMN=FIELD options, checked: {header key: field}."""
    out: dict[str, str] = {}
    for item in maps:
        column, sep, field = item.rpartition("=")
        if not sep or not column.strip() or not field.strip():
            raise UsageError(f"--map: {item!r} is not COLUMN=FIELD, for example --map 'Organisation=company'")
        field = field.strip().lower()
        field = {"notes": "note", "tag": "tags", "mail": "email", "first name": "first", "last name": "last", "skip": "ignore"}.get(field, field)
        if field not in TARGETS:
            raise UsageError(f"--map: {field!r} is not a field; use one of {', '.join(TARGETS)}")
        out[header_key(column)] = field
    return out


def _delimiter(text: str) -> str:
    first = next((line for line in text.split("\n") if line.strip()), "")
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def split_tags(text: str) -> list[str]:
    return [t.strip() for t in re.split(r"\s*(?::::|[;,|])\s*", text) if t.strip() and t.strip() != "*"]


def parse(text: str, shown: str, maps: list[str], notices: list[str]) -> Batch:
    """Check the file and its columns now; the records come one by one from the Batch."""
    mapped = parse_maps(maps)
    delimiter = _delimiter(text)
    rows, lines = read_rows(text, shown, delimiter)
    header_at = next((i for i, row in enumerate(rows) if any(c.strip() for c in row)), None)
    if header_at is None:
        raise UsageError(f"FILE: {shown} is empty; nothing to import")
    header = rows[header_at]
    columns: dict[int, str] = {}
    ignored: list[str] = []
    for i, cell in enumerate(header):
        key = header_key(cell)
        field = mapped.get(key) or _BY_HEADER.get(key)
        if field and field != "ignore":
            columns[i] = field
        elif cell.strip() and field != "ignore":
            ignored.append(cell.strip())
    unknown = set(mapped) - {header_key(c) for c in header}
    if unknown:
        names = ", ".join(sorted(unknown))
        raise UsageError(f"--map: {shown} has no column {names}; its columns are: {', '.join(c.strip() for c in header if c.strip())}")
    targets = set(columns.values())
    if not targets & {"name", "first", "last"}:
        raise UsageError(
            f"FILE: {shown} has no name column (columns: {', '.join(c.strip() for c in header if c.strip()) or 'none'}); "
            "say which one holds names with --map 'COLUMN=name'"
        )
    if ignored:
        notices.append(f"Ignored columns: {', '.join(ignored)} (use --map COLUMN=FIELD to import one).")
    return Batch(len(rows) - header_at - 1, _records(rows, lines, header_at, columns))


def _records(rows: list[list[str]], lines: list[int], header_at: int, columns: dict[int, str]) -> Iterator[Record | Skip]:
    for n in range(header_at + 1, len(rows)):
        row = rows[n]
        where = f"line {lines[n]}"
        if not any(c.strip() for c in row):
            continue
        values: dict[str, str] = {}
        for i, field in columns.items():
            if i < len(row) and row[i].strip():
                values.setdefault(field, unquote_cell(row[i]).strip())
        name = values.get("name") or " ".join(p for p in (values.get("first"), values.get("last")) if p)
        if not name:
            yield Skip(where, "no name")
            continue
        fields = {k: v for k, v in values.items() if k in ("email", "phone", "company", "title", "url", "met", "note", "birthday")}
        emails = split_multi(fields["email"]) if "email" in fields else []
        phones = split_multi(fields["phone"]) if "phone" in fields else []
        if emails:
            fields["email"] = emails[0]
        if phones:
            fields["phone"] = phones[0]
        added = connected_on(values["added"]) if values.get("added") else None
        yield Record(where, name, fields, tags=split_tags(values["tags"]) if "tags" in values else (), added_on=added, more_emails=emails[1:], more_phones=phones[1:])


def split_multi(text: str) -> list[str]:
    """'a@x.org ::: b@y.org' or 'a@x.org; b@y.org' (Google's and Outlook's ways)."""
    return [p.strip() for p in re.split(r"\s*(?::::|;)\s*", text) if p.strip()]
