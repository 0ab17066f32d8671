"""The contact card that `netlog show` prints."""

from __future__ import annotations

from typing import Any

from netlog.dates import format_days
from netlog.render import Column, console, is_terminal, plain_table, rich_table

CARD_FIELDS = ("email", "phone", "company", "title", "url", "met", "birthday", "note")


def card_lines(data: dict[str, Any]) -> list[str]:
    t = data["totals"]
    lines = [f"{data['name']}  (#{data['id']}){'  [archived]' if data['archived'] else ''}"]
    for field in CARD_FIELDS:
        if data.get(field):
            lines.append(f"  {field + ':':<10}{' '.join(str(data[field]).split())}")
    if data["tags"]:
        lines.append(f"  {'tags:':<10}{', '.join(data['tags'])}")
    lines.append(f"  {'added:':<10}{data['added_on']}")
    since = f"{data['last_given']} ({data['days_since_given']} days ago)" if data["last_given"] else "never"
    lines.append(f"  {'every:':<10}{format_days(data['every'])} ({data['every_from']}); last gave: {since}")
    if data.get("snoozed_until"):
        lines.append(f"  {'snoozed:':<10}until {data['snoozed_until']}")
    lines.append(
        f"  {'totals:':<10}given {t['given']}, received {t['received']}, asked {t['asked']} "
        f"(helped {t['helped']}, declined {t['declined']}, ignored {t['ignored']}, open {t['open']}), notes {t['notes']}"
    )
    return lines + _open_ask_lines(data)


OPEN_ASKS_SHOWN = 10


def _open_ask_lines(data: dict[str, Any]) -> list[str]:
    """Open asks stand on the card itself: a --limit on the timeline must not hide them."""
    asks = data["open_asks"]
    if not asks:
        return []
    lines = [f"  open asks: {len(asks)}, oldest first"]
    for a in sorted(asks, key=lambda a: (a["day"], a["id"]))[:OPEN_ASKS_SHOWN]:
        what = " ".join(a["what"].split())
        if len(what) > 50:
            what = what[:49] + "…"
        nudge = f" (follow up {a['follow_up']})" if a.get("follow_up") else ""
        lines.append(f"    #{a['id']} {a['day']}: {what}{nudge}")
    if len(asks) > OPEN_ASKS_SHOWN:
        lines.append(f"    … and {len(asks) - OPEN_ASKS_SHOWN} more: netlog asks #{data['id']}")
    return lines


def _timeline_cells(rows: list[dict[str, Any]], me: int) -> list[list[str]]:
    out = []
    for r in rows:
        what = " ".join(r["what"].split())
        if r["type"] == "give" and r["other"]:
            other = r["other"] if r["contact_id"] == me else r["contact"]
            what = f"introduced to {other}: {what}"
        if r["type"] == "ask":
            state = r["outcome"] or "open"
            what = f"{what} -> {state}"
        kind = r["kind"] or ""
        out.append([str(r["id"]), r["day"], r["type"], kind, what])
    return out


def print_card(data: dict[str, Any]) -> None:
    columns = [Column("id", "#", "right"), Column("day", "Date"), Column("type", "Type"), Column("kind", "Kind"), Column("what", "What", max_width=70)]
    cells = _timeline_cells(data["timeline"], data["id"])
    header = "\n".join(card_lines(data))
    title = "Timeline"
    if len(cells) < data["timeline_total"]:
        title = f"Timeline (newest {len(cells)} of {data['timeline_total']}; --limit 0 shows all)"
    if is_terminal():
        out = console()
        out.print(header, markup=False)
        if cells:
            out.print()
            out.print(rich_table([], columns, title, cells=cells))
        return
    print(header)
    if cells:
        print()
        print(title)
        print(plain_table([], columns, cells=[[c if i < 4 else (c if len(c) <= 70 else c[:69] + "…") for i, c in enumerate(line)] for line in cells]))
