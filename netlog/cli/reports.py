"""Reports: hungry, balance, asks, owe, stats; cadences; and the demo journal.

The queries live in ``netlog.reports``; these commands parse options, run one
report in one read transaction and print its rows: a table (Rich on a
terminal, plain aligned text when piped), or the same rows as --json / --csv.
Nothing heavy is imported at module level.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Optional

import typer

from netlog.cli import state as st
from netlog.cli.base import app
from netlog.errors import UsageError

JSON = typer.Option(False, "--json", help="Print the rows as JSON.")
CSV = typer.Option(False, "--csv", help="Print the rows as CSV.")
PANEL = "Reports"
BLOCKS = " ▏▎▍▌▋▊▉"

HUNGRY_KEYS = (
    "id", "name", "tags", "last_given", "counted_from", "since", "days_since", "every", "every_from", "every_tag",
    "overdue", "due", "only_takes", "snoozed_until", "given", "received", "asked", "open", "unanswered", "why",
)
BALANCE_KEYS = ("id", "name", "tags", "label", "given", "received", "asked", "helped", "declined", "ignored", "open")
ASK_KEYS = ("id", "contact_id", "name", "what", "day", "age_days", "follow_up", "followups", "followed_up_on", "state", "outcome", "resolved_on")
OWE_KEYS = ("id", "contact_id", "name", "type", "kind", "what", "received_on", "days_ago", "last_given")
MONTH_KEYS = ("month", "given", "received", "asked")
CADENCE_KEYS = ("tag", "every_days", "contacts")


# --------------------------------------------------------------------------
# Printing helpers (shared with the dashboard in netlog.cli.home)


def bar(value: float, full: float, width: int) -> str:
    """A horizontal bar in eighths of a block: ``width`` blocks at ``full``."""
    if full <= 0 or value <= 0:
        return ""
    eighths = round(min(value / full, 1.0) * width * 8)
    if eighths == 0:
        eighths = 1  # anything at all shows
    return "█" * (eighths // 8) + BLOCKS[eighths % 8].strip()


def fmt_of(as_json: bool, as_csv: bool) -> str:
    if as_json and as_csv:
        raise UsageError("--json and --csv: choose one")
    return "json" if as_json else "csv" if as_csv else "table"


def clip(text: str, width: int | None) -> str:
    text = " ".join(str(text).split())
    if width and len(text) > width:
        return text[: width - 1] + "…"
    return text


def print_table(columns: Sequence[Any], cells: Sequence[Sequence[str]], *, title: str | None = None, styles: dict[int, str] | None = None) -> None:
    """Cells as a table: Rich on a terminal (cells as Text, so names are never
    read as markup), plain aligned columns when piped."""
    from netlog.render import console, is_terminal, plain_table, rich_table

    clipped = [[clip(v, c.max_width) for v, c in zip(line, columns)] for line in cells]
    if is_terminal():
        from rich.text import Text

        styled = [[Text(v, style=(styles or {}).get(i, "")) for i, v in enumerate(line)] for line in clipped]
        console().print(rich_table([], columns, title, cells=styled))
        return
    if title:
        print(title)
    print(plain_table([], columns, cells=clipped))


def output(rows: Sequence[dict[str, Any]], keys: Sequence[str], fmt: str) -> bool:
    """--json / --csv: print the rows and say so (True); else leave it to the table."""
    from netlog.render import print_csv, print_json

    if fmt == "json":
        print_json([{k: r.get(k) for k in keys} for r in rows])
        return True
    if fmt == "csv":
        print_csv(rows, keys)
        return True
    return False


def _days(days: int) -> str:
    from netlog.dates import format_days

    return format_days(days)


def hungry_cells(rows: Sequence[dict[str, Any]], *, tags: bool = True, totals: bool = True) -> tuple[list[Any], list[list[str]]]:
    from netlog.render import Column

    columns = [Column("mark", ""), Column("name", "Name", max_width=16)]
    if tags:
        columns.append(Column("tags", "Tags", max_width=8))
    columns += [
        Column("last_given", "Last gave"),
        Column("days_since", "Days", "right"),
        Column("every", "Every", "right"),
        Column("overdue", "Overdue"),
    ]
    if totals:
        columns += [Column("gra", "G/R/A", "right"), Column("open", "Open", "right")]
    cells = []
    for r in rows:
        mark = "!" if r["only_takes"] else "z" if r["snoozed_until"] else ""
        line = [mark, r["name"]]
        if tags:
            line.append(", ".join(r["tags"]))
        line += [r["last_given"] or "never", str(r["days_since"]), _days(r["every"]), f"{r['overdue']:5.2f} {bar(r['overdue'], 3.0, 5)}".rstrip()]
        if totals:
            line += [f"{r['given']}/{r['received']}/{r['asked']}", str(r["open"])]
        cells.append(line)
    if not any(line[0] for line in cells):
        columns = columns[1:]
        cells = [line[1:] for line in cells]
    return columns, cells


def print_explained(rows: Sequence[dict[str, Any]]) -> None:
    """hungry --explain: each name, then how its score was reached, wrapped to 80 columns."""
    import textwrap

    from netlog.render import console, is_terminal

    lines = []
    for r in rows:
        mark = "! " if r["only_takes"] else "z " if r["snoozed_until"] else ""
        score = f"  {r['overdue']:.2f}"
        name = f"{mark}{r['name']}"
        if len(name) + len(score) > 80:  # a name longer than a line is cut, as in the tables
            name = name[: 79 - len(score)] + "…"
        lines.append(name + score)
        for part in r["why"].split("; "):
            lines += textwrap.wrap(part, 80, initial_indent="    ", subsequent_indent="      ")
    text = "\n".join(lines)
    if is_terminal():
        console().print(text, markup=False, highlight=False)
    else:
        print(text)


def hungry_legend(rows: Sequence[dict[str, Any]]) -> list[str]:
    out = []
    if any(r["only_takes"] for r in rows):
        out.append("! only takes: 2+ asks unanswered, nothing received: try once more, then let go.")
    if any(r["snoozed_until"] for r in rows):
        out.append("z snoozed: out of hungry, the dashboard and remind until the date in --json.")
    return out


def ask_cells(rows: Sequence[dict[str, Any]], what_width: int = 22) -> tuple[list[Any], list[list[str]]]:
    """The asks table; 22 columns for What fit 80 with the State column, the
    dashboard leaves State out and gives What its room."""
    from netlog.render import Column

    columns = [
        Column("id", "#", "right"),
        Column("name", "Who", max_width=16),
        Column("what", "What", max_width=what_width),
        Column("age_days", "Age", "right"),
        Column("follow_up", "Follow up"),
        Column("state", "State"),
    ]
    cells = [[str(r["id"]), r["name"], r["what"], f"{r['age_days']}d", r["follow_up"], r["state"]] for r in rows]
    return columns, cells


# --------------------------------------------------------------------------
# hungry


@app.command(rich_help_panel=PANEL)
def hungry(
    limit: int = typer.Option(20, "--limit", "-n", min=0, max=st.MAX_COUNT, help="At most this many (0: all)."),
    tag: Optional[str] = typer.Option(None, "--tag", "-t", help="Only contacts with this tag."),
    all_: bool = typer.Option(False, "--all", help="Include contacts still within their cadence, and snoozed ones (marked z)."),
    explain: bool = typer.Option(False, "--explain", help="Show how each row's score was reached."),
    as_json: bool = JSON,
    as_csv: bool = CSV,
) -> None:
    """Relationships you haven't fed lately, most overdue first.

    Overdue = days since your last give (or since you added them, if never) divided by their cadence: their own (edit --every), else their tag's (netlog cadence), else the journal's (default 90 days). An introduction feeds both people; a favor received does not. Contacts who only take (2+ asks declined or ignored, nothing received) sink to the bottom, marked !.

    Example: netlog hungry --tag work --limit 10
    """
    from netlog import reports
    from netlog.render import Column, message

    fmt = fmt_of(as_json, as_csv)
    with st.reading() as conn:
        rows = reports.hungry(conn, st.today(), limit=limit, tag=tag, include_all=all_)
    if output(rows, HUNGRY_KEYS, fmt):
        return
    if not rows:
        message("Nobody is past their cadence: every relationship is fed. 'netlog hungry --all' shows everyone." if not all_ else "No active contacts.")
        return
    if explain:
        print_explained(rows)
    else:
        columns, cells = hungry_cells(rows)
        print_table(columns, cells, styles={i: "red" for i, c in enumerate(columns) if c.key == "overdue"})
    for line in hungry_legend(rows):
        message(line)
    hidden = rows.matched - len(rows)
    if hidden > 0:
        takers = rows.matched_only_takes - sum(1 for r in rows if r["only_takes"])
        of_them = f" ({takers} of them only take)" if takers else ""
        message(f"{hidden} more not shown{of_them}; --limit 0 shows all.")


# --------------------------------------------------------------------------
# balance


@app.command(rich_help_panel=PANEL)
def balance(
    tag: Optional[str] = typer.Option(None, "--tag", "-t", help="Only contacts with this tag."),
    label: Optional[str] = typer.Option(None, "--label", "-l", help="Only this label: giver, matcher, taker or new."),
    limit: int = typer.Option(0, "--limit", "-n", min=0, max=st.MAX_COUNT, help="At most this many (0: all)."),
    as_json: bool = JSON,
    as_csv: bool = CSV,
) -> None:
    """Who gives back: given, received and asked per contact, with a label.

    Received counts favors you got and asks they helped with. Labels, in order: taker if nothing received and 2+ asks declined or ignored; new if fewer than 3 exchanges (gives, favors received, asks that ended); giver if they gave you more than you gave them; taker if they returned less than a third of what you gave; matcher otherwise. Listed by name.

    Example: netlog balance --label giver
    """
    from netlog import reports
    from netlog.render import Column, message

    fmt = fmt_of(as_json, as_csv)
    with st.reading() as conn:
        rows = reports.balance(conn, st.today(), tag=tag, label=label, limit=limit)
    if output(rows, BALANCE_KEYS, fmt):
        return
    if not rows:
        message("No contacts match." if (tag or label) else "No contacts yet. Add one: netlog add \"Priya Raman\"")
        return
    columns = [
        Column("name", "Name", max_width=18),
        Column("label", "Label"),
        Column("given", "Gave", "right"),
        Column("received", "Recv", "right"),
        Column("asked", "Asked", "right"),
        Column("helped", "Helped", "right"),
        Column("declined", "Declined", "right"),
        Column("ignored", "Ignored", "right"),
        Column("open", "Open", "right"),
    ]
    cells = [[r["name"], r["label"], *(str(r[k]) for k in ("given", "received", "asked", "helped", "declined", "ignored", "open"))] for r in rows]
    print_table(columns, cells, styles={1: "bold"})
    if rows.matched > len(rows):
        message(f"Showing {len(rows)} of {rows.matched}; --limit 0 shows all.")


# --------------------------------------------------------------------------
# asks


@app.command(rich_help_panel=PANEL)
def asks(
    name: Optional[str] = typer.Argument(None, help="Only this contact's asks."),
    all_: bool = typer.Option(False, "--all", help="Include resolved asks, their outcome as the state."),
    state: Optional[str] = typer.Option(None, "--state", help="Only open asks in this state: waiting, 'follow up now' or 'let go'."),
    as_json: bool = JSON,
    as_csv: bool = CSV,
) -> None:
    """Open asks, earliest follow-up first, and what to do about each.

    States: waiting until the follow-up date (the --follow-up given, else 7 days after the ask), then 'follow up now'; after 'netlog followup' it waits until the next date, then 'let go' (resolve it as ignored, without a grudge).

    Example: netlog asks --state "follow up now"
    """
    from netlog import journal, reports
    from netlog.render import message
    from netlog.validate import choice

    fmt = fmt_of(as_json, as_csv)
    states = [choice(state, reports.ASK_STATES, "--state")] if state else None
    if states and all_:
        raise UsageError("--state shows open asks only; leave out --all")
    with st.reading() as conn:
        contact = journal.find_contact(conn, name) if name else None
        rows = reports.asks(conn, st.today(), include_all=all_, contact_id=contact.id if contact else None, states=states)
    if output(rows, ASK_KEYS, fmt):
        return
    if not rows:
        message("No asks yet." if all_ else "No open asks match." if states else "No open asks.")
        return
    columns, cells = ask_cells(rows)
    print_table(columns, cells, styles={5: "bold"})


# --------------------------------------------------------------------------
# owe


@app.command(rich_help_panel=PANEL)
def owe(
    name: Optional[str] = typer.Argument(None, help="Only what you owe this contact."),
    as_json: bool = JSON,
    as_csv: bool = CSV,
) -> None:
    """Favors received that you haven't returned yet.

    Per contact, every favor you got (and every ask they helped with, dated the day it was resolved) after the last day you gave to them, oldest first. A give on the same day counts as returning it.

    Example: netlog owe --json
    """
    from netlog import journal, reports
    from netlog.render import Column, message

    fmt = fmt_of(as_json, as_csv)
    with st.reading() as conn:
        contact = journal.find_contact(conn, name) if name else None
        rows = reports.owe(conn, st.today(), contact_id=contact.id if contact else None)
    if output(rows, OWE_KEYS, fmt):
        return
    if not rows:
        message("You owe nobody: every favor received has been returned.")
        return
    columns = [
        Column("received_on", "Received"),
        Column("name", "From", max_width=18),
        Column("what", "What", max_width=32),
        Column("last_given", "Last gave"),
    ]
    cells = []
    for r in rows:
        what = f"[{r['kind']}] {r['what']}" if r["kind"] else r["what"]
        if r["type"] == "ask":
            what = f"helped with your ask: {r['what']}"
        cells.append([r["received_on"], r["name"], what, r["last_given"] or "never"])
    print_table(columns, cells)


# --------------------------------------------------------------------------
# stats


@app.command(rich_help_panel=PANEL)
def stats(
    months: int = typer.Option(12, "--months", "-m", min=1, max=600, help="How many months back, this one included."),
    as_json: bool = JSON,
    as_csv: bool = typer.Option(False, "--csv", help="Print the months as CSV."),
) -> None:
    """The long view: gives, favors received and asks per month, as a chart.

    Beside the chart: totals, the people you fed most, and your streak of weeks (Monday to Sunday) with at least one give; a week still under way doesn't break it.

    Example: netlog stats --months 24
    """
    from netlog import reports
    from netlog.render import print_csv, print_json

    fmt = fmt_of(as_json, as_csv)
    with st.reading() as conn:
        data = reports.stats(conn, st.today(), months=months)
    if fmt == "json":
        print_json(data)
        return
    if fmt == "csv":
        print_csv(data["months"], MONTH_KEYS)
        return
    print_stats(data)


def print_stats(data: dict[str, Any]) -> None:
    from netlog.render import Column, console, is_terminal

    per = data["months"]
    top = max([1] + [m[k] for m in per for k in ("given", "received", "asked")])
    width = 14
    columns = [Column("month", "Month"), Column("given", "Gave"), Column("received", "Received"), Column("asked", "Asked")]
    cells = [[m["month"], *(f"{bar(m[k], top, width)} {m[k]}".strip() for k in ("given", "received", "asked"))] for m in per]
    print_table(columns, cells, styles={1: "green", 2: "cyan", 3: "yellow"})
    t = data["totals"]
    lines = [
        "",
        f"Totals {data['from']} to {data['to']}: gave {t['given']:,}, received {t['received']:,}, asked {t['asked']:,}; "
        f"fed {t['people_fed']:,} {'person' if t['people_fed'] == 1 else 'people'}.",
    ]
    if data["top_fed"]:
        items = [f"{p['name']} ({p['given']})" for p in data["top_fed"]]
        line = "Fed most:"
        for i, item in enumerate(items):
            piece = f" {item}{'.' if i == len(items) - 1 else ','}"
            if len(line) + len(piece) > 80 and line.strip():
                lines.append(line)
                line = "  "
                piece = piece.lstrip()
            line += piece
        lines.append(line)
    n = data["streak_weeks"]
    lines.append(f"Streak: {n} week{'' if n == 1 else 's'} in a row with at least one give." if n else "Streak: none yet; one give this week starts it.")
    import textwrap

    text = "\n".join(wrapped for line in lines for wrapped in (textwrap.wrap(line, 80, subsequent_indent="  ", drop_whitespace=False) or [""]))
    if is_terminal():
        console().print(text, markup=False)
    else:
        print(text)


# --------------------------------------------------------------------------
# cadence


@app.command(rich_help_panel="Contacts")
def cadence(
    tag: Optional[str] = typer.Argument(None, metavar="TAG", help="A tag: show its cadence, or set it with DURATION."),
    every: Optional[str] = typer.Argument(None, metavar="DURATION", help="30d, 2w, 3m, 1y; 'default' clears it (the tag then follows the journal's)."),
    default: Optional[str] = typer.Option(None, "--default", metavar="DURATION", help="Set the journal-wide cadence (starts at 90 days)."),
    as_json: bool = JSON,
    as_csv: bool = CSV,
) -> None:
    """Show or set how often to feed relationships, per tag and journal-wide.

    A contact's cadence is its own (netlog edit NAME --every 30d), else the shortest of its tags' cadences, else the journal's default.

    Example: netlog cadence mentor 2w   (and: netlog cadence --default 60d)
    """
    from netlog import reports
    from netlog.dates import format_days, parse_duration
    from netlog.render import Column, emit

    fmt = fmt_of(as_json, as_csv)
    clear = every is not None and every.strip().lower() in ("default", "none", "off")
    days = None if clear or every is None else parse_duration(every, "DURATION")
    default_days = parse_duration(default, "--default") if default is not None else None
    if every is not None and tag is None:
        raise UsageError("DURATION needs a TAG before it; for the journal-wide cadence use --default")
    if every is not None or default_days is not None:
        with st.writing() as conn:
            if default_days is not None:
                reports.set_default_cadence(conn, default_days)
                st.say(f"Journal-wide cadence: every {format_days(default_days)} ({default_days} days).")
            if every is not None and tag is not None:
                name = reports.set_tag_cadence(conn, tag, days)
                st.say(f"Tag {name}: every {format_days(days)} ({days} days)." if days else f"Tag {name}: follows the journal-wide cadence.")
        return
    with st.reading() as conn:
        rows = reports.cadences(conn)
        if tag is not None:
            key = reports.find_tag(conn, tag, "TAG").name
            rows = [r for r in rows if r["tag"] == key]
    if output(rows, CADENCE_KEYS, fmt):
        return
    for r in rows:
        r["scope"] = "journal default" if r["tag"] is None else r["tag"]
        short = format_days(r["every_days"]) if r["every_days"] else ""
        r["every"] = "default" if not short else short if short == f"{r['every_days']}d" else f"{short} ({r['every_days']}d)"
    columns = [Column("scope", "Tag", max_width=30), Column("every", "Every"), Column("contacts", "Contacts", "right")]
    emit(rows, columns, "table")


# --------------------------------------------------------------------------
# demo


@app.command(rich_help_panel="Journal file")
def demo(
    contacts: int = typer.Option(60, "--contacts", min=1, max=st.MAX_COUNT, help="How many contacts."),
    entries: int = typer.Option(2000, "--entries", min=0, max=st.MAX_COUNT, help="How many entries (gives, gots, asks, notes)."),
    seed: int = typer.Option(1, "--seed", help="The same seed (and the same today) makes the same journal."),
    replace: bool = typer.Option(False, "--replace", help="With --db: replace the journal there even if it has data."),
) -> None:
    """Build a sample journal to try netlog on, and show its dashboard.

    It goes to its own file (demo.db beside the default journal, replaced each time), never your journal, unless the global --db names a file: then that file must be new or an empty journal, or you add --replace. The same --seed on the same day (or --today) makes the same journal.

    Example: netlog demo   (then: netlog --db ~/.local/share/netlog/demo.db hungry)
    """
    import shlex
    from pathlib import Path

    from netlog import db, demo as demo_journal
    from netlog.errors import NetlogError

    demo_journal.check_sizes(contacts, entries)
    if st.state.db:
        target = Path(st.state.db).expanduser()
        have = demo_journal.existing_rows(target)
        if any(have) and not replace:
            raise NetlogError(
                f"{target} already holds a journal ({have[0]} contacts, {have[1]} entries); demo won't overwrite it. "
                "Choose a new file with --db, or add --replace to replace it"
            )
    else:
        target = db.default_path().with_name("demo.db")
        demo_journal.existing_rows(target)  # refuses a file that is not a netlog journal
    today = st.today()
    st.say(f"Building a demo journal: {contacts:,} contacts, {entries:,} entries (seed {seed})...")
    built = demo_journal.build(target, contacts=contacts, entries=entries, seed=seed, today=today)
    journal = db.open_journal(built.path, create=False)
    st.state.journals[str(built.path)] = journal
    from netlog import reports
    from netlog.cli.home import print_dashboard

    with journal.transaction(write=False) as conn:
        print_dashboard(reports.dashboard(conn, today))
    db_opt = f"--db {shlex.quote(str(built.path))}"
    st.say(f"Demo journal: {built.path}\nExplore it: netlog {db_opt} hungry   (also: asks, balance, owe, stats, show NAME)")
