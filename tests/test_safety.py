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
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import db_state, digest, run_netlog

from netlog import db

NOBODY = 65534


def netlog_popen(*args: str, env: dict[str, str], stdout: int = subprocess.PIPE, **kw) -> subprocess.Popen:  # type: ignore[type-arg]
    return subprocess.Popen(
        [sys.executable, "-m", "netlog", *args], env=env, stdin=subprocess.DEVNULL,
        stdout=stdout, stderr=subprocess.PIPE, text=True, **kw,
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
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    assert f"the journal {journal.db} stayed locked by another process for 10 s; nothing was saved" in r.stderr
    assert "Try again once the other netlog command (an import, a cron job), or the program that has the journal open" in r.stderr
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


SCHEMAS = Path(__file__).parent / "data" / "schemas"


def _table_rows(path: Path, tables: list[str] | None = None) -> dict[str, list[tuple]]:  # type: ignore[type-arg]
    """Every row of the given tables (all by default), in the columns they have now."""
    con = sqlite3.connect(path)
    try:
        names = tables or [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        out = {}
        for n in names:
            cols = [r[1] for r in con.execute(f'PRAGMA table_info("{n}")')]
            out[n] = con.execute(f'SELECT {", ".join(cols)} FROM "{n}" ORDER BY 1').fetchall()
        return out
    finally:
        con.close()


def _opened_by(pid: int, path: Path) -> bool:
    try:
        return any(os.readlink(f"/proc/{pid}/fd/{fd}") == str(path) for fd in os.listdir(f"/proc/{pid}/fd"))
    except OSError:  # it exited, or closed that descriptor while we looked
        return False


def _until_waiting(procs: list[subprocess.Popen], path: Path, limit: float = 20.0) -> None:  # type: ignore[type-arg]
    """Until every process has held ``path`` open for 0.3 s: it is past the quick
    look open_journal takes, in its own connection, queued on the write lock."""
    deadline = time.monotonic() + limit
    since: dict[int, float] = {}
    while time.monotonic() < deadline:
        now = time.monotonic()
        for p in procs:
            assert p.poll() is None, p.communicate(timeout=30)
            if _opened_by(p.pid, path):
                since.setdefault(p.pid, now)
            else:
                since.pop(p.pid, None)
        if len(since) == len(procs) and all(now - t >= 0.3 for t in since.values()):
            return
        time.sleep(0.01)
    raise AssertionError("the netlog processes never reached the journal's lock")


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc to see that both processes are waiting")
def test_two_processes_upgrade_an_old_journal_once(env, tmp_path):
    """Both processes reach the old journal while the test holds its write lock;
    released together, the journal is upgraded once and both read it."""
    path = tmp_path / "old.db"
    shutil.copy(SCHEMAS / "v1.db", path)
    before = _table_rows(path)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    procs = [netlog_popen("--db", str(path), "contacts", "--json", env=env.env) for _ in range(2)]
    try:
        _until_waiting(procs, path)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    outs = [p.communicate(timeout=60) for p in procs]
    active = rows(path, "SELECT count(*) FROM contact WHERE NOT archived")[0][0]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0 and err == "", err  # no "locked", no "already exists"
        assert len(json.loads(out)) == active > 30
    assert rows(path, "PRAGMA user_version") == [(db.SCHEMA_VERSION,)]
    assert integrity(path) == "ok"
    after = _table_rows(path, list(before))
    for table, old in before.items():  # every row kept; v4's new columns aside
        width = len(old[0]) if old else 0
        assert [r[:width] for r in after[table]] == old, table
    con = sqlite3.connect(path)
    assert db.stale_kept_days(con) == []
    con.close()


# -- 2. crashes and interrupts ------------------------------------------------
#
# Each command is started on a fresh copy of a journal and stopped while it is
# writing: once its -wal has grown past 64 KB (its transaction spilled to disk),
# after a random delay shorter than the time it goes on writing (measured at
# about three times each window below). Afterwards `netlog check` must pass and
# the command must have taken effect completely or not at all. The tests assert
# that some stops really landed mid-transaction.


@dataclass
class Case:
    name: str
    template: Path  # the journal each attempt starts from
    args: list[str]
    window: float  # a random delay up to this lands while the command still writes
    effect: Callable[[Path], str]  # 'none', 'all', or a description of a half-done state


@dataclass
class Stop:
    code: int
    err: str
    effect: str
    writing: bool  # the -wal grew before the signal: the transaction had begun


def _wait_for_writes(proc: subprocess.Popen, path: Path, limit: float = 30.0) -> bool:  # type: ignore[type-arg]
    """Until the command's write transaction spills to the -wal, or it ends."""
    wal = Path(f"{path}-wal")
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if wal.stat().st_size > 64 * 1024:
                return True
        except FileNotFoundError:
            pass
        time.sleep(0.002)
    return False


def _stop_while_writing(case: Case, sig: int, cli, env, attempts: int = 5, seed: int = 1, most: int = 12) -> list[Stop]:  # type: ignore[no-untyped-def]
    """At least ``attempts`` stops, a random moment within the case's write
    window each. A machine quicker than the one the window was measured on
    finishes before some signals land: then the window halves, and more
    attempts (up to ``most``) are made until two have landed mid-write, so the
    tests below prove what they say on any machine rather than by luck."""
    rng = random.Random(seed)
    stops: list[Stop] = []
    window = case.window
    landed = -signal.SIGKILL if sig == signal.SIGKILL else 130
    for attempt in range(most):
        if attempt >= attempts and _landed_mid_write(stops, landed) >= 2:
            break
        path = env.tmp / f"{case.name}-{attempt}.db"
        shutil.copy(case.template, path)
        proc = netlog_popen(*case.args, env=dict(env.env, NETLOG_DB=str(path)), stdout=subprocess.DEVNULL)
        try:
            writing = _wait_for_writes(proc, path)
            if writing:
                time.sleep(rng.uniform(0, window))
            proc.send_signal(sig)
            _, err = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=30)
        # what the user would do next: check it, before anything else opens it
        checked = cli("--db", str(path), "check", code=None)
        assert checked.exit_code == 0, (case.name, attempt, checked.stdout + checked.stderr)
        effect = case.effect(path)
        assert effect in ("none", "all"), (case.name, attempt, effect)
        stops.append(Stop(proc.returncode, err, effect, writing))
        if effect == "all":
            window /= 2  # it finished first: aim earlier
    return stops


def _landed_mid_write(stops: list[Stop], code: int) -> int:
    return sum(1 for s in stops if s.writing and s.code == code and s.effect == "none")


# the journals each case starts from, built once per session


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


IMPORTED = 20_000
MERGED = 12_000  # entries of the duplicate, long enough to spill the page cache


def _two_contacts(path: Path) -> None:
    e = {"HOME": str(path.parent), "PATH": os.environ.get("PATH", "/usr/bin"), "NETLOG_DB": str(path), "NETLOG_TODAY": "2026-11-23"}
    for name in ("Keep Me", "Other One"):
        r = run_netlog("add", name, env=e)
        assert r.returncode == 0, r.stderr


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("templates")
    base = d / "two.db"
    _two_contacts(base)
    merge = d / "merge.db"
    shutil.copy(base, merge)
    con = sqlite3.connect(merge)
    con.executemany(
        "INSERT INTO entry (contact_id, type, what, day, created_at) VALUES (2, 'give', ?, '2026-01-01', 'x')",
        [(f"e{i} " + "x" * 800,) for i in range(MERGED)],
    )
    con.commit()
    con.close()
    return {"two": base, "merge": merge, "csv": _linkedin(d / "Connections.csv", IMPORTED), "old": _old_big_journal(d / "old.db")}


def _old_big_journal(path: Path) -> Path:
    """The kept v1 journal, grown by SQL to 20,000 contacts and 40,000 entries: its
    upgrade rewrites every contact and so writes for a while."""
    shutil.copy(SCHEMAS / "v1.db", path)
    con = sqlite3.connect(path)
    con.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000) "
        "INSERT INTO contact (name, name_key, added_on, note) SELECT 'Scaled ' || i, 'scaled ' || i, '2024-01-01', printf('%.400c', 'n') FROM n"
    )
    top = con.execute("SELECT max(id) FROM contact").fetchone()[0]
    con.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40000) "
        "INSERT INTO entry (contact_id, type, what, day, created_at, outcome, resolved_on) "
        f"SELECT 1 + i % {top}, CASE i % 3 WHEN 0 THEN 'give' WHEN 1 THEN 'got' ELSE 'ask' END, 'entry ' || i, "
        "date('2024-01-01', '+' || (i % 600) || ' days'), 'x', CASE i % 6 WHEN 2 THEN 'helped' END, CASE i % 6 WHEN 2 THEN '2025-06-01' END FROM n"
    )
    con.commit()
    con.close()
    return path


