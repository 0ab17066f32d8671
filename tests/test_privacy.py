"""Private data stays private: modes, deleted text, error messages."""

from __future__ import annotations

import os
import sqlite3

from conftest import run_netlog

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


def test_deleted_text_is_gone_even_while_a_reader_is_open(cli, env):
    """A reader that started before the delete holds old pages; once it ends and the
    next write checkpoints, the text is gone."""
    cli("add", f"Gone {SECRET}")
    reader = sqlite3.connect(env.db)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM contact").fetchone()
    cli("rm", "gone", "--yes")
    reader.close()
    cli("add", "Someone Else")
    cli("rm", "someone", "--yes")
    assert _contains(env.db, SECRET) == []


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
