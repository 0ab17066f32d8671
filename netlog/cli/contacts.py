"""Contacts: add, list, edit, archive, rm, show; and where the journal is."""

from __future__ import annotations

from typing import List, Optional

import typer

from netlog.cli import state as st
from netlog.cli.base import app

NAME = typer.Argument(..., metavar="NAME", help="A name, a unique part of one, or #id.")


def _every(text: Optional[str]) -> Optional[int]:
    if text is None:
        return None
    from netlog.dates import parse_duration

    return parse_duration(text)


@app.command(rich_help_panel="Contacts")
def add(
    name: str = typer.Argument(..., metavar="NAME", help="The contact's full name; unique, ignoring case."),
    email: Optional[str] = typer.Option(None, "--email", "-e"),
    phone: Optional[str] = typer.Option(None, "--phone"),
    company: Optional[str] = typer.Option(None, "--company", "-c"),
    title: Optional[str] = typer.Option(None, "--title"),
    url: Optional[str] = typer.Option(None, "--url"),
    tag: List[str] = typer.Option([], "--tag", "-t", help="A tag; repeat for more."),
    met: Optional[str] = typer.Option(None, "--met", help="How or where you met."),
    every: Optional[str] = typer.Option(None, "--every", metavar="DURATION", help="How often to feed this relationship: 30d, 2w, 3m, 1y."),
    note: Optional[str] = typer.Option(None, "--note", help="A note on the card ('-' reads stdin)."),
    edit_note: bool = typer.Option(False, "--edit", help="Write the note in $VISUAL/$EDITOR."),
) -> None:
    """Add a contact.

    Example: netlog add "Priya Raman" --company Northwind --tag work --every 2m
    """
    from netlog import journal

    every_days = _every(every)
    note = st.read_text(note, "--note", edit_note)
    with st.writing() as s:
        c = journal.add_contact(
            s,
            name,
            today=st.today(),
            fields={"email": email, "phone": phone, "company": company, "title": title, "url": url, "met": met, "note": note},
            tags=tag,
            every_days=every_days,
        )
        st.say(f"Added {c.name} (#{c.id}).")


