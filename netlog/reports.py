"""The reports: who is hungry, who gives back, which asks need a follow-up,
what you owe, and the long view.

Each report is a function of a sqlite3 connection and ``today`` that returns a
list of plain dicts with stable keys (documented in README); the same rows
feed the table, ``--json`` and ``--csv``. Queries are plain SQL text (the
standard library's sqlite3: SQLAlchemy costs more to import than a whole
report may take) and aggregate in SQL over indexed columns; nothing here loads
every entry.

How the hungry report stays flat as the years pile up: it walks the active
contacts and reads each one's last give from the contact row itself (the
column ``last_given``, kept exact by triggers on entry: see db.V4_SCHEMA),
computes the overdue score in SQL, orders and limits; only then does it count
totals, for the rows shown. It never reads the history, whose length does not
matter (a test checks the plan).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any, NamedTuple

from netlog import db, journal, validate
from netlog.errors import UsageError

HUNGRY_LIMIT = 20
ONLY_TAKES_UNANSWERED = 2  # asks declined or ignored, with nothing ever received: "only takes"
NEW_BELOW = 3  # fewer exchanges than this (gives + favors received + asks that ended): "new"
TAKER_SHARE = 3  # received * 3 < given: they returned less than a third of what you gave
BALANCE_LABELS = ("giver", "matcher", "taker", "new")
ASK_STATES = ("waiting", "follow up now", "let go")
STATS_MONTHS = 12
TOP_FED = 5
_CHUNK = 500  # ids per IN (...) list


class Rows(list):  # type: ignore[type-arg]
    """A report's rows (a plain list of dicts), plus how many matched before --limit."""

    matched: int = 0
    matched_only_takes: int = 0


class TagRow(NamedTuple):
    id: int
    name: str
    every_days: int | None


def _dicts(cursor: sqlite3.Cursor) -> list[dict[str, Any]]:
    """A query's rows as dicts keyed by column name, whatever the row factory."""
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor]


def _scalar(conn: sqlite3.Connection, sql: str, params: Any = ()) -> Any:
    row = conn.execute(sql, params).fetchone()
    return None if row is None else row[0]


def _marks(n: int) -> str:
    """Placeholders for an IN (...) list of ``n`` values."""
    return ", ".join("?" * n)


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def find_tag(conn: sqlite3.Connection, typed: str, what: str = "--tag") -> TagRow:
    """The tag a user typed, ignoring case, or a UsageError that lists them."""
    key = validate.name_key(validate.name(typed, what))
    row = conn.execute("SELECT id, name, every_days FROM tag WHERE name_key = ?", (key,)).fetchone()
    if row is None:
        names = [r[0] for r in conn.execute("SELECT name FROM tag ORDER BY name_key LIMIT 12")]
        known = f"tags are: {', '.join(names)}" if names else "there are no tags yet; add one with 'netlog edit NAME --tag TAG'"
        raise UsageError(f"{what}: there is no tag {typed!r}; {known}")
    return TagRow(row[0], row[1], row[2])


# --------------------------------------------------------------------------
# Per contact: last give, cadence, "only takes"
#
# These return SQL fragments correlated on a contact id column (``contact_id``
# is SQL text such as "contact.id"); constants are SQL literals, so the
# planner matches them against the partial indexes.


def _fed_by_own_give(conn: sqlite3.Connection, rows: list[dict[str, Any]]) -> set[int]:
    """Of rows with a last_given, the contacts whose last feeding was a give to
    them (the rest were fed by an introduction that named them). One seek per
    row shown, never per contact."""
    out = set()
    for r in rows:
        if r["last_given"] and conn.execute(
            "SELECT 1 FROM entry WHERE contact_id = ? AND type = 'give' AND day = ? LIMIT 1", (r["id"], r["last_given"])
        ).fetchone():
            out.add(r["id"])
    return out


def _only_takes(contact_id: str) -> str:
    """1 when a contact has >= 2 asks declined or ignored and never gave you
    anything (no 'got', no ask they helped with); else 0.

    "Never gave you anything" is the kept contact.last_received being NULL
    (db.V4_SCHEMA's triggers keep it exact, and 'netlog check' proves it), so
    only those who never gave are counted, and the count stops at 2."""
    table = contact_id.rsplit(".", 1)[0]
    return (
        f"CASE WHEN {table}.last_received IS NOT NULL THEN 0"
        # a helped ask with no resolved_on (an old import) is no kept day, yet
        # a favor received: one seek on the helped index, for these few
        " WHEN EXISTS (SELECT t_helped.id FROM entry AS t_helped"
        f" WHERE t_helped.contact_id = {contact_id} AND t_helped.type = 'ask' AND t_helped.outcome = 'helped') THEN 0"
        " WHEN (SELECT count(*) FROM (SELECT 1 FROM entry AS t_no"
        f" WHERE t_no.contact_id = {contact_id} AND t_no.type = 'ask' AND t_no.outcome IN ('declined', 'ignored')"
        f" LIMIT {int(ONLY_TAKES_UNANSWERED)}) AS unanswered) >= {int(ONLY_TAKES_UNANSWERED)} THEN 1"
        " ELSE 0 END"
    )


