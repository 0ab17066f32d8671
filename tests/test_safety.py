"""Nothing is lost: concurrent processes, locks held too long, interrupts, kills,
full disks, read-only files, and private modes. Real processes throughout."""

from __future__ import annotations

import json
import os
import random
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from conftest import run_netlog

from netlog import db

NOBODY = 65534


def netlog_popen(*args: str, env: dict[str, str], **kw) -> subprocess.Popen:  # type: ignore[type-arg]
    return subprocess.Popen(
        [sys.executable, "-m", "netlog", *args], env=env, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw,
    )


def rows(path: Path, sql: str) -> list[tuple]:  # type: ignore[type-arg]
    con = sqlite3.connect(path)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def integrity(path: Path) -> str:
    return rows(path, "PRAGMA integrity_check")[0][0]


@pytest.fixture
def journal(env, cli):
    cli("add", "Priya Raman")
    cli("add", "Sam Lee")
    return env


# -- 1. concurrency -------------------------------------------------------------


def test_concurrent_writers_all_land(journal):
    """Many give/ask/note processes at once: each reported saved is saved, none lost."""
    procs = []
    for i in range(12):
        verb = ("give", "ask", "note")[i % 3]
        procs.append((f"w{i}", netlog_popen(verb, random.choice(["pri", "sam"]), f"w{i}", env=journal.env)))
    readers = [netlog_popen("log", "--limit", "0", env=journal.env) for _ in range(3)]
    for _, p in procs + [(None, r) for r in readers]:
        p.wait(timeout=120)
    for what, p in procs:
        err = p.stderr.read()
        assert p.returncode == 0, err
        assert "locked" not in err
    saved = {r[0] for r in rows(journal.db, "SELECT what FROM entry")}
    assert saved == {f"w{i}" for i in range(12)}
    assert all(r.returncode == 0 for r in readers)


def _hold_write_lock(path: Path, seconds: float) -> subprocess.Popen:  # type: ignore[type-arg]
    """Another process takes the write lock and keeps it for ``seconds``, or until
    a line arrives on its stdin, whichever comes first."""
    code = (
        "import select, sqlite3, sys\n"
        f"c = sqlite3.connect({str(path)!r}, isolation_level=None)\n"
        "c.execute('BEGIN IMMEDIATE')\n"
        "print('locked', flush=True)\n"
        f"select.select([sys.stdin], [], [], {seconds})\n"
        "c.execute('ROLLBACK')\n"
    )
    p = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "locked"
    return p


def _release(holder: subprocess.Popen) -> None:  # type: ignore[type-arg]
    try:
        holder.stdin.write("go\n")
        holder.stdin.close()
    except BrokenPipeError:  # it had already let go
        pass
    holder.wait(timeout=30)


def test_a_short_wait_queues_instead_of_failing(journal):
    holder = _hold_write_lock(journal.db, 2)
    r = run_netlog("give", "pri", "waited politely", env=journal.env)
    _release(holder)
    assert r.returncode == 0, r.stderr
    assert rows(journal.db, "SELECT count(*) FROM entry WHERE what = 'waited politely'") == [(1,)]


def test_a_lock_held_past_the_timeout_fails_cleanly_and_is_never_saved(journal):
    """The failed write must not appear, even though writing goes on afterwards."""
    holder = _hold_write_lock(journal.db, 120)  # held until netlog has given up
    r = run_netlog("give", "pri", "reported as failed", env=journal.env)
    _release(holder)
    assert r.returncode == 1
    assert r.stderr.count("\n") == 1 and "locked" in r.stderr and "nothing was saved" in r.stderr
    assert run_netlog("give", "pri", "after the lock", env=journal.env).returncode == 0
    assert [w for (w,) in rows(journal.db, "SELECT what FROM entry ORDER BY id")] == ["after the lock"]


