"""Output: one helper so the same rows feed a table, --json and --csv.

Rows are plain dicts with stable keys (documented in README). A table goes
through Rich on a terminal; piped, it is plain aligned text: no colour codes,
and fast for long listings (Rich takes seconds over thousands of rows).
"""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass
class Column:
    key: str
    header: str
    justify: str = "left"  # left | right
    max_width: int | None = None
    style: str | None = None


def is_terminal(stream: Any = None) -> bool:
    stream = stream or sys.stdout
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def console(stderr: bool = False) -> Any:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=False, no_color=bool(os.environ.get("NO_COLOR")) or None)


def message(text: str) -> None:
    """A message for the person (confirmations, hints): stderr, plain."""
    print(text, file=sys.stderr, flush=True)


def to_json(data: Any) -> str:
    """Indented JSON; a list of rows gets one row per line: as easy to read and
    to grep, and written by json's C encoder (indent forces the pure-Python
    one, 4x slower on 10,000 contacts)."""
    if isinstance(data, list) and data and all(isinstance(row, dict) for row in data):
        one = json.JSONEncoder(ensure_ascii=False, default=str).encode
        return "[\n" + ",\n".join(f"  {one(row)}" for row in data) + "\n]"
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


def print_json(data: Any) -> None:
    sys.stdout.write(to_json(data) + "\n")


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def print_csv(rows: Sequence[dict[str, Any]], keys: Sequence[str]) -> None:
    from netlog.csvcells import safe_cell

    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(keys)
    for row in rows:
        writer.writerow([safe_cell(row.get(k)) for k in keys])


def plain_table(rows: Sequence[dict[str, Any]], columns: Sequence[Column], cells: Sequence[Sequence[str]] | None = None) -> str:
    """Aligned columns with two spaces between: what a pipe or a mail gets."""
    body = cells if cells is not None else [[_clip(cell(r.get(c.key)), c.max_width) for c in columns] for r in rows]
    widths = [max([len(c.header)] + [len(line[i]) for line in body]) for i, c in enumerate(columns)]
    out = []
    for line in [[c.header for c in columns], *body]:
        parts = [v.rjust(w) if c.justify == "right" else v.ljust(w) for v, w, c in zip(line, widths, columns)]
        out.append("  ".join(parts).rstrip())
    return "\n".join(out)


def _clip(text: str, width: int | None) -> str:
    text = " ".join(text.split())
    if width and len(text) > width:
        return text[: width - 1] + "…"
    return text


def rich_table(rows: Sequence[dict[str, Any]], columns: Sequence[Column], title: str | None = None, cells: Sequence[Sequence[Any]] | None = None) -> Any:
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, title_justify="left", header_style="bold", box=None, pad_edge=False, show_edge=False)
    for c in columns:
        table.add_column(c.header, justify=c.justify, max_width=c.max_width, style=c.style, overflow="ellipsis", no_wrap=c.max_width is not None)  # type: ignore[arg-type]
    body = cells if cells is not None else [[cell(r.get(c.key)) for c in columns] for r in rows]
    for line in body:
        # Text, not str: a name like "Bob [/b]" is data, never Rich markup
        table.add_row(*(Text(v) if isinstance(v, str) else v for v in line))
    return table


def emit(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[Column],
    fmt: str = "table",
    *,
    title: str | None = None,
    empty: str | None = None,
    keys: Sequence[str] | None = None,
) -> None:
    """Print rows as a table (Rich on a terminal, plain when piped), JSON or CSV."""
    if fmt == "json":
        print_json(list(rows))
        return
    if fmt == "csv":
        print_csv(rows, keys or (list(rows[0].keys()) if rows else [c.key for c in columns]))
        return
    if not rows:
        if empty:
            message(empty)
        return
    if is_terminal():
        console().print(rich_table(rows, columns, title))
    else:
        if title:
            print(title)
        print(plain_table(rows, columns))
