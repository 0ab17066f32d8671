"""The reports: hungry, balance, asks, owe, stats, cadence and the dashboard.

Every expectation here is worked out by hand from the journal that
``build_journal`` writes (today is Monday 2026-11-23, the default cadence 90
days); the arithmetic is in the comments. Golden files under tests/golden/
hold each report's piped table and JSON; after a deliberate change of output,
regenerate them with

    NETLOG_REGEN_GOLDEN=1 .venv/bin/python -m pytest -q tests/test_reports.py

and review the diff before committing.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import TODAY, _runner

from netlog.cli import app

GOLDEN = Path(__file__).parent / "golden"
REGEN = bool(os.environ.get("NETLOG_REGEN_GOLDEN"))


def _run(runner, *args: str) -> None:  # type: ignore[no-untyped-def]
    r = runner.invoke(app, list(args))
    assert r.exit_code == 0, f"netlog {' '.join(args)}: {r.stderr} {r.exception!r}"


def build_journal(run) -> None:  # type: ignore[no-untyped-def]
    """The fixed journal. Contacts are added on 2026-01-01 unless said otherwise."""
    jan = ("--today", "2026-01-01")
    run(*jan, "add", "Ana Silva", "--tag", "work")
    run(*jan, "add", "Abe Stone", "--every", "45d")
    run(*jan, "add", "Ben Okafor", "--every", "30d", "--tag", "mentor")  # own cadence beats the tag's shorter one
    run(*jan, "add", "Chen Wei", "--tag", "mentor", "--tag", "friend")
    run(*jan, "add", "Dana Kim")
    run("--today", "2026-05-01", "add", "Eve Martin")
    run(*jan, "add", "Finn Walsh")
    run(*jan, "add", "Gus Archer")
    run(*jan, "add", "Hana Sato")
    run(*jan, "add", "Ivy Chen")
    run(*jan, "add", "Joan Reyes")
    run(*jan, "add", "Kai Novak")
    run(*jan, "add", "Lea Brandt")
    run("cadence", "mentor", "2w")
    run("cadence", "friend", "30d")

    # gives (an intro feeds both people)
    run("give", "ana", "intro to a recruiter", "--on", "2026-08-25")
    run("give", "ben", "reviewed his deck", "--on", "2026-10-01", "--kind", "advice")
    run("give", "dana", "intro to Chen about hiring", "--intro", "chen wei", "--on", "2026-11-02")
    run("give", "finn", "lent him my notes", "--on", "2026-05-25")
    run("give", "ivy", "coffee and advice", "--on", "2026-05-25")
    run("give", "abe", "shared a lead", "--on", "2026-10-09")
    for day in ("2026-11-18", "2026-11-19", "2026-11-20"):
        run("give", "joan", f"help on {day}", "--on", day)
    for day in ("2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20"):
        run("give", "kai", f"help on {day}", "--on", day)
    for day in ("2026-11-11", "2026-11-19", "2026-11-20"):
        run("give", "lea", f"help on {day}", "--on", day)
    run("give", "gus", "old favor", "--on", "2025-01-10")

    # favors received (they do not feed the relationship)
    run("got", "eve", "introduced me to her team", "--on", "2026-10-01", "--kind", "intro")
    run("got", "eve", "a book on negotiation", "--on", "2026-11-01", "--kind", "gift")
    run("got", "ben", "a referral", "--on", "2026-09-15", "--kind", "referral")
    run("got", "ben", "feedback on my CV", "--on", "2026-10-01", "--kind", "advice")
    run("got", "chen wei", "tips on hiring", "--on", "2026-11-05", "--kind", "info")
    run("got", "dana", "a ticket to a meetup", "--on", "2026-10-20")
    run("got", "ivy", "read my draft", "--on", "2026-11-10", "--kind", "help")
    run("got", "joan", "advice", "--on", "2026-11-01")
    run("got", "joan", "more advice", "--on", "2026-11-02")
    run("got", "kai", "a tip", "--on", "2026-11-01")
    run("got", "lea", "a tip", "--on", "2026-11-01")
    run("got", "gus", "a postcard", "--on", "2025-12-15")

    # resolved asks: Finn never says yes; Ivy says no twice, then helps
    def ask(name: str, what: str, day: str, *extra: str) -> None:
        run("ask", name, what, "--on", day, *extra)

    ask("finn", "a referral", "2026-06-01")  # 30 (17 gives and 12 gots came first)
    run("resolve", "finn", "declined", "--on", "2026-06-05")
    ask("finn", "an intro", "2026-07-01")  # 31
    run("resolve", "finn", "ignored", "--on", "2026-07-20")
    ask("finn", "a quote", "2026-09-01")  # 32
    run("resolve", "finn", "declined", "--on", "2026-09-03")
    ask("ivy", "a review", "2026-06-10")  # 33
    run("resolve", "ivy", "declined", "--on", "2026-06-12")
    ask("ivy", "an intro", "2026-06-20")  # 34
    run("resolve", "ivy", "declined", "--on", "2026-06-22")
    ask("ivy", "a reference", "2026-07-01")  # 35
    run("resolve", "ivy", "helped", "--on", "2026-07-15")

    # open asks
    ask("ben", "a referral to the data team", "2026-11-20")  # 36: follow-up 11-27, waiting
    ask("dana", "an intro to her manager", "2026-11-10", "--follow-up", "2026-11-16")  # 37: follow up now
    ask("chen wei", "feedback on my talk", "2026-11-01")  # 38: follow-up 11-08; followed up 11-10 -> 11-17: let go
    run("followup", "chen wei", "--on", "2026-11-10")
    ask("ana", "a quote for my article", "2026-11-05")  # 39: follow-up 11-12; followed up 11-20 -> 11-27: waiting
    run("followup", "ana", "--on", "2026-11-20")
    ask("finn", "a small favor", "2026-11-20")  # 40: waiting (follow-up 11-27)
    ask("abe", "a second opinion", "2026-11-16")  # 41: follow-up 11-23 = today: follow up now

    run("note", "ana", "started a new job", "--on", "2026-11-01")
    run("archive", "gus")


def _snooze(db: Path, name: str, until: str) -> None:
    # `netlog snooze` is issue 4's; the column is the journal core's, and hungry honours it
    con = sqlite3.connect(db)
    with con:
        con.execute("UPDATE contact SET snoozed_until = ? WHERE name = ?", (until, name))
    con.close()


@pytest.fixture(scope="module")
def template(tmp_path_factory):  # type: ignore[no-untyped-def]
    """The journal, built once per module through the CLI, copied for each test."""
    path = tmp_path_factory.mktemp("template") / "journal.db"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NETLOG_DB", str(path))
        mp.setenv("NETLOG_TODAY", TODAY)
        mp.delenv("NO_COLOR", raising=False)
        runner = _runner()
        build_journal(lambda *args: _run(runner, *args))
    _snooze(path, "Hana Sato", "2026-12-01")
    return path


@pytest.fixture
def journal(template, env, cli):  # type: ignore[no-untyped-def]
    shutil.copy(template, env.db)
    return cli


def rows(cli, *args: str):  # type: ignore[no-untyped-def]
    return json.loads(cli(*args, "--json").stdout)


def names(cli, *args: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [r["name"] for r in rows(cli, *args)]


def golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if REGEN:
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {path}; run with NETLOG_REGEN_GOLDEN=1 to create it"
    assert text == path.read_text(encoding="utf-8"), f"output differs from {path}; see the test module's docstring"


# --------------------------------------------------------------------------
# hungry: ordering and scores


def test_hungry_orders_by_overdue_and_sinks_those_who_only_take(journal):
    got = rows(journal, "hungry")
    # Eve: never fed, added 2026-05-01: 206 days / 90 = 2.29
    # Ivy: gave 2026-05-25: 182 days / 90 = 2.02 (said no twice, but helped once: not "only takes")
    # Ben: gave 2026-10-01: 53 days / his own 30 = 1.77 (his tag's 14 days does not apply)
    # Chen: introduced on 2026-11-02: 21 days / tag mentor 14 = 1.50
    # Abe: gave 2026-10-09: 45 days / own 45 = 1.00; Ana: 2026-08-25: 90 / 90 = 1.00 (a tie: by name)
    # Finn: gave 2026-05-25: 182 / 90 = 2.02, but only takes: last
    assert [(r["name"], r["overdue"]) for r in got] == [
        ("Eve Martin", 2.29),
        ("Ivy Chen", 2.02),
        ("Ben Okafor", 1.77),
        ("Chen Wei", 1.5),
        ("Abe Stone", 1.0),
        ("Ana Silva", 1.0),
        ("Finn Walsh", 2.02),
    ]
    assert [r["only_takes"] for r in got] == [False] * 6 + [True]
    by = {r["name"]: r for r in got}
    assert by["Eve Martin"]["last_given"] is None and by["Eve Martin"]["counted_from"] == "added" and by["Eve Martin"]["days_since"] == 206
    assert by["Chen Wei"]["counted_from"] == "intro" and by["Chen Wei"]["last_given"] == "2026-11-02"
    assert (by["Chen Wei"]["every"], by["Chen Wei"]["every_from"], by["Chen Wei"]["every_tag"]) == (14, "tag", "mentor")
    assert (by["Ben Okafor"]["every"], by["Ben Okafor"]["every_from"]) == (30, "contact")
    assert (by["Ana Silva"]["every"], by["Ana Silva"]["every_from"]) == (90, "default")
    assert all(r["due"] for r in got)


def test_hungry_totals_count_intros_for_both_and_helped_asks_as_received(journal):
    by = {r["name"]: r for r in rows(journal, "hungry", "--all")}
    assert (by["Chen Wei"]["given"], by["Chen Wei"]["received"], by["Chen Wei"]["asked"], by["Chen Wei"]["open"]) == (1, 1, 1, 1)
    assert (by["Dana Kim"]["given"], by["Dana Kim"]["received"]) == (1, 1)
    # Ivy: one give; received a got and one helped ask; asked three times
    assert (by["Ivy Chen"]["given"], by["Ivy Chen"]["received"], by["Ivy Chen"]["asked"], by["Ivy Chen"]["open"]) == (1, 2, 3, 0)
    assert (by["Finn Walsh"]["asked"], by["Finn Walsh"]["open"], by["Finn Walsh"]["unanswered"]) == (4, 1, 3)


def test_hungry_all_adds_contacts_within_cadence_and_snoozed_ones_never_archived(journal):
    got = rows(journal, "hungry", "--all")
    # Hana: snoozed, never fed since 2026-01-01: 326 / 90 = 3.62; Dana: 21 / 90 = 0.23
    # Joan, Kai, Lea: gave 2026-11-20: 3 / 90 = 0.03, tied: by name
    assert [r["name"] for r in got] == [
        "Hana Sato", "Eve Martin", "Ivy Chen", "Ben Okafor", "Chen Wei", "Abe Stone", "Ana Silva",
        "Dana Kim", "Joan Reyes", "Kai Novak", "Lea Brandt", "Finn Walsh",
    ]
    by = {r["name"]: r for r in got}
    assert by["Hana Sato"]["snoozed_until"] == "2026-12-01" and by["Hana Sato"]["overdue"] == 3.62
    assert by["Dana Kim"]["due"] is False and by["Dana Kim"]["overdue"] == 0.23
    assert "Gus Archer" not in by
    assert "Hana Sato" not in names(journal, "hungry")


def test_a_snooze_that_has_ended_counts_again(journal, env):
    _snooze(env.db, "Hana Sato", TODAY)  # snoozed until today: back today
    assert names(journal, "hungry")[0] == "Hana Sato"


def test_hungry_limit_and_tag(journal):
    r = journal("hungry", "--limit", "2")
    assert len(r.stdout.splitlines()) == 3  # header and two rows
    assert names(journal, "hungry", "--limit", "2") == ["Eve Martin", "Ivy Chen"]
    # 7 due, 2 shown; Finn (only takes) is among the 5 hidden, and the message says so
    assert "5 more not shown (1 of them only take)" in r.stderr
    assert names(journal, "hungry", "--tag", "mentor") == ["Ben Okafor", "Chen Wei"]
    assert names(journal, "hungry", "--tag", "MENTOR") == ["Ben Okafor", "Chen Wei"]
    r = journal("hungry", "--tag", "nosuch", code=2)
    assert "no tag 'nosuch'" in r.stderr and "mentor" in r.stderr


def test_the_default_cadence_can_change(journal):
    journal("cadence", "--default", "60d")
    got = rows(journal, "hungry")
    # /60: Eve 206 -> 3.43, Ivy 182 -> 3.03, Ben 1.77 (own), Ana 90 -> 1.50 ties Chen 1.50 (by name), Abe 1.00; Finn last
    assert [(r["name"], r["overdue"]) for r in got] == [
        ("Eve Martin", 3.43), ("Ivy Chen", 3.03), ("Ben Okafor", 1.77), ("Ana Silva", 1.5),
        ("Chen Wei", 1.5), ("Abe Stone", 1.0), ("Finn Walsh", 3.03),
    ]


def test_tag_cadence_set_and_cleared(journal):
    journal("cadence", "mentor", "default")
    by = {r["name"]: r for r in rows(journal, "hungry", "--all")}
    # Chen falls back to the next tag with a cadence: friend, 30 days: 21 / 30 = 0.70
    assert (by["Chen Wei"]["every"], by["Chen Wei"]["every_tag"], by["Chen Wei"]["overdue"]) == (30, "friend", 0.7)
    journal("cadence", "friend", "none")
    by = {r["name"]: r for r in rows(journal, "hungry", "--all")}
    assert (by["Chen Wei"]["every"], by["Chen Wei"]["every_from"]) == (90, "default")
    cad = {r["tag"]: r for r in rows(journal, "cadence")}
    assert cad[None]["every_days"] == 90 and cad["mentor"]["every_days"] is None and cad["work"]["contacts"] == 1


def test_cadence_refuses_what_it_cannot_use(journal):
    assert "no tag 'nosuch'" in journal("cadence", "nosuch", "2w", code=2).stderr
    assert "can't read 'often'" in journal("cadence", "mentor", "often", code=2).stderr
    assert "--default" in journal("cadence", "--default", "0d", code=2).stderr


def test_explain_says_how_each_score_was_reached(journal):
    out = journal("hungry", "--explain").stdout
    assert "206d since added 2026-05-01, never fed / every 90d (journal default) = 2.29" in out
    assert "21d since your intro of them 2026-11-02 / every 14d (tag mentor) = 1.50" in out
    assert "53d since you gave 2026-10-01 / every 30d (their own) = 1.77" in out
    assert "only takes (3 asks declined or ignored, nothing received)" in out


def test_a_favor_received_does_not_feed_and_a_give_does(journal):
    journal("got", "ana", "a coffee")
    assert "Ana Silva" in names(journal, "hungry")
    journal("give", "ana", "a coffee back")
    assert "Ana Silva" not in names(journal, "hungry")
    journal("give", "finn", "one more try")
    assert "Finn Walsh" not in names(journal, "hungry")


def test_only_takes_needs_two_unanswered_asks_and_nothing_received(cli):
    cli("--today", "2026-01-01", "add", "Zed One")
    for day, outcome in (("2026-02-01", "declined"), ("2026-03-01", "ignored")):
        cli("ask", "zed", "something", "--on", day)
        cli("resolve", "zed", outcome, "--on", day)
    assert [r["only_takes"] for r in rows(cli, "hungry")] == [True]
    cli("got", "zed", "a tip", "--on", "2026-03-02")  # anything received ends it
    assert [r["only_takes"] for r in rows(cli, "hungry")] == [False]
    cli("--today", "2026-01-01", "add", "Yan Two")
    cli("ask", "yan", "something", "--on", "2026-02-01")
    cli("resolve", "yan", "declined", "--on", "2026-02-01")  # one is not enough
    assert {r["name"]: r["only_takes"] for r in rows(cli, "hungry")}["Yan Two"] is False


def test_a_helped_ask_without_its_day_still_means_they_gave(cli, env):
    """An old import may hold a helped ask with no resolved_on (no kept day of
    a favor received): they still gave, so they don't "only take"."""
    cli("--today", "2026-01-01", "add", "Finn Walsh")
    for day, outcome in (("2026-02-01", "declined"), ("2026-03-01", "ignored"), ("2026-04-01", "helped")):
        cli("ask", "finn", f"ask on {day}", "--on", day)
        cli("resolve", "finn", outcome, "--on", day)
    con = sqlite3.connect(env.db)
    con.execute("UPDATE entry SET resolved_on = NULL WHERE outcome = 'helped'")
    con.execute("UPDATE contact SET last_received = NULL")  # as the kept day would be
    con.commit()
    con.close()
    row = rows(cli, "hungry")[0]
    assert row["name"] == "Finn Walsh" and row["received"] == 1 and row["only_takes"] is False


