"""Journal entries: give, got, ask, resolve, followup, note, log, undo, drop, amend."""

from __future__ import annotations

from typing import List, Optional

import typer

from netlog.cli import state as st
from netlog.cli.base import app

NAME = typer.Argument(..., metavar="NAME", help="A name, a unique part of one, or #id.")
ON = typer.Option(None, "--on", metavar="DATE", help="When it happened: 2025-11-14, yesterday, '3 days ago', 'last friday'. Default: today.")
NEW = typer.Option(False, "--new", help="Create the contact if the name is unknown.")
EDIT = typer.Option(False, "--edit", help="Write the text in $VISUAL/$EDITOR (a private temporary file).")
KINDS = "intro, referral, advice, info, help, endorsement, gift, other"


def _past(text: Optional[str], what: str = "--on"):  # -> date
    from netlog.dates import parse_past

    return parse_past(text, st.today(), what)


def _written(w) -> None:  # type: ignore[no-untyped-def]
    from netlog.journal import describe

    for c in w.created or []:
        st.say(f"Added {c.name} (#{c.id}).")
    st.say(f"Saved {describe(w.entry, w.contact, w.other)}")


@app.command(rich_help_panel="Journal")
def give(
    name: str = NAME,
    what: Optional[str] = typer.Argument(None, metavar="WHAT", help="What you gave ('-' reads stdin)."),
    kind: Optional[str] = typer.Option(None, "--kind", "-k", help=f"One of: {KINDS}."),
    on: Optional[str] = ON,
    intro: Optional[str] = typer.Option(None, "--intro", metavar="OTHER", help="You introduced NAME to OTHER: a favor to both."),
    new: bool = NEW,
    edit: bool = EDIT,
) -> None:
    """Record a favor you gave.

    Example: netlog give pri "intro to the Fabrikam hiring manager" --intro "Sam Lee"
    """
    from netlog import journal

    what = st.read_text(what, "WHAT", edit)
    day = _past(on)
    with st.writing() as s:
        w = journal.add_entry(s, type="give", name=name, what=what, today=st.today(), day=day, kind=kind, intro=intro, new=new)
        _written(w)


@app.command(rich_help_panel="Journal")
def got(
    name: str = NAME,
    what: Optional[str] = typer.Argument(None, metavar="WHAT", help="What you received ('-' reads stdin)."),
    kind: Optional[str] = typer.Option(None, "--kind", "-k", help=f"One of: {KINDS}."),
    on: Optional[str] = ON,
    new: bool = NEW,
    edit: bool = EDIT,
) -> None:
    """Record a favor you received.

    Example: netlog got pri "reviewed my CV" --kind advice --on yesterday
    """
    from netlog import journal

    what = st.read_text(what, "WHAT", edit)
    day = _past(on)
    with st.writing() as s:
        w = journal.add_entry(s, type="got", name=name, what=what, today=st.today(), day=day, kind=kind, new=new)
        _written(w)


@app.command(rich_help_panel="Journal")
def ask(
    name: str = NAME,
    what: Optional[str] = typer.Argument(None, metavar="WHAT", help="What you asked for ('-' reads stdin)."),
    on: Optional[str] = ON,
    follow_up: Optional[str] = typer.Option(None, "--follow-up", metavar="WHEN", help="When to follow up: 'in 5 days', 2w, 'next monday', a date. Default: 7 days after the ask."),
    new: bool = NEW,
    edit: bool = EDIT,
) -> None:
    """Record an ask you made; prints its id.

    Example: netlog ask pri "a referral to Northwind's data team" --follow-up "next friday"
    """
    from netlog import journal
    from netlog.dates import parse_future

    what = st.read_text(what, "WHAT", edit)
    day = _past(on)
    when = parse_future(follow_up, st.today(), "--follow-up") if follow_up else None
    with st.writing() as s:
        w = journal.add_entry(s, type="ask", name=name, what=what, today=st.today(), day=day, follow_up=when, new=new)
        _written(w)
        assert w.entry.follow_up is not None
        st.say(f"Follow up on {w.entry.follow_up.isoformat()}; when it ends: netlog resolve {w.entry.id} helped|declined|ignored")
    print(w.entry.id)
    if w.hint:
        st.say(w.hint)


@app.command(rich_help_panel="Journal")
def resolve(
    ask_ref: str = typer.Argument(..., metavar="ASK", help="The ask's id, or a NAME with exactly one open ask."),
    outcome: str = typer.Argument(..., help="helped, declined or ignored (no answer)."),
    on: Optional[str] = ON,
) -> None:
    """Record what came of an ask. 'helped' counts as a favor received.

    Example: netlog resolve 12 helped
    """
    from netlog import journal

    day = _past(on)
    with st.writing() as s:
        entry = journal.find_ask(s, ask_ref)
        journal.resolve_ask(s, entry, outcome, day)
        contact = journal.find_contact(s, f"#{entry.contact_id}")
        st.say(f"Ask #{entry.id} to {contact.name}: {entry.outcome} on {day.isoformat()}.")


