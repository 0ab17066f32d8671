"""Import, export, merge, backup, check (issue 5).

Thin commands over ``netlog.io`` and ``netlog.merge``. Nothing heavy is
imported at module level: --help and completion must stay fast.
"""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, List, Optional

import typer

from netlog.cli import state as st
from netlog.cli.base import app

if TYPE_CHECKING:
    from netlog.io.importer import Outcome

PROGRESS_MIN_ROWS = 300  # a progress bar only for files bigger than this, and only on a terminal
SHOW_CHANGES = 20  # how many created/updated contacts a dry run lists

import_app = typer.Typer(
    help="Bring contacts in: LinkedIn's Connections.csv, vCards, any CSV, or a netlog JSON export.",
    context_settings={"help_option_names": ["-h", "--help"]},
)
export_app = typer.Typer(
    help="Take your journal out: lossless JSON, CSV files for spreadsheets, vCards for address books.",
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(import_app, name="import", rich_help_panel="Import, export and backup")
app.add_typer(export_app, name="export", rich_help_panel="Import, export and backup")


def _help_without_command(ctx: typer.Context) -> None:
    """A bare 'netlog import' or 'netlog export' shows what it can do."""
    if ctx.invoked_subcommand is None:
        print(ctx.get_help())
        raise typer.Exit(0)


@import_app.callback(invoke_without_command=True)
def import_group(ctx: typer.Context) -> None:
    """Bring contacts in: LinkedIn's Connections.csv, vCards, any CSV, or a netlog JSON export.

    Example: netlog import linkedin ~/Downloads/Connections.csv --dry-run
    """
    _help_without_command(ctx)


@export_app.callback(invoke_without_command=True)
def export_group(ctx: typer.Context) -> None:
    """Take your journal out: lossless JSON, CSV files for spreadsheets, vCards for address books.

    Example: netlog export json -o netlog-export.json
    """
    _help_without_command(ctx)


FILE = typer.Argument(..., metavar="FILE", help="The file to read ('-' reads stdin).")
TAG = typer.Option([], "--tag", "-t", help="Tag every imported contact; repeat for more.")
DRY_RUN = typer.Option(False, "--dry-run", "-n", help="Show what would happen; write nothing.")
STRICT = typer.Option(False, "--strict", help="Stop at the first row that can't be imported, writing nothing (default: skip it and say why).")
AS_JSON = typer.Option(False, "--json", help="Print the counts as JSON on stdout.")


# --------------------------------------------------------------------------
# Import


@contextmanager
def _progress(total: int) -> Iterator[Callable[[int], None] | None]:
    """A Rich progress bar on stderr, only on a terminal and only for big files."""
    if total <= PROGRESS_MIN_ROWS or not _stderr_is_terminal():
        yield None
        return
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn

    from netlog.render import console

    with Progress(TextColumn("importing"), BarColumn(), TaskProgressColumn(), console=console(stderr=True), transient=True) as bar:
        task = bar.add_task("import", total=2 * total)  # each row is planned, then written
        yield lambda n: bar.advance(task, n)


def _stderr_is_terminal() -> bool:
    try:
        return bool(sys.stderr.isatty())
    except (AttributeError, ValueError):
        return False


def _run_import(file: str, tag: List[str], dry_run: bool, strict: bool, as_json: bool, parse: Callable[[str, str, list[str]], Any]) -> None:
    import gc

    from netlog import validate
    from netlog.io import files, importer

    tags = [validate.name(t, "--tag") for t in tag]
    today = st.today()
    text, shown = files.read_text(file)
    notices: list[str] = []
    # Tens of thousands of rows make hundreds of thousands of small objects, none
    # of them in a cycle: the cyclic collector would only walk them again and
    # again (5 % of the instructions of a 30,000-row import, and far more in
    # wall time when memory is tight). Reference counting frees them.
    gc.disable()
    try:
        items = parse(text, shown, notices)  # a malformed file fails here: the journal is not touched
        del text
        if not hasattr(items, "__len__"):
            items = list(items)
        with _progress(len(items)) as progress:
            if dry_run:
                with st.reading() as conn:
                    out = importer.apply(conn, items, today=today, tags=tags, strict=strict, write=False, progress=progress)
            else:
                with st.writing() as conn:
                    out = importer.apply(conn, items, today=today, tags=tags, strict=strict, write=True, progress=progress)
    finally:
        gc.enable()
    _report(out, shown, dry_run, as_json, notices)


def _report(out: Outcome, shown: str, dry_run: bool, as_json: bool, notices: list[str]) -> None:
    for notice in notices:
        st.say(notice)
    counts = f"{out.created} created, {out.updated} updated, {out.unchanged} unchanged, {len(out.skipped)} skipped"
    if dry_run:
        st.say(f"Dry run of {shown}, nothing written; it would give: {counts}.")
        for verb, name, cid, fields in out.changes[:SHOW_CHANGES]:
            detail = f": {', '.join(fields)}" if fields and verb == "updated" else ""
            st.say(f"  would {'create' if verb == 'created' else 'update'} {name}{f' (#{cid})' if verb == 'updated' else ''}{detail}")
        shown_changes = min(len(out.changes), SHOW_CHANGES)
        if out.created + out.updated > shown_changes:
            st.say(f"  ... and {out.created + out.updated - shown_changes} more (--json lists them all)")
    else:
        st.say(f"Imported {shown}: {counts}.")
    for line in out.skip_lines(width=78):  # every skipped row, however many
        st.say(line)
    if as_json:
        from netlog.render import print_json

        print_json({"file": shown, "dry_run": dry_run, **out.as_dict()})


@import_app.command("linkedin")
def import_linkedin(file: str = FILE, tag: List[str] = TAG, dry_run: bool = DRY_RUN, strict: bool = STRICT, as_json: bool = AS_JSON) -> None:
    """Import LinkedIn's Connections.csv (Settings > Data privacy > Get a copy of your data).

    Names, company, position, profile URL and email; "Connected On" becomes
    when you met ("LinkedIn, 2025-11-14") and the day the contact was added.
    Re-importing a newer export adds the new connections and fills empty
    fields, never overwriting what you edited.

    Example: netlog import linkedin ~/Downloads/Connections.csv --tag linkedin --dry-run
    """
    from netlog.io import linkedin

    _run_import(file, tag, dry_run, strict, as_json, lambda text, shown, _notices: linkedin.parse(text, shown))


@import_app.command("vcard")
def import_vcard(file: str = FILE, tag: List[str] = TAG, dry_run: bool = DRY_RUN, strict: bool = STRICT, as_json: bool = AS_JSON) -> None:
    """Import a .vcf file of one or many cards (vCard 2.1, 3.0 or 4.0).

    Name, emails, phones, organisation, title, birthday, note, and
    categories as tags. A second email or phone is kept in the note.

    Example: netlog import vcard contacts.vcf --tag phone
    """
    from netlog.io import vcard

    _run_import(file, tag, dry_run, strict, as_json, lambda text, shown, _notices: vcard.parse(text, shown))


@import_app.command("csv")
def import_csv(
    file: str = FILE,
    map_: List[str] = typer.Option([], "--map", "-m", metavar="COLUMN=FIELD", help="Read COLUMN as FIELD (name, first, last, email, phone, company, title, url, met, note, birthday, tags, added, ignore); repeat for more."),
    tag: List[str] = TAG,
    dry_run: bool = DRY_RUN,
    strict: bool = STRICT,
    as_json: bool = AS_JSON,
) -> None:
    """Import contacts from any spreadsheet saved as CSV.

    Columns are found by the usual header names (Name or First/Last name,
    Email, Phone, Company, Title, URL, Notes, Birthday, Tags...); --map
    names the others. Comma, semicolon and tab separated files all work.

    Example: netlog import csv people.csv --map "Organisation=company" --map "Where=met"
    """
    from netlog.io import csvimport

    _run_import(file, tag, dry_run, strict, as_json, lambda text, shown, notices: csvimport.parse(text, shown, map_, notices))


@import_app.command("json")
def import_json(file: str = FILE) -> None:
    """Restore a whole journal from 'netlog export json', ids and all.

    The journal must be empty (no contacts, tags or entries): restore into a
    new file with --db.

    Example: netlog --db ~/restored.db import json netlog-export.json
    """
    from netlog.io import files, jsonio

    text, shown = files.read_text(file)
    rows = jsonio.parse(text, shown)
    with st.writing() as conn:
        counts = jsonio.restore(conn, rows, shown)
    st.say(f"Restored {shown}: {counts['contacts']} contacts, {counts['entries']} entries, {counts['tags']} tags, {counts['settings']} settings.")


# --------------------------------------------------------------------------
# Export


OUTPUT = typer.Option(None, "--output", "-o", metavar="FILE", help="Write to FILE (mode 0600) instead of stdout; '-' is stdout.")
FORCE = typer.Option(False, "--force", help="Replace the file(s) if they exist (without it, an existing file is never replaced).")


def _write_out(output: Optional[str], text: str, force: bool) -> None:
    _stream_out(output, lambda f: f.write(text), force)


def _output_file(output: Optional[str]) -> Path | None:
    """The file -o names, refused if it is the journal; None for stdout."""
    if output in (None, "-"):
        return None
    from netlog.io.files import not_the_journal

    target = Path(output).expanduser()
    not_the_journal(target, st.db_path())
    return target


def _stream_out(output: Optional[str], write: Callable[[Any], None], force: bool) -> None:
    """Stdout, or a new private file (written whole without a name, then named)."""
    target = _output_file(output)
    if target is None:
        write(sys.stdout)
        sys.stdout.flush()
        return
    from netlog.io.files import write_private

    write_private(target, write, overwrite=force)
    st.say(f"Wrote {target}.")


@export_app.command("json")
def export_json(output: Optional[str] = OUTPUT, force: bool = FORCE) -> None:
    """The whole journal as JSON, lossless: restore it with 'netlog import json'.

    Example: netlog export json -o netlog-export.json
    """
    from netlog.io import jsonio

    _output_file(output)  # refused before the journal is opened
    with st.reading() as conn:  # written record by record: a big journal is never all in memory
        _stream_out(output, lambda f: jsonio.write(conn, f), force)


@export_app.command("csv")
def export_csv(
    directory: str = typer.Argument(..., metavar="DIR", help="Directory for the files (created if missing)."),
    force: bool = FORCE,
) -> None:
    """One CSV file per kind of record, for spreadsheets: contacts, entries, tags, settings.

    Cells starting with =, +, -, @, a tab or a carriage return get a leading
    ' so that no spreadsheet runs them as formulas.

    Example: netlog export csv ~/netlog-csv
    """
    from netlog.io import export, jsonio

    with st.reading() as conn:
        written = export.export_csv(jsonio.Tables(conn), Path(directory).expanduser(), st.db_path(), force=force)
    st.say(f"Wrote {', '.join(p.name for p in written)} in {Path(directory).expanduser()}.")


@export_app.command("vcard")
def export_vcard(
    output: Optional[str] = OUTPUT,
    archived: bool = typer.Option(False, "--archived", help="Include archived contacts."),
    force: bool = FORCE,
) -> None:
    """Contacts as vCard 4.0, for address books.

    Example: netlog export vcard -o contacts.vcf
    """
    from netlog import journal
    from netlog.io import vcard

    with st.reading() as conn:
        rows = journal.list_contacts(conn)
        if archived:
            rows += journal.list_contacts(conn, archived=True)
    _output_file(output)
    _write_out(output, vcard.cards(sorted(rows, key=lambda r: r["id"])), force)


# --------------------------------------------------------------------------
# Merge, backup, check


@app.command(rich_help_panel="Contacts")
def merge(
    keep: str = typer.Argument(..., help="The contact to keep: a name, a unique part of one, or #id."),
    other: str = typer.Argument(..., help="The duplicate: its entries, tags and missing fields move to KEEP, then it is deleted."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Don't ask; required when there is no terminal."),
) -> None:
    """Join two contacts that are one person: OTHER's history moves to KEEP.

    Entries, tags and the fields KEEP lacks come from OTHER; where both have
    a value KEEP's stays (the preview shows what is dropped). OTHER is then
    deleted. Undo history is cleared.

    Example: netlog merge "Priya Raman" "Priya R" --yes
    """
    from netlog import journal
    from netlog import merge as merging

    with st.reading() as conn:
        first = merging.plan(conn, journal.find_contact(conn, keep, "KEEP"), journal.find_contact(conn, other, "OTHER"))
    preview = first.describe()
    for line in preview:
        st.say(line)
    st.confirm(f"Merge {first.other_name} into {first.keep_name}?", yes, "merge")
    with st.writing() as conn:
        keep_c, other_c = journal.find_contact(conn, f"#{first.keep_id}", "KEEP"), journal.find_contact(conn, f"#{first.other_id}", "OTHER")
        p = merging.plan(conn, keep_c, other_c)
        if p.describe() != preview:
            from netlog.errors import NetlogError

            raise NetlogError("the two contacts changed while you were deciding; nothing was merged, run the merge again")
        merging.apply(conn, p)
        st.say(f"Merged {p.other_name} (#{p.other_id}) into {p.keep_name} (#{p.keep_id}): {p.entries + p.mentions} entries moved"
               + (f", took {', '.join(p.filled)}" if p.filled else "")
               + (f", kept this card's {', '.join(p.discarded)}" if p.discarded else "") + ".")
    st.forget_deleted()  # OTHER's old card text leaves the WAL too


@app.command(rich_help_panel="Journal file")
def backup(
    path: Optional[str] = typer.Argument(None, metavar="[PATH]", help="Where to write the copy: a new file or a directory (default: netlog-YYYY-MM-DD.db beside the journal)."),
) -> None:
    """A consistent, checked copy of the journal, mode 0600, safe while netlog runs.

    Never replaces an existing file. Restore by pointing --db (or NETLOG_DB)
    at the copy, or by copying it over the journal when no netlog runs.

    Example: netlog backup ~/Backups/
    """
    from netlog.io import backup as snap

    journal = st.db_path()
    if path is None:
        target = snap.default_target(journal, st.today())
    else:
        target = Path(path).expanduser()
        if path.endswith(("/", os.sep)) and not target.is_dir():
            from netlog.errors import NetlogError

            raise NetlogError(f"there is no folder {path}; create it first (mkdir -p {shlex.quote(path)}), or give a file name")
        if target.is_dir():
            target = snap.default_target(target / journal.name, st.today())
    size = snap.backup(journal, target)
    st.say(f"Backed up {journal} to {target} ({size // 1024} KiB, checked).")


@app.command(rich_help_panel="Journal file")
def check() -> None:
    """Check the journal: SQLite's integrity and foreign keys, schema version; exit 1 if anything is wrong.

    Example: netlog check
    """
    from netlog.io.check import check as check_journal

    health = check_journal(st.db_path())
    width = max(len(what) for what, _ in health.lines) + 1
    for what, finding in health.lines:
        print(f"{what + ':':<{width}} {finding}")
    if health.ok:
        print("verdict: ok, the journal is sound")
        return
    path = health.path
    if health.kind == "absent":
        # a typo in --db, or nothing written yet: nothing is wrong, but a
        # script checking a backup's path must notice
        print(f"verdict: nothing to check: {'; '.join(health.problems)}")
        print(f"netlog: there is no journal at {path} yet: nothing to check; the first write creates it", file=sys.stderr)
        raise typer.Exit(1)
    print(f"verdict: PROBLEM: {'; '.join(health.problems)}")
    advice = {
        "newer": "the journal was written by a newer netlog and is left untouched; upgrade netlog to use it",
        "not a journal": f"{health.problems[0]}; point --db (or NETLOG_DB) at your journal",
        "not sqlite": (
            f"{path} is not a SQLite database; if it is your journal, it is damaged: copy it aside and "
            "restore your latest backup; otherwise point --db at your journal"
        ),
    }.get(health.kind) or (
        "the journal failed its check; don't write to it: copy the file aside, "
        "then restore your latest backup (or 'netlog export json' what it still reads)"
    )
    print(f"netlog: {advice}", file=sys.stderr)
    raise typer.Exit(1)