def test_hungry_query_reads_contacts_and_never_scans_history(journal, env):
    """EXPLAIN QUERY PLAN of the query hungry really runs: the last give comes
    from the contact row (kept by triggers), and the only uses of the entry
    table are index SEARCHes for "only takes" on due rows, never a SCAN."""
    from datetime import date

    from netlog import db, reports

    class Recording:
        """The journal's connection, noting every statement and its parameters."""

        def __init__(self, conn: sqlite3.Connection) -> None:
            self.conn = conn

        def execute(self, sql: str, params: object = ()) -> sqlite3.Cursor:
            seen.append((sql, params))
            return self.conn.execute(sql, params)  # type: ignore[arg-type]

    j = db.open_journal(env.db, create=False)
    seen: list[tuple[str, object]] = []
    with j.transaction(write=False) as conn:
        reports.hungry(Recording(conn), date(2026, 11, 23))  # type: ignore[arg-type]
    j.close()
    main = [(sql, p) for sql, p in seen if "per_contact" in sql]
    assert len(main) == 1
    con = sqlite3.connect(env.db)

    entry_names = {"entry", "g", "i", "t_got", "t_helped", "t_no"}  # the table and its aliases in the query

    def scans_history(sql: str, params: object) -> list[str]:
        plan = [row[-1] for row in con.execute("EXPLAIN QUERY PLAN " + sql, params)]  # type: ignore[arg-type]
        assert plan
        return [line for line in plan if line.startswith("SCAN") and (line.split()[1] in entry_names or "ix_entry" in line)]

    assert scans_history(*main[0]) == []
    plan = [row[-1] for row in con.execute("EXPLAIN QUERY PLAN " + main[0][0], main[0][1])]  # type: ignore[arg-type]
    touching_entry = [line for line in plan if line.split()[1] in entry_names]
    assert touching_entry and all(line.startswith("SEARCH t_") for line in touching_entry), plan
    # the check itself catches a query that walks the history
    assert scans_history("SELECT contact_id, max(day) FROM entry WHERE type = 'give' GROUP BY contact_id", ())
    con.close()


