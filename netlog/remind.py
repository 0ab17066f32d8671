"""The digest that `netlog remind` prints, usually from cron.

It gathers what is due today from the reports (the relationships most overdue,
asks to follow up now, asks to let go, favors you owe), gives each item the
command that acts on it, and renders text, markdown, a self-contained HTML
page, or JSON. With ``new_only`` it leaves out items an earlier digest already
reported in the same state, and records what it reported in the journal.
"""

from __future__ import annotations

import html
import json
import re
import shlex
import sqlite3
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from netlog import reports
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


def shell_name(name: str) -> str:
    """A name as it is typed in a shell: bare, "double quoted", or 'quoted'."""
    if re.fullmatch(r"[\w.@+,-]+", name):
        return name
    if not re.search(r'["$`\\!]', name):
        return f'"{name}"'
    return shlex.quote(name)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _hungry(conn: sqlite3.Connection, today: date, limit: int) -> list[Item]:
    items = []
    for r in reports.hungry(conn, today, limit=limit):
        if r["only_takes"]:
            continue  # they sink in hungry; a digest nags nobody about them
        fed = f"last gave {r['days_since']} days ago" if r["last_given"] else f"never fed, added {r['days_since']} days ago"
        items.append(
            Item(
                "hungry", f"hungry:{r['id']}", f"due since {r['since']}",
                f"{r['name']}: {fed} (every {format_days(r['every'])})",
                f"netlog give {shell_name(r['name'])} ...", r["name"], r["id"],
            )
        )
    return items


def _asks(conn: sqlite3.Connection, today: date, state: str, limit: int | None = None) -> list[Item]:
    return _asks_items(reports.asks(conn, today, states=[state], active_only=True, limit=limit), state)


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


def _owe(conn: sqlite3.Connection, today: date, limit: int) -> list[Item]:
    per: dict[int, list[dict[str, Any]]] = {}
    for r in reports.owe(conn, today, active_only=True, limit_contacts=limit):
        per.setdefault(r["contact_id"], []).append(r)
    items = []
    for cid, favors in list(per.items())[:limit]:
        name = favors[0]["name"]
        first = favors[0]
        what = " ".join(first["what"].split())
        if len(what) > 50:
            what = what[:49] + "…"
        text = f"{name}: {_plural(len(favors), 'favor')} since your last give, the first on {first['received_on']} ({what})"
        state = f"{len(favors)} since {first['received_on']}"
        items.append(Item("owe", f"owe:{cid}", state, text, f"netlog give {shell_name(name)} ...", name, cid))
    return items


@dataclass
class Digest:
    """The items a digest shows (at most ``limit`` per section), and how many
    more each section had: a digest stays short however long the backlog."""

    items: list[Item]
    more: dict[str, int]


def cap(items: list[Item], limit: int) -> Digest:
    shown: list[Item] = []
    counts: dict[str, int] = {}
    more: dict[str, int] = {}
    for i in items:
        counts[i.section] = counts.get(i.section, 0) + 1
        if counts[i.section] <= limit:
            shown.append(i)
        else:
            more[i.section] = more.get(i.section, 0) + 1
    return Digest(shown, more)


def digest(conn: sqlite3.Connection, today: date, limit: int) -> Digest:
    """What is due, at most ``limit`` per section: only the asks shown are
    read, and SQL counts the rest."""
    more: dict[str, int] = {}
    items = _hungry(conn, today, limit)
    for key, state in (("follow_up", "follow up now"), ("let_go", "let go")):
        rows = reports.asks(conn, today, states=[state], active_only=True, limit=limit)
        items += _asks_items(rows, state)
        if rows.matched > len(rows):
            more[key] = rows.matched - len(rows)
    items += _owe(conn, today, limit)
    return Digest(items, more)


def gather(conn: sqlite3.Connection, today: date, limit: int) -> list[Item]:
    """Everything due: the ``limit`` hungriest and biggest debts, and every
    due ask (oldest first), for --new-only to choose from."""
    return [
        *_hungry(conn, today, limit),
        *_asks(conn, today, "follow up now"),
        *_asks(conn, today, "let go"),
        *_owe(conn, today, limit),
    ]


def only_new(conn: sqlite3.Connection, items: list[Item], today: date, limit: int) -> Digest:
    """Leave out what was reported before in the same state; remember what is shown.

    Items no longer due are forgotten, so one that comes back is news again.
    What did not fit under the limit is not remembered: it comes in a later
    digest, a few a day, instead of never.
    """
    seen = {item: state for item, state in conn.execute("SELECT item, state FROM reported")}
    digest = cap([i for i in items if i.key not in seen or seen[i.key] != i.state], limit)
    shown = {i.key for i in digest.items}
    due = {i.key for i in items}
    gone = [k for k in seen if k not in due]
    for start in range(0, len(gone), 500):
        chunk = gone[start : start + 500]
        conn.execute(f"DELETE FROM reported WHERE item IN ({', '.join('?' * len(chunk))})", chunk)
    day = today.isoformat()
    for i in items:
        if i.key in seen and seen[i.key] == i.state:
            conn.execute("UPDATE reported SET last_on = ? WHERE item = ?", (day, i.key))
        elif i.key in shown:  # new, or in a new state: reported from today
            conn.execute(
                "INSERT INTO reported (item, state, first_on, last_on) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (item) DO UPDATE SET state = excluded.state, first_on = excluded.first_on, last_on = excluded.last_on",
                (i.key, i.state, day, day),
            )
    return digest


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
        lines += [f"- {_md_escape(i.text)}: `{i.command}`" for i in group]
        if more:
            lines.append(f"- {_md_escape(_more(key, more).split(': ')[0])}: `{MORE_COMMAND[key]}`")
    return "\n".join(lines)


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