def _import_case(templates: dict[str, Path]) -> Case:
    before = db_state(templates["two"])

    def effect(path: Path) -> str:
        count = rows(path, "SELECT count(*) FROM contact")[0][0]
        tagged = rows(path, "SELECT count(*) FROM contact_tag")[0][0]
        if count == 2 and db_state(path) == before:
            return "none"
        if count == 2 + IMPORTED and tagged == IMPORTED:
            return "all"
        return f"{count} contacts, {tagged} tagged"

    return Case("import", templates["two"], ["import", "linkedin", str(templates["csv"]), "--tag", "big"], 0.03, effect)


def _merge_case(templates: dict[str, Path]) -> Case:
    before = db_state(templates["merge"])

    def effect(path: Path) -> str:
        owners = rows(path, "SELECT contact_id, count(*) FROM entry GROUP BY contact_id")
        contacts = [n for (n,) in rows(path, "SELECT name FROM contact ORDER BY id")]
        if db_state(path) == before:
            return "none"
        if owners == [(1, MERGED)] and contacts == ["Keep Me"]:
            return "all"
        return f"{owners} {contacts}"

    return Case("merge", templates["merge"], ["merge", "keep", "other", "--yes"], 0.08, effect)


def _upgrade_case(templates: dict[str, Path]) -> Case:
    before = db_state(templates["old"])
    old_rows = _table_rows(templates["old"])

    def effect(path: Path) -> str:
        version = rows(path, "PRAGMA user_version")[0][0]
        if version == 1 and db_state(path) == before:
            return "none"
        if version == db.SCHEMA_VERSION:
            after = _table_rows(path, list(old_rows))
            con = sqlite3.connect(path)
            stale = db.stale_kept_days(con)
            con.close()
            kept = all([r[: len(old[0])] for r in after[t]] == old for t, old in old_rows.items() if old)
            return "all" if kept and not stale else f"upgraded, rows kept: {kept}, stale kept days: {len(stale)}"
        return f"schema {version}"

    return Case("upgrade", templates["old"], ["contacts", "--json"], 0.04, effect)