LIGHT_COMMANDS = [["hungry"], [], ["balance"], ["asks"], ["owe"], ["stats"], ["cadence"]]


@pytest.mark.parametrize("args", LIGHT_COMMANDS, ids=lambda a: " ".join(a) or "dashboard")
def test_everyday_reports_do_not_import_sqlalchemy(journal, env, args):
    """Issue 6: importing SQLAlchemy/SQLModel costs more than a whole report may take."""
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-X", "importtime", "-m", "netlog", *args], env=env.env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-2000:]
    imported = [line.rsplit("|", 1)[-1].strip() for line in r.stderr.splitlines() if "|" in line]
    assert "netlog.reports" in imported  # the check itself works
    assert not [m for m in imported if m.startswith(("sqlalchemy", "sqlmodel")) or m == "netlog.models"]


# --------------------------------------------------------------------------
# balance


def test_balance_labels_by_the_rules(journal):
    got = {r["name"]: r for r in rows(journal, "balance")}
    # rule 1: nothing received, 3 asks declined or ignored -> taker
    assert got["Finn Walsh"]["label"] == "taker"
    # rule 2: fewer than 3 exchanges -> new (Ana 1 give; Chen 1 give + 1 got; Hana nothing)
    assert [got[n]["label"] for n in ("Ana Silva", "Chen Wei", "Hana Sato", "Abe Stone", "Eve Martin")] == ["new"] * 5
    # rule 3: received > given: Ben 2 > 1 (exactly 3 exchanges: not new); Ivy 2 > 1
    assert (got["Ben Okafor"]["label"], got["Ivy Chen"]["label"]) == ("giver", "giver")
    # rule 4: received * 3 < given: Kai 1 * 3 < 4 -> taker; Lea 1 * 3 = 3, not < 3 -> matcher
    assert (got["Kai Novak"]["label"], got["Lea Brandt"]["label"]) == ("taker", "matcher")
    # rule 5: Joan 2 received of 3 given -> matcher
    assert got["Joan Reyes"]["label"] == "matcher"
    assert (got["Ivy Chen"]["helped"], got["Ivy Chen"]["declined"], got["Finn Walsh"]["ignored"], got["Finn Walsh"]["open"]) == (1, 2, 1, 1)


