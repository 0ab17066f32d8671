"""Where the journal lives, how it is opened, refused, protected and upgraded."""

from __future__ import annotations

import json
import os
import sqlite3
import stat

import pytest
from conftest import db_state, digest, run_netlog

from netlog import db
from netlog.errors import JournalRefused


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


# -- where it lives -----------------------------------------------------------


def test_default_path_uses_xdg_data_home_then_home():
    assert str(db.default_path({"XDG_DATA_HOME": "/x/data", "HOME": "/h"})) == "/x/data/netlog/netlog.db"
    assert str(db.default_path({"HOME": "/h"})) == "/h/.local/share/netlog/netlog.db"
    # a relative XDG_DATA_HOME is invalid per the spec and ignored
    assert str(db.default_path({"XDG_DATA_HOME": "rel", "HOME": "/h"})) == "/h/.local/share/netlog/netlog.db"


def test_db_option_wins_over_env(env):
    assert str(db.resolve_path("/a.db", {"NETLOG_DB": "/b.db"})) == "/a.db"
    assert str(db.resolve_path(None, {"NETLOG_DB": "/b.db", "HOME": "/h"})) == "/b.db"


def test_default_file_is_created_on_first_write_with_private_modes(env, cli, monkeypatch):
    monkeypatch.delenv("NETLOG_DB")
    target = env.tmp / "home" / ".local" / "share" / "netlog" / "netlog.db"
    cli("contacts")  # reading creates nothing
    assert not target.exists() and not target.parent.exists()
    cli("add", "Priya Raman")
    assert target.exists()
    assert mode(target.parent) == 0o700
    assert mode(target) == 0o600


def test_global_db_option_beats_netlog_db(env, cli):
    other = env.tmp / "other.db"
    cli("--db", str(other), "add", "Priya Raman")
    assert other.exists() and not env.db.exists()
    r = cli("--db", str(other), "where", "--json")
    import json

    data = json.loads(r.stdout)
    assert data["path"] == str(other) and data["contacts"] == 1 and data["schema_version"] == db.SCHEMA_VERSION


def test_where_reports_file_version_and_counts(env, cli):
    cli("add", "Priya Raman")
    cli("give", "pri", "coffee")
    out = cli("where").stdout
    assert str(env.db) in out
    assert f"schema:   {db.SCHEMA_VERSION}" in out
    assert "contacts: 1" in out and "entries:  1" in out


@pytest.mark.parametrize("umask", [0o022, 0o000, 0o077])
def test_journal_wal_and_shm_are_private_under_any_umask(env, umask):
    """A real process with the umask set; -wal and -shm exist while a reader holds the file."""
    path = env.tmp / "sub" / "j.db"
    e = dict(env.env, NETLOG_DB=str(path))
    code = f"import os; os.umask({umask}); from netlog.__main__ import main; main()"
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-c", code, "add", "Priya Raman"], env=e, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    holder = sqlite3.connect(path)
    holder.execute("BEGIN")
    holder.execute("SELECT count(*) FROM contact").fetchone()  # keeps -wal/-shm alive
    r = subprocess.run([sys.executable, "-c", code, "give", "pri", "coffee"], env=e, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    for p in (path, f"{path}-wal", f"{path}-shm"):
        assert os.path.exists(p), p
        assert mode(p) == 0o600, (p, oct(mode(p)))
    assert mode(path.parent) == 0o700
    holder.close()


def test_connection_pragmas(env, cli):
    cli("add", "Priya Raman")
    journal = db.open_journal(env.db, create=False)
    def check(conn):
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 10_000
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA secure_delete").fetchone()[0] == 1
        assert conn.execute("PRAGMA application_id").fetchone()[0] == db.APPLICATION_ID

    check(journal.conn)
    journal.close()


def test_writes_take_the_write_lock_up_front(env, cli):
    """BEGIN IMMEDIATE: a writer holding the lock makes another writer wait, not fail late."""
    cli("add", "Priya Raman")
    journal = db.open_journal(env.db, create=False)
    with journal.transaction(write=True):
        other = sqlite3.connect(env.db, timeout=0)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.close()
    journal.close()


# -- refusing files that are not ours ----------------------------------------


def _refused(env, path, *args):
    """Refused with one line saying what to do; the file byte-identical, nothing new beside it."""
    before, beside = digest(path), sorted(os.listdir(path.parent))
    r = run_netlog("--db", str(path), *args, env=env.env)
    assert r.returncode == 1, r
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    assert digest(path) == before
    assert sorted(os.listdir(path.parent)) == beside  # no -wal, -shm or -journal left by the look
    assert str(path) in r.stderr
    return r.stderr


NOT_OURS = "is a SQLite database of another program, not a netlog journal; choose another file with --db"


@pytest.mark.parametrize("args", [("contacts",), ("add", "Priya Raman")])
def test_refuses_a_file_that_is_not_sqlite(env, args):
    path = env.tmp / "notes.txt"
    path.write_text("my private notes\n" * 20)
    assert "is not a SQLite database, so not a netlog journal; choose another file with --db" in _refused(env, path, *args)


@pytest.mark.parametrize("args", [("contacts",), ("add", "Priya Raman")])
def test_refuses_another_programs_database(env, args):
    path = env.tmp / "other.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)")
    con.execute("INSERT INTO photos VALUES (1, 'cat.jpg')")
    con.commit()
    con.close()
    assert NOT_OURS in _refused(env, path, *args)