def test_same_process_goes_on_writing_after_a_lock_failure(journal, monkeypatch):
    """In one process: a write that timed out is not saved by the next write."""
    from datetime import date

    from netlog import journal as api
    from netlog.errors import StorageError

    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 300)
    j = db.open_journal(journal.db, create=False)
    holder = _hold_write_lock(journal.db, 120)
    with pytest.raises(StorageError):
        with j.transaction(write=True) as s:
            api.add_contact(s, "Failed Write", today=date(2026, 11, 23))
    _release(holder)
    with j.transaction(write=True) as s:
        api.add_contact(s, "Later Write", today=date(2026, 11, 23))
    j.close()
    names = [n for (n,) in rows(journal.db, "SELECT name FROM contact ORDER BY id")]
    assert names == ["Priya Raman", "Sam Lee", "Later Write"]


def test_two_processes_upgrade_an_old_journal_once(env, tmp_path):
    path = tmp_path / "old.db"
    _make_v1(path, contacts=50)
    procs = [netlog_popen("--db", str(path), "contacts", "--json", env=env.env) for _ in range(4)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    assert all(len(json.loads(o)) == 50 for o, _ in outs)
    assert rows(path, "PRAGMA user_version") == [(db.SCHEMA_VERSION,)]
    assert integrity(path) == "ok"


# -- 2. crashes and interrupts ------------------------------------------------


def _make_v1(path: Path, contacts: int) -> None:
    con = sqlite3.connect(path)
    for sql in db.V1_SCHEMA:
        con.execute(sql)
    con.executemany(
        "INSERT INTO contact (id, name, name_key, added_on) VALUES (?, ?, ?, '2024-01-01')",
        [(i, f"Person {i}", f"person {i}") for i in range(1, contacts + 1)],
    )
    con.executemany(
        "INSERT INTO entry (contact_id, type, what, day, created_at) VALUES (?, 'give', ?, '2024-02-01', 'x')",
        [(i % contacts + 1, f"gift {i}") for i in range(contacts * 4)],
    )
    con.execute("PRAGMA user_version = 1")
    con.execute(f"PRAGMA application_id = {db.APPLICATION_ID}")
    con.commit()
    con.close()


def test_sigkill_during_schema_upgrade_is_all_or_nothing(env, tmp_path):
    rng = random.Random(7)
    for attempt in range(6):
        path = tmp_path / f"old{attempt}.db"
        _make_v1(path, contacts=200)
        p = netlog_popen("--db", str(path), "contacts", "--json", env=env.env)
        time.sleep(rng.uniform(0.05, 1.2))
        p.kill()
        p.wait()
        assert integrity(path) == "ok"
        version = rows(path, "PRAGMA user_version")[0][0]
        has_v2 = rows(path, "SELECT count(*) FROM sqlite_master WHERE name = 'reported'")[0][0]
        assert (version, has_v2) in ((1, 0), (db.SCHEMA_VERSION, 1))
        assert rows(path, "SELECT count(*) FROM entry") == [(800,)]
        assert run_netlog("--db", str(path), "contacts", env=env.env).returncode == 0


def test_sigint_at_any_moment_exits_130_with_one_line(journal):
    rng = random.Random(11)
    outcomes = set()
    for i in range(8):
        p = netlog_popen("give", "pri", f"maybe {i}", env=journal.env)
        time.sleep(rng.uniform(0.0, 1.5))
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=60)
        saved = rows(journal.db, f"SELECT count(*) FROM entry WHERE what = 'maybe {i}'")[0][0]
        if p.returncode == -signal.SIGINT or "Fatal Python error" in err:
            # Ctrl-C while CPython itself was still starting (before its SIGINT
            # handler, or inside its own start-up imports): netlog had not begun,
            # so there is nothing it could say, and nothing was written.
            assert saved == 0
        elif p.returncode == 130:
            assert err.count("\n") == 1 and "interrupted" in err and "Traceback" not in err
            assert saved == (1 if "change was saved" in err else 0)
        else:
            assert p.returncode == 0 and saved == 1 and "Traceback" not in err
        outcomes.add(p.returncode)
        assert integrity(journal.db) == "ok"


# -- 3. full and unwritable disks --------------------------------------------


