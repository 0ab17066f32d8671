"""Contacts: add, list, edit, archive, rm, and finding them by name."""

from __future__ import annotations

import json

import pytest
from conftest import db_state, on_terminal, run_netlog


def names(cli, *args):
    return [c["name"] for c in json.loads(cli("contacts", "--json", *args).stdout)]


def test_add_with_every_field(cli):
    cli(
        "add", "Priya Raman", "--email", "priya@example.com", "--phone", "+1 555", "--company", "Northwind",
        "--title", "Head of Partnerships", "--url", "https://example.com/p", "--tag", "work", "--tag", "mentor",
        "--met", "PyCon 2024", "--every", "2w", "--note", "likes long walks",
    )
    c = json.loads(cli("show", "priya", "--json").stdout)
    assert (c["email"], c["phone"], c["company"], c["title"], c["url"], c["met"], c["note"]) == (
        "priya@example.com", "+1 555", "Northwind", "Head of Partnerships", "https://example.com/p", "PyCon 2024", "likes long walks",
    )
    assert c["tags"] == ["mentor", "work"]
    assert c["every"] == 14 and c["every_from"] == "contact"
    assert c["added_on"] == "2026-11-23"


def test_names_are_unique_ignoring_case(cli, env):
    cli("add", "Priya Raman")
    before = db_state(env.db)
    r = cli("add", "PRIYA  raman", code=1)
    assert "'Priya Raman' is already in the journal (#1)" in r.stderr
    assert db_state(env.db) == before


def test_unicode_names_fold_case(cli):
    cli("add", "Zoë Straße")
    r = cli("add", "ZOË STRASSE", code=1)
    assert "already in the journal" in r.stderr


def test_contacts_filters_by_tag_and_search(cli):
    cli("add", "Priya Raman", "--tag", "work", "--company", "Northwind")
    cli("add", "Sam Lee", "--tag", "family")
    cli("add", "Wen Zhou", "--tag", "Work", "--email", "wen@contoso.example")
    assert names(cli) == ["Priya Raman", "Sam Lee", "Wen Zhou"]
    assert names(cli, "--tag", "work") == ["Priya Raman", "Wen Zhou"]
    assert names(cli, "--search", "north") == ["Priya Raman"]
    assert names(cli, "--search", "CONTOSO") == ["Wen Zhou"]
    assert names(cli, "--search", "nobody") == []


def test_contacts_table_and_csv(cli):
    cli("add", "Priya Raman", "--company", "Northwind", "--tag", "work")
    out = cli("contacts").stdout
    assert out.splitlines()[0].split() == ["#", "Name", "Company", "Title", "Tags"]
    assert "Priya Raman" in out and "\x1b[" not in out  # piped: no colour codes
    csv_out = cli("contacts", "--csv").stdout.splitlines()
    assert csv_out[0].startswith("id,name,email") and "Priya Raman" in csv_out[1]


def test_edit_changes_fields_tags_and_cadence(cli):
    cli("add", "Priya Raman", "--tag", "work", "--email", "old@example.com")
    cli("edit", "pri", "--name", "Priya R. Raman", "--email", "new@example.com", "--tag", "mentor", "--untag", "work", "--every", "1m")
    c = json.loads(cli("show", "priya", "--json").stdout)
    assert c["name"] == "Priya R. Raman" and c["email"] == "new@example.com"
    assert c["tags"] == ["mentor"] and c["every"] == 30
    cli("edit", "pri", "--email", "", "--every", "default")
    c = json.loads(cli("show", "priya", "--json").stdout)
    assert c["email"] is None and c["every_from"] == "default" and c["every"] == 90


def test_edit_cannot_take_another_contacts_name(cli, env):
    cli("add", "Priya Raman")
    cli("add", "Sam Lee")
    before = db_state(env.db)
    r = cli("edit", "sam", "--name", "priya raman", code=1)
    assert "already in the journal" in r.stderr and db_state(env.db) == before


def test_archive_hides_and_restore_brings_back(cli):
    cli("add", "Priya Raman")
    cli("give", "pri", "coffee")
    cli("archive", "pri")
    assert names(cli) == []
    assert names(cli, "--archived") == ["Priya Raman"]
    assert json.loads(cli("show", "pri", "--json").stdout)["totals"]["given"] == 1  # history kept
    cli("archive", "pri", "--restore")
    assert names(cli) == ["Priya Raman"]
    cli("archive", "pri")
    cli("unarchive", "pri")
    assert names(cli) == ["Priya Raman"]


