"""Bare `netlog`: a welcome on an empty journal, else the dashboard."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from netlog.cli import state as st

if TYPE_CHECKING:
    import sqlite3

WELCOME = """netlog: a reciprocity journal. Give first, follow up once, keep relationships fed.

Your journal is empty. Start with:
  netlog add "Priya Raman" --company Northwind --tag work
  netlog give priya "intro to Sam at Fabrikam"
  netlog ask priya "a referral to the data team"
  netlog show priya

Or see a sample journal first:  netlog demo
Every command has help:         netlog --help, netlog give --help"""

MORE = "More: netlog hungry, netlog asks, netlog owe, netlog balance, netlog stats"


def home() -> None:
    with st.reading() as conn:
        # not journal.counts(): counting a long history costs, asking if anyone is there does not
        if conn.execute("SELECT 1 FROM contact LIMIT 1").fetchone() is None:
            print(WELCOME)
            return
        dashboard(conn)


def dashboard(conn: sqlite3.Connection) -> None:
    """The five hungriest relationships and the asks to follow up now."""
    from netlog import reports

    print_dashboard(reports.dashboard(conn, st.today()))


def print_dashboard(data: dict[str, Any]) -> None:
    from netlog.cli.reports import ask_cells, hungry_cells, hungry_legend, print_table
    from netlog.render import message

    hungry = data["hungry"]
    if hungry:
        columns, cells = hungry_cells(hungry, tags=False, totals=False)
        print_table(columns, cells, title="Feed these relationships (netlog hungry)", styles={i: "red" for i, c in enumerate(columns) if c.key == "overdue"})
        more = hungry.matched - len(hungry)
        if more > 0:
            print(f"...and {more} more hungry.")
    else:
        print("Every relationship is fed: nobody is past their cadence.")
    print()
    follow = data["follow_up"]
    if follow:
        columns, cells = ask_cells(follow, what_width=35)
        print_table(columns[:-1], [c[:-1] for c in cells], title="Follow up now (netlog followup ASK)")
        more = follow.matched - len(follow)
        if more > 0:
            print(f"...and {more} more to follow up: netlog asks --state follow")
    else:
        print("No ask to follow up now.")
    for line in hungry_legend(hungry):
        message(line)
    message(MORE)