def _sqlite_file(path, *, app_id=0, version=0, table=False, wal=False):
    con = sqlite3.connect(path)
    if wal:
        con.execute("PRAGMA journal_mode = WAL")
    if app_id:
        con.execute(f"PRAGMA application_id = {app_id}")
    if version:
        con.execute(f"PRAGMA user_version = {version}")
    if table:
        con.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)")
        con.execute("INSERT INTO photos VALUES (1, 'cat.jpg')")
    con.commit()
    con.close()
    assert path.stat().st_size > 0 and not os.path.exists(f"{path}-wal")


# Every mark another program may leave refuses the file, however empty it is
# otherwise, before anything is written: not even the switch to WAL.
FOREIGN = {
    "its own application id, no tables": dict(app_id=0x12345678),
    "a user_version this netlog knows, no tables": dict(version=3),
    "a user_version newer than any netlog, no tables": dict(version=7),
    "WAL mode, with its tables": dict(wal=True, table=True),
    "WAL mode, its own application id": dict(wal=True, app_id=0x12345678),
}


@pytest.mark.parametrize("args", [("contacts",), ("where",), ("add", "Priya Raman")])
@pytest.mark.parametrize("marks", list(FOREIGN))
def test_refuses_any_sqlite_file_another_program_marked(env, marks, args):
    path = env.tmp / "other.db"
    _sqlite_file(path, **FOREIGN[marks])
    assert NOT_OURS in _refused(env, path, *args)


def test_another_programs_database_is_refused_before_anything_can_write(env):
    """In-process, after the file passed its first look: connect() checks it again,
    on its own connection, before it switches the journal to WAL."""
    path = env.tmp / "other.db"
    _sqlite_file(path, table=True)
    before = digest(path)
    with pytest.raises(JournalRefused, match="another program"):
        db.connect(path)
    assert digest(path) == before and not os.path.exists(f"{path}-wal")


@pytest.mark.parametrize("args", [("contacts",), ("add", "Priya Raman")])
def test_refuses_a_journal_from_a_newer_netlog(env, cli, args):
    path = env.tmp / "new.db"
    cli("--db", str(path), "add", "Someone")
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA user_version = {db.SCHEMA_VERSION + 1}")
    con.commit()
    con.close()
    err = _refused(env, path, *args)
    assert f"was written by a newer netlog (schema {db.SCHEMA_VERSION + 1}, this one knows {db.SCHEMA_VERSION})" in err
    assert "upgrade netlog to open it, or choose another file with --db" in err  # what to do


@pytest.mark.parametrize("blank", ["zero bytes", "one empty page"])
def test_an_empty_sqlite_file_becomes_a_journal(env, cli, blank):
    """Only a file with no mark at all: no application id, no user_version, no tables."""
    path = env.tmp / "empty.db"
    if blank == "zero bytes":
        sqlite3.connect(path).close()
    else:
        _sqlite_file(path, wal=True)
    cli("--db", str(path), "add", "Priya Raman")
    assert db.inspect_file(path)[0] == db.APPLICATION_ID


# -- migrations ---------------------------------------------------------------


def _fresh(tmp_path, name="m.db"):
    path = tmp_path / name
    db._create_private(path)
    return db.Journal(path)