CASES = {"import": _import_case, "merge": _merge_case, "upgrade": _upgrade_case}


@pytest.mark.parametrize("name", list(CASES))
def test_sigkill_while_writing_is_all_or_nothing(name, templates, cli, env):
    """Promise 2: kill -9 in the middle of a large import, a merge, a schema upgrade."""
    stops = _stop_while_writing(CASES[name](templates), signal.SIGKILL, cli, env, seed=len(name))
    for s in stops:
        assert s.code == -signal.SIGKILL or (s.code == 0 and s.effect == "all"), s
    assert _landed_mid_write(stops, -signal.SIGKILL) >= 2, stops  # the kills did land while it wrote


@pytest.mark.parametrize("name", list(CASES))
def test_sigint_while_writing_exits_130_and_says_what_was_saved(name, templates, cli, env):
    """Promise 2: Ctrl-C mid-write exits 130 with one line, and the line tells the
    truth: 'nothing was saved' when nothing was, 'saved' when the commit had happened."""
    stops = _stop_while_writing(CASES[name](templates), signal.SIGINT, cli, env, seed=len(name))
    for s in stops:
        lines = s.err.splitlines()
        said = [line for line in lines if line.startswith("netlog:")]
        assert "Traceback" not in s.err, s.err
        if s.code == 130:
            # one line, the last (merge shows its preview first); nothing half-written
            assert len(said) == 1 and lines[-1] == said[0], s.err
            if s.effect == "none":
                assert said == ["netlog: interrupted; nothing was saved"], s
                assert not any(line.startswith(("Merged", "Imported")) for line in lines), s.err
            else:
                assert said == ["netlog: interrupted after your change was saved"], s
        else:
            assert s.code == 0 and s.effect == "all" and not said, s  # it finished before the signal
    assert _landed_mid_write(stops, 130) >= 2, stops  # the interrupts did land while it wrote