def test_balance_is_by_name_and_filters(journal):
    assert names(journal, "balance") == [
        "Abe Stone", "Ana Silva", "Ben Okafor", "Chen Wei", "Dana Kim", "Eve Martin", "Finn Walsh",
        "Hana Sato", "Ivy Chen", "Joan Reyes", "Kai Novak", "Lea Brandt",
    ]  # archived Gus left out, snoozed Hana kept
    assert names(journal, "balance", "--label", "taker") == ["Finn Walsh", "Kai Novak"]
    assert names(journal, "balance", "--label", "giv") == ["Ben Okafor", "Ivy Chen"]
    assert names(journal, "balance", "--limit", "3") == ["Abe Stone", "Ana Silva", "Ben Okafor"]
    assert names(journal, "balance", "--label", "new", "--limit", "2") == ["Abe Stone", "Ana Silva"]
    assert names(journal, "balance", "--tag", "mentor") == ["Ben Okafor", "Chen Wei"]
    assert "Showing 3 of 12" in journal("balance", "--limit", "3").stderr
    assert "not one of" in journal("balance", "--label", "saint", code=2).stderr


def test_balance_label_function_edges():
    from netlog.reports import balance_label

    assert balance_label(0, 0, 2, 0) == "taker"  # two unanswered asks already say it
    assert balance_label(0, 0, 1, 0) == "new"
    assert balance_label(2, 0, 0, 0) == "new"
    assert balance_label(3, 0, 0, 0) == "taker"
    assert balance_label(3, 1, 0, 0) == "matcher"
    assert balance_label(1, 1, 1, 0) == "matcher"
    assert balance_label(1, 2, 0, 0) == "giver"
    assert balance_label(10, 3, 0, 0) == "taker" and balance_label(9, 3, 0, 0) == "matcher"


