"""The reports: who is hungry, who gives back, which asks need a follow-up,
what you owe, and the long view.

Each report is a function of a Session and ``today`` that returns a list of
plain dicts with stable keys (documented in README); the same rows feed the
table, ``--json`` and ``--csv``. Queries are SQLAlchemy Core expressions and
aggregate in SQL over indexed columns; nothing here loads every entry.

How the hungry report stays flat as the years pile up: it walks the active
contacts, and for each one asks the index ``entry(contact_id, type, day)`` for
its latest give and ``entry(other_id, day)`` for its latest introduction (one
seek each), computes the overdue score in SQL, orders and limits; only then
does it count totals, for the rows shown. Its cost grows with the number of
contacts, not with the length of the history (a test checks the plan).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Date, Float, Integer, and_, case, cast, exists, false, func, literal, or_, select, true
from sqlalchemy.engine import Connection
from sqlmodel import Session

from netlog import db, journal, validate
from netlog.errors import UsageError
from netlog.models import Contact, ContactTag, Entry, Tag

C = Contact.__table__  # type: ignore[attr-defined]
E = Entry.__table__  # type: ignore[attr-defined]
T = Tag.__table__  # type: ignore[attr-defined]
CT = ContactTag.__table__  # type: ignore[attr-defined]

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


def _conn(session: Session) -> Connection:
    return session.connection()


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


def _materialized(cte: Any) -> Any:
    """Compute a CTE once (its correlated subqueries run once per contact, not
    once per reference). PostgreSQL and SQLite >= 3.35 say AS MATERIALIZED."""
    if sqlite3.sqlite_version_info >= (3, 35, 0):
        return cte.prefix_with("MATERIALIZED")
    return cte


def find_tag(session: Session, typed: str, what: str = "--tag") -> Any:
    """The tag a user typed, ignoring case, or a UsageError that lists them."""
    key = validate.name_key(validate.name(typed, what))
    row = _conn(session).execute(select(T.c.id, T.c.name, T.c.every_days).where(T.c.name_key == key)).first()
    if row is None:
        names = _conn(session).execute(select(T.c.name).order_by(T.c.name_key).limit(12)).scalars().all()
        known = f"tags are: {', '.join(names)}" if names else "there are no tags yet; add one with 'netlog edit NAME --tag TAG'"
        raise UsageError(f"{what}: there is no tag {typed!r}; {known}")
    return row


# --------------------------------------------------------------------------
# Per contact: last give, cadence, "only takes"


def _last_gives(contact_id: Any) -> tuple[Any, Any]:
    """Correlated subqueries: the latest give to a contact, and the latest
    introduction that named them (an intro feeds both people). One index seek each."""
    g = E.alias("g")
    i = E.alias("i")
    own = select(func.max(g.c.day)).where(g.c.contact_id == contact_id, g.c.type == "give").scalar_subquery()
    # other_id is only ever set on gives (a CHECK says so), so entry(other_id, day) answers alone
    intro = select(func.max(i.c.day)).where(i.c.other_id == contact_id).scalar_subquery()
    return own, intro


def _later(a: Any, b: Any) -> Any:
    """The later of two nullable dates (NULL only when both are)."""
    return case((a.is_(None), b), (b.is_(None), a), (a >= b, a), else_=b)


def _tag_every(contact_id: Any) -> Any:
    return (
        select(func.min(T.c.every_days))
        .select_from(CT.join(T, T.c.id == CT.c.tag_id))
        .where(CT.c.contact_id == contact_id)
        .scalar_subquery()
    )


def _only_takes(contact_id: Any) -> Any:
    """1 when a contact has >= 2 asks declined or ignored and never gave you
    anything (no 'got', no ask they helped with); else 0. Cheapest test first."""
    got = E.alias("t_got")
    helped = E.alias("t_helped")
    unanswered = E.alias("t_no")
    return case(
        # select(id) rather than *: the index alone answers, no table row is read
        (select(got.c.id).where(got.c.contact_id == contact_id, got.c.type == "got").exists(), 0),
        (exists().where(helped.c.contact_id == contact_id, helped.c.type == "ask", helped.c.outcome == "helped"), 0),
        (
            select(func.count())
            .select_from(unanswered)
            .where(
                unanswered.c.contact_id == contact_id,
                unanswered.c.type == "ask",
                unanswered.c.outcome.in_(("declined", "ignored")),
            )
            .scalar_subquery()
            >= ONLY_TAKES_UNANSWERED,
            1,
        ),
        else_=0,
    )


def _active(today: date, include_snoozed: bool) -> Any:
    cond = C.c.archived == false()
    if not include_snoozed:
        cond = and_(cond, or_(C.c.snoozed_until.is_(None), C.c.snoozed_until <= today))
    return cond


# --------------------------------------------------------------------------
# hungry


def hungry_query(today: date, default_every: int, *, limit: int | None, tag_id: int | None, include_all: bool) -> Any:
    """The hungry report's one query: per active contact, seek the last give,
    score in SQL, order, limit. Totals come later, for the rows shown."""
    own, intro = _last_gives(C.c.id)
    where = [_active(today, include_snoozed=include_all)]
    if tag_id is not None:
        where.append(C.c.id.in_(select(CT.c.contact_id).where(CT.c.tag_id == tag_id)))
    per = _materialized(
        select(
            C.c.id,
            C.c.name,
            C.c.name_key,
            C.c.added_on,
            C.c.snoozed_until,
            C.c.every_days.label("own_every"),
            _tag_every(C.c.id).label("tag_every"),
            own.label("last_own"),
            intro.label("last_intro"),
        )
        .where(*where)
        .cte("per_contact")
    )
    p = per.c
    last = _later(p.last_own, p.last_intro)
    days = db.day_number(literal(today, Date)) - db.day_number(func.coalesce(last, p.added_on))
    every = func.coalesce(p.own_every, p.tag_every, literal(default_every, Integer))
    score = (cast(days, Float) / every).label("overdue")
    # "only takes" is checked here, for the rows past the due filter only, and
    # ORDER BY names the result columns, so SQLite computes each once per row
    only_takes = _only_takes(p.id)
    takes = only_takes.label("only_takes")
    stmt = select(
        p.id,
        p.name,
        p.added_on,
        p.snoozed_until,
        p.own_every,
        p.tag_every,
        p.last_own,
        p.last_intro,
        takes,
        cast(days, Integer).label("days_since"),
        every.label("every"),
        score,
        func.count().over().label("matched"),
        func.sum(only_takes).over().label("matched_only_takes"),
    )
    if not include_all:
        stmt = stmt.where(days >= every)
    stmt = stmt.order_by(takes, score.desc(), p.name_key, p.id)
    if limit:
        stmt = stmt.limit(limit)
    return stmt


def hungry(
    session: Session,
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
    tag_id = find_tag(session, tag).id if tag else None
    default_every = journal.default_every(session)
    conn = _conn(session)
    found = conn.execute(hungry_query(today, default_every, limit=limit or None, tag_id=tag_id, include_all=include_all)).mappings().all()
    out = Rows()
    if found:
        out.matched = int(found[0]["matched"])
        out.matched_only_takes = int(found[0]["matched_only_takes"] or 0)
    ids = [r["id"] for r in found]
    totals = _totals_for(conn, ids)
    tags = _tags_for(conn, ids)
    tag_cadence = _tag_cadence_names(conn, [r["id"] for r in found if r["own_every"] is None and r["tag_every"] is not None])
    for r in found:
        last_own, last_intro = _day(r["last_own"]), _day(r["last_intro"])
        last = max(d for d in (last_own, last_intro) if d) if (last_own or last_intro) else None
        snoozed_until = _day(r["snoozed_until"])
        t = totals.get(r["id"], _zero())
        row = {
            "id": r["id"],
            "name": r["name"],
            "tags": tags.get(r["id"], []),
            "last_given": _iso(last),
            "counted_from": "added" if last is None else "intro" if last_intro == last and last_own != last else "give",
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


def _tag_cadence_names(conn: Connection, ids: list[int]) -> dict[int, str]:
    """For contacts whose cadence comes from a tag: which tag (the shortest cadence wins)."""
    out: dict[int, str] = {}
    for chunk in _chunks(ids):
        rows = conn.execute(
            select(CT.c.contact_id, T.c.name)
            .join(T, T.c.id == CT.c.tag_id)
            .where(CT.c.contact_id.in_(chunk), T.c.every_days.is_not(None))
            .order_by(CT.c.contact_id, T.c.every_days.desc(), T.c.name_key.desc())
        ).all()
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


def _totals_for(conn: Connection, ids: Sequence[int] | None) -> dict[int, dict[str, int]]:
    """given (introductions included), received (gots + asks helped), asked and
    how asks ended, per contact; ``ids`` None: every contact in one pass."""
    out: dict[int, dict[str, int]] = {}

    def get(cid: int) -> dict[str, int]:
        return out.setdefault(cid, _zero())

    def run(where: Any, ask_where: Any, other_where: Any) -> None:
        for cid, type_, n in conn.execute(select(E.c.contact_id, E.c.type, func.count()).where(where).group_by(E.c.contact_id, E.c.type)):
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
            select(E.c.contact_id, E.c.outcome, func.count()).where(ask_where, E.c.type == "ask").group_by(E.c.contact_id, E.c.outcome)
        ):
            get(cid)[outcome or "open"] += n
        for cid, n in conn.execute(select(E.c.other_id, func.count()).where(other_where).group_by(E.c.other_id)):
            get(cid)["given"] += n

    if ids is None:
        run(True, True, E.c.other_id.is_not(None))
    else:
        for chunk in _chunks(list(ids)):
            run(E.c.contact_id.in_(chunk), E.c.contact_id.in_(chunk), E.c.other_id.in_(chunk))
    for t in out.values():
        t["received"] = t["got"] + t["helped"]
    return out


def _tags_for(conn: Connection, ids: Sequence[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for chunk in _chunks(list(ids)):
        rows = conn.execute(
            select(CT.c.contact_id, T.c.name).join(T, T.c.id == CT.c.tag_id).where(CT.c.contact_id.in_(chunk)).order_by(T.c.name_key)
        ).all()
        for cid, name in rows:
            out.setdefault(cid, []).append(name)
    return out


# --------------------------------------------------------------------------
# balance


def balance_label(given: int, received: int, declined: int, ignored: int) -> str:
    """giver, matcher, taker or new; the rules, in order (README quotes them):

    1. taker: nothing received and >= 2 asks declined or ignored (only takes);
    2. new: fewer than 3 exchanges (gives + favors received + asks that ended);
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
    session: Session,
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
    conn = _conn(session)
    stmt = select(C.c.id, C.c.name).where(C.c.archived == false()).order_by(C.c.name_key, C.c.id)
    if tag:
        stmt = stmt.where(C.c.id.in_(select(CT.c.contact_id).where(CT.c.tag_id == find_tag(session, tag).id)))
    counted = stmt if label else stmt.limit(limit or None)
    contacts = conn.execute(counted).all()
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
        out.matched = int(conn.execute(select(func.count()).select_from(stmt.subquery())).scalar() or 0)
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


