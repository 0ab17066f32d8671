"""The one rule for every CSV cell netlog writes, and the reading that undoes it.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-``, ``@`` (and
fullwidth ``＝``, a leading ``|``, a tab or a carriage return) as a formula,
and journals hold what other people wrote (a LinkedIn export). Such a cell
gets a leading ``'``, the spreadsheet's own text mark, unless it holds nothing
but digits, spaces and ``+ - ( ) . /`` with a digit among them: a phone number
or a signed number, which no spreadsheet can run. A text that already starts
with quotes before a formula character gets one more, so that ``import csv``,
taking exactly one off, always gives back what was written.
"""

from __future__ import annotations

import re
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "|")
LIST_JOIN = "; "  # tags and other lists in one cell
_NUMBER = re.compile(r"[0-9 +\-().\/]*[0-9][0-9 +\-().\/]*")


def safe_cell(value: Any) -> str:
    """A value as a CSV cell: text, lists joined, booleans as true/false, formulas defused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        value = LIST_JOIN.join(str(v) for v in value)
    text = str(value)
    if not text.lstrip("'").startswith(FORMULA_START):
        return text
    if not text.startswith("'") and _NUMBER.fullmatch(text):
        return text  # +1 555 0199, -12.5: nothing to run
    return "'" + text


def unquote_cell(cell: str) -> str:
    """Take off exactly the mark safe_cell (or a spreadsheet) put on:
    "'=1+1" -> "=1+1", "''=x" -> "'=x", "'+46 70" -> "+46 70"; "'tis" stays."""
    if cell.startswith("'") and cell[1:].lstrip("'").startswith(FORMULA_START):
        return cell[1:]
    return cell
