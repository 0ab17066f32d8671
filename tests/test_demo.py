"""netlog demo: a realistic journal in a file of its own, the same for the same seed.

Sizes here are small to keep the suite fast; the 10,000-contact, 1,000,000-entry
build is the benchmark's (tests/bench), never timed in a test.
"""

from __future__ import annotations

import re
import sqlite3
import stat
from pathlib import Path

from conftest import db_state

from netlog.db import APPLICATION_ID, SCHEMA_VERSION


def demo_path(env) -> Path:  # type: ignore[no-untyped-def]
    return env.tmp / "home" / ".local" / "share" / "netlog" / "demo.db"


def query(path: Path, sql: str) -> list[tuple]:  # type: ignore[type-arg]
    con = sqlite3.connect(path)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_demo_writes_its_own_file_never_the_journal(cli, env):
    cli("add", "Priya Raman")  # the user's journal ($NETLOG_DB): demo must leave it alone
    before = db_state(env.db)
    r = cli("demo", "--contacts", "30", "--entries", "400", "--seed", "3")
    path = demo_path(env)
    assert db_state(env.db) == before
    assert str(path) in r.stderr and "--db" in r.stderr
    assert "Feed these relationships" in r.stdout or "Every relationship is fed" in r.stdout
    assert query(path, "SELECT count(*) FROM contact") == [(30,)]
    assert query(path, "SELECT count(*) FROM entry") == [(400,)]
    assert query(path, "PRAGMA application_id") == [(APPLICATION_ID,)]
    assert query(path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir() if "building" in p.name] == []


def test_a_demo_journal_is_sound(cli, env):
    """Rows are bulk-loaded without per-row checks: the result must pass them all."""
    cli("demo", "--contacts", "40", "--entries", "3000", "--seed", "5")
    path = demo_path(env)
    assert query(path, "PRAGMA integrity_check") == [("ok",)]
    assert query(path, "PRAGMA foreign_key_check") == []
    # every CHECK constraint, by copying every row into a table that enforces them
    con = sqlite3.connect(path)
    sql = con.execute("SELECT sql FROM sqlite_master WHERE name = 'entry'").fetchone()[0]
    con.execute(re.sub(r'CREATE TABLE "?entry"?', "CREATE TEMP TABLE checked", sql, count=1))
    con.execute("INSERT INTO checked SELECT * FROM entry")
    con.close()
    indexes = {r[0] for r in query(path, "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'entry'")}
    assert {"ix_entry_contact", "ix_entry_other", "ix_entry_day", "ix_entry_open_ask"} <= indexes


def test_a_demo_journal_has_the_schema_of_a_real_one(cli, env, tmp_path):
    """Indexes and triggers dropped for the load are all back, and the days the
    triggers keep on each contact are exact."""
    from netlog import db

    cli("demo", "--contacts", "40", "--entries", "3000", "--seed", "5")
    path = demo_path(env)
    fresh = tmp_path / "fresh.db"
    cli("--db", str(fresh), "add", "Someone")  # a journal made by the migrations alone
    schema = "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type, name"
    assert query(path, schema) == query(fresh, schema)
    assert [r[0] for r in query(path, "SELECT name FROM sqlite_master WHERE type = 'trigger'")]  # v4 has some
    con = sqlite3.connect(path)
    try:
        assert db.stale_kept_days(con) == []
        assert con.execute("SELECT count(*) FROM contact WHERE last_given IS NOT NULL").fetchone()[0] > 0
    finally:
        con.close()