def test_sigint_after_the_upgrade_committed_says_it_was_saved(templates, cli, env):
    """Ctrl-C once the upgrade has committed, while the command reads and prints:
    130, and the line says the change was saved (it was)."""
    case = _upgrade_case(templates)
    path = env.tmp / "old.db"
    shutil.copy(case.template, path)
    proc = netlog_popen("log", "--limit", "0", "--json", env=dict(env.env, NETLOG_DB=str(path)), stdout=subprocess.DEVNULL)
    try:
        assert _wait_for_writes(proc, path)
        watcher = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)  # the journal is in WAL now
        try:
            deadline = time.monotonic() + 30
            while watcher.execute("PRAGMA user_version").fetchone()[0] != db.SCHEMA_VERSION and time.monotonic() < deadline:
                time.sleep(0.002)
        finally:
            watcher.close()
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)
    assert proc.returncode == 130 and err == "netlog: interrupted after your change was saved\n", (proc.returncode, err)
    assert cli("--db", str(path), "check", code=None).exit_code == 0
    assert case.effect(path) == "all"


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
        capture_output=True, text=True, preexec_fn=_limit_file_size(64 * 1024), timeout=60,
    )
    assert p.returncode == 1, p
    assert p.stderr.count("\n") == 1 and "Traceback" not in p.stderr
    assert f"the disk holding the journal {journal.db} is full or failing; nothing was saved" in p.stderr
    assert "Free some space and try again" in p.stderr  # what to do
    assert integrity(journal.db) == "ok"
    assert [w for (w,) in rows(journal.db, "SELECT what FROM entry")] == ["before the disk filled"]
    r = run_netlog("log", "--json", env=journal.env)
    assert r.returncode == 0 and json.loads(r.stdout)[0]["what"] == "before the disk filled"


# Permission tests need a user whom file modes stop. Run as a normal user, that
# is the user running the tests; run as root (which ignores modes), netlog is
# started as 'nobody' through setpriv.

SETPRIV = shutil.which("setpriv")


@dataclass
class Unprivileged:
    folder: Path  # a folder this user owns
    launcher: list[str]  # the command prefix that runs as this user

    def run(self, *args: str, journal: Path, umask: int = 0o022) -> subprocess.CompletedProcess:  # type: ignore[type-arg]
        env = {"HOME": str(self.folder), "PATH": "/usr/bin:/bin", "NETLOG_DB": str(journal), "NETLOG_TODAY": "2026-11-23", "LANG": "C.UTF-8"}
        code = f"import os; os.umask({umask}); from netlog.__main__ import main; main()"
        return subprocess.run(
            [*self.launcher, sys.executable, "-c", code, *args], env=env, capture_output=True, text=True,
            stdin=subprocess.DEVNULL, timeout=60,
        )


def _as_nobody() -> list[str]:
    """'nobody' keeps only CAP_DAC_READ_SEARCH, so it can read the interpreter
    wherever it is installed, but file modes still stop its writes."""
    return [
        SETPRIV, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",  # type: ignore[list-item]
        "--inh-caps=+dac_read_search", "--ambient-caps=+dac_read_search",
    ]


@pytest.fixture
def user() -> Unprivileged:
    d = Path(tempfile.mkdtemp(prefix="netlog-user-"))
    os.chmod(d, 0o755)
    if os.geteuid() == 0:
        if not SETPRIV:
            pytest.skip("running as root, which ignores file modes, and setpriv is missing to switch to 'nobody'")
        os.chown(d, NOBODY, NOBODY)
        who = Unprivileged(d, _as_nobody())
        r = who.run("--version", journal=d / "none.db")
        if r.returncode != 0:
            pytest.skip(f"running as root, and 'nobody' can't start this Python through setpriv: {r.stderr.strip()[:200]}")
    else:
        who = Unprivileged(d, [])
    yield who
    for p in [d, *d.rglob("*")]:
        try:
            os.chmod(p, 0o700)
        except OSError:
            pass
    shutil.rmtree(d, ignore_errors=True)


def _user_journal(user: Unprivileged) -> Path:
    path = user.folder / "data" / "journal.db"
    for args in (("add", "Priya Raman"), ("give", "pri", "kept safe")):
        r = user.run(*args, journal=path)
        assert r.returncode == 0, r.stderr
    return path


