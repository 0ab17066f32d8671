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


# -- what netlog writes and reads back ------------------------------------------


def test_every_csv_netlog_prints_defuses_formulas(cli, env):
    """Reports' --csv follow the same rule as export csv: LinkedIn data comes
    from other people, and a spreadsheet would run it."""
    cli("add", "Mallory", "--company", '=HYPERLINK("http://evil","x")', "--title", "+SUM(1,1)",
        "--email", "@x.com", "--phone", "+1 555 0199", "--tag", "=cmd|' /C calc'!A0")
    cli("give", "mallory", "--", "-2+3+cmd")
    cli("ask", "mallory", "＝1+1")
    import csv
    import io

    seen = []
    for args in (["contacts", "--csv"], ["log", "--csv"], ["balance", "--csv"], ["hungry", "--all", "--csv"], ["asks", "--csv"]):
        for row in csv.reader(io.StringIO(cli(*args).stdout)):
            seen += row
    for cell in seen:
        if cell.startswith(("=", "+", "-", "@", "＝", "|", "\t", "\r")):
            assert cell == "+1 555 0199", cell  # a phone number runs nothing, and is left as it is
    assert "'=HYPERLINK(\"http://evil\",\"x\")" in seen and "'+SUM(1,1)" in seen and "'@x.com" in seen
    assert "'-2+3+cmd" in seen and "'＝1+1" in seen and "'=cmd|' /C calc'!A0" in seen


def test_an_id_too_large_for_any_row_is_a_usage_error(cli):
    cli("add", "Ann Lee")
    big = "99999999999999999999"
    for args in (["show", f"#{big}"], ["resolve", big, "helped"], ["drop", big], ["amend", f"#{big}", "--what", "x"],
                 ["followup", big], ["give", f"#{big}", "x"], ["log", f"#{big}"]):
        r = cli(*args, code=2)
        assert r.stderr.count("\n") == 1 and "unexpected" not in r.stderr and f"#{big}" in r.stderr, r.stderr


def _set_header_version(path: Path, raw: bytes) -> None:
    with open(path, "r+b") as f:
        f.seek(60)  # the header's user_version
        f.write(raw)


@pytest.mark.parametrize("raw", [b"\0\0\0\0", b"\0\0\0\1", b"\xff\xff\xff\xff"])
def test_a_damaged_schema_version_is_called_damaged(cli, env, raw):
    cli("add", "Ann Lee")
    cli("give", "ann", "x")
    _set_header_version(env.db, raw)
    before = env.db.read_bytes()
    r = cli("check", code=1)
    assert "verdict: PROBLEM" in r.stdout and "but its tables are those of schema" in r.stdout
    assert "restore your latest backup" in r.stderr
    for args in (["contacts"], ["give", "ann", "y"]):
        r = cli(*args, code=1)
        assert "is damaged: its header says schema" in r.stderr and r.stderr.count("\n") == 1, r.stderr
    assert env.db.read_bytes() == before


def test_check_says_exactly_what_is_there(cli, env, tmp_path):
    r = cli("--db", str(tmp_path / "typo.db"), "check", code=1)
    assert r.stderr == f"netlog: there is no journal at {tmp_path / 'typo.db'} yet: nothing to check; the first write creates it\n"
    assert "PROBLEM" not in r.stdout and not (tmp_path / "typo.db").exists()
    (tmp_path / "folder").mkdir()
    for target, said in ((tmp_path / "folder", "is a directory"), (Path("/dev/null"), "is not a regular file")):
        r = cli("--db", str(target), "check", code=1)
        assert said in r.stderr and "damaged" not in r.stderr and "backup" not in r.stderr, r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder", "home"]  # check made nothing


def test_a_setting_netlog_cannot_use_is_found_and_said_in_one_line(cli, env):
    cli("add", "Ann Lee")
    con = sqlite3.connect(env.db)
    con.execute("INSERT INTO setting (key, value) VALUES ('default_every_days', 'abc')")
    con.commit()
    con.close()
    r = cli("check", code=1)
    assert "settings:" in r.stdout and "default_every_days is 'abc'" in r.stdout and "PROBLEM" in r.stdout
    for args in ([], ["hungry"], ["remind"]):
        r = cli(*args, code=1)
        assert r.stderr.count("\n") == 1 and "setting default_every_days" in r.stderr and "netlog cadence --default" in r.stderr
    cli("cadence", "--default", "60d")
    cli("check")


@pytest.mark.parametrize("settings", [{"default_every_days": "0"}, {"default_every_days": "abc"}, {"default_every_days": "-5"},
                                      {"default_every_days": str(10**30)}, {"default_every_days": 30}, {"colour": "blue"}])
def test_import_json_refuses_settings_netlog_cannot_use(cli, env, tmp_path, settings):
    import json

    doc = {"format": "netlog-journal", "format_version": 1, "settings": settings, "tags": [], "contacts": [], "entries": []}
    f = tmp_path / "in.json"
    f.write_text(json.dumps(doc))
    r = cli("import", "json", str(f), code=2)
    assert r.stderr.count("\n") == 1 and "nothing was imported" in r.stderr and "unexpected" not in r.stderr
    assert not env.db.exists()


