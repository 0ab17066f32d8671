"""Exports for other tools: CSV files for spreadsheets, vCards for address books.

CSV cells follow netlog.csvcells (no spreadsheet runs a cell as a formula);
the same text is in ``export json`` untouched.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from netlog.csvcells import safe_cell
from netlog.errors import NetlogError
from netlog.io.files import make_private_dir, not_the_journal, write_private
from netlog.io.jsonio import CONTACT_KEYS, ENTRY_KEYS, TAG_KEYS, Tables

def write_csv(f: IO[str], keys: tuple[str, ...] | list[str], rows: Iterable[dict[str, Any]]) -> None:
    writer = csv.writer(f, lineterminator="\r\n")
    writer.writerow(keys)
    writer.writerows([safe_cell(row.get(k)) for k in keys] for row in rows)


def csv_tables(tables: Tables) -> dict[str, tuple[list[str], Callable[[], Iterable[dict[str, Any]]]]]:
    """File name -> (columns, its rows as they are read), from the journal's tables."""
    entry_keys = list(ENTRY_KEYS)
    entry_keys.insert(entry_keys.index("contact_id") + 1, "contact")
    entry_keys.insert(entry_keys.index("other_id") + 1, "other")

    def entries() -> Iterator[dict[str, Any]]:
        names = {c["id"]: c["name"] for c in tables.contacts()}
        for e in tables.entries():
            yield {**e, "contact": names.get(e["contact_id"]), "other": names.get(e["other_id"])}

    return {
        "contacts.csv": (list(CONTACT_KEYS), tables.contacts),
        "entries.csv": (entry_keys, entries),
        "tags.csv": (list(TAG_KEYS), tables.tags),
        "settings.csv": (["key", "value"], lambda: ({"key": k, "value": v} for k, v in tables.head()["settings"].items())),
    }


def export_csv(tables: Tables, directory: Path, journal: Path, *, force: bool = False) -> list[Path]:
    """One file per kind of record, each written as its rows are read; without
    ``force`` none is written if any is there already."""
    make_private_dir(directory)
    files = csv_tables(tables)
    for name in files:
        not_the_journal(directory / name, journal)
        if not force and os.path.lexists(directory / name):
            raise NetlogError(f"{directory / name} already exists; nothing was written. Choose another directory, or add --force to replace the files")
    written = []
    for name, (keys, rows) in files.items():
        target = directory / name
        write_private(target, lambda f, k=keys, r=rows: write_csv(f, k, r()), overwrite=force)
        written.append(target)
    return written
