"""Bare `netlog`: a welcome on an empty journal, else the dashboard."""

from __future__ import annotations

from netlog.cli import state as st

WELCOME = """netlog: a reciprocity journal. Give first, follow up once, keep relationships fed.

Your journal is empty. Start with:
  netlog add "Priya Raman" --company Northwind --tag work
  netlog give priya "intro to Sam at Fabrikam"
  netlog ask priya "a referral to the data team"
  netlog show priya

Or see a sample journal first:  netlog demo
Every command has help:         netlog --help, netlog give --help"""


def home() -> None:
    from netlog import journal

    with st.reading() as s:
        counts = journal.counts(s)
        if counts["contacts"] == 0:
            print(WELCOME)
            return
        dashboard(s)


def dashboard(session) -> None:  # type: ignore[no-untyped-def]
    """Replaced by the reports' dashboard; until then, the counts."""
    from netlog import journal

    counts = journal.counts(session)
    print(f"{counts['contacts']} contacts, {counts['entries']} entries. Try: netlog log, netlog contacts")