# --------------------------------------------------------------------------
# asks


def test_asks_states_and_order(journal):
    got = rows(journal, "asks")
    # by follow-up date, then id
    assert [(r["id"], r["name"], r["follow_up"], r["state"]) for r in got] == [
        (37, "Dana Kim", "2026-11-16", "follow up now"),  # its own --follow-up date has passed
        (38, "Chen Wei", "2026-11-17", "let go"),  # followed up 11-10, 7 more days passed
        (41, "Abe Stone", "2026-11-23", "follow up now"),  # due today
        (36, "Ben Okafor", "2026-11-27", "waiting"),  # 7 days after the ask
        (39, "Ana Silva", "2026-11-27", "waiting"),  # followed up 11-20: waiting again
        (40, "Finn Walsh", "2026-11-27", "waiting"),
    ]
    by = {r["id"]: r for r in got}
    assert (by[37]["age_days"], by[39]["followups"], by[39]["followed_up_on"]) == (13, 1, "2026-11-20")


def test_an_ask_without_follow_up_date_is_in_the_state_it_shows(cli, env):
    """Imported asks may lack a follow-up date: 7 days after the ask stands in,
    and filtering by state agrees with the state shown."""
    cli("add", "Priya Raman")
    cli("add", "Sam Lee")
    cli("ask", "pri", "a young ask", "--on", "2026-11-20")
    cli("ask", "sam", "an old ask", "--on", "2026-11-01")
    con = sqlite3.connect(env.db)
    con.execute("UPDATE entry SET follow_up = NULL")
    con.commit()
    con.close()
    assert [(r["name"], r["state"]) for r in rows(cli, "asks")] == [("Sam Lee", "follow up now"), ("Priya Raman", "waiting")]
    assert names(cli, "asks", "--state", "waiting") == ["Priya Raman"]
    assert names(cli, "asks", "--state", "follow up now") == ["Sam Lee"]


def test_the_first_due_asks_and_their_count_agree_with_the_full_list(cli, env):
    """remind and the dashboard take the first few due asks and a count from the
    open-ask index alone (reports._first_due_asks); they must be exactly the
    head and the length of the full list, whatever is archived, snoozed or
    undated, in every state."""
    from datetime import date

    from netlog import db, reports

    days = ["2026-10-01", "2026-10-05", "2026-10-20", "2026-11-01", "2026-11-10", "2026-11-14"]
    for i, name in enumerate(["Ana Silva", "Ben Okafor", "Chen Wei", "Dana Kim", "Eve Martin"]):
        cli("--today", "2026-01-01", "add", name)
        for j, day in enumerate(days[i % 2 :]):
            cli("ask", name, f"ask {i}.{j}", "--on", day)
    for ask_id in (1, 2, 7, 12, 18, 23):
        cli("followup", str(ask_id), "--on", "2026-11-15")
    cli("archive", "ben")
    cli("snooze", "chen", "2026-12-24")
    con = sqlite3.connect(env.db)
    con.execute("UPDATE entry SET follow_up = NULL WHERE id IN (3, 9, 14)")  # as an old import may leave them
    con.commit()
    con.close()
    j = db.open_journal(env.db, create=False)
    try:
        with j.transaction(write=False) as conn:
            today = date(2026, 11, 23)
            for state in ("follow up now", "let go"):
                for active_only in (True, False):
                    full = reports.asks(conn, today, states=[state], active_only=active_only)
                    assert len(full) >= 2, (state, active_only)
                    for limit in (1, 2, 5):
                        head = reports.asks(conn, today, states=[state], active_only=active_only, limit=limit)
                        assert [r["id"] for r in head] == [r["id"] for r in full][:limit]
                        assert head.matched == len(full), (state, active_only, limit)
    finally:
        j.close()


