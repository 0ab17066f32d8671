"""Journal entries: give, got, ask, resolve, followup, note, log, undo, drop, amend, show."""

from __future__ import annotations

import json

import pytest
from conftest import TODAY, db_state


@pytest.fixture
def two(cli):
    cli("add", "Priya Raman")
    cli("add", "Sam Lee")
    return cli


def log(cli, *args):
    return json.loads(cli("log", "--json", *args).stdout)


def show(cli, name):
    return json.loads(cli("show", name, "--json").stdout)


def test_give_with_kind_and_date(two):
    r = two("give", "pri", "reviewed her deck", "--kind", "advice", "--on", "3 days ago")
    assert "Saved #1 2026-11-20 gave Priya Raman (advice): reviewed her deck" in r.stderr
    assert r.stdout == ""
    e = log(two)[0]
    assert (e["type"], e["kind"], e["day"], e["what"]) == ("give", "advice", "2026-11-20", "reviewed her deck")


def test_kind_accepts_unique_prefix_and_refuses_unknown(two, env):
    two("give", "pri", "x", "--kind", "ref")
    assert log(two)[0]["kind"] == "referral"
    before = db_state(env.db)
    r = two("give", "pri", "x", "--kind", "bribe", code=2)
    assert "--kind: 'bribe' is not one of intro, referral" in r.stderr
    assert db_state(env.db) == before


def test_an_introduction_feeds_both(two):
    two("give", "pri", "you two should talk", "--intro", "sam", "--on", "2026-11-01")
    for name in ("pri", "sam"):
        c = show(two, name)
        assert c["totals"]["given"] == 1 and c["last_given"] == "2026-11-01"
    e = log(two)[0]
    assert e["kind"] == "intro" and e["contact"] == "Priya Raman" and e["other"] == "Sam Lee"
    assert len(log(two, "sam")) == 1


def test_intro_to_the_same_person_is_refused(two):
    assert "two different people" in two("give", "pri", "x", "--intro", "priya", code=2).stderr


def test_got_does_not_feed_the_relationship(two):
    two("got", "pri", "a book", "--kind", "gift")
    c = show(two, "pri")
    assert c["totals"]["received"] == 1 and c["totals"]["given"] == 0 and c["last_given"] is None


def test_ask_prints_its_id_and_nudges_to_give_first(two):
    r = two("ask", "pri", "a referral")
    assert r.stdout.strip() == "1"
    assert "never given to Priya Raman" in r.stderr and "Do it first" in r.stderr
    e = log(two)[0]
    assert e["follow_up"] == "2026-11-30" and e["outcome"] is None


def test_ask_after_a_recent_give_has_no_nudge(two):
    two("give", "pri", "coffee", "--on", "2026-11-20")
    r = two("ask", "pri", "a referral", "--follow-up", "next friday")
    assert "never given" not in r.stderr and "last give" not in r.stderr.lower()
    assert log(two, "--type", "ask")[0]["follow_up"] == "2026-11-27"


def test_ask_outside_cadence_nudges(two):
    two("give", "pri", "coffee", "--on", "2026-01-02")
    r = two("ask", "pri", "a referral")
    assert "325 days ago" in r.stderr


def test_resolve_by_id_or_by_name(two):
    two("ask", "pri", "a referral")
    two("ask", "sam", "a loan of a ladder")
    two("resolve", "1", "helped")
    two("resolve", "sam", "ign")
    asks = {e["id"]: e for e in log(two, "--type", "ask")}
    assert asks[1]["outcome"] == "helped" and asks[1]["resolved_on"] == TODAY
    assert asks[2]["outcome"] == "ignored"
    t = show(two, "pri")["totals"]
    assert (t["received"], t["helped"], t["asked"]) == (1, 1, 1)


def test_resolve_by_name_needs_exactly_one_open_ask(two):
    two("ask", "pri", "one")
    two("ask", "pri", "two")
    r = two("resolve", "pri", "helped", code=2)
    assert "2 open asks (#1, #2)" in r.stderr
    r = two("resolve", "sam", "helped", code=2)
    assert "no open ask" in r.stderr


def test_resolve_refuses_bad_outcome_and_non_asks(two, env):
    two("ask", "pri", "one")
    two("give", "pri", "coffee")
    before = db_state(env.db)
    assert "not one of helped, declined, ignored" in two("resolve", "1", "maybe", code=2).stderr
    assert "is a give, not an ask" in two("resolve", "2", "helped", code=2).stderr
    assert "no entry #9" in two("resolve", "9", "helped", code=2).stderr
    assert db_state(env.db) == before


def test_followup_moves_the_next_date(two):
    two("ask", "pri", "a referral", "--on", "2026-11-01")  # follow up on 11-08
    two("followup", "1", "--on", "2026-11-10")
    e = log(two)[0]
    assert (e["followups"], e["followed_up_on"], e["follow_up"]) == (1, "2026-11-10", "2026-11-17")


def test_note_does_not_feed(two):
    two("note", "pri", "her daughter started college")
    c = show(two, "pri")
    assert c["totals"]["notes"] == 1 and c["last_given"] is None
    assert c["timeline"][0]["type"] == "note"


