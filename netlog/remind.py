"""The digest that `netlog remind` prints, usually from cron.

It gathers what is due today from the reports (the relationships most overdue,
asks to follow up now, asks to let go, favors you owe), gives each item the
command that acts on it, and renders text, markdown, a self-contained HTML
page, or JSON. ``only_new`` (--new-only) leaves out items an earlier digest
already reported in the same state, and records what it reported in the journal.
"""

from __future__ import annotations

import html
import json
import re
import sqlite3
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from netlog import reports
from netlog.journal import give_command
from netlog.dates import format_days

SECTIONS = (
    ("hungry", "Relationships to feed"),
    ("follow_up", "Asks to follow up now"),
    ("let_go", "Asks to let go"),
    ("owe", "Favors you owe"),
)
FORMATS = ("text", "markdown", "html", "json")
# Where the rest of a section that did not fit is listed in full.
MORE_COMMAND = {
    "hungry": "netlog hungry",
    "follow_up": 'netlog asks --state "follow up now"',
    "let_go": 'netlog asks --state "let go"',
    "owe": "netlog owe",
}


@dataclass
class Item:
    section: str
    key: str  # stable across runs: what --new-only remembers
    state: str  # the item's state: reported again only when it changes
    text: str
    command: str
    contact: str
    contact_id: int


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _hungry_item(r: dict[str, Any]) -> Item:
    """One due relationship, from a hungry row (or a reports.remind_due one)."""
    fed = f"last gave {r['days_since']} days ago" if r["last_given"] else f"never fed, added {r['days_since']} days ago"
    return Item(
        "hungry", f"hungry:{r['id']}", f"due since {r['since']}",
        f"{r['name']}: {fed} (every {format_days(r['every'])})",
        give_command(r["name"], r["id"]), r["name"], r["id"],
    )


def _hungry(conn: sqlite3.Connection, today: date, limit: int) -> tuple[list[Item], int]:
    """The ``limit`` most overdue, and how many are due in all."""
    rows = reports.hungry(conn, today, limit=limit)
    # contacts who only take sink in hungry, and a digest nags nobody about
    # them: they are neither listed nor counted (they sort last, so the rows
    # kept are the first ones that don't)
    items = [_hungry_item(r) for r in rows if not r["only_takes"]]
    return items, rows.matched - rows.matched_only_takes


def _asks_items(rows: list[dict[str, Any]], state: str) -> list[Item]:
    items = []
    for r in rows:
        what = " ".join(r["what"].split())
        if len(what) > 60:
            what = what[:59] + "…"
        if state == "follow up now":
            text = f"#{r['id']} {r['name']}: {what} (asked {r['age_days']} days ago, no answer yet)"
            items.append(Item("follow_up", f"ask:{r['id']}", state, text, f"netlog followup {r['id']}", r["name"], r["contact_id"]))
        else:
            text = f"#{r['id']} {r['name']}: {what} (followed up on {r['followed_up_on']}, still no answer)"
            items.append(Item("let_go", f"ask:{r['id']}", state, text, f"netlog resolve {r['id']} ignored", r["name"], r["contact_id"]))
    return items


def _owe_item(favors: list[dict[str, Any]]) -> Item:
    """One contact's unreturned favors (owe's rows for them, oldest first)."""
    first = favors[0]
    name, cid = first["name"], first["contact_id"]
    what = " ".join(first["what"].split())
    if len(what) > 50:
        what = what[:49] + "…"
    text = f"{name}: {_plural(len(favors), 'favor')} since your last give, the first on {first['received_on']} ({what})"
    return Item("owe", f"owe:{cid}", _owe_state(len(favors), first["received_on"]), text, give_command(name, cid), name, cid)


def _owe_state(favors: int, first: str) -> str:
    return f"{favors} since {first}"


def _owe(conn: sqlite3.Connection, today: date, limit: int) -> list[Item]:
    per: dict[int, list[dict[str, Any]]] = {}
    for r in reports.owe(conn, today, active_only=True, limit_contacts=limit):
        per.setdefault(r["contact_id"], []).append(r)
    return [_owe_item(favors) for favors in list(per.values())[:limit]]