def test_asks_all_adds_resolved_with_outcome_as_state(journal):
    got = rows(journal, "asks", "--all")
    resolved = [(r["id"], r["state"], r["resolved_on"]) for r in got[6:]]
    # latest resolved first
    assert resolved == [
        (32, "declined", "2026-09-03"), (31, "ignored", "2026-07-20"), (35, "helped", "2026-07-15"),
        (34, "declined", "2026-06-22"), (33, "declined", "2026-06-12"), (30, "declined", "2026-06-05"),
    ]


def test_asks_filters(journal):
    assert [r["id"] for r in rows(journal, "asks", "--state", "follow")] == [37, 41]
    assert [r["id"] for r in rows(journal, "asks", "--state", "let go")] == [38]
    assert [r["id"] for r in rows(journal, "asks", "--state", "waiting")] == [36, 39, 40]
    assert [r["id"] for r in rows(journal, "asks", "finn", "--all")] == [40, 32, 31, 30]
    journal("asks", "--state", "maybe", code=2)


def test_followup_moves_an_ask_from_follow_up_now_to_waiting_then_let_go(journal):
    journal("followup", "37")  # today: next look in 6 days (its first wait: 11-10 -> 11-16)
    r = {x["id"]: x for x in rows(journal, "asks")}[37]
    assert (r["state"], r["follow_up"]) == ("waiting", "2026-11-29")
    r = {x["id"]: x for x in rows(journal, "--today", "2026-11-29", "asks")}[37]
    assert r["state"] == "let go"


# --------------------------------------------------------------------------
# owe


def test_owe_lists_favors_received_since_the_last_give(journal):
    got = rows(journal, "owe")
    # Ivy: helped 07-15 (resolved date) and a got 11-10 after her last give 05-25; her oldest is oldest
    # Eve: never given to: 10-01 and 11-01; Chen: got 11-05 after the intro of 11-02
    # not owed: Ben's 10-01 got (a give the same day), Dana's 10-20 (gave 11-02), Joan/Kai/Lea (gave since)
    assert [(r["name"], r["received_on"], r["type"]) for r in got] == [
        ("Ivy Chen", "2026-07-15", "ask"),
        ("Ivy Chen", "2026-11-10", "got"),
        ("Eve Martin", "2026-10-01", "got"),
        ("Eve Martin", "2026-11-01", "got"),
        ("Chen Wei", "2026-11-05", "got"),
    ]
    assert got[0]["last_given"] == "2026-05-25" and got[2]["last_given"] is None and got[4]["last_given"] == "2026-11-02"
    assert got[2]["days_ago"] == 53
    assert [r["received_on"] for r in rows(journal, "owe", "eve")] == ["2026-10-01", "2026-11-01"]
    journal("give", "ivy", "returned the favor")
    assert "Ivy Chen" not in names(journal, "owe")


def test_owe_limit_contacts_keeps_whole_contacts(journal, env):
    from datetime import date

    from netlog import db, reports

    j = db.open_journal(env.db, create=False)
    with j.transaction(write=False) as conn:
        got = reports.owe(conn, date(2026, 11, 23), limit_contacts=2)
    j.close()
    assert [r["name"] for r in got] == ["Ivy Chen", "Ivy Chen", "Eve Martin", "Eve Martin"] and got.matched == 4  # their favors only: the rest are never read


def test_owe_limit_contacts_is_the_head_of_the_full_order(cli):
    """owe's first N contacts are found by visiting contacts in order of their
    last give and stopping early (reports._first_owed); here a late giver owes
    the oldest favor, so stopping at the first N by last give would be wrong."""
    from datetime import date

    from netlog import db, reports

    jan = ("--today", "2026-01-01")
    for name in ("Ana Silva", "Ben Okafor", "Chen Wei", "Dana Kim"):
        cli(*jan, "add", name)
    cli("give", "ana", "coffee", "--on", "2026-02-01")
    cli("got", "ana", "a late favor", "--on", "2026-11-01")  # Ana: given long ago, owed since November
    cli("give", "ben", "coffee", "--on", "2026-05-01")
    cli("got", "ben", "a tip", "--on", "2026-06-01")  # Ben: owed since June, the oldest
    cli("give", "chen", "coffee", "--on", "2026-03-01")
    cli("got", "chen", "a book", "--on", "2026-09-01")
    cli("got", "dana", "a ticket", "--on", "2026-10-01")  # never given to
    j = db.open_journal(cli.env.db, create=False)
    try:
        with j.transaction(write=False) as conn:
            full = [r["name"] for r in reports.owe(conn, date(2026, 11, 23))]
            assert full == ["Ben Okafor", "Chen Wei", "Dana Kim", "Ana Silva"]
            for n in range(1, 5):
                assert [r["name"] for r in reports.owe(conn, date(2026, 11, 23), limit_contacts=n)] == full[:n]
    finally:
        j.close()


# --------------------------------------------------------------------------
# stats