def test_each_step_runs_exactly_once(tmp_path):
    calls = []

    def step1(conn):
        calls.append(1)
        conn.execute("CREATE TABLE a (x)")

    def step2(conn):
        calls.append(2)
        conn.execute("CREATE TABLE b (x)")

    journal = _fresh(tmp_path)
    journal.migrate([step1])
    journal.migrate([step1, step2])
    journal.migrate([step1, step2])
    assert calls == [1, 2]
    conn = journal.conn
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 2
    journal.close()


def test_a_failing_step_leaves_the_previous_version_intact(tmp_path):
    def step1(conn):
        conn.execute("CREATE TABLE a (x)")
        conn.execute("INSERT INTO a VALUES (1)")

    def step2(conn):
        conn.execute("CREATE TABLE b (x)")
        conn.execute("INSERT INTO a VALUES (2)")
        raise RuntimeError("step 2 breaks")

    journal = _fresh(tmp_path)
    journal.migrate([step1])
    with pytest.raises(RuntimeError):
        journal.migrate([step1, step2])
    conn = journal.conn
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'b'").fetchone()[0] == 0
    assert [r[0] for r in conn.execute("SELECT x FROM a")] == [1]
    journal.close()


def test_an_older_database_upgrades_with_its_data(tmp_path, cli, env):
    """A version-1 journal built by plain SQL opens, upgrades and keeps its rows."""
    path = tmp_path / "v1.db"
    con = sqlite3.connect(path)
    for sql in db.V1_SCHEMA:
        con.execute(sql)
    con.execute("INSERT INTO contact (id, name, name_key, added_on) VALUES (1, 'Priya Raman', 'priya raman', '2024-01-02')")
    con.execute(
        "INSERT INTO entry (contact_id, type, kind, what, day, created_at) VALUES (1, 'give', 'advice', 'CV review', '2024-02-03', '2024-02-03T00:00:00')"
    )
    con.execute("PRAGMA user_version = 1")
    con.execute(f"PRAGMA application_id = {db.APPLICATION_ID}")
    con.commit()
    con.close()
    import json

    data = json.loads(cli("--db", str(path), "show", "priya", "--json").stdout)
    assert data["timeline"][0]["what"] == "CV review"
    assert db.inspect_file(path)[1] == db.SCHEMA_VERSION


def test_migrated_schema_matches_the_models(tmp_path):
    """The frozen migration SQL and the SQLModel classes describe the same tables."""
    from sqlmodel import SQLModel

    import netlog.models  # noqa: F401

    journal = _fresh(tmp_path)
    journal.migrate()
    for table in SQLModel.metadata.sorted_tables:
        cols = [r[1] for r in journal.conn.execute(f"PRAGMA table_info({table.name})")]
        assert sorted(cols) == sorted(c.name for c in table.columns), table.name
    journal.close()


def test_check_constraints_back_the_rules(env, cli):
    cli("add", "Priya Raman")
    con = sqlite3.connect(env.db)
    bad = [
        "INSERT INTO entry (contact_id, type, what, day, created_at) VALUES (1, 'steal', 'x', '2026-01-01', 'now')",
        "INSERT INTO entry (contact_id, type, kind, what, day, created_at) VALUES (1, 'give', 'bribe', 'x', '2026-01-01', 'now')",
        "INSERT INTO entry (contact_id, type, what, day, outcome, created_at) VALUES (1, 'ask', 'x', '2026-01-01', 'maybe', 'now')",
        "INSERT INTO entry (contact_id, type, what, day, created_at) VALUES (1, 'give', '  ', '2026-01-01', 'now')",
        "INSERT INTO contact (name, name_key, added_on) VALUES ('   ', 'x', '2026-01-01')",
        "INSERT INTO contact (name, name_key, added_on, every_days) VALUES ('A', 'a', '2026-01-01', 0)",
    ]
    for sql in bad:
        with pytest.raises(sqlite3.IntegrityError):
            con.execute(sql)
    con.close()


