"""The demo journal: a realistic sample, of any size, the same one for the same seed.

``netlog demo`` shows a newcomer what netlog is for, and the benchmarks use it
to build large journals (10,000 contacts and 1,000,000 entries in seconds).
Everything random comes from ``random.Random(seed)``, and every date is
counted back from "today", so the same seed and the same today give the same
journal, row for row.

Rows go in with ``executemany`` on the journal's own sqlite3 connection, inside
one write transaction of a journal opened by ``netlog.db`` (same permissions,
application_id and migrations as a real one): the ORM would take minutes.
"""

from __future__ import annotations

import os
import random
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from netlog import db
from netlog.errors import NetlogError, UsageError
from netlog.io.bulk import entries_aside
from netlog.validate import name_key

MAX_CONTACTS = 1_000_000
MAX_ENTRIES = 20_000_000
DEFAULT_CONTACTS = 60
DEFAULT_ENTRIES = 2_000
YEARS = 4

FIRST = (
    "Priya Sam Maria Chen Amara Lucas Sofia Noah Aiko Omar Fatima Liam Elena Mateo Zoë Jonas Ingrid Kwame "
    "Ana Yusuf Hannah Diego Mei Arjun Chloé Tariq Olga Ravi Leila Tom Grace Hiro Nadia Pedro Sara Femi Clara "
    "Ivan Aisha Ben Lucía Kenji Rosa Ahmed Julia Marco Ines Felix Yara Daniel Emma Kofi Lena Rafael Nora "
    "Sean Anika Paul Maya Luis Ada Erik Zara Tomás Helen José Mila Oskar Laila Victor Elif Andrés Rui Jin "
    "Ngozi Mark Dana Łukasz Siobhán Björn Anjali Carlos Freya Hamid Iris Joaquín Keiko Lars Mariam Nikos "
    "Olivia Pablo Qi Rania Stefan Thandi Uma Vera Wei Ximena Yosef Zainab Adrien Bea Cyrus Dalia Emil"
).split()
LAST = (
    "Raman Lee García Wei Okafor Martin Rossi Kim Tanaka Haddad Khan Murphy Petrova Silva Müller Berg "
    "Nakamura Mensah Costa Demir Cohen Herrera Zhang Patel Dubois Aziz Ivanova Shah Karimi Baker Nguyen "
    "Sato Novak Alves Lindqvist Adeyemi Fischer Popescu Ortiz Ali Schmidt Moretti Ferreira Weber Santos "
    "Owusu Jensen Álvarez Chowdhury Kowalski O'Brien Nilsson Yilmaz Mendoza Fujita Osei Larsen Romero Das "
    "Kaur Abbott Brennan Castillo Dimitriou Eriksen Fontaine Gallagher Hussain Iyer Jovanović Kuznetsov "
    "Lindgren Marquez Nowak Oyelaran Park Quinn Reyes Svensson Takahashi Umarov Varga Walsh Xu Yamamoto "
    "Zhou Achebe Bianchi Carvalho Delgado Engel Farah Gupta Horvat Ibrahim Jaramillo Kaplan Lund Moreau"
).split()
COMPANIES = (
    "Northwind", "Fabrikam", "Contoso", "Tailspin", "Litware", "Adatum", "Proseware", "Wingtip", "Lucerne",
    "Humongous", "Coho Winery", "Trey Research", "Margie's Travel", "Woodgrove Bank", "Alpine Ski House",
    "Blue Yonder", "City Hospital", "the university", "Fourth Coffee", "Graphic Design Institute",
)
TITLES = (
    "engineer", "data scientist", "product manager", "designer", "recruiter", "founder", "CTO", "analyst",
    "professor", "consultant", "nurse", "journalist", "sales lead", "investor", "teacher", "lawyer",
)
MET = (
    "PyCon", "former colleague", "university", "a friend's dinner", "meetup", "LinkedIn", "neighbour",
    "the running club", "a client project", "hackathon", "board game night", "introduced by a friend",
)
# (tag, its cadence in days or None)
TAGS = (
    ("work", None), ("mentor", 30), ("friend", None), ("close friend", 14), ("alumni", None),
    ("client", 45), ("investor", 60), ("recruiter", None), ("community", None), ("family", 21),
    ("open source", None), ("neighbour", None),
)
OWN_CADENCES = (14, 21, 30, 60, 120, 180)
KINDS = ("intro", "referral", "advice", "info", "help", "endorsement", "gift", "other")
TOPICS = (
    "salary negotiation", "a career change", "Kubernetes", "fundraising", "public speaking", "hiring",
    "a side project", "moving to Berlin", "the job market", "pricing", "writing a book", "a PhD",
    "leaving a startup", "mentoring juniors", "a tricky manager", "Rust", "their thesis", "a grant",
)
GIVE_WHAT = {
    "intro": ("intro to {who}", "introduced them to {who} about {topic}"),
    "referral": ("referral to {company}'s data team", "referred them for a role at {company}"),
    "advice": ("advice on {topic}", "an hour on {topic}"),
    "info": ("sent the notes on {topic}", "shared a reading list on {topic}"),
    "help": ("helped with {topic}", "reviewed their slides on {topic}", "helped them move flat"),
    "endorsement": ("LinkedIn recommendation", "endorsed them for {topic}"),
    "gift": ("sent a book on {topic}", "birthday card", "coffee"),
    "other": ("shared a lead on {topic}", "cheered at their talk"),
}
GOT_WHAT = {
    "intro": ("intro to someone at {company}",),
    "referral": ("referred me to {company}",),
    "advice": ("advice on {topic}", "reviewed my CV"),
    "info": ("tips on {topic}",),
    "help": ("helped me with {topic}", "read my draft"),
    "endorsement": ("recommended me on LinkedIn",),
    "gift": ("a book on {topic}",),
    "other": ("invited me to a dinner", "a ticket to a conference"),
}
ASK_WHAT = (
    "a referral to {company}", "feedback on my talk about {topic}", "an intro to someone at {company}",
    "advice on {topic}", "a reference for a job at {company}", "to review my proposal on {topic}",
    "to share my post on {topic}", "a quote for my article on {topic}",
)
NOTE_WHAT = (
    "their daughter started school", "moving to {company} next month", "training for a marathon",
    "loves jazz; mentioned a concert", "new baby", "back from parental leave", "thinking about a PhD",
    "wants to learn {topic}", "just got promoted", "looking for a flat", "likes handwritten cards",
)