def test_rm_needs_yes_without_a_terminal(cli, env):
    cli("add", "Priya Raman")
    cli("give", "pri", "coffee")
    before = db_state(env.db)
    r = cli("rm", "pri", code=2)
    assert "--yes" in r.stderr and db_state(env.db) == before
    r = cli("rm", "pri", "--yes")
    assert "Deleted Priya Raman" in r.stderr
    assert names(cli) == [] and json.loads(cli("log", "--json").stdout) == []


def test_rm_in_a_real_process_without_terminal(env, cli):
    cli("add", "Priya Raman")
    r = run_netlog("rm", "priya", env=env.env)
    assert r.returncode == 2 and "--yes" in r.stderr and "Traceback" not in r.stderr
    assert run_netlog("rm", "priya", "--yes", env=env.env).returncode == 0


# -- finding a contact by name ------------------------------------------------


@pytest.fixture
def people(cli):
    for n in ("Priya Raman", "Priyanka Shah", "Sam Lee", "Samuel Ortiz", "Grace O'Neill", "Jean-Luc Picard"):
        cli("add", n)
    return cli


def who(cli, typed):
    return json.loads(cli("show", typed, "--json").stdout)["name"]


def test_exact_match_ignoring_case_wins_over_prefixes(people):
    people("add", "Sam")
    assert who(people, "sam") == "Sam"


def test_unique_prefix_of_name_or_any_word(people):
    assert who(people, "priyan") == "Priyanka Shah"
    assert who(people, "ram") == "Priya Raman"  # a word's prefix
    assert who(people, "ortiz") == "Samuel Ortiz"
    assert who(people, "luc") == "Jean-Luc Picard"


def test_unique_substring(people):
    assert who(people, "neil") == "Grace O'Neill"


def test_several_candidates_are_listed_with_exit_2(people):
    r = people("show", "pri", code=2)
    assert "matches several contacts" in r.stderr
    assert "Priya Raman (#1)" in r.stderr and "Priyanka Shah (#2)" in r.stderr
    assert r.stderr.count("\n") == 1


def test_no_match_suggests_did_you_mean(people):
    r = people("show", "Priyaa Ramen", code=2)
    assert "did you mean 'Priya Raman'" in r.stderr


def test_contact_id_works(people):
    assert who(people, "#3") == "Sam Lee"
    assert "no contact #99" in people("show", "#99", code=2).stderr


def test_like_wildcards_are_literal(people):
    r = people("show", "%", code=2)
    assert "no contact matches" in r.stderr
    people("show", "_", code=2)


def test_names_that_look_like_markup_print_on_a_terminal(cli, monkeypatch):
    """Rich tables get names as text, never as markup."""
    import netlog.render

    cli("add", "Bob [/b] [bold]x")
    monkeypatch.setattr(netlog.render, "is_terminal", lambda stream=None: True)
    r = cli("contacts")
    assert "Bob [/b] [bold]x" in r.stdout


def test_rm_asks_on_a_terminal_without_holding_the_journal(cli, env):
    """In a real terminal: 'n' keeps the contact, 'y' deletes; while the question
    is open, other netlog commands (a cron job, say) write as usual."""
    import time

    cli("add", "Sam Lee")
    cli("give", "sam", "coffee")
    code, out = on_terminal(["rm", "sam"], env.env, "n")
    assert code == 2 and "Delete Sam Lee (#1) and their 1 entry?" in out and "cancelled" in out
    assert json.loads(cli("contacts", "--json").stdout)[0]["name"] == "Sam Lee"

    cli("add", "Priya Raman")
    waited: list[float] = []

    def meanwhile() -> None:
        start = time.monotonic()
        r = run_netlog("give", "pri", "intro to a hiring manager", env=env.env, timeout=30)
        waited.append(time.monotonic() - start)
        assert r.returncode == 0, r.stderr

    code, out = on_terminal(["rm", "sam"], env.env, "y", while_asked=meanwhile)
    assert code == 0 and "Deleted Sam Lee (#1) and their 1 entry." in out
    assert waited and waited[0] < 8  # it never queued behind the question (the lock wait is 10 s)
    assert [c["name"] for c in json.loads(cli("contacts", "--json").stdout)] == ["Priya Raman"]
    assert json.loads(cli("show", "pri", "--json").stdout)["totals"]["given"] == 1


def test_rm_deletes_nothing_when_the_contact_changed_while_it_asked(cli, env):
    cli("add", "Sam Lee")
    cli("give", "sam", "coffee")

    def meanwhile() -> None:  # cron, or another terminal, writes about Sam
        assert run_netlog("got", "sam", "a referral", env=env.env, timeout=30).returncode == 0

    code, out = on_terminal(["rm", "sam"], env.env, "y", while_asked=meanwhile)
    assert code == 1 and "Sam Lee changed while you were deciding; nothing was deleted" in out
    assert json.loads(cli("show", "sam", "--json").stdout)["totals"]["received"] == 1
