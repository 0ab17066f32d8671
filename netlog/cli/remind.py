"""`netlog remind`: the digest cron runs. Silent when nothing is due."""

from __future__ import annotations

import typer

from netlog.cli import state as st
from netlog.cli.base import app


@app.command(rich_help_panel="Reports")
def remind(
    limit: int = typer.Option(5, "--limit", "-n", min=1, max=st.MAX_COUNT, help="At most this many items in each section; the rest are counted."),
    fmt: str = typer.Option("text", "--format", "-f", metavar="FORMAT", help="text, markdown, html (one page fit to mail) or json."),
    exit_code: bool = typer.Option(False, "--exit-code", help="Exit 1 when the digest printed something (with --new-only: something new), else 0."),
    new_only: bool = typer.Option(False, "--new-only", help="Leave out what an earlier digest reported that has not changed since."),
) -> None:
    """What needs you today: prints nothing at all when nothing is due.

    Lists the relationships most overdue, asks to follow up now, asks to let go,
    and favors you owe, each with the command that acts on it; at most --limit
    in each section, oldest first, then how many more and where to see them.

    Example: netlog remind --new-only   (in a crontab: 0 8 * * * netlog remind --new-only)
    """
    from netlog.errors import UsageError
    from netlog.validate import choice

    try:
        fmt = choice(fmt, ("text", "markdown", "html", "json"), "--format")
    except UsageError:
        raise UsageError(f"--format: {fmt!r} is not one of text, markdown, html, json") from None
    if not st.db_path().exists():
        return  # no journal yet: nothing can be due, and remind creates nothing
    from netlog import remind as digest

    today = st.today()
    if new_only:
        with st.writing() as conn:
            shown = digest.only_new(conn, today, limit)
            # written before the commit that marks it reported: if the output
            # fails, nothing is marked, and the news is still news tomorrow
            _print(digest.render(shown, fmt, today) if shown.items else None)
    else:
        with st.reading() as conn:
            shown = digest.digest(conn, today, limit)
        _print(digest.render(shown, fmt, today) if shown.items else None)
    if not shown.items:
        return  # nothing printed: exit 0, with --exit-code too
    # 1 exactly when something was printed, so that with --new-only
    # `remind --new-only --exit-code || notify-send ...` fires for news only
    if exit_code:
        raise typer.Exit(1)


def _print(text: str | None) -> None:
    import sys

    if text is not None:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()
