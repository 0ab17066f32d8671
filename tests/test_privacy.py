"""Private data stays private: modes, deleted text, error messages."""

from __future__ import annotations

import json
import os
import sqlite3

from conftest import run_netlog

from netlog import db

SECRET = "Zanzibar-7781-confidential"


def _files(path):
    return [p for p in (path, f"{path}-wal", f"{path}-shm") if os.path.exists(p)]


def _contains(path, text: str) -> list[str]:
    needle = text.encode()
    return [p for p in _files(path) if needle in open(p, "rb").read()]


def test_deleted_contact_text_is_gone_from_every_file(cli, env):
    cli("add", "Keep Me", "--note", "ordinary")
    cli("add", f"Gone {SECRET}", "--note", f"note {SECRET}", "--company", f"co {SECRET}")
    cli("give", "gone", f"gift {SECRET}")
    cli("note", "gone", f"private {SECRET}")
    cli("ask", "gone", f"ask {SECRET}")
    cli("resolve", "gone", "helped")  # leaves an undo step quoting the ask
    for i in range(20):
        cli("give", "keep", f"filler {i} " + "x" * 2000)
    assert _contains(env.db, SECRET)  # the check can see it while it is there
    cli("rm", "gone", "--yes")
    assert _contains(env.db, SECRET) == []
    assert cli("log", "--json").stdout.count("filler") == 20


def test_deleted_text_is_gone_even_while_a_reader_is_open(cli, env, monkeypatch):
    """A reader that started before the delete holds old pages; once it ends and the
    next write checkpoints, the text is gone."""
    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 500)  # rm's checkpoint waits this long for the reader, in vain
    cli("add", f"Gone {SECRET}")
    reader = sqlite3.connect(env.db)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM contact").fetchone()
    cli("rm", "gone", "--yes")
    reader.close()
    cli("add", "Someone Else")
    cli("rm", "someone", "--yes")
    assert _contains(env.db, SECRET) == []


def test_deleted_text_is_gone_while_an_idle_connection_keeps_the_wal(cli, env):
    """Another connection stays open (idle, between transactions) through the rm,
    so closing netlog's own is not the last close, which would checkpoint and
    delete the WAL anyway: only Journal.forget's checkpoint clears the text from
    the main file and the WAL."""
    cli("add", "Keep Me")
    cli("add", f"Gone {SECRET}", "--note", f"note {SECRET}")
    cli("give", "gone", f"gift {SECRET}")
    idle = sqlite3.connect(env.db)
    try:
        idle.execute("SELECT count(*) FROM contact").fetchone()  # opens the WAL, then idles
        cli("give", "keep", "after the idle one opened")  # a frame in the WAL that holds the secret's page
        assert _contains(env.db, SECRET)
        cli("rm", "gone", "--yes")
        assert os.path.exists(f"{env.db}-wal")  # still there, held by the idle connection
        assert _contains(env.db, SECRET) == []  # neither the main file nor the WAL
    finally:
        idle.close()


def test_deleted_contact_text_is_not_in_a_later_backup(cli, env):
    cli("add", "Keep Me")
    cli("add", f"Gone {SECRET}", "--note", f"note {SECRET}")
    cli("note", "gone", f"talked about {SECRET}")
    cli("backup", str(env.tmp / "before.db"))
    assert SECRET.encode() in (env.tmp / "before.db").read_bytes()  # a backup does carry it while it is there
    assert _contains(env.db, SECRET)
    cli("rm", "gone", "--yes")
    cli("backup", str(env.tmp / "after.db"))
    assert SECRET.encode() not in (env.tmp / "after.db").read_bytes()
    assert [c["name"] for c in json.loads(cli("--db", str(env.tmp / "after.db"), "contacts", "--json").stdout)] == ["Keep Me"]


def test_an_unexpected_error_shows_no_traceback_locals_or_journal_text(cli, env, monkeypatch):
    """A bug deep inside (forced here) prints its type and what to do, one line:
    never the exception's text, a traceback, a local variable or journal data."""
    from netlog import journal

    cli("add", f"Person {SECRET}", "--note", f"note {SECRET}")

    def broken(conn, *args, **kwargs):  # type: ignore[no-untyped-def]
        private_local = f"local {SECRET}"
        row = conn.execute("SELECT note FROM contact").fetchone()[0]
        raise RuntimeError(f"failed on {private_local} and {row}")

    monkeypatch.setattr(journal, "add_entry", broken)
    r = cli("give", "person", "a gift", code=1)
    assert r.stdout == ""
    assert r.stderr == (
        "netlog: unexpected RuntimeError; nothing was saved. Run 'netlog check', and report this with NETLOG_DEBUG=1 output\n"
    )
    assert SECRET not in r.stderr and "Traceback" not in r.stderr and "private_local" not in r.stderr


def test_no_journal_text_in_unrelated_errors(cli, env):
    cli("add", f"Person {SECRET}")
    cli("give", "person", f"gift {SECRET}")
    for args in (["give", "nobody", "x"], ["resolve", "1", "maybe"], ["amend", "1", "--on", "someday"], ["log", "--since", "x"]):
        r = run_netlog(*args, env=env.env)
        assert r.returncode == 2 and SECRET not in r.stderr and SECRET not in r.stdout


def test_merged_away_card_text_is_gone_from_every_file(cli, env):
    cli("add", "Keep Me")
    cli("add", f"Other {SECRET}")
    assert _contains(env.db, SECRET)
    cli("merge", "keep", "other", "--yes")
    assert _contains(env.db, SECRET) == []