@pytest.mark.parametrize("text", [
    '{"format": "netlog-journal", "format_version": 1, "contacts": [{"id": 18446744073709551616, "name": "A", "added_on": "2026-01-01"}]}',
    '{"format": "netlog-journal", "format_version": 1, "tags": [{"id": 1, "name": "t", "every_days": 1000000000000000000000000000000}]}',
    '{"format": "netlog-journal", "format_version": 1, "x": ' + "9" * 5000 + "}",
    "[" * 100_000 + "]" * 100_000,
])
def test_import_json_refuses_numbers_and_nesting_no_journal_holds(cli, env, tmp_path, text):
    f = tmp_path / "in.json"
    f.write_text(text)
    r = cli("import", "json", str(f), code=2)
    assert r.stderr.count("\n") == 1 and "unexpected" not in r.stderr, r.stderr
    assert not env.db.exists()


# -- after the commit, every word says it was saved ------------------------------


def _limit_file_size(limit: int):  # type: ignore[no-untyped-def]
    import resource
    import signal

    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # fail the write with EFBIG instead of dying
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_rm_whose_privacy_wipe_fails_says_it_deleted(cli, env):
    """The deletion commits into the -wal; the checkpoint that then wipes the
    -wal must write the journal's last pages, which the full disk refuses."""
    con = sqlite3.connect(env.db)
    cli("add", "Filler")
    con.executemany("INSERT INTO contact (name, name_key, added_on, archived, note) VALUES (?, ?, '2026-01-01', 0, ?)",
                    [(f"F{i}", f"f{i}", "n" * 300) for i in range(600)])
    con.commit()
    con.close()
    cli("add", "Ann Last", "--note", "secret-text " * 50)
    for i in range(3):
        cli("give", "ann last", f"x{i}")
    assert run_netlog("where", env=env.env).returncode == 0  # the -wal checkpointed away
    limit = env.db.stat().st_size - 4096  # Ann's pages are the file's last ones
    r = subprocess.run([sys.executable, "-m", "netlog", "rm", "ann last", "--yes"], env=env.env, capture_output=True,
                       text=True, stdin=subprocess.DEVNULL, preexec_fn=_limit_file_size(limit), timeout=60)
    assert r.returncode == 1, r.stderr
    lines = r.stderr.splitlines()
    assert lines[0] == "Deleted Ann Last (#602) and their 3 entries.", lines
    assert lines[1].startswith("netlog: your change was saved, but the deleted text could not yet be wiped from"), lines
    assert "nothing was saved" not in r.stderr and len(lines) == 2
    assert rows(env.db, "SELECT count(*) FROM contact WHERE name = 'Ann Last'") == [(0,)]
    assert run_netlog("where", env=env.env).returncode == 0  # with room again, closing the journal wipes it
    for f in env.db.parent.glob("journal.db*"):
        assert b"secret-text" not in f.read_bytes(), f