def test_a_demo_journal_has_a_bit_of_everything(cli, env):
    cli("demo", "--contacts", "40", "--entries", "3000", "--seed", "5")
    path = demo_path(env)
    assert {r[0] for r in query(path, "SELECT DISTINCT type FROM entry")} == {"give", "got", "ask", "note"}
    assert {r[0] for r in query(path, "SELECT DISTINCT outcome FROM entry WHERE type = 'ask'")} == {None, "helped", "declined", "ignored"}
    assert query(path, "SELECT count(*) FROM entry WHERE other_id IS NOT NULL")[0][0] > 0  # introductions
    assert query(path, "SELECT count(*) FROM entry WHERE followups > 0")[0][0] > 0
    assert len(query(path, "SELECT DISTINCT kind FROM entry WHERE kind IS NOT NULL")) == 8
    assert query(path, "SELECT count(*) FROM tag WHERE every_days IS NOT NULL")[0][0] > 0
    assert query(path, "SELECT count(*) FROM contact WHERE every_days IS NOT NULL")[0][0] > 0
    assert query(path, "SELECT count(*) FROM entry e JOIN contact c ON c.id = e.contact_id WHERE e.day < c.added_on") == [(0,)]
    assert query(path, "SELECT count(*) FROM entry WHERE day > '2026-11-23' OR resolved_on > '2026-11-23'") == [(0,)]
    r = cli("--db", str(path), "hungry", "--all", "--limit", "0", "--json")
    assert '"only_takes": true' in r.stdout  # someone who only takes, to show how they are marked


def test_the_same_seed_makes_the_same_journal(cli, env):
    a, b, c = (env.tmp / f"{n}.db" for n in "abc")
    cli("--db", str(a), "demo", "--contacts", "25", "--entries", "500", "--seed", "42")
    cli("--db", str(b), "demo", "--contacts", "25", "--entries", "500", "--seed", "42")
    cli("--db", str(c), "demo", "--contacts", "25", "--entries", "500", "--seed", "43")
    assert db_state(a) == db_state(b)
    assert db_state(a) != db_state(c)


def test_demo_replaces_its_own_file_each_run(cli, env):
    cli("demo", "--contacts", "10", "--entries", "50", "--seed", "1")
    first = db_state(demo_path(env))
    cli("demo", "--contacts", "12", "--entries", "60", "--seed", "2")
    assert db_state(demo_path(env)) != first
    assert query(demo_path(env), "SELECT count(*) FROM contact") == [(12,)]


def test_demo_refuses_a_journal_with_data_unless_told_to_replace_it(cli, env):
    cli("add", "Priya Raman")
    before = db_state(env.db)
    r = cli("--db", str(env.db), "demo", "--contacts", "10", "--entries", "50", code=1)
    assert "already holds a journal (1 contacts, 0 entries)" in r.stderr and "--replace" in r.stderr
    assert db_state(env.db) == before
    cli("--db", str(env.db), "demo", "--contacts", "10", "--entries", "50", "--replace")
    assert query(env.db, "SELECT count(*) FROM contact WHERE name = 'Priya Raman'") == [(0,)]
    assert query(env.db, "SELECT count(*) FROM contact") == [(10,)]


def test_demo_fills_an_empty_journal_or_a_new_file(cli, env):
    cli("where")  # nothing written: no file yet
    fresh = env.tmp / "sub" / "new.db"
    cli("--db", str(fresh), "demo", "--contacts", "5", "--entries", "20")
    assert query(fresh, "SELECT count(*) FROM entry") == [(20,)]
    cli("add", "Temp Person")
    cli("rm", "temp", "--yes")  # an empty journal now
    cli("--db", str(env.db), "demo", "--contacts", "5", "--entries", "20")
    assert query(env.db, "SELECT count(*) FROM contact") == [(5,)]


def test_demo_never_overwrites_another_programs_database(cli, env):
    other = env.tmp / "other.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE notes (x)")
    con.commit()
    con.close()
    before = db_state(other)
    r = cli("--db", str(other), "demo", "--replace", code=1)
    assert "another program" in r.stderr
    assert db_state(other) == before


def test_demo_sizes_are_checked(cli, env):
    cli("demo", "--contacts", "0", code=2)
    cli("demo", "--entries", "-1", code=2)
    assert not demo_path(env).exists()


def test_the_default_demo_shows_what_netlog_is_for(cli, env):
    """A newcomer's first look: hungry relationships and asks to follow up, both on the dashboard."""
    out = cli("demo").stdout
    assert "Feed these relationships" in out
    follow = out.split("Follow up now")[1]
    assert len([line for line in follow.splitlines() if line.strip()[:1].isdigit()]) >= 2, out