def _active(include_snoozed: bool) -> str:
    """Not archived (and not snoozed past :today unless ``include_snoozed``)."""
    cond = "contact.archived = 0"
    if not include_snoozed:
        cond += " AND (contact.snoozed_until IS NULL OR contact.snoozed_until <= :today)"
    return cond


# --------------------------------------------------------------------------
# hungry


def hungry_query(today: date, default_every: int, *, limit: int | None, tag_id: int | None, include_all: bool) -> tuple[str, dict[str, Any]]:
    """The hungry report's one query (SQL text and its parameters): per active
    contact, its kept last_given (db.V4_SCHEMA), score in SQL, order, limit.
    Totals come later, for the rows shown.

    The steps stay narrow (ids, keys and numbers): what every contact costs
    is what makes a big journal slower than a small one. Names and dates are
    joined in for the rows shown only."""
    params: dict[str, Any] = {"today": today.isoformat(), "default_every": int(default_every)}
    where = _active(include_snoozed=include_all)
    if tag_id is not None:
        where += " AND contact.id IN (SELECT contact_tag.contact_id FROM contact_tag WHERE contact_tag.tag_id = :tag_id)"
        params["tag_id"] = tag_id
    days = f"({db.day_number(':today')} - {db.day_number('coalesce(contact.last_given, contact.added_on)')})"
    every = "coalesce(p.own_every, p.tag_every, :default_every)"
    # "only takes" is checked for the rows past the due filter only
    sql = (
        f"WITH per_contact AS {db.materialized()}("
        "SELECT contact.id AS id, contact.name_key AS name_key, contact.every_days AS own_every,"
        f" contact.tag_every AS tag_every, contact.last_received AS last_received, {days} AS days"
        f" FROM contact WHERE {where})"
        f", scored AS {db.materialized()}("
        " SELECT p.id AS id, p.name_key AS name_key, p.own_every AS own_every, p.tag_every AS tag_every,"
        f" {_only_takes('p.id')} AS only_takes, CAST(p.days AS INTEGER) AS days_since, {every} AS every,"
        f" CAST(p.days AS FLOAT) / ({every} + 0.0) AS overdue"
        " FROM per_contact AS p"
        + ("" if include_all else f" WHERE p.days >= {every}")
        + ")"
        ", shown AS (SELECT * FROM scored ORDER BY only_takes, overdue DESC, name_key, id"
        + (" LIMIT :limit" if limit else "")
        + ")"
        " SELECT shown.id AS id, contact.name AS name, shown.name_key AS name_key, contact.added_on AS added_on,"
        " contact.snoozed_until AS snoozed_until, shown.own_every AS own_every, shown.tag_every AS tag_every,"
        " contact.last_given AS last_given, shown.only_takes AS only_takes, shown.days_since AS days_since,"
        " shown.every AS every, shown.overdue AS overdue,"
        " (SELECT count(*) FROM scored) AS matched, (SELECT sum(only_takes) FROM scored) AS matched_only_takes"
        " FROM shown JOIN contact ON contact.id = shown.id"
        " ORDER BY shown.only_takes, shown.overdue DESC, shown.name_key, shown.id"
    )
    if limit:
        params["limit"] = int(limit)
    return sql, params


def hungry(
    conn: sqlite3.Connection,
    today: date,
    *,
    limit: int | None = HUNGRY_LIMIT,
    tag: str | None = None,
    include_all: bool = False,
) -> Rows:
    """Relationships you haven't fed lately, most overdue first.

    Active contacts only (not archived; not snoozed unless ``include_all``).
    Without ``include_all``, only those due: days since the last give (or
    since they were added, if never fed) >= their cadence. Contacts who only
    take sink to the bottom, marked. ``limit`` None or 0: all.
    """
    tag_id = find_tag(conn, tag).id if tag else None
    default_every = journal.default_every(conn)
    found = _dicts(conn.execute(*hungry_query(today, default_every, limit=limit or None, tag_id=tag_id, include_all=include_all)))
    out = Rows()
    if found:
        out.matched = int(found[0]["matched"])
        out.matched_only_takes = int(found[0]["matched_only_takes"] or 0)
    ids = [r["id"] for r in found]
    totals = _totals_for(conn, ids)
    tags = _tags_for(conn, ids)
    tag_cadence = _tag_cadence_names(conn, [r["id"] for r in found if r["own_every"] is None and r["tag_every"] is not None])
    own_give = _fed_by_own_give(conn, found)
    for r in found:
        last = _day(r["last_given"])
        snoozed_until = _day(r["snoozed_until"])
        t = totals.get(r["id"], _zero())
        row = {
            "id": r["id"],
            "name": r["name"],
            "tags": tags.get(r["id"], []),
            "last_given": _iso(last),
            "counted_from": "added" if last is None else "give" if r["id"] in own_give else "intro",
            "since": _iso(last or _day(r["added_on"])),
            "days_since": int(r["days_since"]),
            "every": int(r["every"]),
            "every_from": "contact" if r["own_every"] is not None else "tag" if r["tag_every"] is not None else "default",
            "every_tag": tag_cadence.get(r["id"]),
            "overdue": round(float(r["overdue"]), 2),
            "due": int(r["days_since"]) >= int(r["every"]),
            "only_takes": bool(r["only_takes"]),
            "snoozed_until": _iso(snoozed_until) if snoozed_until and snoozed_until > today else None,
            "given": t["given"],
            "received": t["received"],
            "asked": t["asked"],
            "open": t["open"],
            "unanswered": t["declined"] + t["ignored"],
        }
        row["why"] = explain(row)
        out.append(row)
    return out