def _full(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:  # type: ignore[type-arg]
    with open("/dev/full", "w") as full:
        return subprocess.run([sys.executable, "-m", "netlog", *args], env=env, stdout=full, stderr=subprocess.PIPE,
                              text=True, stdin=subprocess.DEVNULL, timeout=60)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("bare", [False, True])
def test_output_that_cannot_be_written_after_a_write_says_it_was_saved(cli, env, tmp_path, bare):
    cli("add", "Ann Lee")
    e = env.env if not bare else {"HOME": env.env["HOME"], "NETLOG_DB": str(env.db), "NETLOG_TODAY": "2026-11-23"}
    r = _full(["ask", "ann", "a favour"], e)
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    assert r.stderr.splitlines()[-1] == "netlog: your change was saved, but its output could not be written: No space left on device"
    assert rows(env.db, "SELECT count(*) FROM entry WHERE what = 'a favour'") == [(1,)]
    people = tmp_path / "people.csv"
    people.write_text("Name\nBo Ng\n")
    r = _full(["import", "csv", str(people), "--json"], e)
    assert r.returncode == 1 and r.stderr.splitlines()[-1].startswith("netlog: your change was saved, but its output"), r.stderr
    r = _full(["contacts"], e)  # nothing was written: nothing is said to be saved
    assert r.returncode == 1 and r.stderr == "netlog: the output could not be written: No space left on device\n", r.stderr


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_remind_new_only_marks_nothing_reported_when_its_output_fails(cli, env):
    cli("add", "Ann Lee")
    e = dict(env.env, NETLOG_TODAY="2027-06-01")
    r = _full(["remind", "--new-only"], e)
    assert r.returncode == 1 and "nothing was saved" not in r.stderr and "could not be written" in r.stderr, r.stderr
    assert rows(env.db, "SELECT count(*) FROM reported") == [(0,)]
    r = run_netlog("remind", "--new-only", env=e)
    assert "Ann Lee" in r.stdout  # still news


def test_a_closed_pipe_ends_quietly_with_0(cli, env):
    cli("add", "Ann Lee")
    con = sqlite3.connect(env.db)
    con.executemany("INSERT INTO entry (contact_id, type, what, day, followups, created_at) VALUES (1, 'note', ?, '2026-01-01', 0, 'x')",
                    [(f"bulk {i}",) for i in range(20000)])
    con.commit()
    con.close()
    for args in (["log", "--limit", "0"], ["log", "--limit", "0", "--json"], ["export", "json"], ["remind", "--new-only"]):
        p = subprocess.Popen([sys.executable, "-m", "netlog", *args], env=dict(env.env, NETLOG_TODAY="2027-06-01"),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
        p.stdout.read(10)
        p.stdout.close()
        err = p.stderr.read().decode()
        assert p.wait(timeout=60) == 0 and err in ("",), (args, err)


@pytest.mark.parametrize("point", ["committed", "closing"])
@pytest.mark.parametrize("command", [["give", "ann", "a coffee"], ["undo"]])
def test_ctrl_c_after_the_commit_never_says_nothing_was_saved(cli, env, point, command):
    """Ctrl-C landing just after COMMIT (in the checkpoint it may end with) or
    while the journal closes: the change is saved, and so says the line, or
    the command simply ends as it would have."""
    import signal

    cli("add", "Ann Lee")
    cli("give", "ann", "to undo")
    pauses = Pauses(env.tmp / "pauses")
    pauses.hold(point)
    proc = netlog_popen(*command, env=dict(env.env, NETLOG_TEST_PAUSE=str(pauses.folder)))
    pauses.wait(point, proc)
    proc.send_signal(signal.SIGINT)
    time.sleep(0.1)
    pauses.release(point)
    out, err = proc.communicate(timeout=60)
    assert "nothing was saved" not in err and "Traceback" not in err, err
    if point == "committed":
        assert proc.returncode == 130 and err.splitlines() == ["netlog: interrupted after your change was saved"], err
    else:  # the command is over: a Ctrl-C while it closes changes nothing
        assert proc.returncode == 0, err
    whats = [w for (w,) in rows(env.db, "SELECT what FROM entry")]
    assert whats == (["to undo", "a coffee"] if command[0] == "give" else [])
    assert run_netlog("check", env=env.env).returncode == 0


def _before_the_early_handler(frame_line: str) -> bool:
    import re

    import netlog

    m = re.search(r'File "([^"]+)", line (\d+)', frame_line)
    if not m or not m.group(1).endswith("/netlog/__init__.py"):
        return False
    source = Path(netlog.__file__).read_text().splitlines()
    return int(m.group(2)) <= next(i for i, line in enumerate(source, 1) if "EARLY HANDLER" in line)


def test_ctrl_c_while_netlog_starts_is_one_line_or_pythons_own_before_netlog_runs(cli, env):
    """From the moment netlog's own code runs, Ctrl-C is one line and 130.
    Before it (CPython itself starting), Python answers: it ends silently,
    or prints its own KeyboardInterrupt from its own start-up code: never
    from netlog's, and nothing is ever written then."""
    import random
    import signal

    cli("add", "Ann Lee")
    rng = random.Random(5)
    seen = set()
    for i in range(40):
        p = netlog_popen("give", "ann", f"maybe {i}", env=env.env)
        time.sleep(rng.uniform(0.0, 0.08))
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=60)
        saved = rows(env.db, f"SELECT count(*) FROM entry WHERE what = 'maybe {i}'")[0][0]
        if p.returncode == 130:
            assert err.splitlines()[-1] in ("netlog: interrupted; nothing was saved", "netlog: interrupted after your change was saved"), err
            assert "Traceback" not in err
            assert (saved == 1) == err.endswith("after your change was saved\n"), err
            seen.add("netlog")
        elif p.returncode == 0:
            # done; Python may have said it was interrupted while reading its
            # own .pth files (it goes on after that), never in netlog's code
            assert saved == 1, err
            assert all(_before_the_early_handler(line) for line in err.splitlines() if "/netlog/" in line), err
            seen.add("done")
        else:
            # Python's own: killed by the signal, or its KeyboardInterrupt from
            # its own start-up, before netlog's handler was in (the first
            # lines of netlog/__init__.py are the only netlog code it may name)
            assert saved == 0, err
            assert all(_before_the_early_handler(line) for line in err.splitlines() if "/netlog/" in line), err
            seen.add("python")
    assert "netlog" in seen, seen


def test_a_side_file_deleted_and_made_again_while_netlog_looks_is_no_read_only_journal(cli, env, monkeypatch):
    """Other processes delete -wal and -shm and make them again at any moment
    (their last connection closing, the next one opening): netlog must not
    take a moment between two looks for a read-only file."""
    from netlog import db

    cli("add", "Ann Lee")
    wal = Path(f"{env.db}-wal")
    real_access, real_stat = os.access, os.stat
    calls = {"n": 0}

    def churn() -> None:  # each look at the side file finds it gone, then back
        calls["n"] += 1
        if os.path.lexists(wal):
            wal.unlink()
        else:
            wal.write_bytes(b"")

    def access(path, mode, **kw):  # type: ignore[no-untyped-def]
        if str(path) == str(wal):
            churn()
        return real_access(path, mode, **kw)

    def stat_(path, *args, **kw):  # type: ignore[no-untyped-def]
        if str(path) == str(wal):
            churn()
        return real_stat(path, *args, **kw)

    monkeypatch.setattr(os, "access", access)
    monkeypatch.setattr(os, "stat", stat_)
    for start in (True, False):
        if start != os.path.lexists(wal):
            churn()
        assert db.read_only_failure(env.db) is None
    assert calls["n"]


# -- files netlog writes beside the journal and its exports --------------------


def test_an_export_never_writes_over_the_journal_or_an_existing_file(cli, env, tmp_path):
    cli("add", "Ann Lee")
    before = env.db.read_bytes()
    for target in (env.db, Path(f"{env.db}-wal"), Path(f"{env.db}-shm"), Path(f"{env.db}-journal")):
        for args in (["export", "json", "-o", str(target)], ["export", "vcard", "-o", str(target)], ["backup", str(target)]):
            r = cli(*args, *(["--force"] if args[0] == "export" else []), code=2)
            assert "itself; write the copy to another file" in r.stderr, r.stderr
    assert env.db.read_bytes() == before
    cli("contacts")
    out = tmp_path / "out.json"
    out.write_text("keep me")
    for fmt in ("json", "vcard"):
        r = cli("export", fmt, "-o", str(out), code=1)
        assert "already exists" in r.stderr and "--force" in r.stderr and out.read_text() == "keep me"
    cli("export", "json", "-o", str(out), "--force")
    assert '"format": "netlog-journal"' in out.read_text()
    (tmp_path / "csv").mkdir()
    (tmp_path / "csv" / "tags.csv").write_text("mine")
    r = cli("export", "csv", str(tmp_path / "csv"), code=1)
    assert "already exists; nothing was written" in r.stderr and sorted(p.name for p in (tmp_path / "csv").iterdir()) == ["tags.csv"]
    cli("export", "csv", str(tmp_path / "csv"), "--force")
    assert (tmp_path / "csv" / "tags.csv").read_text() != "mine"


@pytest.fixture(scope="module")
def big_journal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("big")
    path = d / "big.db"
    e = {"HOME": str(d), "PATH": os.environ.get("PATH", "/usr/bin"), "NETLOG_TODAY": "2026-11-23"}
    r = run_netlog("--db", str(path), "demo", "--contacts", "3000", "--entries", "300000", env=e, timeout=120)
    assert r.returncode == 0, r.stderr
    return path


def _private_leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.mark.parametrize("what", ["backup", "export"])
def test_a_killed_backup_or_export_leaves_no_copy_of_the_journal(env, tmp_path, big_journal, what):
    """kill -9 mid-copy: an export leaves nothing (its file has no name until
    it is done); a backup's copy, which SQLite writes by name, is locked by
    its maker and removed by the next backup into the same folder."""
    import shutil
    import signal

    journal = tmp_path / "j.db"
    shutil.copy(big_journal, journal)
    out = tmp_path / "out"
    out.mkdir()
    args = ["backup", str(out / "copy.db")] if what == "backup" else ["export", "json", "-o", str(out / "copy.json")]
    e = dict(env.env, NETLOG_DB=str(journal))
    killed_mid_copy = 0
    for attempt in range(6):
        proc = netlog_popen(*args, env=e)
        deadline = time.monotonic() + 30
        while proc.poll() is None and time.monotonic() < deadline:
            if what == "backup" and any(p.stat().st_size > 0 for p in out.iterdir() if p.name.startswith(".")):
                break
            if what == "export" and any(str(out) in link and ("(deleted)" in link or "#" in link) for link in _fds(proc.pid)):
                time.sleep(0.05 * attempt)
                break
            time.sleep(0.001)
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
        done = any(not p.name.startswith(".") for p in out.iterdir())
        if not done:
            killed_mid_copy += 1
        for p in out.iterdir():
            if not p.name.startswith("."):
                p.unlink()
        if what == "export":
            assert _private_leftovers(out) == []
    assert killed_mid_copy >= 1
    if what == "backup":
        assert _private_leftovers(out)  # a copy a kill left behind, locked by nobody now
        time.sleep(1.1)
        r = run_netlog(*args, env=e)
        assert r.returncode == 0, r.stderr
        assert _private_leftovers(out) == [] and (out / "copy.db").exists()
    assert _private_leftovers(tmp_path) == []


def _fds(pid: int) -> list[str]:
    """Where each descriptor of the process points (an unnamed file: '#inode (deleted)')."""
    links = []
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                links.append(os.readlink(f"/proc/{pid}/fd/{fd}"))
            except OSError:
                pass
    except OSError:
        pass
    return links


def test_the_sweep_leaves_a_living_makers_file(tmp_path):
    import fcntl

    from netlog.io.files import TEMP_PREFIX, sweep

    alive, dead = tmp_path / f"{TEMP_PREFIX}a.tmp", tmp_path / f"{TEMP_PREFIX}b.tmp"
    alive.write_text("x")
    dead.write_text("x")
    for p in (alive, dead):
        os.utime(p, (time.time() - 60, time.time() - 60))
    fd = os.open(alive, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        sweep(tmp_path)
    finally:
        os.close(fd)
    assert alive.exists() and not dead.exists()


def _import_steps(path: Path, tags: int) -> int:
    """SQLite's virtual-machine steps (in thousands) to import one card with
    ``tags`` categories: a count of work, not of time."""
    from datetime import date

    from netlog import db
    from netlog.io import importer, vcard

    card = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Cat Many\r\nN:Many;Cat;;;\r\nCATEGORIES:" + ",".join(f"tag{i}" for i in range(tags)) + "\r\nEND:VCARD\r\n"
    journal = db.open_journal(path, create=True)
    steps = 0

    def count() -> int:
        nonlocal steps
        steps += 1
        return 0

    try:
        journal.conn.set_progress_handler(count, 1000)
        with journal.transaction(write=True) as conn:
            importer.apply(conn, vcard.parse(card, "cats.vcf"), today=date(2026, 11, 23))
    finally:
        journal.close()
    return steps


def test_a_card_with_thousands_of_categories_is_linear_work(tmp_path):
    """Each tag link once fired a trigger that recomputed the contact's tag
    cadence over all its tags: a 20,000-category card held the write lock for
    half a minute. Four times the tags must cost about four times the work."""
    small, large = _import_steps(tmp_path / "a.db", 1000), _import_steps(tmp_path / "b.db", 4000)
    assert large < 6 * small, (small, large)
    con = sqlite3.connect(tmp_path / "b.db")
    assert con.execute("SELECT count(*) FROM contact_tag").fetchone() == (4000,)
    from netlog import db

    assert db.stale_kept_days(con) == []
    con.close()


def test_ids_are_never_given_twice(cli, env, tmp_path):
    """An id printed by ask, or in a mailed digest, never comes to name
    somebody else's ask: not after undo, rm, an import, or a restore."""
    cli("add", "Ann Lee")
    cli("add", "Bob Ray")
    first = cli("ask", "ann", "x").stdout.strip()
    cli("undo")
    second = cli("ask", "bob", "y").stdout.strip()
    assert int(second) > int(first)
    r = cli("resolve", first, "helped", code=2)
    assert f"there is no entry #{first}" in r.stderr
    cli("add", "Cat Top")
    cli("rm", "cat", "--yes")
    assert "(#4)" in cli("add", "Dan New").stderr  # not Cat's #3
    cli("rm", "dan", "--yes")
    people = tmp_path / "people.csv"
    people.write_text("Name\nEve Imported\n")
    cli("import", "csv", str(people))
    assert [c["id"] for c in __import__("json").loads(cli("contacts", "--json").stdout) if c["name"] == "Eve Imported"] == [5]
    cli("drop", second)
    exported = tmp_path / "all.json"
    cli("export", "json", "-o", str(exported))
    restored = tmp_path / "restored.db"
    cli("--db", str(restored), "import", "json", str(exported))
    assert "(#6)" in cli("--db", str(restored), "add", "Fay After").stderr
    assert cli("--db", str(restored), "ask", "fay", "z").stdout.strip() == str(int(second) + 1)


def test_odd_journal_paths_get_the_truth(cli, env, tmp_path):
    """What the path is, said exactly: never 'read-only' or 'disk full' for
    what is neither, and never a file made where none was asked for."""
    link = tmp_path / "link.db"
    link.symlink_to(tmp_path / "missing" / "journal.db")
    r = cli("--db", str(link), "add", "Ann Lee", code=1)
    assert "is a link to" in r.stderr and "which does not exist" in r.stderr and "read-only" not in r.stderr, r.stderr
    for args in (["add", "Ann Lee"], ["backup", str(tmp_path / "b.db")], ["where"]):
        r = cli("--db", "/dev/null", *args, code=1)
        assert "/dev/null is not a regular file" in r.stderr and "full" not in r.stderr, r.stderr
    r = cli("--db", "", "add", "Ann Lee", code=2)
    assert "--db: the path is empty" in r.stderr and not env.db.exists()
    cli("add", "Ann Lee")
    r = cli("backup", str(tmp_path / "nosuch") + "/", code=1)
    assert "there is no folder" in r.stderr and not (tmp_path / "nosuch").exists()


def test_a_fifo_as_the_journal_is_refused_at_once(env, tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for args in (["where"], ["add", "Ann Lee"], ["check"], ["backup", str(tmp_path / "b.db")]):
        r = run_netlog("--db", str(fifo), *args, env=env.env, timeout=20)
        assert r.returncode == 1 and "is not a regular file" in r.stderr, (args, r.stderr)


def test_a_damaged_journal_is_called_damaged_never_unexpected(cli, env, tmp_path):
    """Random bytes written over random pages (seeded): every command either
    works, or says in one line what is wrong; a damaged file is called
    damaged, never an 'unexpected' error."""
    import random
    import shutil

    base = tmp_path / "base.db"
    cli("--db", str(base), "demo", "--contacts", "80", "--entries", "3000", "--seed", "2")
    size = base.stat().st_size
    rng = random.Random(1)
    commands = [["contacts"], ["log", "--limit", "0"], ["hungry"], ["balance"], ["show", "#5"], ["give", "#3", "x"],
                ["remind"], ["asks", "--all"], ["owe"], ["stats"], ["export", "json"], ["check"], ["rm", "#9", "--yes"]]
    damaged = 0
    for i in range(30):
        path = tmp_path / f"c{i}.db"
        shutil.copy(base, path)
        with open(path, "r+b") as f:
            for _ in range(rng.randint(1, 4)):
                f.seek(rng.randrange(100, size))
                f.write(rng.randbytes(rng.randint(1, 64)))
        for args in commands:
            r = cli("--db", str(path), *args, code=None)
            assert r.exit_code in (0, 1, 2) and "unexpected" not in r.stderr, (i, args, r.stderr)
            said = [line for line in r.stderr.splitlines() if line.startswith("netlog:")]
            assert r.exit_code == 0 or len(said) == 1, (i, args, r.stderr)
            damaged += "is damaged" in r.stderr
    assert damaged > 30  # the corruptions did reach what the commands read


def test_no_descriptor_on_a_held_journal_is_ever_opened_by_netlog(cli, env, tmp_path, monkeypatch):
    """The class of the lock loss: while a connection of the process holds the
    journal, netlog's own code opens no descriptor on it, its -wal or its
    -shm (closing one would drop SQLite's locks). Every command that opens
    the journal more than once, or reads files beside it, runs here with
    Python's open() and os.open() watching."""
    import builtins

    from netlog import complete, db

    cli("add", "Ann Lee", "--note", "card note")
    cli("add", "Bob Ray")
    cli("give", "ann", "first")
    editor = tmp_path / "editor.sh"
    editor.write_text('#!/bin/sh\nprintf "edited text" > "$1"\n')
    editor.chmod(0o755)
    monkeypatch.setenv("VISUAL", str(editor))
    watched = {str(env.db), f"{env.db}-wal", f"{env.db}-shm"}
    offences: list[str] = []
    real_open, real_os_open = builtins.open, os.open

    def guard(path: object) -> None:
        if db._held and isinstance(path, (str, os.PathLike)) and os.path.abspath(os.fspath(path)) in watched:
            offences.append(os.fspath(path))  # type: ignore[arg-type]

    def watched_open(file, *args, **kw):  # type: ignore[no-untyped-def]
        guard(file)
        return real_open(file, *args, **kw)

    def watched_os_open(path, *args, **kw):  # type: ignore[no-untyped-def]
        guard(path)
        return real_os_open(path, *args, **kw)

    monkeypatch.setattr(builtins, "open", watched_open)
    monkeypatch.setattr(os, "open", watched_os_open)
    people = tmp_path / "people.csv"
    people.write_text("Name\nCat New\n")
    for args in (["edit", "ann", "--edit"], ["amend", "1", "--edit"], ["merge", "ann", "bob", "--yes"], ["give", "ann", "x"],
                 ["undo"], ["import", "csv", str(people)], ["remind", "--new-only"], ["backup", str(tmp_path / "b.db")],
                 ["check"], ["export", "json", "-o", str(tmp_path / "e.json")], ["export", "csv", str(tmp_path / "csv")],
                 ["where"], ["show", "ann"], ["rm", "cat", "--yes"]):
        cli(*args, code=None)
    complete.fast_complete({"_NETLOG_COMPLETE": "complete_bash", "COMP_WORDS": "netlog give a", "COMP_CWORD": "2", **env.env})
    assert offences == []
    assert db._held == {}  # and every connection was closed
    assert run_netlog("check", env=env.env).returncode == 0


# -- everything at once ----------------------------------------------------------


def test_many_writers_at_once_lose_nothing_and_report_the_truth(env, cli, tmp_path):
    """rm, merge, edit --edit, undo, give, import and remind --new-only run
    together in real processes for a while (NETLOG_STRESS_SECONDS, 12 by
    default). Then every write reported saved is there, nothing reported as
    failed is, nothing said 'unexpected', and netlog check passes."""
    import json
    import re
    import uuid

    seconds = float(os.environ.get("NETLOG_STRESS_SECONDS", "12"))
    for group, n in (("G", 6), ("R", 40), ("M", 40), ("E", 4)):
        people = tmp_path / f"{group}.csv"
        people.write_text("Name\n" + "".join(f"{group}{i:03d} Person\n" for i in range(n)))
        cli("import", "csv", str(people), "--tag", group.lower())
    before = {}  # the setup's gives: undo may take them back too
    for i in range(40):
        said = cli("give", f"M{i:03d} Person", f"before merge {i}").stderr
        before[i] = int(re.search(r"Saved #(\d+)", said).group(1))
    editor = tmp_path / "editor.sh"
    editor.write_text('#!/bin/sh\nprintf "%s" "$NOTE" > "$1"\n')
    editor.chmod(0o755)
    deadline = time.monotonic() + seconds
    log: list[tuple[str, list[str], int, str, str]] = []  # (worker, args, code, stdout, stderr)
    notes_saved: dict[str, set[str]] = {}
    lock = threading.Lock()

    def run(worker: str, args: list[str], extra: dict[str, str] | None = None) -> tuple[int, str, str]:
        p = subprocess.run([sys.executable, "-m", "netlog", *args], env={**env.env, **(extra or {})}, capture_output=True,
                           text=True, stdin=subprocess.DEVNULL, timeout=120)
        with lock:
            log.append((worker, args, p.returncode, p.stdout, p.stderr))
        return p.returncode, p.stdout, p.stderr

    def giver() -> None:
        while time.monotonic() < deadline:
            run("give", ["give", f"G{uuid.uuid4().int % 6:03d} Person", f"g-{uuid.uuid4().hex[:10]}"])

    def remover() -> None:
        for i in range(40):
            if time.monotonic() > deadline:
                return
            run("rm", ["rm", f"R{i:03d} Person", "--yes"])

    def merger() -> None:
        for i in range(0, 40, 2):
            if time.monotonic() > deadline:
                return
            run("merge", ["merge", f"M{i:03d} Person", f"M{i + 1:03d} Person", "--yes"])

    def editor_() -> None:
        while time.monotonic() < deadline:
            note, name = f"n-{uuid.uuid4().hex[:10]}", f"E{uuid.uuid4().int % 4:03d} Person"
            code, _, _ = run("edit", ["edit", name, "--edit"], {"VISUAL": str(editor), "NOTE": note})
            if code == 0:
                with lock:
                    notes_saved.setdefault(name, set()).add(note)

    def undoer() -> None:
        while time.monotonic() < deadline:
            run("undo", ["undo"])
            time.sleep(0.2)

    def importer() -> None:
        while time.monotonic() < deadline:
            tag = uuid.uuid4().hex[:8]
            f = tmp_path / f"imp-{tag}.csv"
            f.write_text("Name\n" + "".join(f"I{tag} {j}\n" for j in range(50)))
            run("import", ["import", "csv", str(f)])

    def reminder() -> None:
        while time.monotonic() < deadline:
            run("remind", ["remind", "--new-only"], {"NETLOG_TODAY": "2027-06-01"})

    workers = [threading.Thread(target=t) for t in (giver, giver, remover, merger, editor_, undoer, importer, reminder)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=seconds + 300)

    Path(os.environ.get("NETLOG_STRESS_LOG", os.devnull)).write_text("\n".join(repr(line) for line in log))
    for worker, args, code, out, err in log:
        assert "unexpected" not in err and "Traceback" not in err, (worker, args, err)
        assert code in (0, 1) or (worker == "undo" and code == 1), (worker, args, code, err)
        if code:
            assert "stayed locked" in err or (worker == "undo" and "nothing to undo" in err), (worker, args, err)
    assert sum(1 for w, *_ in log if w in ("rm", "merge")) >= 10, "too few rm and merge ran to prove anything"

    checked = run_netlog("check", env=env.env)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    entries = {e["id"]: e for e in json.loads(run_netlog("log", "--limit", "0", "--json", env=env.env).stdout)}
    whats = {e["what"] for e in entries.values()}
    contacts = {c["name"]: c for c in json.loads(run_netlog("contacts", "--json", env=env.env).stdout)}
    undone = {int(i) for _, _, code, _, err in log if code == 0 for i in re.findall(r"Undone: removed #(\d+)", err)}
    for worker, args, code, out, err in log:
        if worker == "give":
            saved = re.search(r"Saved #(\d+)", err)
            assert (code == 0) == bool(saved), err
            if code == 0 and int(saved.group(1)) not in undone:
                assert args[2] in whats, (args, err)
            if code:
                assert args[2] not in whats, (args, err)
        elif worker == "rm":
            assert (args[1] not in contacts) == (code == 0), (args, err)
        elif worker == "merge":
            assert (args[2] not in contacts) == (code == 0), (args, err)
        elif worker == "import":
            names = [f"I{args[2].rsplit('imp-', 1)[1][:8]} {j}" for j in range(50)]
            present = [n in contacts for n in names]
            assert all(present) if code == 0 else not any(present), (args, err)
    for name, c in contacts.items():
        if name.startswith("M") and c["name"][1:4].isdigit() and int(c["name"][1:4]) % 2 == 0:
            i = int(c["name"][1:4])
            mine = [e for e in entries.values() if e["contact"] == name and e["what"].startswith("before merge")]
            merged = f"M{i + 1:03d} Person" not in contacts
            expected = [before[i]] + ([before[i + 1]] if merged else [])
            assert sorted(e["id"] for e in mine) == [n for n in expected if n not in undone], (name, mine, undone)
    for name, saved_notes in notes_saved.items():
        assert contacts[name]["note"] in saved_notes, (name, contacts[name]["note"])  # the last edit that was saved


def test_a_journal_you_cannot_read_is_said_so_not_damaged(cli, env, monkeypatch):
    """Run as root (which reads every file), the refusal is made by the system
    call itself: what netlog says of it is what is tested."""
    import errno

    cli("add", "Ann Lee")
    if os.geteuid() != 0:
        env.db.chmod(0)
    else:
        real = os.open

        def refuse(path, *args, **kw):  # type: ignore[no-untyped-def]
            if os.fspath(path) == str(env.db):
                raise PermissionError(errno.EACCES, "Permission denied", str(path))
            return real(path, *args, **kw)

        monkeypatch.setattr(os, "open", refuse)
    for args in (["check"], ["contacts"]):
        r = cli(*args, code=1)
        assert "permission denied" in r.stderr and r.stderr.count("\n") == 1, r.stderr
        assert "damaged" not in r.stderr and "backup" not in r.stderr, r.stderr


def test_a_closed_stdout_is_output_that_cannot_be_written(cli, env):
    cli("add", "Ann Lee")
    for args, said in ((["ask", "ann", "x"], "your change was saved, but its output could not be written: stdout is closed"),
                       (["contacts"], "the output could not be written: stdout is closed"), (["note", "ann", "y"], None)):
        r = subprocess.run([sys.executable, "-m", "netlog", *args], env=env.env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True, close_fds=True, timeout=60,
                           preexec_fn=lambda: os.close(1))
        assert "Traceback" not in r.stderr and "unexpected" not in r.stderr, r.stderr
        if said:
            assert r.returncode == 1 and r.stderr.splitlines()[-1] == f"netlog: {said}", r.stderr
        else:  # nothing for stdout: nothing failed
            assert r.returncode == 0, r.stderr


def test_an_analyzed_journal_is_sound_and_upgrades(cli, env, tmp_path):
    """ANALYZE (PRAGMA optimize, a database browser) adds sqlite_stat1: not a damage."""
    import shutil

    old = tmp_path / "v5.db"
    shutil.copy(Path(__file__).parent / "data" / "schemas" / "v5.db", old)
    for path in (old, env.db):
        if path == env.db:
            cli("add", "Ann Lee")
        con = sqlite3.connect(path)
        con.execute("ANALYZE")
        con.commit()
        con.close()
    cli("--db", str(old), "add", "Zed New")
    cli("--db", str(old), "check")
    cli("check")


def test_a_first_write_that_fails_never_removes_a_journal_another_netlog_saved_to(env, tmp_path):
    """Two netlog on a journal that does not exist yet: one fails (an unknown
    name) and takes back the file it made, while the other saves to it. The
    second must find its contact kept, every time."""
    lost = []
    for i in range(25):
        path = tmp_path / f"race{i}" / "journal.db"
        e = dict(env.env, NETLOG_DB=str(path))
        failing = netlog_popen("give", "nobody", "x", env=e)
        adding = netlog_popen("add", f"Bob {i}", env=e)
        out, err = adding.communicate(timeout=60)
        failing.communicate(timeout=60)
        if adding.returncode == 0:
            try:
                names = [n for (n,) in rows(path, "SELECT name FROM contact")]
            except sqlite3.Error:
                names = []
            if f"Bob {i}" not in names:
                lost.append(i)
    assert lost == []


def test_more_odd_paths_are_one_line(cli, env, tmp_path):
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    for args in (["add", "Ann Lee"], ["check"]):
        r = cli("--db", str(loop), *args, code=1)
        assert r.stderr.count("\n") == 1 and "unexpected" not in r.stderr, r.stderr
    cli("add", "Ann Lee")
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    r = cli("export", "json", "-o", str(fifo), "--force", code=2)
    assert "is not a regular file" in r.stderr and fifo.exists() and not fifo.is_file()


def test_completion_never_opens_a_pipe_named_as_the_journal(env, tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    e = dict(env.env, _NETLOG_COMPLETE="complete_bash", COMP_WORDS=f"netlog --db {fifo} give ", COMP_CWORD="4")
    r = subprocess.run([sys.executable, "-m", "netlog"], env=e, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=20)
    assert r.returncode == 0 and r.stdout == "", r


def test_import_json_refuses_ids_no_journal_could_go_on_from(cli, env, tmp_path):
    import json

    cli("add", "Ann Lee")
    doc = json.loads(cli("export", "json").stdout)
    doc["ids_used"]["contact"] = 2**63 - 1
    f = tmp_path / "in.json"
    f.write_text(json.dumps(doc))
    r = cli("--db", str(tmp_path / "new.db"), "import", "json", str(f), code=2)
    assert "ids_used.contact" in r.stderr
