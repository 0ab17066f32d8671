"""netlog merge KEEP OTHER."""

from __future__ import annotations

import json
import sqlite3

import pytest
from conftest import db_state, on_terminal


def show(cli, name: str) -> dict:  # type: ignore[no-untyped-def]
    return json.loads(cli("show", name, "--json").stdout)


def rows(db, sql: str) -> list[tuple]:  # type: ignore[no-untyped-def]
    con = sqlite3.connect(db)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture
def twins(cli, env):  # type: ignore[no-untyped-def]
    """Priya Raman (#1) and her duplicate Priya R (#2), plus Sam Lee (#3)."""
    cli("add", "Priya Raman", "--company", "Northwind", "--tag", "work", "--note", "Met at Web Summit.")
    cli("add", "Priya R", "--company", "Northwind Traders", "--email", "priya@example.com", "--phone", "+46 70 1",
        "--tag", "mentor", "--tag", "work", "--note", "Likes climbing.", "--every", "1m")
    cli("add", "Sam Lee")
    cli("give", "Priya Raman", "coffee", "--on", "2026-10-01")
    cli("give", "Priya R", "intro to Sam", "--intro", "sam", "--on", "2026-10-05")
    cli("give", "sam", "intro to Priya R", "--intro", "Priya R", "--on", "2026-10-06")
    cli("give", "Priya Raman", "intro to her other self", "--intro", "Priya R", "--on", "2026-10-07")
    cli("ask", "Priya R", "a referral", "--on", "2026-10-08")
    cli("note", "Priya R", "changed jobs", "--on", "2026-10-09")
    return env


def test_merge_moves_everything_to_keep(cli, twins):
    env = twins
    r = cli("merge", "Priya Raman", "Priya R", "--yes")
    assert "Merge Priya R (#2) into Priya Raman (#1)" in r.stderr
    assert "drop Priya R's company: 'Northwind Traders'" in r.stderr  # the discarded value is shown
    assert "take email: 'priya@example.com'" in r.stderr
    assert "Merged Priya R (#2) into Priya Raman (#1)" in r.stderr
    assert r.stdout == ""
    keep = show(cli, "Priya Raman")
    assert keep["company"] == "Northwind"  # KEEP's value wins
    assert keep["email"] == "priya@example.com" and keep["phone"] == "+46 70 1"  # empty fields filled
    assert keep["every_days"] == 30
    assert keep["note"] == "Met at Web Summit.\n\nLikes climbing."  # notes are joined, not dropped
    assert keep["tags"] == ["mentor", "work"]
    assert rows(env.db, "SELECT count(*) FROM contact WHERE name = 'Priya R'") == [(0,)]
    # every entry is KEEP's now, as contact and as the person introduced
    assert rows(env.db, "SELECT count(*) FROM entry WHERE contact_id = 2 OR other_id = 2") == [(0,)]
    assert rows(env.db, "SELECT contact_id, other_id FROM entry WHERE what = 'intro to Sam'") == [(1, 3)]
    assert rows(env.db, "SELECT contact_id, other_id FROM entry WHERE what = 'intro to Priya R'") == [(3, 1)]
    # the introduction between the two became a plain give to KEEP
    assert rows(env.db, "SELECT contact_id, other_id, kind FROM entry WHERE what = 'intro to her other self'") == [(1, None, "intro")]
    assert keep["totals"]["asked"] == 1 and keep["totals"]["notes"] == 1
    assert rows(env.db, "SELECT count(*) FROM undo_step") == [(0,)]
    assert rows(env.db, "SELECT count(*) FROM contact_tag WHERE contact_id = 2") == [(0,)]
    assert rows(env.db, "PRAGMA foreign_key_check") == []
    con = sqlite3.connect(env.db)
    try:
        from netlog import db

        assert db.stale_kept_days(con) == []  # KEEP's last give is now the latest of both histories
    finally:
        con.close()
    assert rows(env.db, "SELECT last_given FROM contact WHERE id = 1") == [("2026-10-07",)]


def test_undo_after_merge_has_nothing_to_take_back(cli, twins):
    cli("merge", "Priya Raman", "Priya R", "--yes")
    r = cli("undo", code=None)
    assert r.exit_code == 1 and "nothing to undo" in r.stderr


def test_merge_keeps_the_earlier_added_on(cli, env):
    cli("add", "Ana Silva", "--email", "ana@example.pt")
    con = sqlite3.connect(env.db)
    con.execute("UPDATE contact SET added_on = '2020-01-01' WHERE id = 1")
    con.commit()
    con.close()
    cli("add", "Ana S")
    cli("merge", "Ana S", "Ana Silva", "--yes")
    ana = show(cli, "Ana S")
    assert ana["added_on"] == "2020-01-01" and ana["email"] == "ana@example.pt"


def test_merge_without_a_terminal_needs_yes(cli, twins):
    before = db_state(twins.db)
    r = cli("merge", "Priya Raman", "Priya R", code=2)
    assert "needs --yes" in r.stderr
    assert db_state(twins.db) == before


@pytest.mark.parametrize(
    "args, words",
    [
        (["Priya Raman", "#1"], "name two different contacts"),
        (["Priya Raman", "Nobody Here"], "OTHER: no contact matches 'Nobody Here'"),
        (["Nobody", "Priya R"], "KEEP: no contact matches"),
        (["Priya"], "missing argument"),
    ],
)
def test_merge_usage_errors(cli, twins, args, words):
    before = db_state(twins.db)
    r = cli("merge", *args, "--yes", code=2)
    assert words.lower() in r.stderr.lower(), r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert db_state(twins.db) == before


def test_merge_is_one_transaction(cli, twins, monkeypatch):
    from netlog import merge as merging

    before = db_state(twins.db)
    real = merging.apply

    def broken(session, plan):  # type: ignore[no-untyped-def]
        real(session, plan)
        raise KeyboardInterrupt

    monkeypatch.setattr(merging, "apply", broken)
    cli("merge", "Priya Raman", "Priya R", "--yes", code=130)
    assert db_state(twins.db) == before


def test_merge_refuses_when_the_contacts_changed_after_the_preview(cli, twins, monkeypatch):
    from netlog import merge as merging

    real = merging.plan
    calls = {"n": 0}

    def drifting(session, keep, other):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        p = real(session, keep, other)
        if calls["n"] == 2:  # someone added an entry between the question and the answer
            p.entries += 1
        return p

    monkeypatch.setattr(merging, "plan", drifting)
    before = db_state(twins.db)
    r = cli("merge", "Priya Raman", "Priya R", "--yes", code=1)
    assert "changed while you were deciding" in r.stderr
    assert db_state(twins.db) == before


def test_merge_asks_on_a_terminal(cli, twins):
    """In a real terminal (a pty): the preview, a question, and 'n' changes nothing; 'y' merges."""
    def run(answer: str) -> tuple[int, str]:
        return on_terminal(["merge", "Priya Raman", "Priya R"], twins.env, answer)

    before = db_state(twins.db)
    code, out = run("n")
    assert "drop Priya R's company: 'Northwind Traders'" in out and "[y/N]" in out
    assert code == 2 and "cancelled" in out
    assert db_state(twins.db) == before
    code, out = run("y")
    assert code == 0 and "Merged Priya R (#2) into Priya Raman (#1)" in out
    assert rows(twins.db, "SELECT count(*) FROM contact") == [(2,)]
