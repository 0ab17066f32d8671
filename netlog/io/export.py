"""Exports for other tools: CSV files for spreadsheets, vCards for address books.

CSV cells that begin with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return get a leading single quote, so that no spreadsheet runs them as a
formula (CSV injection). The quote shows in the cell; it is the price of
safety, and the same text is in ``export json`` untouched.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import IO, Any

from netlog.io.files import make_private_dir, write_private
from netlog.io.jsonio import CONTACT_KEYS, ENTRY_KEYS, TAG_KEYS

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        value = "; ".join(str(v) for v in value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def write_csv(f: IO[str], keys: tuple[str, ...] | list[str], rows: list[dict[str, Any]]) -> None:
    writer = csv.writer(f, lineterminator="\r\n")
    writer.writerow(keys)
    for row in rows:
        writer.writerow([safe_cell(row.get(k)) for k in keys])


def csv_tables(data: dict[str, Any]) -> dict[str, tuple[list[str], list[dict[str, Any]]]]:
    """File name -> (columns, rows), from the ``jsonio.dump`` document."""
    names = {c["id"]: c["name"] for c in data["contacts"]}
    entry_keys = list(ENTRY_KEYS)
    entry_keys.insert(entry_keys.index("contact_id") + 1, "contact")
    entry_keys.insert(entry_keys.index("other_id") + 1, "other")
    entries = [{**e, "contact": names.get(e["contact_id"]), "other": names.get(e["other_id"])} for e in data["entries"]]
    return {
        "contacts.csv": (list(CONTACT_KEYS), data["contacts"]),
        "entries.csv": (entry_keys, entries),
        "tags.csv": (list(TAG_KEYS), data["tags"]),
        "settings.csv": (["key", "value"], [{"key": k, "value": v} for k, v in data["settings"].items()]),
    }


def export_csv(data: dict[str, Any], directory: Path) -> list[Path]:
    make_private_dir(directory)
    written = []
    for name, (keys, rows) in csv_tables(data).items():
        target = directory / name
        write_private(target, lambda f, k=keys, r=rows: write_csv(f, k, r))
        written.append(target)
    return written