def _beside(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir())


def _still_readable(user: Unprivileged, path: Path) -> None:
    """netlog itself, as that user, still reads every bit of the journal, and
    leaves nothing beside it (a -wal or -shm made now would be read-only too)."""
    files = _beside(path)
    r = user.run("log", "--json", journal=path)
    assert r.returncode == 0, r.stderr
    assert [e["what"] for e in json.loads(r.stdout)] == ["kept safe"]
    r = user.run("contacts", "--json", journal=path)
    assert r.returncode == 0, r.stderr
    assert [c["name"] for c in json.loads(r.stdout)] == ["Priya Raman"]
    r = user.run("where", journal=path)
    assert r.returncode == 0 and str(path) in r.stdout and "contacts: 1" in r.stdout, r.stderr
    assert _beside(path) == files


def _checks_sound(user: Unprivileged, path: Path) -> None:
    r = user.run("check", journal=path)
    assert r.returncode == 0 and "verdict: ok" in r.stdout, r.stdout + r.stderr


def _refused_write(user: Unprivileged, path: Path) -> str:
    r = user.run("give", "pri", "cannot land", journal=path)
    assert r.returncode == 1 and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr, r.stderr
    return r.stderr


def test_read_only_journal_file(user):
    path = _user_journal(user)
    os.chmod(path, 0o400)
    files = _beside(path)
    err = _refused_write(user, path)
    assert f"can't write to the journal {path}: the file is read-only; nothing was saved" in err
    assert f"Make it writable (chmod u+w {path}), or copy it elsewhere and use --db" in err  # what to do
    _still_readable(user, path)
    assert _beside(path) == files
    os.chmod(path, 0o600)
    assert user.run("give", "pri", "writable again", journal=path).returncode == 0
    assert [w for (w,) in rows(path, "SELECT what FROM entry ORDER BY id")] == ["kept safe", "writable again"]
    os.chmod(path, 0o400)
    files = _beside(path)
    _checks_sound(user, path)
    assert _beside(path) == files  # check left no -wal/-shm this user could not remove
    r = user.run("backup", str(user.folder / "copy.db"), journal=path)
    assert r.returncode == 0, r.stderr
    assert _beside(path) == files  # nor did backup
    os.chmod(path, 0o600)
    assert user.run("give", "pri", "after the backup", journal=path).returncode == 0


def test_read_only_journal_directory(user):
    path = _user_journal(user)
    assert _beside(path) == ["journal.db"]  # netlog tidied its -wal and -shm away
    os.chmod(path.parent, 0o500)
    err = _refused_write(user, path)
    assert f"can't write to the journal {path}: its folder {path.parent} is read-only" in err
    assert f"Make the folder writable (chmod u+w {path.parent}), or copy the journal elsewhere and use --db" in err
    _still_readable(user, path)
    _checks_sound(user, path)
    assert _beside(path) == ["journal.db"]
    os.chmod(path.parent, 0o700)
    assert [w for (w,) in rows(path, "SELECT what FROM entry")] == ["kept safe"]


def test_old_journal_in_a_read_only_directory_says_it_needs_an_upgrade(user):
    path = user.folder / "old" / "journal.db"
    path.parent.mkdir()
    shutil.copy(SCHEMAS / "v1.db", path)
    if os.geteuid() == 0:
        os.chown(path.parent, NOBODY, NOBODY)
        os.chown(path, NOBODY, NOBODY)
    before = digest(path)
    os.chmod(path.parent, 0o500)
    r = user.run("contacts", journal=path)
    assert r.returncode == 1 and r.stderr.count("\n") == 1, r.stderr
    assert f"can't upgrade the journal {path} to schema {db.SCHEMA_VERSION}" in r.stderr
    assert f"its folder {path.parent} is read-only" in r.stderr and "Make the folder writable" in r.stderr
    assert digest(path) == before and _beside(path) == ["journal.db"]


def test_unprivileged_user_gets_private_modes_under_umask_022(user):
    path = _user_journal(user)
    assert oct(os.stat(path.parent).st_mode & 0o777) == "0o700"
    assert oct(os.stat(path).st_mode & 0o777) == "0o600"


# -- import and merge under fire ------------------------------------------------


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