def _state_where(today: date, state: str) -> Any:
    due = or_(E.c.follow_up <= today, and_(E.c.follow_up.is_(None), E.c.day <= today - timedelta(days=journal.DEFAULT_FOLLOW_UP_DAYS)))
    if state == "waiting":
        return ~due
    if state == "follow up now":
        return and_(due, E.c.followups == 0)
    return and_(due, E.c.followups > 0)


def asks(
    session: Session,
    today: date,
    *,
    include_all: bool = False,
    contact_id: int | None = None,
    states: Sequence[str] | None = None,
    active_only: bool = False,
) -> Rows:
    """Open asks, earliest follow-up first; with ``include_all``, then the
    resolved ones, latest resolved first. ``states`` keeps only open asks in
    those states (SQL, on the open-ask index); ``active_only`` leaves out
    snoozed contacts (archived ones are always left out)."""
    conn = _conn(session)
    cols = [E.c.id, E.c.contact_id, C.c.name, E.c.what, E.c.day, E.c.follow_up, E.c.followups, E.c.followed_up_on, E.c.outcome, E.c.resolved_on]
    base = select(*cols).join(C, C.c.id == E.c.contact_id).where(E.c.type == "ask", _active(today, include_snoozed=not active_only))
    if contact_id is not None:
        base = base.where(E.c.contact_id == contact_id)
    open_stmt = base.where(E.c.outcome.is_(None))
    if states:
        open_stmt = open_stmt.where(or_(*(_state_where(today, s) for s in states)))
    found = list(conn.execute(open_stmt).mappings().all())
    found.sort(key=lambda r: (follow_up_day(_day(r["day"]), _day(r["follow_up"])), r["id"]))  # type: ignore[arg-type]
    if include_all:
        found += conn.execute(base.where(E.c.outcome.is_not(None)).order_by(E.c.resolved_on.desc(), E.c.id.desc())).mappings().all()
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
    out.matched = len(out)
    return out