@dataclass
class Digest:
    """The items a digest shows (at most ``limit`` per section), and how many
    more each section had: a digest stays short however long the backlog."""

    items: list[Item]
    more: dict[str, int]


def digest(conn: sqlite3.Connection, today: date, limit: int) -> Digest:
    """What is due, at most ``limit`` per section: only the items shown are
    read, and SQL counts the rest."""
    more: dict[str, int] = {}
    items, hungry_due = _hungry(conn, today, limit)
    if hungry_due > len(items):
        more["hungry"] = hungry_due - len(items)
    for key, state in (("follow_up", "follow up now"), ("let_go", "let go")):
        rows = reports.asks(conn, today, states=[state], active_only=True, limit=limit)
        items += _asks_items(rows, state)
        if rows.matched > len(rows):
            more[key] = rows.matched - len(rows)
    owe = _owe(conn, today, limit)
    items += owe
    owing = reports.owe_count(conn, today)
    if owing > len(owe):
        more["owe"] = owing - len(owe)
    return Digest(items, more)


# --------------------------------------------------------------------------
# --new-only


@dataclass
class Due:
    """One item due, before it is read in full: its key, its state, and the
    row (from reports.remind_due) to read it from if it is shown."""

    key: str
    state: str
    row: dict[str, Any]


def everything_due(conn: sqlite3.Connection, today: date) -> dict[str, list[Due]]:
    """Every item due, per section, in the digest's order; ids and states only."""
    due = reports.remind_due(conn, today)
    return {
        "hungry": [Due(f"hungry:{r['id']}", f"due since {r['since']}", r) for r in due["hungry"]],
        "follow_up": [Due(f"ask:{r['id']}", "follow up now", r) for r in due["follow_up"]],
        "let_go": [Due(f"ask:{r['id']}", "let go", r) for r in due["let_go"]],
        "owe": [Due(f"owe:{r['contact_id']}", _owe_state(r["favors"], r["first"]), r) for r in due["owe"]],
    }


def _read(conn: sqlite3.Connection, today: date, section: str, due: Due) -> Item:
    """The full item for one due key (only for the few a digest shows)."""
    r = due.row
    if section == "hungry":
        return _hungry_item(r)
    if section == "owe":
        return _owe_item(list(reports.owe(conn, today, contact_id=r["contact_id"], active_only=True)))
    # the ask is read with the asks of its contact in that state: a seek or two
    rows = reports.asks(conn, today, contact_id=r["contact_id"], states=[due.state], active_only=True)
    return _asks_items([a for a in rows if a["id"] == r["id"]], due.state)[0]


def only_new(conn: sqlite3.Connection, today: date, limit: int) -> Digest:
    """What is new since the last --new-only digest: in each section, the first
    ``limit`` items due that were not reported before in the same state, read
    in full; the journal remembers what is shown.

    The whole of what is due is compared (ids and states, from SQL), not only
    the first items of each section: an item stays remembered while it is
    due, however far down its section it slips, and one that was never shown
    comes in a later digest, a few a day, instead of never.
    """
    seen = {item: state for item, state in conn.execute("SELECT item, state FROM reported")}
    due = everything_due(conn, today)
    items: list[Item] = []
    more: dict[str, int] = {}
    shown: list[Due] = []
    for section, _ in SECTIONS:
        fresh = [d for d in due[section] if seen.get(d.key) != d.state]
        for d in fresh[:limit]:
            item = _read(conn, today, section, d)
            item.state = d.state  # what the next digest compares with
            items.append(item)
            shown.append(d)
        if len(fresh) > limit:
            more[section] = len(fresh) - limit
    remember(conn, today, seen, {d.key: d.state for ds in due.values() for d in ds}, shown)
    return Digest(items, more)


def remember(conn: sqlite3.Connection, today: date, seen: dict[str, str], due: dict[str, str], shown: list[Due]) -> None:
    """Record today's digest in the reported table: forget what is no longer
    due (if it comes back, it is news again), note that what is still due in
    the state reported is still there, and remember what was shown. What was
    not shown is not remembered, so it is still news tomorrow."""
    gone = [k for k in seen if k not in due]
    for start in range(0, len(gone), 500):
        chunk = gone[start : start + 500]
        conn.execute(f"DELETE FROM reported WHERE item IN ({', '.join('?' * len(chunk))})", chunk)
    day = today.isoformat()
    conn.executemany("UPDATE reported SET last_on = ? WHERE item = ?", [(day, k) for k, s in due.items() if seen.get(k) == s])
    conn.executemany(
        "INSERT INTO reported (item, state, first_on, last_on) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (item) DO UPDATE SET state = excluded.state, first_on = excluded.first_on, last_on = excluded.last_on",
        [(d.key, d.state, day, day) for d in shown],
    )