def test_unknown_name_needs_new(cli, env):
    r = cli("give", "Nora Quist", "coffee", code=2)
    assert "use --new" in r.stderr
    assert db_state(env.db) == "absent"
    cli("give", "Nora Quist", "coffee", "--new")
    assert show(cli, "nora")["totals"]["given"] == 1
    cli("ask", "Nora Quist", "intro", "--new")  # exists now: --new reuses it
    assert len(json.loads(cli("contacts", "--json").stdout)) == 1


def test_text_from_stdin(two):
    two("note", "pri", "-", input="private detail\n")
    assert log(two)[0]["what"] == "private detail"


def test_log_filters(two):
    two("give", "pri", "a", "--on", "2026-10-01", "--kind", "advice")
    two("got", "sam", "b", "--on", "2026-11-01")
    two("ask", "sam", "c", "--on", "2026-11-10")
    assert [e["what"] for e in log(two)] == ["c", "b", "a"]
    assert [e["what"] for e in log(two, "sam")] == ["c", "b"]
    assert [e["what"] for e in log(two, "--kind", "advice")] == ["a"]
    assert [e["what"] for e in log(two, "--since", "2026-11-01")] == ["c", "b"]
    assert [e["what"] for e in log(two, "--type", "got")] == ["b"]
    assert [e["what"] for e in log(two, "--limit", "1")] == ["c"]
    table = two("log").stdout.splitlines()
    assert table[0].split() == ["#", "Date", "Type", "Who", "What"] and "2026-11-10" in table[1]


def test_undo_removes_the_last_entry_and_says_so(two):
    two("give", "pri", "first")
    two("give", "pri", "second")
    r = two("undo")
    assert "removed #2" in r.stderr and "second" in r.stderr
    assert [e["what"] for e in log(two)] == ["first"]


def test_undo_takes_back_a_resolve_without_losing_the_ask(two):
    two("ask", "pri", "a referral")
    two("resolve", "1", "declined")
    two("undo")
    e = log(two)[0]
    assert e["outcome"] is None and e["what"] == "a referral"


def test_undo_removes_a_contact_made_by_new(cli):
    cli("give", "Nora Quist", "coffee", "--new")
    cli("undo")
    assert json.loads(cli("contacts", "--json").stdout) == []


def test_undo_with_nothing_to_undo(cli):
    cli("add", "Priya Raman")
    assert "nothing to undo" in cli("undo", code=1).stderr


def test_drop_and_undo_brings_it_back(two):
    two("give", "pri", "coffee", "--intro", "sam")
    two("drop", "1")
    assert log(two) == []
    two("undo")
    e = log(two)[0]
    assert e["what"] == "coffee" and e["other"] == "Sam Lee" and e["id"] == 1


def test_amend(two):
    two("give", "pri", "coffee")
    two("amend", "1", "--what", "lunch", "--on", "yesterday", "--kind", "gift")
    e = log(two)[0]
    assert (e["what"], e["day"], e["kind"]) == ("lunch", "2026-11-22", "gift")
    assert "nothing to change" in two("amend", "1", code=2).stderr
    two("undo")
    assert log(two)[0]["what"] == "coffee"


def test_show_card_and_timeline(two):
    two("edit", "pri", "--company", "Northwind")
    two("give", "pri", "intro", "--intro", "sam", "--on", "2026-11-01")
    two("ask", "pri", "referral", "--on", "2026-11-02")
    two("note", "pri", "likes jazz", "--on", "2026-11-03")
    out = two("show", "pri").stdout
    assert out.splitlines()[0] == "Priya Raman  (#1)"
    assert "company:  Northwind" in out
    assert "last gave: 2026-11-01 (22 days ago)" in out
    assert "given 1, received 0, asked 1 (helped 0, declined 0, ignored 0, open 1), notes 1" in out
    assert "introduced to Sam Lee: intro" in out and "referral -> open" in out
    data = show(two, "pri")
    assert [e["type"] for e in data["timeline"]] == ["note", "ask", "give"]
    assert [a["what"] for a in data["open_asks"]] == ["referral"]


def test_show_limits_the_timeline(two):
    for i in range(5):
        two("give", "pri", f"g{i}", "--on", f"2026-11-0{i + 1}")
    data = show(two, "pri")
    assert data["timeline_total"] == 5 and len(data["timeline"]) == 5
    data = json.loads(two("show", "pri", "--limit", "2", "--json").stdout)
    assert [e["what"] for e in data["timeline"]] == ["g4", "g3"] and data["timeline_total"] == 5
    assert data["totals"]["given"] == 5
    out = two("show", "pri", "-n", "2").stdout
    assert "Timeline (newest 2 of 5; --limit 0 shows all)" in out
    two("ask", "pri", "old ask", "--on", "2026-10-01")
    data = json.loads(two("show", "pri", "--limit", "1", "--json").stdout)
    assert [a["what"] for a in data["open_asks"]] == ["old ask"]  # open asks are never cut