# Profiles: share of each entry type, and how their asks end (helped, declined, ignored).
PROFILES = {
    "giver": ((0.34, 0.36, 0.15, 0.15), (0.8, 0.1, 0.1)),
    "matcher": ((0.42, 0.25, 0.18, 0.15), (0.55, 0.2, 0.25)),
    "taker": ((0.55, 0.0, 0.35, 0.10), (0.0, 0.5, 0.5)),
    "distant": ((0.45, 0.2, 0.15, 0.2), (0.5, 0.2, 0.3)),
}


@dataclass
class Built:
    path: Path
    contacts: int
    entries: int
    seed: int


def check_sizes(contacts: int, entries: int) -> None:
    if contacts < 1 or contacts > MAX_CONTACTS:
        raise UsageError(f"--contacts: {contacts} is out of range; give 1 to {MAX_CONTACTS:,}")
    if entries < 0 or entries > MAX_ENTRIES:
        raise UsageError(f"--entries: {entries} is out of range; give 0 to {MAX_ENTRIES:,}")


def existing_rows(path: Path) -> tuple[int, int]:
    """(contacts, entries) in a journal file, read-only; (0, 0) for none or an empty one."""
    info = db.inspect_file(path)
    db.check_ownership(path, info)  # refuses other programs' files and newer journals
    if info is None or info[2] == 0:
        return 0, 0
    ro = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=db.BUSY_TIMEOUT_MS / 1000)
    try:
        names = {r[0] for r in ro.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        count = {t: ro.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("contact", "entry") if t in names}
    except sqlite3.DatabaseError as e:
        raise NetlogError(f"{path} can't be read ({e}); choose another file with --db") from None
    finally:
        ro.close()
    return count.get("contact", 0), count.get("entry", 0)


def _remove(path: Path) -> None:
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        try:
            p.unlink()
        except FileNotFoundError:
            pass


def build(path: Path, *, contacts: int, entries: int, seed: int, today: date) -> Built:
    """Write a fresh demo journal at ``path``, replacing whatever journal is there.

    It is built in a temporary file beside ``path`` and moved into place only
    once complete, so a failure or Ctrl-C never leaves half a journal behind.
    """
    check_sizes(contacts, entries)
    path = path.expanduser()
    tmp = path.with_name(f".{path.name}.{os.getpid()}.building")
    _remove(tmp)
    try:
        journal = db.open_journal(tmp, create=True)  # 0600, application_id, migrations: a real journal
        try:
            _load(journal, random.Random(seed), contacts, entries, today)
        finally:
            journal.close()
        _remove(Path(f"{path}-wal"))  # a stale WAL must never be replayed onto the new file
        _remove(Path(f"{path}-shm"))
        os.replace(tmp, path)
    except BaseException:
        _remove(tmp)
        raise
    return Built(path, contacts, entries, seed)


def _load(journal: db.Journal, rng: random.Random, contacts: int, entries: int, today: date) -> None:
    """Fill a new journal in one transaction, as fast as SQLite goes.

    The file is new and nobody else can see it yet (it is renamed into place
    only once complete), so for this load alone: no rollback journal, no
    per-row foreign-key and CHECK evaluation (the rows are right by
    construction; the tests check a built journal with integrity_check and
    foreign_key_check), no trigger per entry, and indexes built once at the end
    from the rows in place, with the very SQL the migrations used.
    """
    raw = journal.conn  # the journal's own sqlite3 connection, netlog's pragmas set
    raw.execute("PRAGMA journal_mode = OFF")
    raw.execute("PRAGMA foreign_keys = OFF")
    raw.execute("PRAGMA ignore_check_constraints = ON")
    with journal.transaction(write=True), entries_aside(raw):
        _fill(raw, rng, contacts, entries, today)
    raw.execute("PRAGMA ignore_check_constraints = OFF")
    raw.execute("PRAGMA foreign_keys = ON")
    raw.execute("PRAGMA journal_mode = WAL")  # as every journal is


# --------------------------------------------------------------------------
# The rows


def _names(rng: random.Random, n: int) -> list[str]:
    pairs = len(FIRST) * len(LAST)
    space = pairs if n <= pairs * 0.6 else pairs * 27  # 26 middle initials when plain names run out
    out = []
    for k in rng.sample(range(space), n):
        first, last = FIRST[k % pairs // len(LAST)], LAST[k % len(LAST)]
        initial = k // pairs
        out.append(f"{first} {chr(64 + initial)}. {last}" if initial else f"{first} {last}")
    return out


def _fill(raw: Any, rng: random.Random, n_contacts: int, n_entries: int, today: date) -> None:
    rand = rng.random
    span = YEARS * 365
    start = today - timedelta(days=span)
    iso = [(start + timedelta(days=d)).isoformat() for d in range(span + 1)]

    # Tags, with the cadences some of them carry.
    raw.executemany(
        "INSERT INTO tag (id, name, name_key, every_days) VALUES (?, ?, ?, ?)",
        [(i + 1, t, name_key(t), every) for i, (t, every) in enumerate(TAGS)],
    )

    # Contacts: a profile each, added over the years (many on day one, as after
    # an import); some relationships went quiet at some point ("until").
    names = _names(rng, n_contacts)
    forced_taker = n_contacts // 3 if n_contacts >= 10 else -1
    profiles: list[str] = []
    added: list[int] = []
    until: list[int] = []
    weights: list[float] = []
    contact_rows = []
    tag_rows = []
    tag_numbers = list(range(len(TAGS)))  # sample() picks from a list as from a range, without the ABC check on each call
    for i, name in enumerate(names):
        r = rand()
        profile = "giver" if r < 0.2 else "matcher" if r < 0.75 else "distant" if r < 0.92 else "taker" if r < 0.97 else "new"
        if i == forced_taker:
            profile = "taker"  # every demo shows how someone who only takes is marked
        if profile == "new":
            day0 = span - int(rand() * 120)
        else:
            day0 = 0 if rand() < 0.4 else int(rand() * (span - 60))
        added.append(day0)
        until.append(span if rand() < 0.7 else day0 + int(rand() * (span - day0)))
        profiles.append(profile if profile != "new" else "matcher")
        weights.append(0.0 if profile == "new" else rng.paretovariate(1.6) * (0.3 if profile == "distant" else 1.0))
        company = rng.choice(COMPANIES)
        slug = company.lower().replace("the ", "").replace(" ", "").replace("'", "")
        key = name_key(name)
        words = key.replace("'", "").split()
        email = f"{words[0]}.{words[-1]}@{slug}.example" if rand() < 0.7 else None
        phone = f"+44 20 7946 {rng.randrange(10000):04d}" if rand() < 0.3 else None
        every = rng.choice(OWN_CADENCES) if rand() < 0.08 else None
        archived = 1 if rand() < 0.03 and i != forced_taker else 0
        snoozed = (today + timedelta(days=rng.randrange(3, 60))).isoformat() if not archived and rand() < 0.02 else None
        birthday = f"{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}" if rand() < 0.2 else None
        card_note = rng.choice(("prefers email to calls", "met through Sam", "ask about the marathon")) if rand() < 0.05 else None
        contact_rows.append(
            (i + 1, name, key, email or "", phone or "", company, rng.choice(TITLES), rng.choice(MET),
             card_note or "", birthday or "", every or 0, iso[day0], archived, snoozed or "")
        )
        for t in rng.sample(tag_numbers, rng.choice((0, 1, 1, 1, 2, 2, 3))):
            tag_rows.append((i + 1, t + 1))
    # Empty values are bound as '' or 0 and stored as NULL by NULLIF: binding
    # None costs the sqlite3 module a failed adapter lookup per value, and a
    # million entries have millions of them.
    raw.executemany(
        "INSERT INTO contact (id, name, name_key, email, phone, company, title, url, met, note, birthday, "
        "every_days, added_on, archived, snoozed_until) VALUES (?, ?, ?, NULLIF(?, ''), NULLIF(?, ''), ?, ?, NULL, ?, "
        "NULLIF(?, ''), NULLIF(?, ''), NULLIF(?, 0), ?, ?, NULLIF(?, ''))",
        contact_rows,
    )
    raw.executemany("INSERT INTO contact_tag (contact_id, tag_id) VALUES (?, ?)", tag_rows)
    if n_entries == 0:
        return

    # How many entries each contact gets (shares of the weights, largest
    # remainders first), and on which days; bucketed by day so that ids grow
    # with time, as in a journal kept by hand.
    if not any(weights):
        weights = [1.0] * n_contacts
    total = sum(weights)
    exact = [w * n_entries / total for w in weights]
    counts = [int(x) for x in exact]
    short = n_entries - sum(counts)
    for c in sorted(range(n_contacts), key=lambda c: counts[c] - exact[c])[:short]:
        counts[c] += 1
    by_day: list[list[int]] = [[] for _ in range(span + 1)]
    for c, k in enumerate(counts):
        lo, width = added[c], until[c] - added[c] + 1
        for _ in range(k):
            by_day[lo + int(rand() * width)].append(c)
    # Many rows per statement: each statement run costs the sqlite3 module and
    # SQLite a fixed price (bind, step, reset, the GIL let go and taken back).
    insert = (
        "INSERT INTO entry (contact_id, type, kind, what, day, other_id, outcome, resolved_on, follow_up, "
        "followed_up_on, followups, created_at) VALUES "
    )
    values = "(?, ?, NULLIF(?, ''), ?, ?, NULLIF(?, 0), NULLIF(?, ''), NULLIF(?, ''), NULLIF(?, ''), NULLIF(?, ''), ?, ?)"
    rows = _entries(rng, by_day, profiles, names, iso)
    raw.executemany(insert + ", ".join([values] * ROWS_PER_INSERT), _batches(rows, n_entries // ROWS_PER_INSERT))
    raw.executemany(insert + values, rows)  # the rest, fewer than ROWS_PER_INSERT


ROWS_PER_INSERT = 50


def _batches(rows: Iterator[tuple[Any, ...]], count: int) -> Iterator[list[Any]]:
    """``count`` flat lists of ROWS_PER_INSERT rows each, taken from ``rows``."""
    for _ in range(count):
        batch: list[Any] = []
        extend = batch.extend
        for row in islice(rows, ROWS_PER_INSERT):
            extend(row)
        yield batch


def _pool(rng: random.Random, templates: dict[str, tuple[str, ...]], size: int = 512) -> list[tuple[str, str]]:
    """(kind, text) pairs made up front: formatting a million texts one by one is slow."""
    kinds = [k for k in KINDS if k != "intro" or "intro" in templates]
    out = []
    for _ in range(size):
        kind = rng.choice(kinds)
        out.append((kind, rng.choice(templates[kind]).format(topic=rng.choice(TOPICS), company=rng.choice(COMPANIES), who="{who}")))
    return out


def _entries(
    rng: random.Random, by_day: list[list[int]], profiles: list[str], names: list[str], iso: list[str]
) -> Iterator[tuple[Any, ...]]:
    rand = rng.random  # one call per pick: rng.choice costs ten times more, and a million rows feel it
    span = len(iso) - 1
    n = len(names)
    gives = _pool(rng, {k: v for k, v in GIVE_WHAT.items() if k != "intro"})
    intros = [t for t in GIVE_WHAT["intro"]]
    gots = _pool(rng, GOT_WHAT)
    asks = [rng.choice(ASK_WHAT).format(topic=rng.choice(TOPICS), company=rng.choice(COMPANIES)) for _ in range(256)]
    notes = [rng.choice(NOTE_WHAT).format(topic=rng.choice(TOPICS), company=rng.choice(COMPANIES)) for _ in range(256)]
    topics = TOPICS
    shares = {p: (a, a + b, a + b + c) for p, ((a, b, c, _d), _o) in PROFILES.items()}
    ends = {p: (h, h + d) for p, (_s, (h, d, _i)) in PROFILES.items()}
    last = date.fromisoformat(iso[span])
    later = [(last + timedelta(days=d)).isoformat() for d in range(60)]  # follow-up dates after today
    stamps = [f"{d}T12:00:00.000000+00:00" for d in iso]
    waits = (7, 7, 7, 7, 7, 7, 7, 3, 10, 14)
    # Per contact, looked up once here rather than by profile name per entry.
    share_of = [shares[p] for p in profiles]
    ends_of = [ends[p] for p in profiles]
    n_intros, n_topics = len(intros), len(topics)
    # Empty values are '' (and other_id 0): see the INSERT in _fill.
    for day, people in enumerate(by_day):
        day_text, stamp = iso[day], stamps[day]
        for c in people:
            give_to, got_to, ask_to = share_of[c]
            r = rand()
            if r < give_to:
                if rand() < 0.12 and n > 1:  # an introduction: feeds both people
                    other = int(rand() * (n - 1))
                    other += other >= c
                    what = intros[int(rand() * n_intros)].format(who=names[other], topic=topics[int(rand() * n_topics)])
                    yield (c + 1, "give", "intro", what, day_text, other + 1, "", "", "", "", 0, stamp)
                else:
                    kind, what = gives[int(rand() * 512)]
                    yield (c + 1, "give", kind, what, day_text, 0, "", "", "", "", 0, stamp)
            elif r < got_to:
                kind, what = gots[int(rand() * 512)]
                yield (c + 1, "got", kind, what, day_text, 0, "", "", "", "", 0, stamp)
            elif r < ask_to:
                wait = waits[int(rand() * 10)]
                follow_day = day + wait
                followed = outcome = resolved = ""
                followups = 0
                if rand() < 0.3:  # reached out again once
                    followups = 1
                    followed_day = min(follow_day, span)
                    followed, follow_day = iso[followed_day], followed_day + wait
                if span - day > 60 or rand() < 0.4:  # older asks have all ended, one way or another
                    helped, declined = ends_of[c]
                    o = rand()
                    outcome = "helped" if o < helped else "declined" if o < declined else "ignored"
                    resolved = iso[min(day + 1 + int(rand() * 21), span)]
                    if followed and followed > resolved:
                        followed, followups, follow_day = "", 0, day + wait
                follow = iso[follow_day] if follow_day <= span else later[follow_day - span]
                yield (c + 1, "ask", "", asks[int(rand() * 256)], day_text, 0, outcome, resolved, follow, followed, followups, stamp)
            else:
                yield (c + 1, "note", "", notes[int(rand() * 256)], day_text, 0, "", "", "", "", 0, stamp)