# --------------------------------------------------------------------------
# owe


def owe(
    session: Session,
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
    favors (``matched`` still counts them all).
    """
    conn = _conn(session)
    own, intro = _last_gives(C.c.id)
    where = [_active(today, include_snoozed=not active_only)]
    if contact_id is not None:
        where.append(C.c.id == contact_id)
    per = _materialized(
        select(C.c.id, C.c.name, C.c.name_key, own.label("last_own"), intro.label("last_intro")).where(*where).cte("owe_contact")
    )
    p = per.c
    since = func.coalesce(_later(p.last_own, p.last_intro), literal(date(1, 1, 1), Date))
    cols = [p.id.label("contact_id"), p.name, p.name_key, p.last_own, p.last_intro, E.c.id, E.c.type, E.c.kind, E.c.what]
    gots = select(*cols, E.c.day.label("received_on")).join(E, and_(E.c.contact_id == p.id, E.c.type == "got", E.c.day > since))
    helped = select(*cols, E.c.resolved_on.label("received_on")).join(
        E, and_(E.c.contact_id == p.id, E.c.type == "ask", E.c.outcome == "helped", E.c.resolved_on > since)
    )
    found = [dict(r) for r in conn.execute(gots).mappings().all()] + [dict(r) for r in conn.execute(helped).mappings().all()]
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
        last_own, last_intro = _day(r["last_own"]), _day(r["last_intro"])
        last = max(d for d in (last_own, last_intro) if d) if (last_own or last_intro) else None
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


def _bucket(column: Any, starts: list[date]) -> Any:
    """Which month (0 = the oldest) a date falls in: portable SQL, no strftime."""
    return case(*[(column >= s, i) for i, s in reversed(list(enumerate(starts)))], else_=-1)


def stats(session: Session, today: date, *, months: int = STATS_MONTHS, top: int = TOP_FED) -> dict[str, Any]:
    """The long view: gives, favors received and asks per month for the last
    ``months`` months (this one included, up to today); totals over them; the
    contacts you fed most in them; and the current streak of weeks (Monday to
    Sunday) with at least one give. A week still under way without a give
    does not break the streak; it just isn't counted yet."""
    if months < 1 or months > 600:
        raise UsageError(f"--months: {months} is out of range; give 1 to 600")
    conn = _conn(session)
    starts = month_starts(today, months)
    first = starts[0]
    per = [{"month": s.strftime("%Y-%m"), "given": 0, "received": 0, "asked": 0} for s in starts]
    in_window = and_(E.c.day >= first, E.c.day <= today)
    # one range count per month over entry(day, type): cheaper than bucketing every row with a CASE
    ends = [*starts[1:], today + timedelta(days=1)]
    for i, (lo, hi) in enumerate(zip(starts, ends)):
        counts = select(E.c.type, func.count()).where(E.c.day >= lo, E.c.day < hi, E.c.day <= today).group_by(E.c.type)
        for type_, n in conn.execute(counts):
            key = {"give": "given", "got": "received", "ask": "asked"}.get(type_)
            if key:
                per[i][key] += n
    # asks they helped with are favors received on the day they were resolved
    # (no index has resolved_on: this one reads the asks; see README on speed)
    rbucket = _bucket(E.c.resolved_on, starts)
    helped = select(rbucket, func.count()).where(
        E.c.type == "ask", E.c.outcome == "helped", E.c.resolved_on >= first, E.c.resolved_on <= today, E.c.day <= today
    ).group_by(rbucket)
    for i, n in conn.execute(helped):
        if i >= 0:
            per[i]["received"] += n

    fed: dict[int, int] = {}
    gives = select(E.c.contact_id, func.count()).where(in_window, E.c.type == "give").group_by(E.c.contact_id)
    intros = select(E.c.other_id, func.count()).where(in_window, E.c.type == "give", E.c.other_id.is_not(None)).group_by(E.c.other_id)
    for stmt in (gives, intros):
        for cid, n in conn.execute(stmt):
            fed[cid] = fed.get(cid, 0) + n
    # most given first, ties by name; archived contacts stay out of the ranking
    # (their gives still count above); only the contenders' names are looked up
    archived = set(conn.execute(select(C.c.id).where(C.c.archived == true())).scalars())
    ranked = sorted(((cid, n) for cid, n in fed.items() if cid not in archived), key=lambda kv: -kv[1])
    cutoff = ranked[top - 1][1] if len(ranked) >= top else 0
    contenders = [cid for cid, n in ranked if n >= cutoff]
    names: dict[int, tuple[str, str]] = {}
    for chunk in _chunks(contenders):
        for cid, name, key in conn.execute(select(C.c.id, C.c.name, C.c.name_key).where(C.c.id.in_(chunk))):
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
        "streak_weeks": give_streak(session, today),
    }