def _limit_file_size(limit: int):  # type: ignore[no-untyped-def]
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # fail the write with EFBIG instead of dying
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_disk_full_fails_cleanly_and_keeps_earlier_data(journal):
    run_netlog("give", "pri", "before the disk filled", env=journal.env)
    big = "x" * 150_000
    p = subprocess.run(
        [sys.executable, "-m", "netlog", "note", "pri", "-"], input=big, env=journal.env,
        capture_output=True, text=True, preexec_fn=_limit_file_size(64 * 1024),
    )
    assert p.returncode == 1, p
    assert p.stderr.count("\n") == 1 and "Traceback" not in p.stderr
    assert "full" in p.stderr and "nothing was saved" in p.stderr
    assert integrity(journal.db) == "ok"
    assert [w for (w,) in rows(journal.db, "SELECT what FROM entry")] == ["before the disk filled"]
    r = run_netlog("log", "--json", env=journal.env)
    assert r.returncode == 0 and json.loads(r.stdout)[0]["what"] == "before the disk filled"


@pytest.fixture
def nobody_dir():
    """A directory owned by an unprivileged user: root ignores file modes."""
    if os.geteuid() != 0:
        pytest.skip("needs root to switch to an unprivileged user; as a normal user, modes already apply")
    d = Path(tempfile.mkdtemp(prefix="netlog-nobody-"))
    os.chmod(d, 0o755)
    os.chown(d, NOBODY, NOBODY)
    yield d
    for p in d.rglob("*"):
        try:
            os.chmod(p, 0o700)
        except OSError:
            pass
    os.chmod(d, 0o700)
    shutil.rmtree(d, ignore_errors=True)


SETPRIV = shutil.which("setpriv")