def test_a_failed_commit_is_rolled_back(env, cli, monkeypatch):
    """If COMMIT fails, the same process must not save the write later."""
    cli("add", "Priya Raman")
    journal = db.open_journal(env.db, create=False)
    from netlog import journal as api

    class Boom(Exception):
        pass

    def failing_commit(conn):
        raise Boom("disk said no")  # and the transaction is still open

    monkeypatch.setattr(db, "_commit", failing_commit)
    with pytest.raises(Boom):
        with journal.transaction(write=True) as s:
            api.add_contact(s, "Ghost Writer", today=__import__("datetime").date(2026, 11, 23))
    monkeypatch.undo()
    # the same process goes on writing: the failed contact must not come back
    with journal.transaction(write=True) as s:
        api.add_contact(s, "Real Person", today=__import__("datetime").date(2026, 11, 23))
    journal.close()
    names = [r[0] for r in sqlite3.connect(env.db).execute("SELECT name FROM contact ORDER BY id")]
    assert names == ["Priya Raman", "Real Person"]


def test_a_failed_first_write_leaves_no_file(env, cli):
    cli("give", "Nobody", "x", code=2)
    assert db_state(env.db) == "absent"


def test_each_contacts_tag_cadence_is_kept_through_every_change(cli, env, tmp_path):
    """Schema v5 keeps contact.tag_every (the shortest cadence of its tags) by
    triggers; every path that touches tags or their cadences leaves it exact."""
    from netlog import db

    def kept() -> dict[str, int | None]:
        con = sqlite3.connect(env.db)
        try:
            assert db.stale_kept_days(con) == []
            return dict(con.execute("SELECT name, tag_every FROM contact ORDER BY name"))
        finally:
            con.close()

    cli("add", "Priya Raman", "--tag", "mentor", "--tag", "work")
    cli("add", "Sam Lee", "--tag", "work")
    assert kept() == {"Priya Raman": None, "Sam Lee": None}
    cli("cadence", "mentor", "2w")
    assert kept() == {"Priya Raman": 14, "Sam Lee": None}
    cli("cadence", "work", "10d")
    assert kept() == {"Priya Raman": 10, "Sam Lee": 10}
    cli("edit", "priya", "--untag", "work")
    assert kept() == {"Priya Raman": 14, "Sam Lee": 10}
    cli("cadence", "mentor", "default")
    assert kept()["Priya Raman"] is None
    cli("edit", "sam", "--tag", "mentor")
    cli("cadence", "mentor", "1w")
    assert kept() == {"Priya Raman": 7, "Sam Lee": 7}
    cli("cadence", "friends", "3d", code=2)  # no such tag yet
    cli("add", "Sam L", "--tag", "friends")
    cli("cadence", "friends", "3d")
    cli("merge", "Sam Lee", "Sam L", "--yes")  # OTHER's tags move to KEEP
    assert kept() == {"Priya Raman": 7, "Sam Lee": 3}
    out = tmp_path / "all.json"
    cli("export", "json", "-o", str(out))
    cli("rm", "priya", "--yes")
    assert kept() == {"Sam Lee": 3}
    restored = tmp_path / "restored.db"
    cli("--db", str(restored), "import", "json", str(out))
    con = sqlite3.connect(restored)
    assert dict(con.execute("SELECT name, tag_every FROM contact ORDER BY name")) == {"Priya Raman": 7, "Sam Lee": 3}
    assert db.stale_kept_days(con) == []
    con.close()
    people = tmp_path / "people.csv"
    people.write_text("Name,Tags\nWen Zhou,mentor; newtag\n", encoding="utf-8")
    cli("import", "csv", str(people))
    assert kept()["Wen Zhou"] == 7
    wen = next(r for r in json.loads(cli("hungry", "--all", "--json").stdout) if r["name"] == "Wen Zhou")
    assert (wen["every"], wen["every_from"], wen["every_tag"]) == (7, "tag", "mentor")  # what hungry reads from the kept value


def test_a_failed_first_write_never_removes_a_journal_another_process_made(cli, env):
    """Another netlog made the file a moment before (it is still empty): this
    command fails on a typo, and the file stays; only a file this process made
    is taken back."""
    env.db.touch(mode=0o600)  # what a concurrent first write has done so far
    r = cli("give", "nobdy", "coffee", code=2)
    assert "no contact matches 'nobdy'" in r.stderr
    assert env.db.exists()
    cli("add", "Priya Raman")  # and it is a journal like any other
    assert json.loads(cli("contacts", "--json").stdout)[0]["name"] == "Priya Raman"


def test_a_failed_first_write_takes_back_the_file_it_made(cli, env):
    r = cli("give", "nobdy", "coffee", code=2)
    assert "no contact matches" in r.stderr
    assert not env.db.exists() and not os.path.exists(f"{env.db}-wal")