def test_stats_by_month_totals_top_and_streak(journal):
    data = json.loads(journal("stats", "--json").stdout)
    assert (data["from"], data["to"], len(data["months"])) == ("2025-12-01", TODAY, 12)
    per = {m["month"]: (m["given"], m["received"], m["asked"]) for m in data["months"]}
    assert per["2025-12"] == (0, 1, 0)  # Gus's postcard: archived contacts' history still counts
    assert per["2026-05"] == (2, 0, 0)
    assert per["2026-06"] == (0, 0, 3)
    assert per["2026-07"] == (0, 1, 2)  # Ivy's help, dated the day it was resolved
    assert per["2026-08"] == (1, 0, 0)
    assert per["2026-09"] == (0, 1, 1)
    assert per["2026-10"] == (2, 3, 0)
    assert per["2026-11"] == (11, 7, 6)
    assert data["totals"] == {"given": 16, "received": 13, "asked": 12, "people_fed": 10}
    assert [(p["name"], p["given"]) for p in data["top_fed"]] == [
        ("Kai Novak", 4), ("Joan Reyes", 3), ("Lea Brandt", 3), ("Abe Stone", 1), ("Ana Silva", 1),
    ]
    # this week (from Monday 11-23) has no give yet and does not break it; weeks of 11-16, 11-09, 11-02 do
    assert data["streak_weeks"] == 3


def test_archived_contacts_leave_the_ranking_not_the_counts(journal):
    journal("archive", "kai")
    data = json.loads(journal("stats", "--json").stdout)
    assert data["totals"] == {"given": 16, "received": 13, "asked": 12, "people_fed": 10}
    assert [p["name"] for p in data["top_fed"]] == ["Joan Reyes", "Lea Brandt", "Abe Stone", "Ana Silva", "Ben Okafor"]


def test_streak_counts_the_current_week_once_it_has_a_give(journal):
    assert json.loads(journal("--today", "2026-11-20", "stats", "--json").stdout)["streak_weeks"] == 3
    assert json.loads(journal("--today", "2026-11-30", "stats", "--json").stdout)["streak_weeks"] == 0
    journal("give", "ana", "a coffee")  # today, Monday
    assert json.loads(journal("stats", "--json").stdout)["streak_weeks"] == 4


def test_stats_months_option(journal):
    data = json.loads(journal("stats", "--months", "3", "--json").stdout)
    assert [m["month"] for m in data["months"]] == ["2026-09", "2026-10", "2026-11"]
    assert data["totals"]["given"] == 13
    assert journal("stats", "--csv", "--months", "2").stdout == "month,given,received,asked\n2026-10,2,3,0\n2026-11,11,7,6\n"
    journal("stats", "--months", "0", code=2)


# --------------------------------------------------------------------------
# Every report: empty journals, csv = json = table rows, golden output


REPORTS = [["hungry"], ["hungry", "--all"], ["balance"], ["asks"], ["asks", "--all"], ["owe"], ["cadence"]]


@pytest.mark.parametrize("args", [a for a in REPORTS if a != ["cadence"]], ids=lambda a: " ".join(a))
def test_empty_journal_gives_empty_lists_not_errors(cli, env, args):
    assert cli(*args, "--json").stdout == "[]\n"
    assert len(cli(*args, "--csv").stdout.splitlines()) == 1  # the header
    r = cli(*args)
    assert r.stdout == "" and r.stderr  # a message, on stderr
    assert not env.db.exists()


def test_empty_journal_stats_and_dashboard(cli):
    data = json.loads(cli("stats", "--json").stdout)
    assert data["totals"] == {"given": 0, "received": 0, "asked": 0, "people_fed": 0} and data["streak_weeks"] == 0
    assert "Your journal is empty" in cli().stdout


@pytest.mark.parametrize("args", REPORTS, ids=lambda a: " ".join(a))
def test_csv_and_json_carry_the_same_rows(journal, args):
    import csv
    import io

    as_json = rows(journal, *args)
    as_csv = list(csv.DictReader(io.StringIO(journal(*args, "--csv").stdout)))
    assert len(as_json) == len(as_csv) > 0
    assert [str(r["name" if "name" in r else "tag"] or "") for r in as_json] == [r["name" if "name" in r else "tag"] for r in as_csv]
    assert list(as_csv[0]) == list(as_json[0])


def test_json_and_csv_together_is_a_usage_error(journal):
    assert "choose one" in journal("hungry", "--json", "--csv", code=2).stderr


GOLDEN_CASES = {
    "hungry": ["hungry"],
    "hungry_all": ["hungry", "--all"],
    "hungry_explain": ["hungry", "--explain"],
    "balance": ["balance"],
    "asks": ["asks"],
    "asks_all": ["asks", "--all"],
    "owe": ["owe"],
    "stats": ["stats"],
    "cadence": ["cadence"],
    "dashboard": [],
}


@pytest.mark.parametrize("name", sorted(GOLDEN_CASES))
def test_golden_table(journal, name):
    r = journal(*GOLDEN_CASES[name])
    assert "\x1b" not in r.stdout
    assert max(len(line) for line in r.stdout.splitlines()) <= 80
    golden(f"{name}.txt", r.stdout)


@pytest.mark.parametrize("name", ["hungry", "hungry_all", "balance", "asks", "asks_all", "owe", "stats", "cadence"])
def test_golden_json(journal, name):
    golden(f"{name}.json", journal(*GOLDEN_CASES[name], "--json").stdout)


def test_dashboard_shows_the_hungriest_and_asks_to_follow_up_now(journal):
    out = journal().stdout
    assert out.index("Eve Martin") < out.index("Ivy Chen") < out.index("Ben Okafor")
    assert "Finn Walsh" not in out.split("Follow up now")[0]  # five hungriest: Finn (only takes) is 7th
    follow = out.split("Follow up now")[1]
    assert "Dana Kim" in follow and "Abe Stone" in follow and "Chen Wei" not in follow  # Chen's is 'let go'
    assert "...and 2 more hungry." in out