def _as_nobody(args: list[str], folder: Path, journal_path: Path, umask: int = 0o022) -> subprocess.CompletedProcess:  # type: ignore[type-arg]
    """netlog as user 'nobody'. It keeps only CAP_DAC_READ_SEARCH, so it can read
    the interpreter wherever it is installed, but file modes still stop its writes."""
    env = {"HOME": str(folder), "PATH": "/usr/bin:/bin", "NETLOG_DB": str(journal_path), "NETLOG_TODAY": "2026-11-23", "LANG": "C.UTF-8"}
    launcher = [
        SETPRIV, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
        "--inh-caps=+dac_read_search", "--ambient-caps=+dac_read_search",
    ]
    code = f"import os; os.umask({umask}); from netlog.__main__ import main; main()"
    return subprocess.run([*launcher, sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)


def _python_usable_by_nobody(folder: Path) -> bool:
    if not SETPRIV:
        return False
    r = _as_nobody(["--version"], folder, folder / "none.db")
    return r.returncode == 0


def _nobody_setup(nobody_dir: Path) -> Path:
    if not _python_usable_by_nobody(nobody_dir):
        pytest.skip("can't run netlog as an unprivileged user here (needs setpriv and ambient capabilities)")
    path = nobody_dir / "data" / "journal.db"
    r = _as_nobody(["add", "Priya Raman"], nobody_dir, path)
    assert r.returncode == 0, r.stderr
    r = _as_nobody(["give", "pri", "kept safe"], nobody_dir, path)
    assert r.returncode == 0, r.stderr
    return path


def test_read_only_journal_file(nobody_dir):
    path = _nobody_setup(nobody_dir)
    os.chmod(path, 0o400)
    r = _as_nobody(["give", "pri", "cannot land"], nobody_dir, path)
    assert r.returncode == 1 and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    assert "read-only" in r.stderr and str(path) in r.stderr
    assert [w for (w,) in rows(path, "SELECT what FROM entry")] == ["kept safe"]


def test_read_only_journal_directory(nobody_dir):
    path = _nobody_setup(nobody_dir)
    os.chmod(path.parent, 0o500)
    r = _as_nobody(["give", "pri", "cannot land"], nobody_dir, path)
    assert r.returncode == 1 and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    assert str(path) in r.stderr
    os.chmod(path.parent, 0o700)
    assert [w for (w,) in rows(path, "SELECT what FROM entry")] == ["kept safe"]


def test_unprivileged_user_gets_private_modes_under_umask_022(nobody_dir):
    path = _nobody_setup(nobody_dir)
    assert oct(os.stat(path.parent).st_mode & 0o777) == "0o700"
    assert oct(os.stat(path).st_mode & 0o777) == "0o600"


# -- import and merge under fire ------------------------------------------------


def _linkedin(path: Path, rows: int) -> Path:
    lines = [
        "Notes:",
        '"When exporting your connection data, you may notice that some of the email addresses are missing."',
        "",
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On",
    ]
    lines += [f"First{i},Last{i},https://www.linkedin.com/in/p{i},,Company {i % 50},Engineer,14 Nov 2025" for i in range(rows)]
    path.write_text("\ufeff" + "\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def test_cron_remind_and_import_while_interactive_writes_fire(journal, tmp_path):
    """Promise 1 with every kind of process at once: nothing locked, nothing lost."""
    csv = _linkedin(tmp_path / "Connections.csv", 3000)
    procs = [("import", netlog_popen("import", "linkedin", str(csv), env=journal.env))]
    procs += [("remind", netlog_popen("remind", "--new-only", env=journal.env))]
    procs += [(f"w{i}", netlog_popen("give" if i % 2 else "ask", "pri", f"w{i}", env=journal.env)) for i in range(6)]
    for _, p in procs:
        p.wait(timeout=300)
    for name, p in procs:
        err = p.stderr.read()
        assert p.returncode == 0, (name, err)
        assert "locked" not in err
    assert {w for (w,) in rows(journal.db, "SELECT what FROM entry")} == {f"w{i}" for i in range(6)}
    assert rows(journal.db, "SELECT count(*) FROM contact")[0][0] == 2 + 3000
    assert integrity(journal.db) == "ok"


def test_sigkill_during_import_is_all_or_nothing(journal, tmp_path):
    csv = _linkedin(tmp_path / "Connections.csv", 20000)
    rng = random.Random(3)
    outcomes = set()
    for attempt in range(5):
        p = netlog_popen("import", "linkedin", str(csv), "--tag", f"t{attempt}", env=journal.env)
        time.sleep(rng.uniform(0.3, 4.0))
        p.kill()
        p.wait()
        assert integrity(journal.db) == "ok"
        count = rows(journal.db, "SELECT count(*) FROM contact")[0][0]
        assert count in (2, 20002), count  # all of it or none of it
        outcomes.add(count)
        if count == 20002:
            break
    r = run_netlog("check", env=journal.env)
    assert r.returncode == 0, r.stdout + r.stderr


def test_sigkill_during_merge_is_all_or_nothing(env, cli):
    rng = random.Random(5)
    for attempt in range(4):
        path = env.tmp / f"m{attempt}.db"
        e = dict(env.env, NETLOG_DB=str(path))
        assert run_netlog("add", "Keep Me", env=e).returncode == 0
        assert run_netlog("add", "Other One", env=e).returncode == 0
        con = sqlite3.connect(path)
        con.executemany(
            "INSERT INTO entry (contact_id, type, what, day, created_at) VALUES (2, 'give', ?, '2026-01-01', 'x')",
            [(f"e{i}",) for i in range(20000)],
        )
        con.commit()
        con.close()
        p = netlog_popen("merge", "keep", "other", "--yes", env=e)
        time.sleep(rng.uniform(0.2, 3.0))
        p.kill()
        p.wait()
        assert integrity(path) == "ok"
        owners = rows(path, "SELECT contact_id, count(*) FROM entry GROUP BY contact_id")
        contacts = [n for (n,) in rows(path, "SELECT name FROM contact ORDER BY id")]
        assert (owners, contacts) in (([(2, 20000)], ["Keep Me", "Other One"]), ([(1, 20000)], ["Keep Me"])), (owners, contacts)
        assert run_netlog("check", env=e).returncode == 0
