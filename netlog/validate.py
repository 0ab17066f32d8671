"""Checks on what the user typed, done before anything reaches the database."""

from __future__ import annotations

import re
import unicodedata

from netlog.errors import UsageError

# The journal's vocabulary (models.py and the CHECK constraints in db.py agree).
ENTRY_TYPES = ("give", "got", "ask", "note")
FAVOR_KINDS = ("intro", "referral", "advice", "info", "help", "endorsement", "gift", "other")
OUTCOMES = ("helped", "declined", "ignored")
CONTACT_FIELDS = ("email", "phone", "company", "title", "url", "met", "note", "birthday")

MAX_NAME = 200
MAX_TEXT = 200_000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def text(value: str | None, what: str, *, required: bool = True, max_len: int = MAX_TEXT) -> str | None:
    """Text as typed, minus surrounding blanks; refuse what can't be stored faithfully."""
    if value is None:
        if required:
            raise UsageError(f"{what} is missing; give it as an argument, '-' to read it from stdin, or --edit")
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError(f"{what} is not valid UTF-8; check your terminal's encoding") from None
    if "\x00" in value:
        raise UsageError(f"{what} contains a NUL character; remove it and try again")
    value = value.strip()
    if not value:
        if required:
            raise UsageError(f"{what} is empty; write something, for example 'intro to a recruiter'")
        return None
    if len(value) > max_len:
        raise UsageError(f"{what} is {len(value)} characters long; keep it under {max_len}")
    return value


def name(value: str | None, what: str = "NAME") -> str:
    value = text(value, what, max_len=MAX_NAME)
    assert value is not None
    if _CONTROL.search(value) or "\n" in value or "\r" in value or "\t" in value:
        raise UsageError(f"{what} contains control characters or line breaks; type the name on one line")
    if value.startswith("#"):
        raise UsageError(f"{what} can't start with '#' (that is how netlog writes a contact's id); drop the '#'")
    return " ".join(value.split())


def name_key(value: str) -> str:
    """The form names are compared in: NFC, casefolded, single spaces."""
    return " ".join(unicodedata.normalize("NFC", value).casefold().split())


def choice(value: str, allowed: tuple[str, ...], what: str) -> str:
    """One of a fixed set, accepting an unambiguous prefix ('ref' -> 'referral')."""
    v = value.strip().lower()
    if v in allowed:
        return v
    matches = [a for a in allowed if v and a.startswith(v)]
    if len(matches) == 1:
        return matches[0]
    raise UsageError(f"{what}: {value!r} is not one of {', '.join(allowed)}")