@app.command(rich_help_panel="Contacts")
def contacts(
    tag: Optional[str] = typer.Option(None, "--tag", "-t", help="Only contacts with this tag."),
    search: Optional[str] = typer.Option(None, "--search", "-s", help="Only contacts whose name, email, company, title or notes contain this."),
    archived: bool = typer.Option(False, "--archived", help="List archived contacts instead."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    as_csv: bool = typer.Option(False, "--csv", help="Print CSV."),
) -> None:
    """List contacts.

    Example: netlog contacts --tag work --search north
    """
    from netlog import journal
    from netlog.render import Column, emit

    with st.reading() as s:
        rows = journal.list_contacts(s, tag=tag, search=search, archived=archived)
    columns = [
        Column("id", "#", "right"),
        Column("name", "Name", max_width=28),
        Column("company", "Company", max_width=20),
        Column("title", "Title", max_width=20),
        Column("tags", "Tags", max_width=20),
    ]
    emit(rows, columns, _fmt(as_json, as_csv), empty="No contacts yet. Add one: netlog add \"Priya Raman\"" if not (tag or search) else "No contacts match.")


def _fmt(as_json: bool, as_csv: bool) -> str:
    return "json" if as_json else "csv" if as_csv else "table"


@app.command(rich_help_panel="Contacts")
def edit(
    name: str = NAME,
    new_name: Optional[str] = typer.Option(None, "--name", help="Rename the contact."),
    email: Optional[str] = typer.Option(None, "--email", "-e", help="New email ('' clears it)."),
    phone: Optional[str] = typer.Option(None, "--phone"),
    company: Optional[str] = typer.Option(None, "--company", "-c"),
    title: Optional[str] = typer.Option(None, "--title"),
    url: Optional[str] = typer.Option(None, "--url"),
    met: Optional[str] = typer.Option(None, "--met"),
    note: Optional[str] = typer.Option(None, "--note", help="Replace the card's note ('-' reads stdin)."),
    edit_note: bool = typer.Option(False, "--edit", help="Edit the card's note in $VISUAL/$EDITOR."),
    tag: List[str] = typer.Option([], "--tag", "-t", help="Add a tag; repeat for more."),
    untag: List[str] = typer.Option([], "--untag", help="Remove a tag."),
    every: Optional[str] = typer.Option(None, "--every", metavar="DURATION", help="Cadence: 30d, 2w, 3m, 1y; 'default' to follow the tag or journal."),
) -> None:
    """Change a contact's fields, tags or cadence.

    Example: netlog edit pri --company Fabrikam --tag mentor --every 1m
    """
    from netlog import journal

    clear_every = every is not None and every.strip().lower() in ("default", "none", "")
    every_days = None if clear_every else _every(every)
    if edit_note and note is None:
        with st.reading() as s:
            note = journal.find_contact(s, name).note
    note = st.read_text(note, "--note", edit_note)
    with st.writing() as s:
        c = journal.find_contact(s, name)
        changed = journal.edit_contact(
            s,
            c,
            new_name=new_name,
            fields={"email": email, "phone": phone, "company": company, "title": title, "url": url, "met": met, "note": note},
            add_tags=tag,
            remove_tags=untag,
            every_days=every_days,
            clear_every=clear_every,
        )
        st.say(f"Updated {c.name} (#{c.id}): {', '.join(changed)}." if changed else f"{c.name} (#{c.id}) already looks like that; nothing changed.")


@app.command(rich_help_panel="Contacts")
def archive(
    name: str = NAME,
    restore: bool = typer.Option(False, "--restore", help="Bring an archived contact back."),
) -> None:
    """Hide a contact from lists and reports, keeping its history.

    Example: netlog archive "Old Colleague"   (undo with: netlog archive "Old Colleague" --restore)
    """
    from netlog import journal

    with st.writing() as s:
        c = journal.find_contact(s, name)
        changed = journal.set_archived(s, c, not restore)
        if restore:
            st.say(f"Restored {c.name} (#{c.id})." if changed else f"{c.name} (#{c.id}) was not archived.")
        else:
            st.say(f"Archived {c.name} (#{c.id}); 'netlog unarchive' brings them back." if changed else f"{c.name} (#{c.id}) is already archived.")


@app.command(rich_help_panel="Contacts")
def unarchive(name: str = NAME) -> None:
    """Bring an archived contact back (same as archive --restore).

    Example: netlog unarchive "Old Colleague"
    """
    archive(name, restore=True)


def _entries(n: int) -> str:
    return f"their {n} entry" if n == 1 else f"their {n} entries" if n else "no entries"


@app.command(rich_help_panel="Contacts")
def rm(
    name: str = NAME,
    yes: bool = typer.Option(False, "--yes", "-y", help="Don't ask; required when there is no terminal."),
) -> None:
    """Delete a contact and all its entries, for good.

    Example: netlog rm "Test Person" --yes
    """
    from netlog import journal

    # Ask before taking the write lock: a cron job must not wait on a person deciding.
    with st.reading() as s:
        c = journal.find_contact(s, name)
        entries = journal.entry_count(s, c.id)
    st.confirm(f"Delete {c.name} (#{c.id}) and {_entries(entries)}? This can't be undone.", yes, "rm")
    with st.writing() as s:
        now = journal.find_contact(s, f"#{c.id}")
        if journal.entry_count(s, c.id) != entries or now.name != c.name:
            from netlog.errors import NetlogError

            raise NetlogError(f"{c.name} changed while you were deciding; nothing was deleted, run 'netlog rm' again")
        removed = journal.remove_contact(s, now)
        st.say(f"Deleted {c.name} (#{c.id}) and {_entries(removed)}.")
    st.forget_deleted()


@app.command(rich_help_panel="Contacts")
def snooze(
    name: str = NAME,
    when: Optional[str] = typer.Argument(None, metavar="WHEN", help="Until when: 2w, 'next monday', 2026-01-15."),
    off: bool = typer.Option(False, "--off", help="End the snooze now."),
) -> None:
    """Hide a contact from hungry, the dashboard and remind until a date.

    Example: netlog snooze pri 2w   (end it early: netlog snooze pri --off)
    """
    from netlog import journal
    from netlog.dates import parse_future
    from netlog.errors import UsageError

    today = st.today()
    if off and when:
        raise UsageError("snooze: give WHEN or --off, not both")
    if not off and not when:
        raise UsageError("snooze: say until when (2w, 'next monday', 2026-01-15), or --off to end it")
    until = None if off else parse_future(when or "", today, "WHEN")
    if until is not None and until <= today:
        raise UsageError(f"WHEN: {until.isoformat()} is not after today ({today.isoformat()}); give a later date")
    with st.writing() as s:
        c = journal.find_contact(s, name)
        journal.set_snooze(s, c, until)
        if until:
            st.say(f"Snoozed {c.name} (#{c.id}) until {until.isoformat()}.")
        else:
            st.say(f"{c.name} (#{c.id}) is back in your reports.")


@app.command(rich_help_panel="Contacts")
def show(
    name: str = NAME,
    limit: int = typer.Option(100, "--limit", "-n", min=0, max=st.MAX_COUNT, help="Show the newest N entries of the timeline (0: all)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """A contact's card, totals, open asks and timeline (newest first).

    Example: netlog show pri --limit 20
    """
    from netlog import journal
    from netlog.render import print_json

    with st.reading() as s:
        c = journal.find_contact(s, name)
        data = journal.show(s, c, st.today(), limit=limit or None)
    if as_json:
        print_json(data)
        return
    from netlog.cli.showcard import print_card

    print_card(data)


@app.command(rich_help_panel="Journal file")
def where(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Show the journal file in use, its schema version and its size.

    Example: netlog where
    """
    import os

    from netlog import journal
    from netlog.db import SCHEMA_VERSION, schema_version
    from netlog.render import print_json

    path = st.db_path()
    exists = os.path.exists(path)
    with st.reading() as s:
        counts = journal.counts(s)
        version = schema_version(s)
    data = {"path": str(path), "exists": exists, "schema_version": version if exists else None, "schema_current": SCHEMA_VERSION, **counts}
    if as_json:
        print_json(data)
        return
    print(f"journal:  {path}{'' if exists else '  (not created yet: the first write creates it)'}")
    print(f"schema:   {version if exists else '-'} (this netlog: {SCHEMA_VERSION})")
    print(f"contacts: {counts['contacts']}")
    print(f"entries:  {counts['entries']}")