def test_long_names_stay_within_80_columns(cli):
    cli("--today", "2026-01-01", "add", "Maximiliana Alexandrovna Featherstonehaugh-Cholmondeley", "--tag", "a-rather-long-tag-name")
    cli("ask", "maxi", "a very long ask that goes on and on about many things indeed", "--on", "2026-02-01")
    cli("got", "maxi", "a very long favor that goes on and on about many things indeed", "--on", "2026-02-02")
    for args in (["hungry"], ["hungry", "--all"], ["balance"], ["asks"], ["owe"], [], ["cadence"]):
        out = cli(*args).stdout
        assert out and max(len(line) for line in out.splitlines()) <= 80, (args, out)


def test_terminal_output_honours_no_color(journal, monkeypatch):
    from netlog import render

    monkeypatch.setattr(render, "is_terminal", lambda stream=None: True)
    monkeypatch.setenv("FORCE_COLOR", "1")
    coloured = journal("hungry").stdout
    assert "\x1b[31m" in coloured and "Eve Martin" in coloured  # the overdue bars are red on a terminal
    monkeypatch.setenv("NO_COLOR", "1")
    plain = journal("hungry").stdout
    assert "Eve Martin" in plain and "\x1b[31m" not in plain


def test_names_are_never_read_as_markup_on_a_terminal(cli, monkeypatch):
    from netlog import render

    monkeypatch.setattr(render, "is_terminal", lambda stream=None: True)
    cli("--today", "2026-01-01", "add", "Al [b]x[/b]")
    cli("--today", "2026-01-01", "add", "Bo [/b]")  # as markup, an error
    cli("ask", "bo", "a [red]favor[/red]", "--on", "2026-11-01")
    cli("got", "bo", "a [/] tip", "--on", "2026-11-02")
    assert "Al [b]x[/b]" in cli("hungry").stdout
    for args in (["hungry", "--explain"], ["balance"], ["asks"], ["owe"], ["stats"], []):
        out = cli(*args).stdout
        assert "Bo [/b]" in out or args == ["stats"], args
    assert "a [red]favor[/red]" in cli("asks").stdout and "a [/] tip" in cli("owe").stdout


def test_hungry_shows_twenty_by_default_and_all_with_limit_zero(cli):
    for i in range(25):
        cli("--today", "2026-01-01", "add", f"Person {i:02d}")  # never fed, 326 days: all due
    assert len(rows(cli, "hungry")) == 20
    assert "5 more not shown" in cli("hungry").stderr
    assert len(rows(cli, "hungry", "--limit", "0")) == 25
    assert len(rows(cli, "hungry", "--limit", "3")) == 3


@pytest.mark.parametrize("args", [["hungry"], ["balance"], ["log"], ["show", "ana"], ["remind"]])
def test_a_count_too_large_is_a_usage_error(journal, env, args):
    from conftest import db_state

    before = db_state(env.db)
    r = journal(*args, "--limit", "99999999999999999999", code=2)
    assert "--limit" in r.stderr and "range" in r.stderr and r.stderr.count("\n") == 1
    assert db_state(env.db) == before


def _readme_fields(command: str) -> list[str]:
    """The field names README promises for a report ('**JSON fields:** `...`')."""
    import re

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split(f"### `netlog {command}")[1].split("\n### ")[0]
    listed = section.split("**JSON fields:**")[1].split("`")[1]
    listed = re.sub(r"\s*\([^)]*\)", "", " ".join(listed.split()))
    return [f.strip() for f in listed.split(",")]


@pytest.mark.parametrize("command, args", [("hungry", ["hungry", "--all"]), ("balance", ["balance"]), ("asks", ["asks", "--all"]), ("owe", ["owe"]), ("cadence", ["cadence"])])
def test_readme_names_every_json_field_each_report_prints(journal, command, args):
    found = rows(journal, *args)
    assert found and all(list(r) == _readme_fields(command) for r in found)


def test_readme_describes_the_stats_json(journal):
    data = rows(journal, "stats")
    assert list(data) == ["from", "to", "months", "totals", "top_fed", "streak_weeks"]
    assert list(data["months"][0]) == ["month", "given", "received", "asked"]
    assert list(data["totals"]) == ["given", "received", "asked", "people_fed"]
    assert list(data["top_fed"][0]) == ["id", "name", "given"]
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert "`{from, to, months: [{month, given, received, asked}], totals: {given, received,\nasked, people_fed}, top_fed: [{id, name, given}], streak_weeks}`" in readme


@pytest.mark.parametrize("args", [["hungry"], ["hungry", "--all"], ["hungry", "--explain"], ["balance"], ["asks", "--all"], ["owe"], ["stats"], ["cadence"], ["show", "ben"], ["log"], []], ids=lambda a: " ".join(a) or "dashboard")
def test_on_an_80_column_terminal_every_report_fits(journal, env, args):
    """A real pseudo-terminal 80 columns wide, so Rich draws its own tables."""
    import re
    import unicodedata

    from conftest import on_terminal

    code, out = on_terminal(args, env.env)
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", out).replace("\r", "")
    assert code == 0 and len(text.strip().splitlines()) > 2, text
    wide = [line for line in text.splitlines() if sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line) > 80]
    assert not wide, "\n".join(wide)
