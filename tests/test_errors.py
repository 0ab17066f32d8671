"""Every bad input: one line on stderr, the right exit code, and the journal unchanged."""

from __future__ import annotations

import pytest
from conftest import db_state, run_netlog

BAD = [
    # (args, exit code, words the one line must contain)
    (("add", ""), 2, "NAME is empty"),
    (("add", "   "), 2, "NAME is empty"),
    (("add", "Priya Raman"), 1, "already in the journal"),
    (("add", "X", "--every", "often"), 2, "--every: can't read 'often'"),
    (("add", "Line\nBreak"), 2, "line breaks"),
    (("add", "#7"), 2, "can't start with '#'"),
    (("edit", "nobody", "--email", "x"), 2, "no contact matches 'nobody'"),
    (("give", "pri", ""), 2, "WHAT is empty"),
    (("give", "pri", "x", "--on", "2026-02-30"), 2, "'2026-02-30' is not a real date"),
    (("give", "pri", "x", "--on", "tomorrow"), 2, "in the future"),
    (("give", "pri", "x", "--on", "someday"), 2, "can't read 'someday' as a date"),
    (("give", "pri", "x", "--kind", "bribe"), 2, "--kind"),
    (("give", "pri", "x", "--intro", "nobody"), 2, "no contact matches 'nobody'"),
    (("give", "pri"), 2, "WHAT is missing"),
    (("give",), 2, "missing argument"),
    (("got", "pri", "x", "--on", "in 3 days"), 2, "in the future"),
    (("ask", "pri", "x", "--follow-up", "whenever"), 2, "--follow-up"),
    (("ask", "pri", "x", "--on", "2026-11-20", "--follow-up", "2026-11-01"), 2, "before the ask"),
    (("note", "pri", "x\x00y"), 2, "NUL"),
    (("resolve", "1", "maybe"), 2, "not one of helped"),
    (("resolve", "abc", "helped"), 2, "no contact matches 'abc'"),
    (("followup", "99"), 2, "no entry #99"),
    (("drop", "x1"), 2, "not an entry id"),
    (("amend", "1", "--on", "2027-01-01"), 2, "in the future"),
    (("log", "--since", "nope"), 2, "can't read 'nope'"),
    (("log", "--type", "bribe"), 2, "--type"),
    (("rm", "pri"), 2, "--yes"),
    (("frobnicate",), 2, "no such command"),
    (("give", "pri", "x", "--bogus"), 2, "no such option"),
    (("--today", "2026-99-01", "contacts"), 2, "--today"),
]


@pytest.fixture
def journal(cli):
    cli("add", "Priya Raman")
    cli("ask", "pri", "a referral")
    return cli


@pytest.mark.parametrize("args, code, words", BAD, ids=[" ".join(a[0]) for a in BAD])
def test_bad_input(journal, env, args, code, words):
    before = db_state(env.db)
    r = journal(*args, code=code)
    assert r.stderr.startswith("netlog: ")
    assert r.stderr.count("\n") == 1, r.stderr  # exactly one line
    assert words.lower() in r.stderr.lower()
    assert "Traceback" not in r.stderr and r.stdout == ""
    assert db_state(env.db) == before


def test_bad_netlog_today(env, cli, monkeypatch):
    monkeypatch.setenv("NETLOG_TODAY", "tuesday")
    r = cli("contacts", code=2)
    assert "NETLOG_TODAY: 'tuesday' is not a date" in r.stderr


@pytest.mark.parametrize(
    "args, code",
    [(("give", "nobody", "x"), 2), (("add", "A"), 0), (("add", "A"), 1), (("give", "a", "x", "--on", "2026-02-30"), 2), (("nope",), 2)],
)
def test_exit_codes_in_a_real_process(env, args, code):
    # run in order within one journal: the second 'add A' conflicts
    r = run_netlog(*args, env=env.env)
    if args == ("add", "A") and code == 1:
        run_netlog("add", "A", env=env.env)
        r = run_netlog("add", "A", env=env.env)
    assert r.returncode == code, r
    assert "Traceback" not in r.stderr
    if code:
        assert r.stderr.count("\n") == 1


def test_unexpected_errors_have_no_traceback_and_no_journal_text(env, cli):
    """A failure deep inside prints its type only: never data, never a traceback."""
    cli("add", "Secret Person")
    import sqlite3

    con = sqlite3.connect(env.db)
    con.execute("DROP INDEX ix_entry_contact")
    con.execute("ALTER TABLE entry RENAME TO entry_gone")  # a broken journal
    con.commit()
    con.close()
    r = run_netlog("give", "secret", "very private words", env=env.env)
    assert r.returncode == 1
    assert "Traceback" not in r.stderr and "private words" not in r.stderr
    assert r.stderr.count("\n") == 1


# Failures of the journal file itself: the line names the file and says what to do.
def _not_sqlite(tmp):  # type: ignore[no-untyped-def]
    path = tmp / "notes.txt"
    path.write_text("my notes\n")
    return path


def _a_directory(tmp):  # type: ignore[no-untyped-def]
    path = tmp / "folder.db"
    path.mkdir()
    return path


def _under_a_file(tmp):  # type: ignore[no-untyped-def]
    (tmp / "plain").write_text("x")
    return tmp / "plain" / "journal.db"  # its folder can't be made: a file is in the way


JOURNAL_FAILURES = [
    (_not_sqlite, "is not a SQLite database, so not a netlog journal; choose another file with --db"),
    (_a_directory, "is a directory, not a journal; give a file path with --db"),
    (_under_a_file, "choose another place with --db"),
]


@pytest.mark.parametrize("make, remedy", JOURNAL_FAILURES, ids=["not sqlite", "a directory", "folder blocked"])
def test_journal_file_failures_say_which_file_and_what_to_do(env, make, remedy):
    path = make(env.tmp)
    r = run_netlog("--db", str(path), "add", "Priya Raman", env=env.env)
    assert r.returncode == 1, r
    assert r.stderr.startswith("netlog: ") and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    assert remedy in r.stderr and str(path if path.exists() else path.parent) in r.stderr, r.stderr