def give_streak(session: Session, today: date) -> int:
    """Weeks in a row, back from this one, with at least one give: one index
    seek per week of the streak, never a walk over the whole history."""
    conn = _conn(session)

    def latest_before(bound: date, inclusive: bool) -> date | None:
        cond = E.c.day <= bound if inclusive else E.c.day < bound
        return _day(conn.execute(select(func.max(E.c.day)).where(cond, E.c.type == "give")).scalar())

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


def dashboard(session: Session, today: date, *, hungriest: int = 5, follow_ups: int = 5) -> dict[str, Any]:
    """The five hungriest relationships and the (first five) asks to follow up
    now, snoozed contacts left out of both; each list's ``matched`` says how
    many there are in all."""
    follow = asks(session, today, states=["follow up now"], active_only=True)
    shown = Rows(follow[:follow_ups])
    shown.matched = len(follow)
    return {"hungry": hungry(session, today, limit=hungriest), "follow_up": shown}


def cadences(session: Session) -> list[dict[str, Any]]:
    """The journal's default cadence, then each tag's (None: follows the default),
    with how many active contacts carry the tag."""
    conn = _conn(session)
    tagged = (
        select(CT.c.tag_id, func.count().label("n"))
        .join(C, C.c.id == CT.c.contact_id)
        .where(C.c.archived == false())
        .group_by(CT.c.tag_id)
        .subquery()
    )
    rows: list[dict[str, Any]] = [
        {
            "tag": None,
            "every_days": journal.default_every(session),
            "contacts": int(conn.execute(select(func.count()).select_from(C).where(C.c.archived == false())).scalar() or 0),
        }
    ]
    for name, every, n in conn.execute(
        select(T.c.name, T.c.every_days, func.coalesce(tagged.c.n, 0)).outerjoin(tagged, tagged.c.tag_id == T.c.id).order_by(T.c.name_key)
    ):
        rows.append({"tag": name, "every_days": every, "contacts": int(n)})
    return rows


def set_tag_cadence(session: Session, typed: str, every_days: int | None) -> str:
    """Set (or with None, clear) a tag's cadence; returns the tag's name."""
    tag = find_tag(session, typed, "TAG")
    _conn(session).execute(T.update().where(T.c.id == tag.id).values(every_days=every_days))
    return str(tag.name)


def set_default_cadence(session: Session, every_days: int) -> None:
    journal.set_setting(session, "default_every_days", str(int(every_days)))