def explain(row: dict[str, Any]) -> str:
    """How a hungry row's score was reached, in one line."""
    if row["counted_from"] == "added":
        head = f"{row['days_since']}d since added {row['since']}, never fed"
    elif row["counted_from"] == "intro":
        head = f"{row['days_since']}d since your intro of them {row['since']}"
    else:
        head = f"{row['days_since']}d since you gave {row['since']}"
    source = {"contact": "their own", "tag": f"tag {row['every_tag']}", "default": "journal default"}[row["every_from"]]
    text = f"{head} / every {row['every']}d ({source}) = {row['overdue']:.2f}"
    if row["only_takes"]:
        text += f"; sinks: only takes ({row['unanswered']} asks declined or ignored, nothing received)"
    if row["snoozed_until"]:
        text += f"; snoozed until {row['snoozed_until']}"
    return text


def _tag_cadence_names(conn: sqlite3.Connection, ids: list[int]) -> dict[int, str]:
    """For contacts whose cadence comes from a tag: which tag (the shortest cadence wins)."""
    out: dict[int, str] = {}
    for chunk in _chunks(ids):
        rows = conn.execute(
            "SELECT contact_tag.contact_id, tag.name FROM contact_tag JOIN tag ON tag.id = contact_tag.tag_id"
            f" WHERE contact_tag.contact_id IN ({_marks(len(chunk))}) AND tag.every_days IS NOT NULL"
            " ORDER BY contact_tag.contact_id, tag.every_days DESC, tag.name_key DESC",
            chunk,
        )
        for cid, name in rows:
            out[cid] = name  # the last one written per contact: shortest cadence, first name
    return out


# --------------------------------------------------------------------------
# Totals for a set of contacts (the rows a report shows)


def _zero() -> dict[str, int]:
    return {"given": 0, "received": 0, "asked": 0, "helped": 0, "declined": 0, "ignored": 0, "open": 0, "got": 0, "notes": 0}


def _chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    for i in range(0, len(ids), _CHUNK):
        yield list(ids[i : i + _CHUNK])


def _totals_for(conn: sqlite3.Connection, ids: Sequence[int] | None) -> dict[int, dict[str, int]]:
    """given (introductions included), received (gots + asks helped), asked and
    how asks ended, per contact; ``ids`` None: every contact in one pass."""
    out: dict[int, dict[str, int]] = {}

    def get(cid: int) -> dict[str, int]:
        return out.setdefault(cid, _zero())

    def run(own: str, other: str, params: Sequence[int]) -> None:
        for cid, type_, n in conn.execute(f"SELECT contact_id, type, count(*) FROM entry WHERE {own} GROUP BY contact_id, type", params):
            t = get(cid)
            if type_ == "give":
                t["given"] += n
            elif type_ == "got":
                t["got"] += n
            elif type_ == "ask":
                t["asked"] += n
            elif type_ == "note":
                t["notes"] += n
        for cid, outcome, n in conn.execute(
            f"SELECT contact_id, outcome, count(*) FROM entry WHERE {own} AND type = 'ask' GROUP BY contact_id, outcome", params
        ):
            get(cid)[outcome or "open"] += n
        for cid, n in conn.execute(f"SELECT other_id, count(*) FROM entry WHERE {other} GROUP BY other_id", params):
            get(cid)["given"] += n

    if ids is None:
        run("1 = 1", "other_id IS NOT NULL", ())
    else:
        for chunk in _chunks(list(ids)):
            marks = _marks(len(chunk))
            run(f"contact_id IN ({marks})", f"other_id IN ({marks})", chunk)
    for t in out.values():
        t["received"] = t["got"] + t["helped"]
    return out


