"""The journal stays whole beside other writers: no lock is ever lost, and what
netlog says about a write is what happened. Real processes throughout."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import run_netlog


def netlog_popen(*args: str, env: dict[str, str], **kw) -> subprocess.Popen:  # type: ignore[type-arg]
    return subprocess.Popen(
        [sys.executable, "-m", "netlog", *args], env=env, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw,
    )


class Pauses:
    """Drives netlog's test-only pause points (netlog/faults.py) in one folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(exist_ok=True)

    def hold(self, *points: str) -> None:
        for p in points:
            (self.folder / f"{p}.hold").touch()

    def wait(self, point: str, proc: subprocess.Popen, limit: float = 30) -> None:  # type: ignore[type-arg]
        deadline = time.monotonic() + limit
        while not (self.folder / f"{point}.reached").exists():
            assert proc.poll() is None, proc.communicate(timeout=30)
            assert time.monotonic() < deadline, f"netlog never reached {point}"
            time.sleep(0.005)

    def release(self, point: str) -> None:
        (self.folder / f"{point}.hold").unlink()


def rows(path: Path, sql: str) -> list[tuple]:  # type: ignore[type-arg]
    con = sqlite3.connect(path)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _entry(con: sqlite3.Connection, contact_id: int, what: str) -> None:
    con.execute(
        "INSERT INTO entry (contact_id, type, what, day, followups, created_at) VALUES (?, 'give', ?, '2026-11-20', 0, 'x')",
        (contact_id, what),
    )


@pytest.mark.parametrize("command", [["rm", "ann", "--yes"], ["merge", "bob", "ann", "--yes"]])
def test_no_lock_is_lost_while_another_writer_closes(env, cli, command):
    """The lock loss, step by step: another connection holds the write lock; rm
    (or merge) reads, then waits for it; that connection commits and closes,
    and must not believe itself the journal's last user (it would checkpoint
    and delete the -wal netlog still works in); a third writer then writes the
    same pages once netlog has committed, before netlog wipes the -wal for
    privacy (a checkpoint). Everything said saved is there, and the journal is
    sound."""
    for name in ("Ann One", "Bob Two", "Cat Three"):
        cli("add", name)
    cli("give", "ann", "before")
    pauses = Pauses(env.tmp / "pauses")
    pauses.hold("write-begin", "committed")
    penv = dict(env.env, NETLOG_TEST_PAUSE=str(pauses.folder))

    second = sqlite3.connect(env.db, isolation_level=None, timeout=30)
    second.execute("BEGIN IMMEDIATE")
    _entry(second, 2, "second wrote")
    proc = netlog_popen(*command, env=penv)
    pauses.wait("write-begin", proc)  # it has read, and opened whatever it opens to write
    pauses.release("write-begin")
    time.sleep(0.2)  # now queued on the write lock the second connection holds
    second.execute("COMMIT")
    second.close()
    wal_kept = os.path.exists(f"{env.db}-wal")
    pauses.wait("committed", proc)

    def third_writer() -> None:
        con = sqlite3.connect(env.db, isolation_level=None, timeout=30)
        try:
            con.execute("BEGIN IMMEDIATE")
            _entry(con, 3, "third wrote")
            con.execute("COMMIT")
        finally:
            con.close()

    third = threading.Thread(target=third_writer)
    third.start()
    third.join(timeout=60)
    pauses.release("committed")
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert wal_kept, "the second connection deleted the -wal netlog had open"
    whats = sorted(w for (w,) in rows(env.db, "SELECT what FROM entry"))
    assert "second wrote" in whats and "third wrote" in whats, whats
    names = [n for (n,) in rows(env.db, "SELECT name FROM contact ORDER BY id")]
    assert "Ann One" not in names, names
    checked = run_netlog("check", env=env.env)
    assert checked.returncode == 0, checked.stdout + checked.stderr