@app.command(rich_help_panel="Journal")
def followup(
    ask_ref: str = typer.Argument(..., metavar="ASK", help="The ask's id, or a NAME with exactly one open ask."),
    on: Optional[str] = ON,
    next_: Optional[str] = typer.Option(None, "--next", metavar="WHEN", help="When to look again (default: as long after as the first wait)."),
) -> None:
    """Record that you reached out again about an open ask.

    Example: netlog followup 12 --on yesterday
    """
    from netlog import journal
    from netlog.dates import parse_future

    day = _past(on)
    nxt = parse_future(next_, st.today(), "--next") if next_ else None
    with st.writing() as s:
        entry = journal.find_ask(s, ask_ref)
        journal.follow_up_ask(s, entry, day, nxt)
        assert entry.follow_up is not None
        st.say(f"Followed up ask #{entry.id} on {day.isoformat()}; if still no answer by {entry.follow_up.isoformat()}, let it go: netlog resolve {entry.id} ignored")


@app.command(rich_help_panel="Journal")
def note(
    name: str = NAME,
    text: Optional[str] = typer.Argument(None, metavar="TEXT", help="The note ('-' reads stdin, keeping it out of shell history)."),
    on: Optional[str] = ON,
    new: bool = NEW,
    edit: bool = EDIT,
) -> None:
    """Add a dated note about someone. Notes don't count as feeding the relationship.

    Example: netlog note pri "her daughter started college"
    """
    from netlog import journal

    text = st.read_text(text, "TEXT", edit)
    day = _past(on)
    with st.writing() as s:
        w = journal.add_entry(s, type="note", name=name, what=text, today=st.today(), day=day, new=new)
        _written(w)


@app.command(rich_help_panel="Journal")
def log(
    name: Optional[str] = typer.Argument(None, metavar="NAME", help="Only this contact's entries."),
    type_: List[str] = typer.Option([], "--type", help="give, got, ask or note; repeat for more."),
    kind: Optional[str] = typer.Option(None, "--kind", "-k", help=f"Only this favor kind: {KINDS}."),
    since: Optional[str] = typer.Option(None, "--since", metavar="DATE", help="Only entries on or after this date."),
    limit: int = typer.Option(50, "--limit", "-n", min=0, max=st.MAX_COUNT, help="At most this many (0: all)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    as_csv: bool = typer.Option(False, "--csv", help="Print CSV."),
) -> None:
    """Entries, newest first, with their ids.

    Example: netlog log pri --since "3 months ago"
    """
    from netlog import journal
    from netlog.models import ENTRY_TYPES
    from netlog.render import Column, emit
    from netlog.validate import choice

    types = [choice(t, ENTRY_TYPES, "--type") for t in type_]
    since_day = _past(since, "--since") if since else None
    with st.reading() as s:
        contact = journal.find_contact(s, name) if name else None
        rows = journal.log(s, contact, types=types, kind=kind, since=since_day, limit=limit or None)
    fmt = "json" if as_json else "csv" if as_csv else "table"
    if fmt == "table":
        rows = [{**r, "summary": _summary(r)} for r in rows]
    columns = [
        Column("id", "#", "right"),
        Column("day", "Date"),
        Column("type", "Type"),
        Column("contact", "Who", max_width=24),
        Column("summary", "What", max_width=60),
    ]
    emit(rows, columns, fmt, empty="No entries.")


def _summary(r: dict) -> str:  # type: ignore[type-arg]
    parts = []
    if r["kind"]:
        parts.append(f"[{r['kind']}]")
    if r["other"]:
        parts.append(f"(intro to {r['other']})")
    parts.append(r["what"])
    if r["type"] == "ask":
        parts.append(f"-> {r['outcome']}" if r["outcome"] else "-> open")
    return " ".join(parts)


@app.command(rich_help_panel="Journal")
def undo() -> None:
    """Take back the last entry written (or the last resolve, followup, amend or drop).

    Example: netlog undo
    """
    from netlog import journal

    with st.writing() as s:
        st.say(f"Undone: {journal.undo_last(s)}")


@app.command(rich_help_panel="Journal")
def drop(entry_id: str = typer.Argument(..., metavar="ID", help="The entry's id, as 'netlog log' shows it.")) -> None:
    """Remove one entry ('netlog undo' brings it back).

    Example: netlog drop 42
    """
    from netlog import journal

    with st.writing() as s:
        entry = journal.get_entry(s, entry_id)
        st.say(f"Dropped {journal.drop_entry(s, entry)}")


@app.command(rich_help_panel="Journal")
def amend(
    entry_id: str = typer.Argument(..., metavar="ID", help="The entry's id, as 'netlog log' shows it."),
    what: Optional[str] = typer.Option(None, "--what", help="New text ('-' reads stdin)."),
    on: Optional[str] = typer.Option(None, "--on", metavar="DATE", help="New date."),
    kind: Optional[str] = typer.Option(None, "--kind", "-k", help=f"New kind: {KINDS}."),
    edit: bool = typer.Option(False, "--edit", help="Edit the text in $VISUAL/$EDITOR."),
) -> None:
    """Change one entry's text, date or kind.

    Example: netlog amend 42 --on "last friday" --kind advice
    """
    from netlog import journal

    day = _past(on) if on is not None else None
    if edit and what is None:
        with st.reading() as s:
            what = journal.get_entry(s, entry_id).what
    what = st.read_text(what, "--what", edit)
    with st.writing() as s:
        entry = journal.get_entry(s, entry_id)
        changed = journal.amend_entry(s, entry, what=what, day=day, kind=kind)
        st.say(f"Amended #{entry.id}: {', '.join(changed)}.")