# --------------------------------------------------------------------------
# Rendering


def _grouped(d: Digest) -> list[tuple[str, str, list[Item], int]]:
    """(section, title with its full count, items shown, how many more)."""
    out = []
    for key, title in SECTIONS:
        group = [i for i in d.items if i.section == key]
        if group:
            more = d.more.get(key, 0)
            out.append((key, f"{title} ({len(group) + more:,})", group, more))
    return out


def _more(key: str, more: int) -> str:
    return f"… and {more:,} more: {MORE_COMMAND[key]}"


def render(d: Digest, fmt: str, today: date) -> str:
    if fmt == "json":
        data = {"date": today.isoformat(), "items": [asdict(i) for i in d.items], "more": d.more}
        return json.dumps(data, ensure_ascii=False, indent=2)
    if fmt == "markdown":
        return _markdown(d, today)
    if fmt == "html":
        return _html(d, today)
    return _text(d, today)


def _text(d: Digest, today: date) -> str:
    lines = [f"netlog digest for {today.isoformat()}"]
    for key, title, group, more in _grouped(d):
        lines += ["", title]
        lines += [f"  - {i.text}\n      {i.command}" for i in group]
        if more:
            lines.append(f"  {_more(key, more)}")
    return "\n".join(lines)


def _markdown(d: Digest, today: date) -> str:
    lines = [f"# netlog digest for {today.isoformat()}"]
    for key, title, group, more in _grouped(d):
        lines += ["", f"## {title}", ""]
        lines += [f"- {_md_escape(i.text)}: {code_span(i.command)}" for i in group]
        if more:
            lines.append(f"- {_md_escape(_more(key, more).split(': ')[0])}: {code_span(MORE_COMMAND[key])}")
    return "\n".join(lines)


def code_span(text: str) -> str:
    """``text`` as a CommonMark code span: fenced by one backtick more than its
    longest run of backticks (so a name with a ` in it can't end the span),
    padded with a space when it starts or ends with a backtick (the reader
    takes one space off each side)."""
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if text[:1] == "`" or text[-1:] == "`" or (text[:1] == " " and text[-1:] == " ") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _md_escape(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", text)


_PAGE = (
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
    "<title>{title}</title></head>\n"
    '<body style="margin:0;padding:24px;background:#f6f6f4;font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#222;">\n'
    '<div style="max-width:640px;margin:0 auto;background:#fff;border:1px solid #ddd;border-radius:6px;padding:20px 24px;">\n'
    '<h1 style="font-size:20px;margin:0 0 12px 0;">{title}</h1>\n{body}\n'
    '<p style="font-size:12px;color:#777;margin-top:24px;">Give first, follow up once, keep relationships fed.</p>\n'
    "</div></body></html>"
)


def _html(d: Digest, today: date) -> str:
    parts = []
    for key, title, group, more in _grouped(d):
        parts.append(f'<h2 style="font-size:16px;margin:20px 0 8px 0;color:#333;">{html.escape(title)}</h2>')
        parts.append('<ul style="margin:0;padding-left:20px;">')
        for i in group:
            parts.append(
                f'<li style="margin:0 0 8px 0;line-height:1.4;">{html.escape(i.text)}<br>'
                f'<code style="font-family:Menlo,Consolas,monospace;font-size:12px;background:#f0f0ee;padding:1px 4px;border-radius:3px;">'
                f"{html.escape(i.command)}</code></li>"
            )
        if more:
            parts.append(f'<li style="margin:0 0 8px 0;line-height:1.4;color:#555;">{html.escape(_more(key, more))}</li>')
        parts.append("</ul>")
    return _PAGE.format(title=html.escape(f"netlog digest for {today.isoformat()}"), body="\n".join(parts))
