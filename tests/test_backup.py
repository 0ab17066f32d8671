"""netlog backup and netlog check."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest
from conftest import TODAY, db_state, run_netlog


def _journal(cli) -> None:  # type: ignore[no-untyped-def]
    cli("add", "Priya Raman", "--tag", "work")
    cli("add", "Sam Lee")
    cli("give", "pri", "intro to Sam", "--intro", "sam")


# --------------------------------------------------------------------------
# backup


def test_backup_default_beside_the_journal_private_checked(cli, env):
    _journal(cli)
    old = os.umask(0o022)
    try:
        r = cli("backup")
    finally:
        os.umask(old)
    target = env.db.parent / f"netlog-{TODAY}.db"
    assert str(target) in r.stderr and "checked" in r.stderr
    assert r.stdout == ""
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert db_state(target) == db_state(env.db)
    with open(target, "rb") as f:
        header = f.read(20)
    assert header[18:20] == b"\x01\x01"  # rollback journal, not WAL: one self-contained file
    assert not Path(f"{target}-wal").exists()
    assert [p.name for p in env.db.parent.iterdir() if p.name.endswith(".tmp")] == []
    assert run_netlog("--db", str(target), "check", env=env.env).returncode == 0


def test_backup_never_overwrites(cli, env, tmp_path):
    _journal(cli)
    cli("backup")
    first = env.db.parent / f"netlog-{TODAY}.db"
    before = first.read_bytes()
    cli("add", "Third Person")
    r = cli("backup")
    second = env.db.parent / f"netlog-{TODAY}-2.db"
    assert str(second) in r.stderr
    assert first.read_bytes() == before
    assert db_state(second) == db_state(env.db)
    r = cli("backup", str(first), code=1)
    assert "already exists" in r.stderr
    assert first.read_bytes() == before


def test_backup_into_a_directory_and_to_a_path(cli, env, tmp_path):
    _journal(cli)
    d = tmp_path / "backups"
    d.mkdir()
    cli("backup", str(d))
    assert (d / f"netlog-{TODAY}.db").exists()
    cli("backup", str(d / "mine.db"))
    assert db_state(d / "mine.db") == db_state(env.db)


def test_backup_without_a_journal(cli, env):
    r = cli("backup", code=1)
    assert "no journal" in r.stderr
    assert not env.db.exists()


def test_backup_to_a_missing_directory(cli, env, tmp_path):
    _journal(cli)
    r = cli("backup", str(tmp_path / "nope" / "b.db"), code=1)
    assert "does not exist" in r.stderr


def test_backup_refuses_another_programs_database(cli, env, tmp_path):
    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    r = cli("--db", str(other), "backup", str(tmp_path / "b.db"), code=1)
    assert "another program" in r.stderr
    assert not (tmp_path / "b.db").exists()


def test_backup_is_a_consistent_snapshot_while_a_writer_is_busy(cli, env, tmp_path):
    _journal(cli)
    committed = db_state(env.db)
    writer = sqlite3.connect(env.db, isolation_level=None, timeout=15)
    try:
        writer.execute("BEGIN IMMEDIATE")  # another netlog in the middle of a write
        writer.execute("INSERT INTO contact (name, name_key, added_on) VALUES ('Half Written', 'half written', '2026-11-23')")
        cli("backup", str(tmp_path / "snap.db"))  # does not wait for the writer, and does not see its rows
        writer.execute("COMMIT")
    finally:
        writer.close()
    assert db_state(tmp_path / "snap.db") == committed
    assert db_state(env.db) != committed


def test_deleted_contact_text_is_not_in_a_later_backup(cli, env, tmp_path):
    _journal(cli)
    secret = "Secret-Diagnosis-7f3a9c"
    cli("add", "Private Person", "--note", secret)
    cli("note", "Private Person", f"talked about {secret}")
    cli("rm", "Private Person", "--yes")
    cli("backup", str(tmp_path / "after.db"))
    assert secret.encode() not in (tmp_path / "after.db").read_bytes()


def _break_a_check_constraint(db: Path) -> None:
    """A row SQLite's CHECK forbids (archived = 7), written with the checks off:
    every page is sound, so VACUUM INTO copies it; only a full check sees it."""
    con = sqlite3.connect(db)
    con.execute("PRAGMA ignore_check_constraints = ON")
    con.execute("UPDATE contact SET archived = 7 WHERE name = 'Sam Lee'")
    con.commit()
    con.close()


def _scribble_over_pages(db: Path) -> None:
    """Garbage over the middle of every page but the first: VACUUM INTO can't read it."""
    data = bytearray(db.read_bytes())
    for p in range(2, len(data) // 4096):
        data[p * 4096 + 100 : p * 4096 + 300] = b"\xa5" * 200
    db.write_bytes(bytes(data))


# Scribbled pages may be caught when the journal opens (they hold its schema) or
# by the snapshot's own reading: either way the line says nothing was written.
@pytest.mark.parametrize("damage, words", [(_break_a_check_constraint, "failed its integrity check"), (_scribble_over_pages, "nothing was")], ids=["check", "pages"])
def test_backup_of_a_damaged_journal_puts_nothing_in_place(cli, env, tmp_path, damage, words):
    _journal(cli)
    people = tmp_path / "people.csv"  # several pages of contacts, for the scribbling
    people.write_text("Name,Email\n" + "".join(f"Person {i:04d} with a long name,p{i}@example.com\n" for i in range(300)), encoding="utf-8")
    cli("import", "csv", str(people))
    journal = tmp_path / "damaged" / "journal.db"
    journal.parent.mkdir()
    cli("backup", str(journal))  # a copy in one file (no WAL) to damage
    damage(journal)
    before = db_state(journal) if damage is _break_a_check_constraint else journal.read_bytes()
    target_dir = tmp_path / "backups"
    target_dir.mkdir()
    for target in (target_dir / "b.db", None):  # a path given, and the dated default beside the journal
        r = run_netlog("--db", str(journal), "backup", *([str(target)] if target else []), env=env.env)
        assert r.returncode == 1, r.stdout + r.stderr
        assert r.stderr.count("\n") == 1 and words in r.stderr and "Traceback" not in r.stderr, r.stderr
    assert list(target_dir.iterdir()) == []  # nothing at the target, no temporary file
    assert sorted(p.name for p in journal.parent.iterdir()) == ["journal.db"]  # no netlog-DATE.db, no .tmp beside it
    assert (db_state(journal) if damage is _break_a_check_constraint else journal.read_bytes()) == before


# --------------------------------------------------------------------------
# check


def test_check_a_sound_journal(cli, env):
    _journal(cli)
    r = cli("check")
    assert "integrity:" in r.stdout and "foreign keys: ok" in r.stdout and "schema:" in r.stdout
    assert "application:  netlog (0x4E544C47)" in r.stdout
    assert r.stdout.strip().splitlines()[-1] == "verdict: ok, the journal is sound"


def test_check_a_corrupted_copy(cli, env, tmp_path):
    _journal(cli)
    people = tmp_path / "people.csv"  # enough rows for several pages of contacts and index
    people.write_text("Name,Email\n" + "".join(f"Person {i:04d} with a long name,p{i}@example.com\n" for i in range(300)), encoding="utf-8")
    cli("import", "csv", str(people))
    cli("backup", str(tmp_path / "copy.db"))
    broken = tmp_path / "copy.db"
    data = bytearray(broken.read_bytes())
    page = 4096
    pages = len(data) // page
    assert pages >= 4
    for p in range(2, pages):  # scribble over the middle of every page but the first
        start = p * page + 100
        data[start : start + 200] = b"\xa5" * 200
    broken.write_bytes(bytes(data))
    before = broken.read_bytes()
    r = cli("--db", str(broken), "check", code=1)
    assert "verdict: PROBLEM" in r.stdout
    assert r.stderr.count("\n") == 1 and "failed its check" in r.stderr
    assert broken.read_bytes() == before  # check never writes


def test_check_sees_a_row_that_breaks_a_check_constraint(cli, env, tmp_path):
    """SQLite skips CHECK constraints on a database opened read-only: check must
    not, or it calls sound the journal that backup refuses."""
    _journal(cli)
    copy = tmp_path / "checked.db"
    shutil.copy(env.db, copy)
    _break_a_check_constraint(copy)
    before = copy.read_bytes()
    r = run_netlog("--db", str(copy), "check", env=env.env)
    assert r.returncode == 1
    assert "integrity:    1 problem(s): CHECK constraint failed in contact" in r.stdout
    assert "verdict: PROBLEM" in r.stdout
    assert copy.read_bytes() == before  # check never writes


def test_check_finds_dangling_references(cli, env, tmp_path):
    _journal(cli)
    copy = tmp_path / "fk.db"
    shutil.copy(env.db, copy)
    con = sqlite3.connect(copy)
    con.execute("PRAGMA foreign_keys = OFF")
    con.execute("DELETE FROM contact WHERE name = 'Sam Lee'")  # leaves the intro pointing at nobody
    con.commit()
    con.close()
    r = cli("--db", str(copy), "check", code=1)
    assert "foreign keys: " in r.stdout and "point at nothing, in entry" in r.stdout
    assert "verdict: PROBLEM" in r.stdout


def test_check_finds_kept_days_that_disagree_with_the_entries(cli, env, tmp_path):
    _journal(cli)
    assert "kept days:    ok" in cli("check").stdout
    copy = tmp_path / "kept.db"
    shutil.copy(env.db, copy)
    con = sqlite3.connect(copy)
    con.execute("UPDATE contact SET last_given = '2001-01-01' WHERE name = 'Sam Lee'")  # no entry says so
    con.commit()
    con.close()
    r = cli("--db", str(copy), "check", code=1)
    assert "kept days:    1 contact(s)" in r.stdout
    assert "verdict: PROBLEM" in r.stdout


def test_check_holds_the_journal_to_the_models(cli, env, tmp_path):
    _journal(cli)
    assert "tables:       ok, as netlog/models.py declares them" in cli("check").stdout
    copy = tmp_path / "lost.db"
    shutil.copy(env.db, copy)
    con = sqlite3.connect(copy)
    con.execute("DROP TRIGGER fed_on_insert")  # later gives would leave last_given behind
    con.execute("DROP TABLE reported")
    con.commit()
    con.close()
    r = cli("--db", str(copy), "check", code=1)
    assert "table reported is missing; trigger fed_on_insert is missing" in r.stdout
    assert "verdict: PROBLEM" in r.stdout


@pytest.mark.parametrize("kind", ["missing", "text", "other-app", "newer"])
def test_check_refuses_what_is_not_a_sound_journal(cli, env, tmp_path, kind):
    target = tmp_path / "x.db"
    if kind == "text":
        target.write_text("hello, not a database\n" * 10)
    elif kind == "other-app":
        con = sqlite3.connect(target)
        con.execute("CREATE TABLE t (x)")
        con.commit()
        con.close()
    elif kind == "newer":
        _journal(cli)
        shutil.copy(env.db, target)
        con = sqlite3.connect(target)
        con.execute("PRAGMA user_version = 99")
        con.commit()
        con.close()
    r = cli("--db", str(target), "check", code=1)
    assert "Traceback" not in r.stderr and r.stderr.count("\n") == 1
    # what to do: nothing yet is no alarm; a newer journal is fine, netlog is
    # old; another program's file is not yours; a file that isn't SQLite may be
    # a journal damaged past recognition
    assert ("verdict: PROBLEM" in r.stdout) == (kind != "missing")
    assert ("nothing to check; the first write creates it" in r.stderr) == (kind == "missing")
    assert ("upgrade netlog to use it" in r.stderr) == (kind == "newer")
    assert ("point --db (or NETLOG_DB) at your journal" in r.stderr) == (kind == "other-app")
    assert ("restore your latest backup" in r.stderr) == (kind == "text")


def test_check_in_a_real_process(cli, env):
    _journal(cli)
    r = run_netlog("check", env=env.env)
    assert r.returncode == 0 and r.stderr == ""
    assert r.stdout.strip().endswith("verdict: ok, the journal is sound")


SCHEMAS = Path(__file__).parent / "data" / "schemas"


@pytest.mark.parametrize("version", sorted(int(p.stem[1:]) for p in SCHEMAS.glob("v*.db")))
def test_check_calls_every_released_journal_sound_and_writes_nothing(env, tmp_path, version):
    """A journal made by any released netlog, as it lies on disk before its
    first write upgrades it, is sound; check changes nothing beside it."""
    path = tmp_path / "old" / "old.db"
    path.parent.mkdir()
    shutil.copy(SCHEMAS / f"v{version}.db", path)
    before = path.read_bytes()
    r = run_netlog("--db", str(path), "check", env=env.env)
    assert r.returncode == 0 and "verdict: ok" in r.stdout, r.stdout + r.stderr
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["old.db"]


def test_check_leaves_a_crashed_journals_wal_as_it_is(cli, env, tmp_path):
    """check is what a user runs after a crash: it must not fold the -wal into
    the journal (it reads, and checks the CHECK rules on a copy)."""
    _journal(cli)
    path = tmp_path / "crashed" / "crashed.db"
    path.parent.mkdir()
    shutil.copy(env.db, path)
    holder = sqlite3.connect(path)  # a writer that never checkpoints, then "crashes"
    holder.execute("PRAGMA journal_mode = WAL")
    holder.execute("PRAGMA wal_autocheckpoint = 0")
    holder.execute("UPDATE contact SET note = 'written just before the crash' WHERE id = 1")
    holder.commit()
    wal = Path(f"{path}-wal")
    main_before, wal_before = path.read_bytes(), wal.read_bytes()
    assert wal_before  # frames the main file does not have yet
    r = run_netlog("--db", str(path), "check", env=env.env)  # the holder stays open, as a crashed process's file does
    assert r.returncode == 0 and "verdict: ok" in r.stdout, r.stdout + r.stderr
    assert path.read_bytes() == main_before and wal.read_bytes() == wal_before
    assert sorted(p.name for p in path.parent.iterdir()) == ["crashed.db", "crashed.db-shm", "crashed.db-wal"]
    holder.close()


def test_check_finds_a_trigger_or_index_that_is_not_as_netlog_makes_it(cli, env):
    _journal(cli)
    con = sqlite3.connect(env.db)
    con.execute("DROP INDEX ix_entry_open_ask")
    con.execute("CREATE INDEX ix_entry_open_ask ON entry (follow_up) WHERE type = 'ask' AND outcome IS NULL")  # v4's
    con.execute("DROP TRIGGER tag_every_on_cadence")
    con.commit()
    con.close()
    r = cli("check", code=1)
    assert "index ix_entry_open_ask is not as netlog makes it" in r.stdout and "trigger tag_every_on_cadence is missing" in r.stdout