def test_new_creates_the_contact_for_got_and_note_too(cli):
    cli("got", "Nora Quist", "a book", "--new")
    cli("note", "Wen Zhou", "moved to Lisbon", "--new")
    names = sorted(c["name"] for c in json.loads(cli("contacts", "--json").stdout))
    assert names == ["Nora Quist", "Wen Zhou"]
    assert show(cli, "nora")["totals"]["received"] == 1 and show(cli, "wen")["totals"]["notes"] == 1


def test_new_is_for_name_only_a_typo_in_intro_creates_nobody(two, env):
    before = db_state(env.db)
    r = two("give", "Nora Quist", "coffee", "--new", "--intro", "Samm Leee", code=2)
    assert "--intro: no contact matches 'Samm Leee'" in r.stderr and "did you mean 'Sam Lee'" in r.stderr
    assert db_state(env.db) == before  # neither Nora nor 'Samm Leee' was created
    two("give", "Nora Quist", "an intro", "--new", "--intro", "sam")
    assert show(two, "sam")["last_given"] == TODAY


def test_the_new_hint_only_where_there_is_a_new_option(two):
    assert "use --new" in two("give", "zed", "x", code=2).stderr
    for args in (["show", "zed"], ["edit", "zed", "--email", "z@x"], ["rm", "zed", "--yes"], ["log", "zed"]):
        r = two(*args, code=2)
        assert "no contact matches 'zed'" in r.stderr and "--new" not in r.stderr, args


def test_log_since_errors_name_since(two):
    r = two("log", "--since", "nope", code=2)
    assert r.stderr.startswith("netlog: --since: can't read 'nope'")
    assert "--since: 'tomorrow' is" in two("log", "--since", "tomorrow", code=2).stderr


def test_each_followup_waits_as_long_as_the_first_wait(two):
    two("ask", "pri", "a referral", "--on", "2026-11-01")  # first wait 7 days: 11-08
    two("followup", "1", "--on", "2026-11-09")  # next: 7 days later, 11-16
    two("followup", "1", "--on", "2026-11-20")  # and again 7 days: 11-27 (not 11-20 + 11 days)
    e = log(two)[0]
    assert (e["followups"], e["followed_up_on"], e["follow_up"]) == (2, "2026-11-20", "2026-11-27")


def test_followup_refuses_dates_that_go_backwards(two, env):
    two("ask", "pri", "a referral", "--on", "2026-11-01")
    two("followup", "1", "--on", "2026-11-10")
    before = db_state(env.db)
    r = two("followup", "1", "--next", "2026-11-05", code=2)
    assert "--next: 2026-11-05 is not after the follow-up itself (2026-11-23)" in r.stderr
    r = two("followup", "1", "--on", "2026-11-09", code=2)
    assert "before your last follow-up (2026-11-10)" in r.stderr
    assert db_state(env.db) == before


def test_amending_an_ask_keeps_it_before_what_followed(two, env):
    two("ask", "pri", "a referral", "--on", "2026-11-01")  # follow-up 11-08, the default wait
    two("amend", "1", "--on", "2026-11-03")
    assert log(two)[0]["follow_up"] == "2026-11-10"  # the wait moves with the ask
    two("resolve", "1", "helped", "--on", "2026-11-12")
    before = db_state(env.db)
    r = two("amend", "1", "--on", "2026-11-15", code=2)
    assert "#1 was resolved on 2026-11-12; an ask can't come after that" in r.stderr
    assert db_state(env.db) == before


def test_show_lists_open_asks_even_when_the_timeline_is_cut(two):
    two("ask", "pri", "a big referral", "--on", "2026-11-01")
    two("give", "pri", "coffee")
    out = two("show", "pri", "--limit", "1").stdout
    assert "open asks: 1" in out and "#1 2026-11-01: a big referral (follow up 2026-11-08)" in out
    assert "Timeline (newest 1 of 2" in out
    assert "open asks" not in two("show", "sam").stdout


def test_the_give_first_hint_is_a_command_that_runs(cli):
    cli("add", "--", "-Dash Rivera")
    r = cli("ask", "#1", "a referral")
    hint = r.stderr.split("Try: ")[1].split("\n")[0]
    assert hint == "netlog give '#1' ..."
    import shlex

    cli(*shlex.split(hint)[1:-1], "coffee")  # the command as printed, with WHAT filled in
    assert show(cli, "#1")["totals"]["given"] == 1


def test_edit_removes_whatever_the_editor_left_beside_the_file(cli, env, monkeypatch, tmp_path):
    """Editors leave backups (entry.txt~) and swap files: the whole private folder goes."""
    import os
    import stat

    editor = tmp_path / "ed.sh"
    editor.write_text('#!/bin/sh\ncp "$1" "$1~"\necho "$(dirname "$1")" > ' + str(tmp_path / "where") + '\necho "private words" > "$1"\n')
    editor.chmod(editor.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("VISUAL", str(editor))
    cli("add", "Priya Raman")
    cli("note", "pri", "--edit")
    folder = (tmp_path / "where").read_text().strip()
    assert log(cli)[0]["what"] == "private words"
    assert not os.path.exists(folder)
