"""Every released schema version opens with today's netlog, upgrades once, keeps everything."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import digest, run_netlog

from netlog import db

SCHEMAS = Path(__file__).parent / "data" / "schemas"
VERSIONS = list(range(1, db.SCHEMA_VERSION + 1))


def test_a_journal_is_kept_for_every_schema_version():
    missing = [v for v in VERSIONS if not (SCHEMAS / f"v{v}.db").exists()]
    assert not missing, f"add tests/data/schemas/v{missing[0]}.db (see build.py there)"


def _columns(path: Path) -> dict[str, list[str]]:
    con = sqlite3.connect(path)
    try:
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {n: [r[1] for r in con.execute(f'PRAGMA table_info("{n}")')] for n in names}
    finally:
        con.close()


def _table_rows(path: Path, columns: dict[str, list[str]]) -> dict[str, list[tuple]]:  # type: ignore[type-arg]
    """Every row of the given tables, in the given columns (a later schema may add some)."""
    con = sqlite3.connect(path)
    try:
        return {n: con.execute(f'SELECT {", ".join(cols)} FROM "{n}" ORDER BY 1').fetchall() for n, cols in columns.items()}
    finally:
        con.close()


@pytest.mark.parametrize("version", VERSIONS)
def test_old_journal_upgrades_and_keeps_every_row(version, env, cli, tmp_path):
    path = tmp_path / f"v{version}.db"
    shutil.copy(SCHEMAS / f"v{version}.db", path)
    old_columns = _columns(path)
    before = _table_rows(path, old_columns)
    entries = json.loads(cli("--db", str(path), "log", "--limit", "0", "--json").stdout)
    assert len(entries) == len(before["entry"]) > 100
    after = _table_rows(path, old_columns)
    for table, old_rows in before.items():
        assert after[table] == old_rows, table  # every row kept, unchanged
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA user_version").fetchone()[0] == db.SCHEMA_VERSION
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.stale_kept_days(con) == []  # v4: each contact's last give, kept exact
    assert con.execute("SELECT count(last_given) FROM contact").fetchone()[0] > 10
    con.close()
    # and it works as a journal: a write, a lookup by name, the cadence of a tag
    cli("--db", str(path), "give", "priya raman", "coffee")
    data = json.loads(cli("--db", str(path), "show", "priya raman", "--json").stdout)
    assert data["last_given"] == "2026-11-23"


@pytest.mark.parametrize("version", VERSIONS)
def test_upgrade_runs_once(version, env, tmp_path):
    path = tmp_path / "j.db"
    shutil.copy(SCHEMAS / f"v{version}.db", path)
    assert run_netlog("--db", str(path), "contacts", env=env.env).returncode == 0
    once = digest(path)
    assert run_netlog("--db", str(path), "contacts", env=env.env).returncode == 0
    assert digest(path) == once  # a second open changes nothing


def test_newer_journal_is_refused_byte_identical(env, tmp_path):
    path = tmp_path / "future.db"
    shutil.copy(SCHEMAS / f"v{db.SCHEMA_VERSION}.db", path)
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA user_version = {db.SCHEMA_VERSION + 5}")
    con.commit()
    con.close()
    before, beside = digest(path), sorted(p.name for p in tmp_path.iterdir())
    for args in (["contacts"], ["give", "priya raman", "x"], ["where"], ["backup", str(tmp_path / "b.db")]):
        r = run_netlog("--db", str(path), *args, env=env.env)
        assert r.returncode == 1 and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr, (args, r.stderr)
        assert "newer" in r.stderr and "upgrade netlog" in r.stderr, (args, r.stderr)  # what happened, what to do
    r = run_netlog("--db", str(path), "check", env=env.env)
    assert r.returncode == 1 and "is newer than this netlog knows; upgrade netlog" in r.stdout
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == beside  # not even a -wal or -shm