def _tags_for(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for chunk in _chunks(list(ids)):
        rows = conn.execute(
            "SELECT contact_tag.contact_id, tag.name FROM contact_tag JOIN tag ON tag.id = contact_tag.tag_id"
            f" WHERE contact_tag.contact_id IN ({_marks(len(chunk))}) ORDER BY tag.name_key",
            chunk,
        )
        for cid, name in rows:
            out.setdefault(cid, []).append(name)
    return out


# --------------------------------------------------------------------------
# balance


def balance_label(given: int, received: int, declined: int, ignored: int) -> str:
    """giver, matcher, taker or new; the rules, in order (README quotes them):

    1. taker: nothing received and >= 2 asks declined or ignored (only takes);
    2. new: fewer than 3 exchanges (gives + favors received, helped asks included + asks declined or ignored);
    3. giver: they gave you more than you gave them (received > given);
    4. taker: they returned less than a third of what you gave (received * 3 < given);
    5. matcher: everything else, roughly even.
    """
    if received == 0 and declined + ignored >= ONLY_TAKES_UNANSWERED:
        return "taker"
    if given + received + declined + ignored < NEW_BELOW:
        return "new"
    if received > given:
        return "giver"
    if received * TAKER_SHARE < given:
        return "taker"
    return "matcher"


def balance(
    conn: sqlite3.Connection,
    today: date,
    *,
    tag: str | None = None,
    label: str | None = None,
    limit: int | None = None,
) -> Rows:
    """Who gives back: per active contact (not archived), by name.

    With a ``limit`` and no ``label``, only the first contacts by name are
    counted (fast on any journal); a ``label`` filter counts every contact.
    """
    if label is not None:
        label = validate.choice(label, BALANCE_LABELS, "--label")
    where = "contact.archived = 0"
    params: dict[str, Any] = {}
    if tag:
        where += " AND contact.id IN (SELECT contact_tag.contact_id FROM contact_tag WHERE contact_tag.tag_id = :tag_id)"
        params["tag_id"] = find_tag(conn, tag).id
    stmt = f"SELECT contact.id, contact.name FROM contact WHERE {where}"
    counted = f"{stmt} ORDER BY contact.name_key, contact.id"
    if not label and limit:
        counted += " LIMIT :limit"
        params["limit"] = int(limit)
    contacts = [(cid, name) for cid, name in conn.execute(counted, params)]
    ids = [cid for cid, _ in contacts]
    totals = _totals_for(conn, None if len(ids) > 4 * _CHUNK else ids)
    out = Rows()
    for cid, name in contacts:
        t = totals.get(cid, _zero())
        row = {
            "id": cid,
            "name": name,
            "given": t["given"],
            "received": t["received"],
            "asked": t["asked"],
            "helped": t["helped"],
            "declined": t["declined"],
            "ignored": t["ignored"],
            "open": t["open"],
            "label": balance_label(t["given"], t["received"], t["declined"], t["ignored"]),
        }
        if label is None or row["label"] == label:
            out.append(row)
    if label is None and limit:
        out.matched = int(_scalar(conn, f"SELECT count(*) FROM ({stmt})", {k: v for k, v in params.items() if k != "limit"}) or 0)
    else:
        out.matched = len(out)
        if limit:
            del out[limit:]
    tags = _tags_for(conn, [r["id"] for r in out])
    for row in out:
        row["tags"] = tags.get(row["id"], [])
    return out


# --------------------------------------------------------------------------
# asks


def follow_up_day(day: date, follow_up: date | None) -> date:
    """When to follow up: the date set, else 7 days after the ask."""
    return follow_up or day + timedelta(days=journal.DEFAULT_FOLLOW_UP_DAYS)


def ask_state(today: date, day: date, follow_up: date | None, followups: int, outcome: str | None) -> str:
    """waiting until the follow-up date, then 'follow up now'; after a
    follow-up (followups > 0), waiting until the next date, then 'let go'.
    A resolved ask's state is its outcome."""
    if outcome:
        return outcome
    if today < follow_up_day(day, follow_up):
        return "waiting"
    return "let go" if followups else "follow up now"


def _state_where(state: str) -> str:
    """SQL for open asks in one state; needs :today and :follow_from (today - 7 days)."""
    # coalesce: with no follow-up date and a young ask the OR is NULL, not false
    due = "coalesce(entry.follow_up <= :today OR (entry.follow_up IS NULL AND entry.day <= :follow_from), 0)"
    if state == "waiting":
        return f"NOT {due}"
    if state == "follow up now":
        return f"({due} AND entry.followups = 0)"
    return f"({due} AND entry.followups > 0)"


def asks(
    conn: sqlite3.Connection,
    today: date,
    *,
    include_all: bool = False,
    contact_id: int | None = None,
    states: Sequence[str] | None = None,
    active_only: bool = False,
    limit: int | None = None,
) -> Rows:
    """Open asks, earliest follow-up first; with ``include_all``, then the
    resolved ones, latest resolved first. ``states`` keeps only open asks in
    those states (SQL, on the open-ask index); ``active_only`` leaves out
    snoozed contacts (archived ones are always left out). ``limit`` keeps the
    first open asks (ordered and cut in SQL; ``matched`` counts them all)."""
    params: dict[str, Any] = {
        "today": today.isoformat(),
        "follow_from": (today - timedelta(days=journal.DEFAULT_FOLLOW_UP_DAYS)).isoformat(),
    }
    base = (
        "SELECT entry.id AS id, entry.contact_id AS contact_id, contact.name AS name, entry.what AS what, entry.day AS day,"
        " entry.follow_up AS follow_up, entry.followups AS followups, entry.followed_up_on AS followed_up_on,"
        " entry.outcome AS outcome, entry.resolved_on AS resolved_on"
        " FROM entry JOIN contact ON contact.id = entry.contact_id"
        f" WHERE entry.type = 'ask' AND {_active(include_snoozed=not active_only)}"
    )
    if contact_id is not None:
        base += " AND entry.contact_id = :contact_id"
        params["contact_id"] = contact_id
    open_sql = base + " AND entry.outcome IS NULL"
    if states:
        open_sql += " AND (" + " OR ".join(_state_where(s) for s in states) + ")"
    matched = None
    if limit and not include_all and states and contact_id is None and set(states) <= {"follow up now", "let go"}:
        # the first few of a journal's due asks, and how many there are,
        # from the open-ask index alone (db.V5_SCHEMA)
        ids, matched = _first_due_asks(conn, params, states, active_only, int(limit))
        open_sql = base + f" AND entry.id IN ({', '.join(str(i) for i in ids) or 'NULL'})"
    elif limit and not include_all:
        first_due = f"coalesce(entry.follow_up, {db.plus_days('entry.day', journal.DEFAULT_FOLLOW_UP_DAYS)})"
        open_sql = open_sql.replace("SELECT ", "SELECT count(*) OVER () AS matched_total, ", 1)
        open_sql += f" ORDER BY {first_due}, entry.id LIMIT :limit"
        params["limit"] = int(limit)
    found = _dicts(conn.execute(open_sql, params))
    if found and "matched_total" in found[0]:
        matched = int(found[0]["matched_total"])
    found.sort(key=lambda r: (follow_up_day(_day(r["day"]), _day(r["follow_up"])), r["id"]))  # type: ignore[arg-type]
    if include_all:
        found += _dicts(conn.execute(base + " AND entry.outcome IS NOT NULL ORDER BY entry.resolved_on DESC, entry.id DESC", params))
    out = Rows()
    for r in found:
        day, follow_up = _day(r["day"]), _day(r["follow_up"])
        assert day is not None
        out.append(
            {
                "id": r["id"],
                "contact_id": r["contact_id"],
                "name": r["name"],
                "what": r["what"],
                "day": day.isoformat(),
                "age_days": (today - day).days,
                "follow_up": follow_up_day(day, follow_up).isoformat(),
                "followups": r["followups"],
                "followed_up_on": _iso(_day(r["followed_up_on"])),
                "state": ask_state(today, day, follow_up, r["followups"], r["outcome"]),
                "outcome": r["outcome"],
                "resolved_on": _iso(_day(r["resolved_on"])),
            }
        )
    out.matched = len(out) if matched is None else matched
    return out


def _first_due_asks(conn: sqlite3.Connection, params: dict[str, Any], states: Sequence[str], active_only: bool, limit: int) -> tuple[list[int], int]:
    """Ids of the first ``limit`` open asks due in ``states`` (earliest
    follow-up first), and how many are due in all, without reading an entry row.

    The index on open asks (follow_up, followups, contact_id) is read in
    order, and the contacts left out (archived, and snoozed with
    ``active_only``; few) are looked up once as a list, so no contact row is
    read per ask either. Asks without a follow-up date (none netlog writes
    today; an old import may have some) are due 7 days after the ask."""
    followups = " OR ".join("e.followups = 0" if s == "follow up now" else "e.followups > 0" for s in states)
    active = _active(include_snoozed=not active_only).replace("contact.", "c.")
    kept = f"e.contact_id NOT IN (SELECT c.id FROM contact AS c WHERE NOT ({active}))"
    dated = f"e.type = 'ask' AND e.outcome IS NULL AND e.follow_up <= :today AND ({followups}) AND {kept}"
    undated = f"e.type = 'ask' AND e.outcome IS NULL AND e.follow_up IS NULL AND e.day <= :follow_from AND ({followups}) AND {kept}"
    first = (
        "SELECT * FROM (SELECT e.id AS id, e.follow_up AS due FROM entry AS e"
        f" WHERE {dated} ORDER BY e.follow_up, e.id LIMIT :limit) AS first_dated"
        f" UNION ALL SELECT e.id, {db.plus_days('e.day', journal.DEFAULT_FOLLOW_UP_DAYS)} FROM entry AS e WHERE {undated}"
    )
    rows = sorted(conn.execute(first, {**params, "limit": limit}).fetchall(), key=lambda r: (_day(r[1]), r[0]))[:limit]
    count = (
        f"SELECT (SELECT count(*) FROM entry AS e WHERE {dated})"
        f" + (SELECT count(*) FROM entry AS e WHERE {undated})"
    )
    return [int(r[0]) for r in rows], int(_scalar(conn, count, params) or 0)


# --------------------------------------------------------------------------
# owe


def owe(
    conn: sqlite3.Connection,
    today: date,
    *,
    contact_id: int | None = None,
    active_only: bool = False,
    limit_contacts: int | None = None,
) -> Rows:
    """Favors received that you haven't returned: per contact, every 'got' and
    every ask they helped with (dated by resolved_on) after the last day you
    gave to them (a give on the same day counts as returning it).

    Contacts whose oldest unreturned favor is oldest come first; within a
    contact, oldest first. Archived contacts are left out, and snoozed ones
    too with ``active_only``; ``limit_contacts`` keeps the first N contacts'
    favors, chosen in SQL (``matched`` then counts their favors only).
    """
    params: dict[str, Any] = {"today": today.isoformat(), "never": date(1, 1, 1).isoformat()}
    where = _active(include_snoozed=not active_only)
    if contact_id is not None:
        where += " AND contact.id = :contact_id"
        params["contact_id"] = contact_id
    owing = f"{where} AND contact.last_received > coalesce(contact.last_given, :never)"
    if limit_contacts:
        # only the contacts shown: the first unreturned favor of each contact
        # owed (two seeks each), ordered and cut in SQL
        ids = _first_owed(conn, owing, params, int(limit_contacts))
        if not ids:
            return Rows()
        owing += f" AND contact.id IN ({', '.join(str(int(i)) for i in ids)})"
    since = "coalesce(p.last_given, :never)"
    cols = (
        "p.id AS contact_id, p.name AS name, p.name_key AS name_key, p.last_given AS last_given,"
        " entry.id AS id, entry.type AS type, entry.kind AS kind, entry.what AS what"
    )
    # one statement: the per-contact seeks run once for both kinds of favor
    sql = (
        f"WITH owe_contact AS {db.materialized()}("
        "SELECT contact.id AS id, contact.name AS name, contact.name_key AS name_key, contact.last_given AS last_given"
        # only those who did you a favor since your last give: read from the
        # contact row (kept by triggers), so the seeks below are for them alone
        f" FROM contact WHERE {owing})"
        f" SELECT {cols}, entry.day AS received_on FROM owe_contact AS p"
        f" JOIN entry ON entry.contact_id = p.id AND entry.type = 'got' AND entry.day > {since}"
        f" UNION ALL SELECT {cols}, entry.resolved_on AS received_on FROM owe_contact AS p"
        " JOIN entry ON entry.contact_id = p.id AND entry.type = 'ask' AND entry.outcome = 'helped'"
        f" AND entry.resolved_on > {since}"
    )
    found = _dicts(conn.execute(sql, params))
    for r in found:
        r["received_on"] = _day(r["received_on"])
    first: dict[int, date] = {}
    for r in found:
        first[r["contact_id"]] = min(first.get(r["contact_id"], r["received_on"]), r["received_on"])
    found.sort(key=lambda r: (first[r["contact_id"]], r["name_key"], r["contact_id"], r["received_on"], r["id"]))
    out = Rows()
    out.matched = len(found)
    kept: set[int] = set()
    for r in found:
        if limit_contacts and r["contact_id"] not in kept:
            if len(kept) >= limit_contacts:
                continue
            kept.add(r["contact_id"])
        last = _day(r["last_given"])
        out.append(
            {
                "id": r["id"],
                "contact_id": r["contact_id"],
                "name": r["name"],
                "type": r["type"],
                "kind": r["kind"],
                "what": r["what"],
                "received_on": r["received_on"].isoformat(),
                "days_ago": (today - r["received_on"]).days,
                "last_given": _iso(last),
            }
        )
    return out


def _first_owed(conn: sqlite3.Connection, owing: str, params: dict[str, Any], limit: int) -> list[int]:
    """Ids of the ``limit`` contacts (matching ``owing``) whose oldest unreturned
    favor is oldest, in owe's order (that day, then name).

    A contact's oldest unreturned favor comes after their kept last_given, so
    contacts are visited by last_given, each with two index seeks (their first
    'got' and first helped ask since then), and the walk stops once the next
    last_given is no earlier than the last day kept: nobody later can come
    before. Most of those owed are never sought."""
    since = "coalesce(:last_given, :never)"
    first_sql = (
        "SELECT min(d) FROM (SELECT min(g.day) AS d FROM entry AS g WHERE g.contact_id = :id AND g.type = 'got' AND g.day > "
        f"{since} UNION ALL SELECT min(h.resolved_on) FROM entry AS h WHERE h.contact_id = :id AND h.type = 'ask'"
        f" AND h.outcome = 'helped' AND h.resolved_on > {since}) AS firsts"
    )
    never = _day(params["never"])
    best: list[tuple[date, str, int]] = []  # (first unreturned day, name_key, id), in owe's order
    visit = f"SELECT id, name_key, last_given FROM contact WHERE {owing} ORDER BY coalesce(last_given, :never), name_key, id"
    for cid, key, last_given in conn.execute(visit, params).fetchall():
        if len(best) >= limit and (_day(last_given) or never) >= best[-1][0]:
            break
        first = _day(conn.execute(first_sql, {"id": cid, "last_given": _iso(_day(last_given)), "never": params["never"]}).fetchone()[0])
        if first is None:  # kept days say they owe, yet no favor after: check would flag it
            continue
        best.append((first, key, cid))
        best.sort()
        del best[limit:]
    return [cid for _first, _key, cid in best]


# --------------------------------------------------------------------------
# stats


def month_starts(today: date, months: int) -> list[date]:
    """The first day of each of the last ``months`` months, this one last."""
    out = []
    y, m = today.year, today.month
    for _ in range(months):
        out.append(date(y, m, 1))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return out[::-1]


def _bucket(column: str, starts: list[date]) -> tuple[str, list[Any]]:
    """Which month (0 = the oldest) a date falls in: portable SQL, no strftime.
    Returns the CASE and its parameters, in order."""
    whens, params = [], []
    for i, s in reversed(list(enumerate(starts))):
        whens.append(f"WHEN {column} >= ? THEN {int(i)}")
        params.append(s.isoformat())
    return f"CASE {' '.join(whens)} ELSE -1 END", params


def stats(conn: sqlite3.Connection, today: date, *, months: int = STATS_MONTHS, top: int = TOP_FED) -> dict[str, Any]:
    """The long view: gives, favors received and asks per month for the last
    ``months`` months (this one included, up to today); totals over them; the
    contacts you fed most in them; and the current streak of weeks (Monday to
    Sunday) with at least one give. A week still under way without a give
    does not break the streak; it just isn't counted yet."""
    if months < 1 or months > 600:
        raise UsageError(f"--months: {months} is out of range; give 1 to 600")
    starts = month_starts(today, months)
    first = starts[0]
    per = [{"month": s.strftime("%Y-%m"), "given": 0, "received": 0, "asked": 0} for s in starts]
    window = {"first": first.isoformat(), "today": today.isoformat()}
    # one range count per month over entry(day, type): cheaper than bucketing every row with a CASE
    ends = [*starts[1:], today + timedelta(days=1)]
    for i, (lo, hi) in enumerate(zip(starts, ends)):
        counts = conn.execute(
            "SELECT type, count(*) FROM entry WHERE day >= :lo AND day < :hi AND day <= :today GROUP BY type",
            {"lo": lo.isoformat(), "hi": hi.isoformat(), "today": today.isoformat()},
        )
        for type_, n in counts:
            key = {"give": "given", "got": "received", "ask": "asked"}.get(type_)
            if key:
                per[i][key] += n
    # asks they helped with are favors received on the day they were resolved
    # (no index has resolved_on: this one reads the asks; see README on speed)
    rbucket, bucket_params = _bucket("resolved_on", starts)
    helped = conn.execute(
        f"SELECT {rbucket} AS bucket, count(*) FROM entry"
        " WHERE type = 'ask' AND outcome = 'helped' AND resolved_on >= ? AND resolved_on <= ? AND day <= ?"
        " GROUP BY bucket",
        [*bucket_params, first.isoformat(), today.isoformat(), today.isoformat()],
    )
    for i, n in helped:
        if i >= 0:
            per[i]["received"] += n

    fed: dict[int, int] = {}
    in_window = "day >= :first AND day <= :today"
    gives = f"SELECT contact_id, count(*) FROM entry WHERE {in_window} AND type = 'give' GROUP BY contact_id"
    intros = f"SELECT other_id, count(*) FROM entry WHERE {in_window} AND type = 'give' AND other_id IS NOT NULL GROUP BY other_id"
    for sql in (gives, intros):
        for cid, n in conn.execute(sql, window):
            fed[cid] = fed.get(cid, 0) + n
    # most given first, ties by name; archived contacts stay out of the ranking
    # (their gives still count above); only the contenders' names are looked up
    archived = {r[0] for r in conn.execute("SELECT id FROM contact WHERE archived = 1")}
    ranked = sorted(((cid, n) for cid, n in fed.items() if cid not in archived), key=lambda kv: -kv[1])
    cutoff = ranked[top - 1][1] if len(ranked) >= top else 0
    contenders = [cid for cid, n in ranked if n >= cutoff]
    names: dict[int, tuple[str, str]] = {}
    for chunk in _chunks(contenders):
        for cid, name, key in conn.execute(f"SELECT id, name, name_key FROM contact WHERE id IN ({_marks(len(chunk))})", chunk):
            names[cid] = (name, key)
    ranked = sorted(((cid, n) for cid, n in ranked if cid in names), key=lambda kv: (-kv[1], names[kv[0]][1], kv[0]))
    top_fed = [{"id": cid, "name": names[cid][0], "given": n} for cid, n in ranked[:top]]
    return {
        "from": first.isoformat(),
        "to": today.isoformat(),
        "months": per,
        "totals": {
            "given": sum(m["given"] for m in per),
            "received": sum(m["received"] for m in per),
            "asked": sum(m["asked"] for m in per),
            "people_fed": len(fed),
        },
        "top_fed": top_fed,
        "streak_weeks": give_streak(conn, today),
    }


def give_streak(conn: sqlite3.Connection, today: date) -> int:
    """Weeks in a row, back from this one, with at least one give: one index
    seek per week of the streak, never a walk over the whole history."""

    def latest_before(bound: date, inclusive: bool) -> date | None:
        op = "<=" if inclusive else "<"
        return _day(_scalar(conn, f"SELECT max(day) FROM entry WHERE day {op} ? AND type = 'give'", (bound.isoformat(),)))

    week = today - timedelta(days=today.weekday())
    last = latest_before(today, inclusive=True)
    streak = 0
    if last is not None and last >= week:
        streak = 1
    while True:
        last = latest_before(week, inclusive=False)
        if last is None or last < week - timedelta(days=7):
            return streak
        streak += 1
        week -= timedelta(days=7)


# --------------------------------------------------------------------------
# The dashboard (bare `netlog`) and cadences


def dashboard(conn: sqlite3.Connection, today: date, *, hungriest: int = 5, follow_ups: int = 5) -> dict[str, Any]:
    """The five hungriest relationships and the (first five) asks to follow up
    now, snoozed contacts left out of both; each list's ``matched`` says how
    many there are in all."""
    follow = asks(conn, today, states=["follow up now"], active_only=True, limit=follow_ups)
    return {"hungry": hungry(conn, today, limit=hungriest), "follow_up": follow}


def cadences(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """The journal's default cadence, then each tag's (None: follows the default),
    with how many active contacts carry the tag."""
    rows: list[dict[str, Any]] = [
        {
            "tag": None,
            "every_days": journal.default_every(conn),
            "contacts": int(_scalar(conn, "SELECT count(*) FROM contact WHERE archived = 0") or 0),
        }
    ]
    tagged = (
        "SELECT contact_tag.tag_id AS tag_id, count(*) AS n FROM contact_tag JOIN contact ON contact.id = contact_tag.contact_id"
        " WHERE contact.archived = 0 GROUP BY contact_tag.tag_id"
    )
    for name, every, n in conn.execute(
        f"SELECT tag.name, tag.every_days, coalesce(tagged.n, 0) FROM tag LEFT OUTER JOIN ({tagged}) AS tagged"
        " ON tagged.tag_id = tag.id ORDER BY tag.name_key"
    ):
        rows.append({"tag": name, "every_days": every, "contacts": int(n)})
    return rows


def set_tag_cadence(conn: sqlite3.Connection, typed: str, every_days: int | None) -> str:
    """Set (or with None, clear) a tag's cadence; returns the tag's name."""
    tag = find_tag(conn, typed, "TAG")
    conn.execute("UPDATE tag SET every_days = ? WHERE id = ?", (every_days, tag.id))
    return str(tag.name)


def set_default_cadence(conn: sqlite3.Connection, every_days: int) -> None:
    journal.set_setting(conn, "default_every_days", str(int(every_days)))


# --------------------------------------------------------------------------
# remind: everything due, as ids and states (for --new-only) and counts


def owe_count(conn: sqlite3.Connection, today: date) -> int:
    """How many active contacts (not archived, not snoozed) you owe a favor:
    read from the contact rows' kept days alone, no seek (owe's own test)."""
    sql = f"SELECT count(*) FROM contact WHERE {_active(include_snoozed=False)} AND contact.last_received > coalesce(contact.last_given, :never)"
    return int(_scalar(conn, sql, {"today": today.isoformat(), "never": date(1, 1, 1).isoformat()}) or 0)


def remind_due(conn: sqlite3.Connection, today: date) -> dict[str, list[dict[str, Any]]]:
    """Everything a digest could list, each section in the digest's order:
    what `remind --new-only` chooses the new items from and compares with
    what it reported before. Ids and what the state is made of, computed in
    SQL from the contact rows and the indexes; no entry's text is read.

    - hungry: due contacts who don't only take: id, name, last_given, since,
      days_since, every (the hungry query, unlimited);
    - follow_up, let_go: open asks of active contacts in that state: id, contact_id;
    - owe: contacts owed, oldest unreturned favor first: contact_id, favors, first.
    """
    sql, params = hungry_query(today, journal.default_every(conn), limit=None, tag_id=None, include_all=False)
    hungry = [
        {"id": r["id"], "name": r["name"], "last_given": _iso(_day(r["last_given"])), "since": _iso(_day(r["last_given"] or r["added_on"])),
         "days_since": int(r["days_since"]), "every": int(r["every"])}
        for r in _dicts(conn.execute(sql, params))
        if not r["only_takes"]
    ]
    out: dict[str, list[dict[str, Any]]] = {"hungry": hungry}
    ask_params = {"today": today.isoformat(), "follow_from": (today - timedelta(days=journal.DEFAULT_FOLLOW_UP_DAYS)).isoformat()}
    first_due = f"coalesce(entry.follow_up, {db.plus_days('entry.day', journal.DEFAULT_FOLLOW_UP_DAYS)})"
    for key, state in (("follow_up", "follow up now"), ("let_go", "let go")):
        out[key] = _dicts(conn.execute(
            "SELECT entry.id AS id, entry.contact_id AS contact_id FROM entry JOIN contact ON contact.id = entry.contact_id"
            f" WHERE entry.type = 'ask' AND entry.outcome IS NULL AND {_active(include_snoozed=False)} AND {_state_where(state)}"
            f" ORDER BY {first_due}, entry.id",
            ask_params,
        ))
    owing = f"{_active(include_snoozed=False)} AND contact.last_received > coalesce(contact.last_given, :never)"
    # owe's favors (a got, or an ask they helped with, after your last give),
    # counted per contact on the same indexes owe seeks
    out["owe"] = _dicts(conn.execute(
        f"WITH owe_contact AS {db.materialized()}("
        "SELECT contact.id AS id, contact.name_key AS name_key, coalesce(contact.last_given, :never) AS since"
        f" FROM contact WHERE {owing})"
        ", favor AS (SELECT p.id AS contact_id, entry.day AS received_on FROM owe_contact AS p"
        " JOIN entry ON entry.contact_id = p.id AND entry.type = 'got' AND entry.day > p.since"
        " UNION ALL SELECT p.id, entry.resolved_on FROM owe_contact AS p"
        " JOIN entry ON entry.contact_id = p.id AND entry.type = 'ask' AND entry.outcome = 'helped' AND entry.resolved_on > p.since)"
        " SELECT favor.contact_id AS contact_id, count(*) AS favors, min(favor.received_on) AS first"
        " FROM favor JOIN owe_contact AS p ON p.id = favor.contact_id"
        " GROUP BY favor.contact_id, p.name_key ORDER BY min(favor.received_on), p.name_key, favor.contact_id",
        {"today": today.isoformat(), "never": date(1, 1, 1).isoformat()},
    ))
    for r in out["owe"]:
        r["first"] = _iso(_day(r["first"]))
    return out
