#!/usr/bin/env python3
"""netlog's benchmark (issue 6): whole processes, timed the way a user meets them.

Run from the repository, with the interpreter that runs netlog:

    .venv/bin/python tests/bench/bench.py              # full run (~10 min on 2 cores)
    .venv/bin/python tests/bench/bench.py --quick      # smaller journals, 3 runs, no peers
    .venv/bin/python tests/bench/bench.py --runs 15 --json-out bench.json
    .venv/bin/python tests/bench/bench.py --compare 0d334c8 HEAD   # two commits, in turns

What it does
- builds two journals with ``netlog demo --seed`` (1,000 contacts / 10,000
  entries and 10,000 / 1,000,000), cached under ``--cache-dir`` keyed by size,
  seed and builder, so a rerun starts at once; every run works on copies, so
  the cached journals stay pristine. While ``netlog demo`` does not exist it
  falls back to stdlib sqlite3 inserts into netlog's own schema (labelled).
- runs every command as its own process (``python -m netlog`` with this
  interpreter; stdin /dev/null, stdout a pipe, a private HOME and XDG dirs,
  NETLOG_DB and NETLOG_TODAY set), one warm-up, then ``--runs`` runs, each
  interleaved with its floor (floor, command, floor, command, ..., floor) so a
  busy machine shifts both alike; figure = median, ratio = median / the
  median of the floor runs interleaved with it.
- reads each child's peak memory (ru_maxrss from os.wait4 on that child).
- floors: ``python -c pass``; a one-row INSERT and a one-row SELECT through
  the stdlib sqlite3, on a copy of the large journal.
- peers when they can be had: jrnl (pip, in a venv under the cache dir) and
  taskwarrior (Debian's ``task``; apt-get installs it only when running as
  root), else skipped with the reason printed.
- prints one table with each figure beside its target, and writes the same
  as JSON with ``--json-out``.
- ``--compare REV_A REV_B``: each revision's netlog/ exported by ``git
  archive`` under the cache dir and run first on PYTHONPATH, with journals
  built by its own ``netlog demo``; every row is run for A and B in turns (A,
  floor, B, floor, A, ...) and one table gives median A, median B, B/A and
  whether B is within 10% of A.

It is not a test: pytest never collects it (pyproject.toml's norecursedirs), and
no test asserts on time.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import os
import platform
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Callable

REPO = Path(__file__).resolve().parents[2]
TODAY = "2026-11-23"
SEED = 6
FULL_SIZES = {"small": (1_000, 10_000), "large": (10_000, 1_000_000)}
QUICK_SIZES = {"small": (1_000, 10_000), "large": (10_000, 100_000)}
LINKEDIN_ROWS = 30_000
JRNL_ENTRIES = 10_000
TASKS = 10_000
MEM_TARGET_MIB = 80.0
DEVNULL = subprocess.DEVNULL


def log(*parts: Any) -> None:
    print("bench:", *parts, file=sys.stderr, flush=True)


def loadavg() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


# --------------------------------------------------------------------------
# Running one process


@dataclass
class Run:
    ms: float
    kib: int
    rc: int
    out: bytes
    err: str
    cpu: float = 0.0  # user + system ms of the child
    majflt: int = 0  # page faults that read from disk
    inblock: int = 0  # 512-byte blocks read from disk


# Children are started by this small helper process, not by the benchmark
# itself: Linux keeps ru_maxrss across fork and exec, so a child forked from a
# big parent reports the parent's peak. The helper stays at a few MiB (about
# python -S -c pass), times fork to reaped itself, and streams the child's
# stdout from a pipe into a file so it never grows.
SPAWNER = r"""
import os, sys, time, json, signal
devnull = os.open(os.devnull, os.O_RDONLY)
pid = 0
def kill(*_):
    if pid:
        try: os.kill(pid, signal.SIGKILL)
        except OSError: pass
signal.signal(signal.SIGALRM, kill)
for line in sys.stdin:
    q = json.loads(line)
    out = os.open(q["out"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    err = os.open(q["err"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    r, w = os.pipe()
    t0 = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            os.dup2(devnull, 0); os.dup2(w, 1); os.dup2(err, 2)
            if q["cwd"]: os.chdir(q["cwd"])
            os.execvpe(q["argv"][0], q["argv"], q["env"])
        finally:
            os._exit(127)
    os.close(w)
    signal.alarm(int(q["timeout"]) + 1)
    while True:
        chunk = os.read(r, 1 << 16)
        if not chunk: break
        os.write(out, chunk)
    _, status, ru = os.wait4(pid, 0)
    t1 = time.perf_counter()
    signal.alarm(0)
    pid = 0
    for fd in (r, out, err): os.close(fd)
    cpu = (ru.ru_utime + ru.ru_stime) * 1000.0
    sys.stdout.write(json.dumps([(t1 - t0) * 1000.0, ru.ru_maxrss, os.waitstatus_to_exitcode(status), cpu, ru.ru_majflt, ru.ru_inblock]) + "\n")
    sys.stdout.flush()
"""


class Spawner:
    def __init__(self, python: str, work: Path) -> None:
        self.work = work
        self.p = subprocess.Popen([python, "-S", "-c", SPAWNER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.lock = threading.Lock()

    def run(self, argv: list[str], env: dict[str, str], timeout: float, cwd: str | None) -> Run:
        out, err = self.work / "child.out", self.work / "child.err"
        q = {"argv": argv, "env": env, "timeout": timeout, "cwd": cwd or str(self.work), "out": str(out), "err": str(err)}
        with self.lock:
            assert self.p.stdin and self.p.stdout
            self.p.stdin.write(json.dumps(q) + "\n")
            self.p.stdin.flush()
            reply = self.p.stdout.readline()
            if not reply:
                raise SystemExit("bench: the spawner process died")
            ms, kib, rc, cpu, majflt, inblock = json.loads(reply)
            return Run(ms, int(kib), int(rc), out.read_bytes(), err.read_bytes().decode("utf-8", "replace"), cpu, majflt, inblock)

    def close(self) -> None:
        if self.p.stdin:
            self.p.stdin.close()
        self.p.wait()


SPAWN: Spawner | None = None


def run_once(argv: list[str], env: dict[str, str], timeout: float, cwd: str | None = None) -> Run:
    """One process, fork to reaped: wall time, its own peak RSS (KiB), exit code."""
    assert SPAWN is not None
    return SPAWN.run(argv, env, timeout, cwd)


# --------------------------------------------------------------------------
# The environment every process gets


class Context:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.py = args.python or sys.executable
        self.work = Path(tempfile.mkdtemp(prefix="netlog-bench-"))
        self.cache = Path(args.cache_dir).expanduser()
        self.cache.mkdir(parents=True, exist_ok=True)
        self.sizes = QUICK_SIZES if args.quick else FULL_SIZES
        self.compare = bool(args.compare)
        self.sides: list[Side] = []  # the netlogs under test: one, or A and B with --compare
        home = self.work / "home"
        self.base_env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "HOME": str(home),
            "XDG_DATA_HOME": str(home / ".local" / "share"),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_CACHE_HOME": str(home / ".cache"),
            "XDG_STATE_HOME": str(home / ".local" / "state"),
            "NETLOG_TODAY": TODAY,
            "TZ": "UTC",
        }
        for key in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
            Path(self.base_env[key]).mkdir(parents=True, exist_ok=True)

    def env(self, db: Path | str | None = None, **extra: str) -> dict[str, str]:
        e = dict(self.base_env)
        if db is not None:
            e["NETLOG_DB"] = str(db)
        e.update(extra)
        return e

    def cleanup(self) -> None:
        if not self.args.keep:
            shutil.rmtree(self.work, ignore_errors=True)


# --------------------------------------------------------------------------
# The netlog under test: this interpreter's own, or two revisions (--compare)


class Side:
    """One netlog under test, with its own journals and copies of them.

    Normal mode has one: the interpreter's own netlog (the editable install),
    run exactly as before, in the work dir itself. --compare has two, A and B:
    each revision's netlog/ exported under the cache dir and put first on
    PYTHONPATH, its journals built by its own `netlog demo` (the schema may
    differ between revisions), its copies in a subdirectory of the work dir."""

    def __init__(self, ctx: Context, name: str, work: Path, rev: str = "", commit: str = "", tree: str = "", root: Path | None = None) -> None:
        self.ctx = ctx
        self.name = name  # "" in normal mode, else "A" or "B"
        self.rev = rev  # as asked: "HEAD", "0d334c8"
        self.commit = commit
        self.tree = tree  # git tree hash of REV:netlog, the key of its export and journals
        self.root = root  # put first on PYTHONPATH; None = the interpreter's own netlog
        self.work = work
        self.journals: dict[str, Journal] = {}
        self.reads: dict[str, Path] = {}  # read-only copies, by journal label
        self.write_large: Path | None = None

    def nl(self, *args: str) -> list[str]:
        return [self.ctx.py, "-m", "netlog", *args]

    def env(self, db: Path | str | None = None, **extra: str) -> dict[str, str]:
        if self.root is not None:
            extra = {"PYTHONPATH": str(self.root), **extra}
        return self.ctx.env(db, **extra)

    def read_env(self, label: str, **extra: str) -> dict[str, str]:
        return self.env(self.reads[label], **extra)

    def title(self) -> str:
        return f"{self.name} = {self.rev} (commit {self.commit[:10]}, netlog/ tree {self.tree[:10]})" if self.name else "this tree"


def git(*args: str) -> str:
    r = subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"bench: git {' '.join(args)} failed: {r.stderr.strip()[-300:]}")
    return r.stdout.strip()


def export_revision(ctx: Context, rev: str) -> tuple[str, str, Path]:
    """(commit, tree, root): REV's netlog/ as a plain directory under the cache
    dir, by `git archive`, which only reads the repository (the work tree, the
    index and the list of worktrees stay as they are while someone edits
    them). Named by the tree hash of REV:netlog, not by the commit or the
    file names in it: two commits with the same package share one export, a
    moving ref (HEAD) never gets a stale one, and a later layout (netlog/db.py
    moved into a netlog/storage/ package) needs nothing here. Extracted
    beside and renamed into place, so an interrupted run leaves no half
    export that a later run would take."""
    commit = git("rev-parse", "--verify", f"{rev}^{{commit}}")
    tree = git("rev-parse", "--verify", f"{commit}:netlog")
    root = ctx.cache / "revs" / f"netlog-{tree[:12]}"
    if not (root / "netlog" / "__init__.py").is_file():
        log(f"{rev}: exporting netlog/ of {commit[:10]} into {root}")
        tmp = root.with_name(f"{root.name}.tmp{os.getpid()}")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        archive = subprocess.run(["git", "-C", str(REPO), "archive", "--format=tar", commit, "netlog"], capture_output=True)
        untar = subprocess.run(["tar", "-x", "-C", str(tmp)], input=archive.stdout, capture_output=True)
        if archive.returncode != 0 or untar.returncode != 0:
            shutil.rmtree(tmp, ignore_errors=True)
            raise SystemExit(f"bench: can't export netlog/ of {rev}: {(archive.stderr + untar.stderr).decode(errors='replace').strip()[-300:]}")
        shutil.rmtree(root, ignore_errors=True)
        tmp.rename(root)
    return commit, tree, root


def check_import(ctx: Context, side: Side) -> None:
    """Stop unless `python -m netlog` under this side's PYTHONPATH imports the
    export, not the editable install in the venv. It does today because the
    install's finder is appended to sys.meta_path, after the PYTHONPATH
    entries; should that ever change, B would silently measure the work tree."""
    assert side.root is not None
    code = "import importlib.util, netlog; print(netlog.__file__); print(importlib.util.find_spec('netlog.__main__').origin)"
    r = subprocess.run([ctx.py, "-c", code], env=side.env(), cwd=str(ctx.work), capture_output=True, text=True)
    want = (side.root / "netlog").resolve()
    got = [Path(line).resolve().parent for line in r.stdout.splitlines()]
    if r.returncode != 0 or len(got) != 2 or any(g != want for g in got):
        raise SystemExit(f"bench: {side.name} = {side.rev}: python -m netlog would not run {want} (exit {r.returncode}, got {r.stdout.strip()!r} {r.stderr.strip()[-200:]!r})")
    log(f"{side.title()}: python -m netlog imports {want}")


def make_sides(ctx: Context) -> list[Side]:
    if not ctx.compare:
        return [Side(ctx, "", ctx.work)]
    sides = []
    for name, rev in zip("AB", ctx.args.compare):
        commit, tree, root = export_revision(ctx, rev)
        work = ctx.work / name
        work.mkdir()
        side = Side(ctx, name, work, rev, commit, tree, root)
        check_import(ctx, side)
        sides.append(side)
    return sides


# --------------------------------------------------------------------------
# Which commands exist yet


_exists_cache: dict[tuple[str, tuple[str, ...]], bool] = {}


def command_exists(side: Side, words: tuple[str, ...]) -> bool:
    """`netlog WORDS --help` succeeds: the command is there (in this side's netlog)."""
    if not words:
        return True
    if (side.name, words) not in _exists_cache:
        r = run_once(side.nl(*words, "--help"), side.env(side.work / "absent.db"), 60)
        _exists_cache[side.name, words] = r.rc == 0 and b"Usage" in r.out
    return _exists_cache[side.name, words]


# --------------------------------------------------------------------------
# Journals


def side_tag(side: Side | None) -> str:
    """What follows a row or journal in the log: ' A' or ' B', nothing in normal mode."""
    return f" {side.name}" if side is not None and side.name else ""


def copy_journal(src: Path, dst: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{dst}{suffix}").exists():
            Path(f"{dst}{suffix}").unlink()
    shutil.copyfile(src, dst)
    os.chmod(dst, 0o600)
    return dst


class _Shim:
    """Just enough of SQLAlchemy's Connection for netlog.db's migration steps."""

    def __init__(self, con: sqlite3.Connection) -> None:
        self.con = con

    def exec_driver_sql(self, sql: str, params: Any = ()) -> Any:
        cur = self.con.execute(sql, params)

        class Result:
            def scalar(self_inner) -> Any:
                row = cur.fetchone()
                return row[0] if row else None

        return Result()


def fallback_build(path: Path, contacts: int, entries: int, seed: int) -> None:
    """FALLBACK while `netlog demo` is missing: netlog's schema through its own
    migration steps, rows by executemany. Not the demo's data, same shape."""
    sys.path.insert(0, str(REPO))
    from netlog import db as ndb  # stdlib-only at import time
    from netlog.validate import name_key

    rng = random.Random(seed)
    today = date.fromisoformat(TODAY)
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode = WAL")
    con.execute("PRAGMA cache_size = -65536")
    con.execute("BEGIN IMMEDIATE")
    ndb.migrate(_Shim(con))
    idx = con.execute("SELECT name, sql FROM sqlite_master WHERE type='index' AND tbl_name='entry' AND sql IS NOT NULL").fetchall()
    for name, _ in idx:
        con.execute(f'DROP INDEX "{name}"')
    syll = "ka lo mi ra sen tu vi no pa dre el an jo li sa mo ta ri fen ol us ba ce di".split()

    def word(n: int) -> str:
        return "".join(rng.choice(syll) for _ in range(n)).capitalize()

    names, keys = [], set()
    while len(names) < contacts:
        n = f"{word(2)} {word(rng.choice((2, 3)))}"
        k = name_key(n)
        if k not in keys:
            keys.add(k)
            names.append(n)
    companies = ["Northwind", "Fabrikam", "Contoso", "Tailspin", "Litware", "Adatum", None]
    start = today - timedelta(days=4 * 365)
    rows = []
    for i, n in enumerate(names, 1):
        added = start + timedelta(days=rng.randrange(0, 200))
        rows.append((i, n, name_key(n), rng.choice(companies), added.isoformat(), rng.choice((None, None, 30, 60, 90))))
    con.executemany("INSERT INTO contact (id, name, name_key, company, added_on, every_days) VALUES (?,?,?,?,?,?)", rows)
    con.executemany("INSERT INTO tag (id, name, name_key) VALUES (?,?,?)", [(1, "work", "work"), (2, "friend", "friend")])
    con.executemany(
        "INSERT INTO contact_tag (contact_id, tag_id) VALUES (?,?)", [(i, rng.choice((1, 2))) for i in range(1, contacts + 1, 3)]
    )
    weights = [1.0 / (r + 10) for r in range(contacts)]
    who = rng.choices(range(1, contacts + 1), weights=weights, k=entries)
    kinds = ("intro", "referral", "advice", "info", "help", "endorsement", "gift", "other")
    span = (today - start).days
    batch = []
    for eid, cid in enumerate(who, 1):
        d = start + timedelta(days=rng.randrange(span))
        t = rng.choices(("give", "got", "ask", "note"), (35, 30, 15, 20))[0]
        kind = rng.choice(kinds) if t in ("give", "got") else None
        other = None
        if t == "give" and rng.random() < 0.1:
            other = rng.randrange(1, contacts + 1)
            other = None if other == cid else other
        outcome = resolved = follow = None
        if t == "ask":
            follow = (d + timedelta(days=7)).isoformat()
            if rng.random() < 0.85 or d < today - timedelta(days=60):
                outcome = rng.choice(("helped", "declined", "ignored"))
                resolved = (d + timedelta(days=rng.randrange(1, 30))).isoformat()
        batch.append((eid, cid, t, kind, f"bench {t} {eid}", d.isoformat(), other, outcome, resolved, follow, d.isoformat() + "T12:00:00"))
        if len(batch) >= 50_000:
            con.executemany("INSERT INTO entry (id, contact_id, type, kind, what, day, other_id, outcome, resolved_on, follow_up, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)", batch)
            batch = []
    if batch:
        con.executemany("INSERT INTO entry (id, contact_id, type, kind, what, day, other_id, outcome, resolved_on, follow_up, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)", batch)
    for _, sql in idx:
        con.execute(sql)
    con.execute("COMMIT")
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    os.chmod(path, 0o600)


def journal_stats(con: sqlite3.Connection) -> dict[str, Any]:
    """Counts, the contact with the most entries (NAME for show/give/ask), and
    what Tab completes: "pri" as in the issue when some name has it."""
    contacts = con.execute("SELECT count(*) FROM contact").fetchone()[0]
    active = con.execute("SELECT count(*) FROM contact WHERE archived = 0").fetchone()[0]
    entries = con.execute("SELECT count(*) FROM entry").fetchone()[0]
    cid, n = con.execute("SELECT contact_id, count(*) AS n FROM entry GROUP BY contact_id ORDER BY n DESC, contact_id LIMIT 1").fetchone()
    busiest = con.execute("SELECT name FROM contact WHERE id = ?", (cid,)).fetchone()[0]
    hits = con.execute("SELECT count(*) FROM contact WHERE name_key LIKE 'pri%' OR name_key LIKE '% pri%'").fetchone()[0]
    return {"contacts": contacts, "active": active, "entries": entries, "busiest": busiest, "busiest_entries": n, "prefix": "pri" if hits else busiest[:3].lower()}


@dataclass
class Journal:
    label: str
    contacts: int
    entries: int
    path: Path  # pristine, cached
    builder: str  # "demo" or "fallback"
    build: Run | None = None  # set when built in this run
    busiest: str = ""  # the contact with the most entries
    busiest_entries: int = 0
    active: int = 0  # not archived: what `contacts` lists
    prefix: str = "pri"  # what Tab completes: "pri" when some name has it, as in the issue


def tree_digest(top: Path) -> str:
    """A hash of every file under netlog/ but bytecode and editor litter. The
    journal's key: whichever module holds the schema or the generator
    (netlog/db.py today, a netlog/storage/ package later), a change to it
    builds anew, so no timed run upgrades a journal. A file that goes while
    it is read (someone is editing the tree) counts as absent."""
    h = hashlib.sha256()
    for path in sorted(top.rglob("*")):
        rel = path.relative_to(top)
        if "__pycache__" in rel.parts or any(part.startswith(".") for part in rel.parts) or path.suffix in (".pyc", ".swp") or path.name.endswith("~"):
            continue
        try:
            data = path.read_bytes() if path.is_file() else None
        except (FileNotFoundError, IsADirectoryError):
            data = None
        if data is not None:
            h.update(str(rel).encode() + b"\0" + data + b"\0")
    return h.hexdigest()[:8]


def prune_stale(keep: Path, pattern: str) -> None:
    """Remove the journals of this size built from an earlier state of the
    work tree: its key changes with every edit under netlog/, and a large
    journal is some 180 MB. A revision's journals (rev-TREE-...) stay: a
    commit's tree comes back in the next --compare."""
    for old in keep.parent.glob(pattern + ".*"):
        if old.suffix in (".db", ".json") and old.with_suffix(".db") != keep:
            log(f"removing a stale journal: {old.name}")
            old.unlink(missing_ok=True)


def build_journal(ctx: Context, side: Side, label: str) -> Journal:
    contacts, entries = ctx.sizes[label]
    has_demo = command_exists(side, ("demo",))
    if side.root is not None and not has_demo:
        raise SystemExit(f"bench: {side.name} = {side.rev} has no 'netlog demo'; --compare builds each revision's journals with its own")
    builder = "demo" if has_demo else "fallback"
    # the generator and the schema are part of the key: all of netlog/ (a
    # revision's git tree hash, or a hash of the work tree's files), so a new
    # migration or demo builds anew and each revision has journals of its own
    prefix = f"rev-{side.tree[:12]}-{builder}" if side.tree else f"{builder}-{tree_digest(REPO / 'netlog')}"
    path = ctx.cache / f"{prefix}-{contacts}c-{entries}e-seed{ctx.args.seed}-today{TODAY}.db"
    meta = path.with_suffix(".json")
    j = Journal(label, contacts, entries, path, builder)
    if path.exists() and meta.exists() and not ctx.args.rebuild:
        log(f"{label} journal{side_tag(side)}: cached {path.name}")
    else:
        for p in (path, meta):
            if p.exists():
                p.unlink()
        tmp = side.work / f"building-{path.name}"
        log(f"{label} journal{side_tag(side)}: building {contacts:,} contacts / {entries:,} entries with {builder} ...")
        if has_demo:
            argv = side.nl("--db", str(tmp), "demo", "--contacts", str(contacts), "--entries", str(entries), "--seed", str(ctx.args.seed))
            r = run_once(argv, side.env(tmp), 3600)
            if r.rc != 0:
                raise SystemExit(f"bench: netlog demo failed (exit {r.rc}): {r.err.strip()[-800:]}")
            j.build = r
        else:
            t0 = time.perf_counter()
            fallback_build(tmp, contacts, entries, ctx.args.seed)
            j.build = Run((time.perf_counter() - t0) * 1000, 0, 0, b"", "")
        con = sqlite3.connect(tmp)
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.execute("PRAGMA journal_mode = WAL")
        stats = journal_stats(con)
        con.close()
        for suffix in ("-wal", "-shm"):
            Path(f"{tmp}{suffix}").unlink(missing_ok=True)
        shutil.move(str(tmp), path)
        meta.write_text(json.dumps({"builder": builder, "ms": j.build.ms, "kib": j.build.kib, "at": datetime.now().isoformat(), **stats}))
        if not side.tree:
            prune_stale(path, f"{builder}-????????-{contacts}c-{entries}e-seed{ctx.args.seed}-today{TODAY}")
        log(f"{label} journal{side_tag(side)}: built in {j.build.ms / 1000:.1f} s")
    stats = json.loads(meta.read_text())
    got_c, got_e = stats["contacts"], stats["entries"]
    j.busiest, j.busiest_entries, j.prefix = stats["busiest"], stats["busiest_entries"], stats["prefix"]
    j.active = stats.get("active", got_c)
    if (got_c, got_e) != (contacts, entries):
        log(f"warning: {label} journal has {got_c:,} contacts / {got_e:,} entries, asked {contacts:,} / {entries:,}")
    j.contacts, j.entries = got_c, got_e
    return j


# --------------------------------------------------------------------------
# Generated inputs


LINKEDIN_NOTE = (
    '"When exporting your connection data, you may notice that some of the email addresses are missing. You will only '
    "see email addresses for connections who have allowed their connections to see or download their email address "
    "using this setting https://www.linkedin.com/psettings/privacy/email. You can learn more here "
    'https://www.linkedin.com/help/linkedin/answer/261"'
)


def linkedin_csv(ctx: Context, rows: int) -> Path:
    path = ctx.cache / f"Connections-{rows}-seed{ctx.args.seed}.csv"
    if path.exists():
        return path
    rng = random.Random(ctx.args.seed)
    syll = "ka lo mi ra sen tu vi no pa dre el an jo li sa mo ta ri fen ol us ba ce di".split()
    companies = ["Northwind Traders", "Fabrikam", "Contoso", '"Ibarra, Cole & Partners"', "Tailspin Toys", "Litware", ""]
    positions = ["Engineer", "Recruiter", '"VP, Engineering"', "Founder", "Data Scientist", "Product Manager", ""]
    months = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
    seen: set[tuple[str, str]] = set()
    lines = ["Notes:", LINKEDIN_NOTE, "", "First Name,Last Name,URL,Email Address,Company,Position,Connected On"]
    while len(seen) < rows:
        first = "".join(rng.choice(syll) for _ in range(rng.choice((2, 3)))).capitalize()
        last = "".join(rng.choice(syll) for _ in range(rng.choice((2, 3)))).capitalize()
        if (first, last) in seen:
            continue
        seen.add((first, last))
        slug = f"{first.lower()}-{last.lower()}-{rng.randrange(16**6):06x}"
        email = f"{first.lower()}.{last.lower()}@example.org" if rng.random() < 0.2 else ""
        day = date(2010, 1, 1) + timedelta(days=rng.randrange(5800))
        connected = f"{day.day:02d} {months[day.month - 1]} {day.year}"
        lines.append(
            f"{first},{last},https://www.linkedin.com/in/{slug},{email},{rng.choice(companies)},{rng.choice(positions)},{connected}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --------------------------------------------------------------------------
# Measuring: each command interleaved with its floor


@dataclass
class Row:
    key: str
    what: str
    journal: str
    floor: str = "py"  # py | ins | sel | -
    target: str = ""
    target_ms: float | None = None
    mem_limit: bool = False
    status: str = "ok"  # ok | missing | skipped | error
    reason: str = ""
    samples: list[float] = field(default_factory=list)
    kib: list[int] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    io: list[tuple[int, int]] = field(default_factory=list)  # (major faults, blocks read) per run
    floor_samples: list[float] = field(default_factory=list)
    extra_checks: list[tuple[str, bool, str]] = field(default_factory=list)  # (name, ok, detail)
    small_key: str | None = None  # compare with this row (≤ 1.3×)
    peer_key: str | None = None  # no slower than this row
    verdict: str = ""
    notes: list[str] = field(default_factory=list)
    side: Side | None = None  # the netlog it ran; None for a row never measured

    @property
    def median(self) -> float | None:
        return statistics.median(self.samples) if self.samples else None

    @property
    def floor_median(self) -> float | None:
        return statistics.median(self.floor_samples) if self.floor_samples else None

    @property
    def cpu_median(self) -> float | None:
        return statistics.median(self.cpu) if self.cpu else None

    @property
    def peak_mib(self) -> float | None:
        return max(self.kib) / 1024 if self.kib else None


# (side, run number) -> (argv, env); -1 is the warm-up. Makers that don't
# depend on netlog (floors, peers) ignore the side.
Maker = Callable[[Side, int], tuple[list[str], dict[str, str]]]
Check = Callable[[Side, Run], str]  # what is wrong with a run's output, or ""


class Bench:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.rows: list[Row] = []
        self.floors: dict[str, tuple[str, Maker]] = {}

    def row(self, key: str, side: Side | None = None) -> Row | None:
        """The row KEY of SIDE (with --compare each key has one per side)."""
        return next((r for r in self.rows if r.key == key and (side is None or r.side is None or r.side is side)), None)

    def per_side(self, row: Row) -> list[Row]:
        """The row once per netlog under test: itself in normal mode; with
        --compare a copy for A and one for B, each with sample lists of its
        own, which measure_many then runs in turns."""
        if len(self.ctx.sides) == 1:
            row.side = self.ctx.sides[0]
            return [row]
        copies = []
        for side in self.ctx.sides:
            one = copy.deepcopy(row)
            one.side = side
            copies.append(one)
        return copies

    def wanted(self, key: str) -> bool:
        return not self.ctx.args.only or key.startswith("floor-") or bool(re.search(self.ctx.args.only, key))

    def add_floor(self, name: str, label: str, maker: Maker) -> None:
        self.floors[name] = (label, maker)

    def measure(self, row: Row, maker: Maker, runs: int, *, needs: tuple[str, ...] = (), check_output: Check | None = None) -> list[Row]:
        """The row's runs: one row in normal mode, A's and B's with --compare."""
        return self.measure_many([(row, maker)], runs, needs=needs, check_output=check_output)

    def measure_many(self, items: list[tuple[Row, Maker]], runs: int, *, needs: tuple[str, ...] = (), check_output: Check | None = None) -> list[Row]:
        """Each row's runs, taken in turns (floor, first, floor, second, ...,
        floor, first, ...): a burst of load on a busy machine then falls on
        every row alike, as on the floor. The small and large journal of a
        report are measured so, since the issue compares them (×S), and so
        are A and B with --compare (A, floor, B, floor, A, ...), since B/A
        is the figure there."""
        ready: list[tuple[Row, Maker]] = []
        rows: list[Row] = []
        for item, maker in items:
            for row in self.per_side(item):
                self.rows.append(row)
                rows.append(row)
                if self._ready(row, maker, needs, check_output):
                    ready.append((row, maker))
        floors = {row.floor: self.floors.get(row.floor) for row, _ in ready}
        timeout = self.ctx.args.timeout
        for row, _ in ready:
            floor = floors[row.floor]
            if floor:
                row.floor_samples.append(run_once(*floor[1](row.side, 0), timeout).ms)
        for i in range(runs):
            for row, maker in ready:
                if row.status != "ok":
                    continue
                argv, env = maker(row.side, i)
                r = run_once(argv, env, timeout)
                if r.rc != 0:
                    row.status, row.reason = "error", f"run {i}: exit {r.rc}: {(r.err.strip().splitlines() or [''])[-1][:200]}"
                    log(f"  error: {row.reason}")
                    continue
                row.samples.append(r.ms)
                row.kib.append(r.kib)
                row.cpu.append(r.cpu)
                row.io.append((r.majflt, r.inblock))
                floor = floors[row.floor]
                if floor:
                    row.floor_samples.append(run_once(*floor[1](row.side, i + 1), timeout).ms)
        for row, _ in ready:
            if row.status == "ok":
                log(f"{row.what} [{row.journal}]{side_tag(row.side)}: median {row.median:.0f} ms, floor {row.floor_median or 0:.0f} ms, peak {row.peak_mib:.1f} MiB")
        return rows

    def _ready(self, row: Row, maker: Maker, needs: tuple[str, ...], check_output: Check | None) -> bool:
        """Whether the row is to be measured, after its warm-up run (page
        cache, .pyc files) worked."""
        if row.status != "ok":
            return False
        if not self.wanted(row.key):
            row.status, row.reason = "skipped", f"not matched by --only {self.ctx.args.only}"
            return False
        assert row.side is not None
        if needs and not command_exists(row.side, needs):
            row.status, row.reason = "missing", f"'netlog {' '.join(needs)}' does not exist yet"
            log(f"{row.what} [{row.journal}]{side_tag(row.side)}: missing")
            return False
        floor = self.floors.get(row.floor)
        timeout = self.ctx.args.timeout
        log(f"{row.what} [{row.journal}]{side_tag(row.side)}: runs ...")
        if floor:
            run_once(*floor[1](row.side, -1), timeout)
        w = run_once(*maker(row.side, -1), timeout)
        if w.rc != 0:
            row.status, row.reason = "error", f"exit {w.rc}: {(w.err.strip().splitlines() or [''])[-1][:200]}"
            log(f"  error: {row.reason}")
            return False
        problem = check_output(row.side, w) if check_output else ""
        if problem:
            row.status, row.reason = "error", problem
            log(f"  error: {problem}")
            return False
        return True


def small_ratio(large: Row, small: Row | None) -> float | None:
    """×S: the large journal's time over the small one's. The two were run in
    turns (Bench.measure_many), so it is the median of the ratios of each
    pair of neighbouring runs: a burst of load that slows both cancels out,
    where a ratio of medians would take it for the journal's size."""
    if small is None or not small.samples or not large.samples:
        return None
    if len(small.samples) == len(large.samples):
        return statistics.median(b / a for a, b in zip(small.samples, large.samples))
    return statistics.median(large.samples) / statistics.median(small.samples)


# --------------------------------------------------------------------------
# Peers


def setup_jrnl(ctx: Context) -> tuple[list[str], dict[str, str], Path] | str:
    """(argv prefix, env, journal file template) or the reason to skip."""
    venv = ctx.cache / "peers" / "jrnl-venv"
    exe = venv / "bin" / "jrnl"
    if not exe.exists():
        log("jrnl: installing from PyPI into", venv)
        base = getattr(sys, "_base_executable", None) or sys.executable
        r = subprocess.run([base, "-m", "venv", str(venv)], capture_output=True, text=True)
        if r.returncode != 0:
            return f"can't create a venv for jrnl: {r.stderr.strip()[-200:]}"
        r = subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "jrnl"], capture_output=True, text=True)
        if r.returncode != 0 or not exe.exists():
            shutil.rmtree(venv, ignore_errors=True)
            return f"pip install jrnl failed: {(r.stderr.strip().splitlines() or ['?'])[-1][:200]}"
    r = subprocess.run([str(exe), "--version"], capture_output=True, text=True, env=ctx.env())
    m = re.search(r"(\d+\.\d+(?:\.\d+)?)", r.stdout + r.stderr)
    version = m.group(1) if m else "4.0"
    home = ctx.work / "jrnl-home"
    (home / ".config" / "jrnl").mkdir(parents=True, exist_ok=True)
    journal = ctx.work / "jrnl-journal.txt"
    (home / ".config" / "jrnl" / "jrnl.yaml").write_text(
        "colors:\n  body: none\n  date: none\n  tags: none\n  title: none\n"
        "default_hour: 9\ndefault_minute: 0\neditor: ''\nencrypt: false\nhighlight: false\n"
        "indent_character: '|'\n"
        f"journals:\n  default:\n    journal: {journal}\n"
        "linewrap: 79\ntagsymbols: '#@'\ntemplate: false\ntimeformat: '%F %r'\n"
        f"version: v{version}\n"
    )
    cached = ctx.cache / "peers" / f"jrnl-{JRNL_ENTRIES}-seed{ctx.args.seed}.txt"
    if not cached.exists():
        rng = random.Random(ctx.args.seed)
        start = datetime(2024, 11, 23, 9, 0)
        parts = []
        for i in range(JRNL_ENTRIES):
            when = start + timedelta(minutes=63 * i)
            stamp = when.strftime("%Y-%m-%d %I:%M:%S %p")
            parts.append(f"[{stamp}] Entry {i}: gave an intro to someone @work.\nMore words about it, number {rng.randrange(10**6)}.\n")
        cached.write_text("\n".join(parts), encoding="utf-8")
    shutil.copyfile(cached, journal)
    env = ctx.env(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), XDG_DATA_HOME=str(home / ".local" / "share"))
    r = run_once([str(exe), "-n", "1"], env, 120)
    if r.rc != 0 or b"Entry" not in r.out:
        return f"jrnl {version} did not read the generated journal (exit {r.rc}): {(r.err.strip().splitlines() or ['?'])[-1][:160]}"
    return [str(exe)], env, journal


def setup_task(ctx: Context) -> tuple[list[str], dict[str, str]] | str:
    exe = shutil.which("task")
    if not exe:
        if os.geteuid() != 0:
            return "taskwarrior is not installed and we are not root (apt-get install taskwarrior)"
        if not shutil.which("apt-get"):
            return "taskwarrior is not installed and there is no apt-get"
        log("taskwarrior: apt-get install taskwarrior ...")
        quiet = {"capture_output": True, "text": True, "env": {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}}
        r = subprocess.run(["apt-get", "install", "-y", "-q", "taskwarrior"], **quiet)
        if r.returncode != 0:
            subprocess.run(["apt-get", "update", "-q"], **quiet)
            r = subprocess.run(["apt-get", "install", "-y", "-q", "taskwarrior"], **quiet)
        exe = shutil.which("task")
        if not exe:
            return f"apt-get install taskwarrior failed: {(r.stderr.strip().splitlines() or ['?'])[-1][:160]}"
    r = subprocess.run([exe, "--version"], capture_output=True, text=True)
    version = r.stdout.strip() or "?"
    cached = ctx.cache / "peers" / f"task-{version}-{TASKS}-seed{ctx.args.seed}"
    data = ctx.work / "taskdata"
    rc = ctx.work / "taskrc"
    rc.write_text(
        f"data.location={data}\nconfirmation=off\nverbose=nothing\nhooks=off\nnews.version={version}\n"
        "recurrence.confirmation=no\ncolor=off\ndetection=off\ndefaultwidth=110\ndefaultheight=40\n"
    )
    env = ctx.env(TASKRC=str(rc), TASKDATA=str(data))
    if not cached.exists():
        log(f"taskwarrior {version}: building {TASKS:,} tasks ...")
        tmp = Path(f"{cached}.tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        rng = random.Random(ctx.args.seed)
        base = datetime(2025, 1, 1)
        tasks = []
        for i in range(TASKS):
            t = {
                "description": f"follow up with contact {i} about {rng.choice(('intro', 'referral', 'advice'))}",
                "entry": (base + timedelta(minutes=37 * i)).strftime("%Y%m%dT%H%M%SZ"),
                "status": "pending",
                "uuid": "%08x-%04x-4%03x-8%03x-%012x" % (rng.getrandbits(32), rng.getrandbits(16), rng.getrandbits(12), rng.getrandbits(12), rng.getrandbits(48)),
                "project": rng.choice(("work", "friends", "community")),
            }
            if rng.random() < 0.3:
                t["due"] = (base + timedelta(days=rng.randrange(800))).strftime("%Y%m%dT%H%M%SZ")
            tasks.append(t)
        src = ctx.work / "tasks.json"
        src.write_text("\n".join(json.dumps(t) for t in tasks) + "\n")
        tenv = ctx.env(TASKRC=str(rc), TASKDATA=str(tmp))
        rcfile = ctx.work / "taskrc-build"
        rcfile.write_text(rc.read_text().replace(f"data.location={data}", f"data.location={tmp}"))
        tenv["TASKRC"] = str(rcfile)
        r = subprocess.run([exe, "import", str(src)], capture_output=True, text=True, env=tenv, stdin=DEVNULL, timeout=3600)
        if r.returncode != 0:
            return f"task import failed (exit {r.returncode}): {(r.stderr.strip().splitlines() or ['?'])[-1][:160]}"
        tmp.rename(cached)
    shutil.rmtree(data, ignore_errors=True)
    shutil.copytree(cached, data)
    r = run_once([exe, "count", "status:pending"], env, 300)
    if r.rc != 0 or not r.out.strip().isdigit() or int(r.out.strip()) < TASKS:
        return f"task did not read the generated data (exit {r.rc}, count {r.out.strip()[:20]!r})"
    return [exe, f"rc:{rc}"], env


# --------------------------------------------------------------------------
# Import-time check: is SQLAlchemy loaded?


HEAVY = ("sqlalchemy", "sqlmodel", "pydantic", "typer", "rich", "click")


def imported_modules(ctx: Context, argv_tail: list[str], env: dict[str, str]) -> tuple[set[str], list[tuple[int, int, str]]]:
    r = run_once([ctx.py, "-X", "importtime", "-m", "netlog", *argv_tail], env, 120)
    mods, rows = set(), []
    for line in r.err.splitlines():
        m = re.match(r"import time:\s+(\d+)\s+\|\s+(\d+)\s+\|(\s*)(\S+)", line)
        if m:
            name = m.group(4)
            mods.add(name)
            rows.append((int(m.group(2)), int(m.group(1)), (" " * (len(m.group(3)) - 1)) + name))
    return mods, rows


def heavy_in(mods: set[str]) -> list[str]:
    return sorted({m.split(".")[0] for m in mods if m.split(".")[0] in HEAVY})


# --------------------------------------------------------------------------
# The plan


def plan(ctx: Context, bench: Bench) -> dict[str, Any]:
    args = ctx.args
    runs = args.runs
    slow_runs = max(3, min(runs, args.slow_runs))
    info: dict[str, Any] = {}
    for side in ctx.sides:
        side.journals = {label: build_journal(ctx, side, label) for label in ("small", "large")}
        journals = {
            j.label: {"contacts": j.contacts, "entries": j.entries, "builder": j.builder, "cached": str(j.path), "busiest": j.busiest, "busiest_entries": j.busiest_entries}
            for j in side.journals.values()
        }
        if side.name:
            info.setdefault("sides", {})[side.name] = {"rev": side.rev, "commit": side.commit, "tree": side.tree, "root": str(side.root), "journals": journals}
        else:
            info["journals"] = journals
        for j in side.journals.values():
            log(f"{j.label}{side_tag(side)}: {j.contacts:,} contacts / {j.entries:,} entries ({j.builder}); busiest contact {j.busiest!r} with {j.busiest_entries:,} entries")
        side.reads = {label: copy_journal(j.path, side.work / f"read-{label}.db") for label, j in side.journals.items()}
        side.write_large = copy_journal(side.journals["large"].path, side.work / "write-large.db")
    w = ctx.work
    # with --compare the floors work on A's journal: they are the same process for both
    small, large = ctx.sides[0].journals["small"], ctx.sides[0].journals["large"]
    floor_db = copy_journal(large.path, w / "floor-large.db")

    py = ctx.py
    bench.add_floor("py", "python -c pass", lambda s, i: ([py, "-c", "pass"], ctx.env()))
    insert_code = (
        "import sqlite3,sys;c=sqlite3.connect(sys.argv[1]);"
        "c.execute(\"INSERT INTO entry (contact_id,type,what,day,created_at) VALUES (1,'note','floor',?,?)\",(sys.argv[2],sys.argv[2]+'T12:00:00'));"
        "c.commit();c.close()"
    )
    select_code = "import sqlite3,sys;c=sqlite3.connect(sys.argv[1]);print(c.execute('SELECT name FROM contact WHERE id=?',(1,)).fetchone()[0]);c.close()"
    bench.add_floor("ins", "sqlite3 one-row INSERT (large)", lambda s, i: ([py, "-c", insert_code, str(floor_db), TODAY], ctx.env()))
    bench.add_floor("sel", "sqlite3 one-row SELECT (large)", lambda s, i: ([py, "-c", select_code, str(floor_db)], ctx.env()))

    # The floors on their own (each as its own row; the ratios use the interleaved floors)
    for name, (label, maker) in list(bench.floors.items()):
        bench.measure(Row(f"floor-{name}", f"floor: {label}", "large" if name != "py" else "-", floor="-", target="floor"), maker, runs)

    # How fast is this machine right now? A CPU-bound loop, to scale every figure by
    # (CPython 3.11 on an idle core of the kind of machine: roughly 0.2-0.3 s).
    loop = "x = 0\nfor i in range(5_000_000): x += i"
    bench.measure(Row("calibrate", "calibration: 5M-step Python loop", "-", target="machine"), lambda s, i: ([py, "-c", loop], ctx.env()), runs)

    # Start-up
    for flag in ("--help", "--version"):
        for row in bench.measure(
            Row(f"start{flag}", f"netlog {flag}", "-", target="≤80ms, no SA", target_ms=80, mem_limit=True),
            lambda s, i, flag=flag: (s.nl(flag), s.read_env("large")), runs,
        ):
            mods, _ = imported_modules(ctx, [flag], row.side.read_env("large"))
            heavy = heavy_in(mods)
            row.extra_checks.append(("SQLAlchemy/SQLModel not imported", not ({"sqlalchemy", "sqlmodel"} & set(heavy)), "imports: " + (", ".join(heavy) or "none of " + "/".join(HEAVY))))
    script = Path(ctx.py).with_name("netlog")
    # the console script against `python -m netlog --help` as its floor: ×floor is script / -m
    # (with --compare the script imports the side's netlog too: PYTHONPATH comes before the install)
    bench.add_floor("m", "python -m netlog --help", lambda s, i: (s.nl("--help"), s.read_env("large")))
    if script.exists():
        bench.measure(
            Row("start-script", "netlog --help (console script)", "-", floor="m", target="≤80 ms", target_ms=80, mem_limit=True),
            lambda s, i: ([str(script), "--help"], s.read_env("large")), runs,
        )
    else:
        bench.rows.append(Row("start-script", "netlog --help (console script)", "-", status="skipped", reason=f"no {script}"))

    # Completion of a name, 10,000 contacts
    def comp_env(s: Side) -> dict[str, str]:
        prefix = s.journals["large"].prefix
        return s.read_env("large", _NETLOG_COMPLETE="complete_bash", COMP_WORDS=f"netlog give {prefix}", COMP_CWORD="2")

    for row in bench.measure(
        Row("complete", f"Tab: netlog give {large.prefix}<Tab>", "large", target="≤80 ms", target_ms=80, mem_limit=True),
        lambda s, i: (s.nl(), comp_env(s)), runs,
        check_output=lambda s, r: "" if r.out.strip() else "completion printed nothing",
    ):
        mods, _ = imported_modules(ctx, [], comp_env(row.side))
        row.notes.append("completion imports: " + (", ".join(heavy_in(mods)) or "no typer/rich/pydantic/sqlalchemy"))

    # Peers first: writes compare with jrnl's add
    peers: dict[str, str] = {}
    if args.no_peers:
        peers["jrnl"] = peers["task"] = "--no-peers"
    elif ctx.compare:
        peers["jrnl"] = peers["task"] = "--compare: a peer is the same process for both revisions"
    else:
        got = setup_jrnl(ctx) if bench.wanted("jrnl-add") or bench.wanted("write-") else "not matched by --only"
        if isinstance(got, str):
            peers["jrnl"] = got
        else:
            jargv, jenv, _ = got
            bench.measure(
                Row("jrnl-add", "peer: jrnl add an entry", "10k", target="peer"),
                lambda s, i: ([*jargv, f"Bench entry {i + 2}: gave an intro @work."], jenv), runs,
            )
            bench.measure(Row("jrnl-list", "peer: jrnl -n 5", "10k", target="peer"), lambda s, i: ([*jargv, "-n", "5"], jenv), runs)
        got = setup_task(ctx) if bench.wanted("task-add") else "not matched by --only"
        if isinstance(got, str):
            peers["task"] = got
        else:
            targv, tenv = got
            bench.measure(
                Row("task-add", "peer: task add", "10k", target="peer"),
                lambda s, i: ([*targv, "add", f"bench task {i + 2}", "project:work"], tenv), runs,
            )
            bench.measure(Row("task-next", "peer: task next", "10k", target="peer"), lambda s, i: ([*targv, "next"], tenv), runs)
    for name, reason in peers.items():
        log(f"peer {name} skipped: {reason}")
        label = {"jrnl": "peer: jrnl (add, -n 5)", "task": "peer: taskwarrior (add, next)"}[name]
        bench.rows.append(Row(f"{name}-skip", label, "10k", status="skipped", reason=reason))
    info["peers_skipped"] = peers

    # Writes on the large journal (on a copy: each side its own)
    def who(s: Side) -> str:
        return s.journals["large"].busiest

    writes: list[tuple[str, Maker, tuple[str, ...]]] = [
        ("give", lambda s, i: (s.nl("give", who(s), f"bench favour {i + 2}", "--kind", "help"), s.env(s.write_large)), ("give",)),
        ("ask", lambda s, i: (s.nl("ask", who(s), f"bench ask {i + 2}"), s.env(s.write_large)), ("ask",)),
        ("add", lambda s, i: (s.nl("add", f"Bench Person {i + 2}", "--company", "Benchmark Ltd"), s.env(s.write_large)), ("add",)),
    ]
    for name, maker, needs in writes:
        bench.measure(
            Row(f"write-{name}", f"netlog {name}", "large", floor="ins", target="≤250, ≤jrnl", target_ms=250, mem_limit=True, peer_key="jrnl-add"),
            maker, runs, needs=needs,
        )

    # Reports, large and small
    reports = [
        ("hungry", ["hungry"], ("hungry",)),
        ("home", [], ()),
        ("remind", ["remind"], ("remind",)),
        ("balance", ["balance", "--limit", "50"], ("balance",)),
        ("show", ["show", "@BUSIEST"], ("show",)),
    ]
    for name, argv, needs in reports:
        shown = "netlog " + " ".join("NAME" if a == "@BUSIEST" else a for a in argv) if argv else "netlog (bare: dashboard)"
        pair: list[tuple[Row, Maker]] = []
        for label in ("small", "large"):
            if label == "large":
                row = Row(f"report-{name}-large", shown, "large", floor="sel", target="≤400, ≤1.3×S", target_ms=400, mem_limit=True, small_key=f"report-{name}-small")
            else:
                row = Row(f"report-{name}-small", shown, "small", floor="sel", target="(for ×S)", mem_limit=True)

            def report(s: Side, i: int, label: str = label, argv: list[str] = argv) -> tuple[list[str], dict[str, str]]:
                words = [s.journals[label].busiest if a == "@BUSIEST" else a for a in argv]
                return s.nl(*words), s.read_env(label)

            pair.append((row, report))
        bench.measure_many(pair, runs, needs=needs)  # small and large in turns: ×S compares like with like

    # The same reports when the journal is not in the page cache (the first
    # command of the day, or any after the OS dropped the file's pages): each
    # run starts with posix_fadvise(DONTNEED) on the journal copy. No target in
    # the issue; shown because it is what a user meets after a pause.
    def evict(path: Path) -> None:
        for suffix in ("", "-wal"):
            try:
                fd = os.open(f"{path}{suffix}", os.O_RDONLY)
            except FileNotFoundError:
                continue
            try:
                os.fsync(fd)
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)

    for name, argv, needs in (("hungry", ["hungry"], ("hungry",)), ("home", [], ())):
        shown = ("netlog " + " ".join(argv) if argv else "netlog (bare)") + ", cold journal"

        def cold(s: Side, i: int, argv: list[str] = argv) -> tuple[list[str], dict[str, str]]:
            evict(s.reads["large"])
            return s.nl(*argv), s.read_env("large")

        bench.measure(Row(f"cold-{name}", shown, "large", floor="sel", target="info"), cold, runs, needs=needs)

    # contacts --json of 10,000 contacts, piped
    def json_ok(s: Side, r: Run) -> str:
        active = s.journals["large"].active
        try:
            data = json.loads(r.out)
        except ValueError:
            return "contacts --json did not print JSON"
        n = len(data) if isinstance(data, list) else len(data.get("contacts", [])) if isinstance(data, dict) else 0
        return "" if n >= active else f"contacts --json printed {n} contacts, expected the {active} not archived"

    bench.measure(
        Row("contacts-json", f"netlog contacts --json ({large.active:,})", "large", floor="sel", target="≤500 ms", target_ms=500),
        lambda s, i: (s.nl("contacts", "--json"), s.read_env("large")), runs, needs=("contacts",), check_output=json_ok,
    )

    # import linkedin of 30,000 rows into an empty journal
    rows_n = LINKEDIN_ROWS if not args.quick else 3_000
    csv_path = linkedin_csv(ctx, rows_n)

    def import_maker(s: Side, i: int) -> tuple[list[str], dict[str, str]]:
        fresh = s.work / f"import-{i + 2}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{fresh}{suffix}").unlink(missing_ok=True)
        prev = s.work / f"import-{i + 1}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{prev}{suffix}").unlink(missing_ok=True)
        return s.nl("--db", str(fresh), "import", "linkedin", str(csv_path)), s.env(fresh)

    bench.measure(
        Row("import-linkedin", f"netlog import linkedin ({rows_n // 1000}k rows)", "empty", target="≤3 s", target_ms=3000),
        import_maker, slow_runs, needs=("import", "linkedin"),
    )

    # netlog demo, large: built once (with --compare, built afresh by each side in turns)
    contacts, entries = ctx.sizes["large"]
    demo_row = Row("demo", f"netlog demo {contacts // 1000}k/{entries // 1000}k", "new", target="≤30 s", target_ms=30_000)
    if ctx.compare and not args.no_demo_timing:
        time_demo_in_turns(ctx, bench, demo_row, slow_runs)
        return info
    bench.rows.append(demo_row)
    if not bench.wanted("demo"):
        demo_row.status, demo_row.reason = "skipped", f"not matched by --only {args.only}"
    elif ctx.compare:
        demo_row.status, demo_row.reason = "skipped", "--no-demo-timing"
    elif not command_exists(ctx.sides[0], ("demo",)):
        demo_row.status, demo_row.reason = "missing", "'netlog demo' does not exist yet (journals built by the stdlib fallback)"
    elif large.build is not None and large.builder == "demo":
        demo_row.samples, demo_row.kib, demo_row.cpu = [large.build.ms], [large.build.kib], [large.build.cpu]
        demo_row.notes.append("timed while building the cached journal in this run")
    elif args.no_demo_timing:
        demo_row.status, demo_row.reason = "skipped", "--no-demo-timing and the journal came from the cache"
    else:
        log(f"netlog demo {contacts:,}/{entries:,}: timing one build ...")
        fresh = w / "demo-timed.db"
        floor_before = run_once([py, "-c", "pass"], ctx.env(), 60).ms
        side = ctx.sides[0]
        r = run_once(side.nl("--db", str(fresh), "demo", "--contacts", str(contacts), "--entries", str(entries), "--seed", str(args.seed)), side.env(fresh), 3600)
        floor_after = run_once([py, "-c", "pass"], ctx.env(), 60).ms
        if r.rc != 0:
            demo_row.status, demo_row.reason = "error", f"exit {r.rc}: {(r.err.strip().splitlines() or [''])[-1][:200]}"
        else:
            demo_row.samples, demo_row.kib, demo_row.cpu, demo_row.floor_samples = [r.ms], [r.kib], [r.cpu], [floor_before, floor_after]
        for suffix in ("", "-wal", "-shm"):
            Path(f"{fresh}{suffix}").unlink(missing_ok=True)
    return info


def time_demo_in_turns(ctx: Context, bench: Bench, row: Row, runs: int) -> None:
    """With --compare, `netlog demo` of the large size is measured like any
    other row: each side builds a fresh journal, A and B in turns. The build
    that fills the cache would time only the side whose cache was cold, at
    another moment than the other's."""
    contacts, entries = ctx.sizes["large"]

    def build(s: Side, i: int) -> tuple[list[str], dict[str, str]]:
        fresh = s.work / f"demo-{i + 2}.db"
        for db in (s.work / f"demo-{i + 1}.db", fresh):
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
        argv = s.nl("--db", str(fresh), "demo", "--contacts", str(contacts), "--entries", str(entries), "--seed", str(ctx.args.seed))
        return argv, s.env(fresh)

    bench.measure(row, build, runs, needs=("demo",))


# --------------------------------------------------------------------------
# Verdicts and the table


def judge(bench: Bench) -> None:
    for row in bench.rows:
        if row.status == "missing":
            row.verdict = "MISSING"
            continue
        if row.status in ("skipped",):
            row.verdict = "SKIP"
            continue
        if row.status == "error":
            row.verdict = "ERROR"
            continue
        if row.target in ("floor", "peer", "(for ×S)", "machine", "info"):
            row.verdict = "-" if not (row.mem_limit and row.peak_mib and row.peak_mib > MEM_TARGET_MIB) else "MISS mem"
            if row.verdict != "-":
                row.notes.append(f"peak {row.peak_mib:.1f} MiB > {MEM_TARGET_MIB:.0f} MiB")
            continue
        missed = []
        med = row.median
        if row.target_ms is not None and med is not None and med > row.target_ms:
            missed.append("t")
            row.notes.append(f"median {med:.0f} ms > {row.target_ms:.0f} ms target (+{med - row.target_ms:.0f} ms, {med / row.target_ms:.2f}×)")
        if row.mem_limit and row.peak_mib is not None and row.peak_mib > MEM_TARGET_MIB:
            missed.append("mem")
            row.notes.append(f"peak {row.peak_mib:.1f} MiB > {MEM_TARGET_MIB:.0f} MiB")
        if row.small_key:
            other = bench.row(row.small_key, row.side)
            ratio = small_ratio(row, other)
            if ratio is not None:
                if ratio > 1.3:
                    missed.append("×S")
                    row.notes.append(f"{ratio:.2f}× the small journal ({other.median:.0f} ms), limit 1.3×")
            else:
                row.notes.append("no small-journal figure to compare with")
        if row.peer_key:
            peer = bench.row(row.peer_key, row.side)
            if peer and peer.median and med:
                if med > peer.median:
                    missed.append("jrnl")
                    row.notes.append(f"slower than jrnl adding an entry ({peer.median:.0f} ms) by {med - peer.median:.0f} ms")
            else:
                row.notes.append("jrnl not measured: that half of the target is unchecked")
        for name, ok, detail in row.extra_checks:
            row.notes.append(f"{name}: {'yes' if ok else 'NO'} ({detail})")
            if not ok:
                missed.append("SA")
        row.verdict = "PASS" if not missed else "MISS " + ",".join(missed)


def fmt(x: float | None, width: int, digits: int = 0) -> str:
    return f"{x:>{width},.{digits}f}" if x is not None else f"{'-':>{width}}"


COLS = [("what", 30, "<"), ("journal", 7, "<"), ("median", 7, ">"), ("min", 6, ">"), ("max", 6, ">"), ("cpu", 6, ">"),
        ("MiB", 5, ">"), ("target", 12, "<"), ("×floor", 9, ">"), ("×S", 4, ">"), ("verdict", 8, "<")]


def table(bench: Bench) -> str:
    head = " ".join(f"{name:{align}{w}}" for name, w, align in COLS)
    lines = [head, "-" * len(head)]
    for r in bench.rows:
        what = r.what if len(r.what) <= 30 else r.what[:29] + "…"
        blank = [" " * w for _, w, _ in COLS]
        if r.status in ("missing", "skipped", "error"):
            cells = [f"{what:<30}", f"{r.journal:<7}", f"{r.status:>7}", *blank[3:7], f"{r.target:<12}", *blank[8:10], r.verdict]
        else:
            fm = r.floor_median
            ratio = f"{r.median / fm:.1f} {r.floor}" if fm and r.median and r.floor != "-" else "-"
            xs = "-"
            if r.small_key:
                xs_ratio = small_ratio(r, bench.row(r.small_key, r.side))
                if xs_ratio is not None:
                    xs = f"{xs_ratio:.2f}"
            cells = [f"{what:<30}", f"{r.journal:<7}", fmt(r.median, 7), fmt(min(r.samples) if r.samples else None, 6),
                     fmt(max(r.samples) if r.samples else None, 6), fmt(r.cpu_median, 6), fmt(r.peak_mib, 5, 1),
                     f"{r.target:<12}", f"{ratio:>9}", f"{xs:>4}", r.verdict]
        lines.append(" ".join(cells).rstrip())
    return "\n".join(lines)


def notes(bench: Bench) -> str:
    out = []
    for r in bench.rows:
        if r.status in ("missing", "skipped", "error"):
            out.append(f"- {r.what} [{r.journal}]: {r.status}: {r.reason}")
        elif r.notes:
            out.append(f"- {r.what} [{r.journal}]: " + "; ".join(r.notes))
    return "\n".join(out)


# --------------------------------------------------------------------------
# --compare: A and B side by side


SAME_PROCESS = ("floor", "machine")  # targets of rows that run the same command for A and B
CMP_LIMIT = 0.10
STATUS_VERDICT = {"missing": "MISSING", "skipped": "SKIP", "error": "ERROR"}  # as judge() says them
CMP_COLS = [("what", 30, "<"), ("journal", 7, "<"), ("A ms", 8, ">"), ("B ms", 8, ">"), ("B/A", 6, ">"), ("pairs", 6, ">"), ("verdict", 16, "<")]


def pairs_by_key(bench: Bench) -> list[tuple[str, list[Row]]]:
    """Each key with its rows (A's and B's, or one never measured), in the
    order measured."""
    out: dict[str, list[Row]] = {}
    for r in bench.rows:
        out.setdefault(r.key, []).append(r)
    return list(out.items())


def compare_verdict(a: Row, b: Row) -> tuple[float | None, float | None, str]:
    """(B/A of the medians, median of B/A over neighbouring runs, verdict).
    The verdict reads the medians; the pairs' ratio beside it cancels a burst
    of load that fell on one side's runs more than the other's, so where the
    two disagree the run was noisy, not one revision slow."""
    if a.status != "ok" or b.status != "ok" or not a.median or not b.median:
        if a.status == b.status:
            return None, None, STATUS_VERDICT.get(a.status, "-")
        return None, None, ", ".join(f"{r.side.name if r.side else '?'} {STATUS_VERDICT.get(r.status, r.status)}" for r in (a, b) if r.status != "ok")
    ratio = b.median / a.median
    pairs = statistics.median(y / x for x, y in zip(a.samples, b.samples)) if len(a.samples) == len(b.samples) else None
    if ratio > 1 + CMP_LIMIT:
        verdict = f"slower by {(ratio - 1) * 100:.1f}%"
    elif ratio < 1 - CMP_LIMIT:
        verdict = f"faster by {(1 - ratio) * 100:.1f}%"
    else:
        verdict = f"within {CMP_LIMIT * 100:.0f}%"
    return ratio, pairs, verdict


def compare_table(bench: Bench) -> str:
    head = " ".join(f"{name:{align}{w}}" for name, w, align in CMP_COLS)
    lines = [head, "-" * len(head)]
    for _, rows in pairs_by_key(bench):
        r = rows[0]
        what = r.what if len(r.what) <= 30 else r.what[:29] + "…"
        if len(rows) != 2:  # never measured (skipped, missing for both)
            lines.append(f"{what:<30} {r.journal:<7} {r.status:>8}")
            continue
        a, b = rows
        ratio, pairs, verdict = compare_verdict(a, b)
        cells = [f"{what:<30}", f"{r.journal:<7}", fmt(a.median, 8) if a.status == "ok" else f"{a.status:>8}", fmt(b.median, 8) if b.status == "ok" else f"{b.status:>8}",
                 fmt(ratio, 6, 2), fmt(pairs, 6, 2), verdict + (" (same cmd)" if r.target in SAME_PROCESS and ratio is not None else "")]
        lines.append(" ".join(cells).rstrip())
    return "\n".join(lines)


def compare_summary(bench: Bench) -> str:
    """One line: how many netlog rows are within the limit, and which are not."""
    within, off = 0, []
    for key, rows in pairs_by_key(bench):
        if len(rows) != 2 or rows[0].target in SAME_PROCESS:
            continue
        ratio, _, verdict = compare_verdict(*rows)
        if ratio is None:
            continue
        if verdict.startswith("within"):
            within += 1
        else:
            off.append(f"{key} {verdict}")
    return f"B within {CMP_LIMIT * 100:.0f}% of A on {within} of {within + len(off)} netlog rows" + (": not " + "; ".join(off) if off else "")


def compare_notes(bench: Bench) -> str:
    """Why a row has no ratio, once per row when A and B agree."""
    out = []
    for _, rows in pairs_by_key(bench):
        said = set()
        for r in rows:
            if r.status != "ok" and (r.status, r.reason) not in said:
                said.add((r.status, r.reason))
                who = "" if len(rows) == 1 or all((x.status, x.reason) == (r.status, r.reason) for x in rows) else f" {r.side.name if r.side else '?'}"
                out.append(f"- {r.what} [{r.journal}]{who}: {r.status}: {r.reason}")
    return "\n".join(out)


def compare_header(ctx: Context, started: datetime, load_before: str, load_after: str) -> list[str]:
    args = ctx.args
    dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--", "netlog"], capture_output=True, text=True).stdout.strip()
    lines = [
        f"netlog benchmark --compare  {started:%Y-%m-%d %H:%M}  {'QUICK (not comparable to targets)' if args.quick else ''}".rstrip(),
        *(side.title() for side in ctx.sides),
    ]
    if dirty:
        lines.append("(the work tree has uncommitted changes in netlog/: they are in no revision above and not measured)")
    for side in ctx.sides:
        small, large = side.journals["small"], side.journals["large"]
        lines.append(
            f"journals {side.name}: small {small.contacts:,}/{small.entries:,}, large {large.contacts:,}/{large.entries:,}, built by {side.name}'s netlog demo "
            f"(seed {args.seed}); NAME = busiest contact ({large.busiest_entries:,} entries large)"
        )
    lines += [
        f"python {platform.python_version()} ({ctx.py}), {os.cpu_count()} cores, {args.runs} runs after a warm-up, A and B in turns (A, floor, B, floor, A, ...)",
        f"load average (1/5/15 min): before {load_before}, after {load_after}",
        "times in ms (median wall time of the whole process); B/A = median B / median A; pairs = median of B/A over",
        f"neighbouring runs (a burst of load cancels out); verdict: within {CMP_LIMIT * 100:.0f}% when {1 - CMP_LIMIT:.2f} ≤ B/A ≤ {1 + CMP_LIMIT:.2f};",
        "(same cmd) = floors and calibration, the same process for A and B: their B/A is this run's noise",
    ]
    return lines


def git_head() -> str:
    try:
        head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--", "netlog"], capture_output=True, text=True).stdout.strip()
        return head + (" + uncommitted changes in netlog/" if dirty else "")
    except OSError:
        return "?"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="smaller large journal (100k entries), 3 runs, no peers, no demo timing")
    ap.add_argument("--runs", type=int, default=None, help="timed runs per command after the warm-up (default 9; --quick 3)")
    ap.add_argument("--slow-runs", type=int, default=5, help="runs for import linkedin (default 5)")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--cache-dir", default=os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "netlog-bench"))
    ap.add_argument("--rebuild", action="store_true", help="rebuild the cached journals (and so time netlog demo on them)")
    ap.add_argument("--no-peers", action="store_true", help="skip jrnl and taskwarrior")
    ap.add_argument("--no-demo-timing", action="store_true", help="don't time a fresh netlog demo build when the journal is cached")
    ap.add_argument("--python", help="interpreter that runs netlog (default: this one)")
    ap.add_argument("--timeout", type=float, default=300, help="seconds before one process is killed")
    ap.add_argument("--json-out", help="write the results as JSON here")
    ap.add_argument("--only", help="measure only rows whose key matches this regex (floors always run)")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    ap.add_argument("--compare", nargs=2, metavar=("REV_A", "REV_B"),
                    help="measure two git revisions of this repository in turns (e.g. 0d334c8 HEAD) and print B/A per row")
    args = ap.parse_args(argv)
    if args.runs is None:
        args.runs = 3 if args.quick else 9
    if args.quick:
        args.no_peers = True
        args.no_demo_timing = True
        args.slow_runs = min(args.slow_runs, 3)
    ctx = Context(args)
    check = subprocess.run([ctx.py, "-c", "import netlog"], capture_output=True, text=True, cwd=str(ctx.work))
    if check.returncode != 0:
        print(f"bench: {ctx.py} can't import netlog; run with the venv's python (pip install -e .)", file=sys.stderr)
        ctx.cleanup()
        return 2
    try:
        ctx.sides = make_sides(ctx)
    except SystemExit:
        ctx.cleanup()
        raise
    global SPAWN
    SPAWN = Spawner(ctx.py, ctx.work)
    started = datetime.now()
    git_before = git_head()
    load_before = loadavg()
    log(f"work dir {ctx.work}, cache {ctx.cache}, load average {load_before}")
    bench = Bench(ctx)
    try:
        info = plan(ctx, bench)
    finally:
        SPAWN.close()
        ctx.cleanup()
    load_after = loadavg()
    judge(bench)
    if ctx.compare:
        text = "\n".join(compare_header(ctx, started, load_before, load_after)) + "\n\n" + compare_table(bench) + "\n\n" + compare_summary(bench)
        text += "\n\nnotes:\n" + (compare_notes(bench) or "- none") + "\n"
        print(text)
    else:
        text = normal_report(ctx, bench, info, started, git_before, load_before, load_after)
    if args.json_out:
        write_json(ctx, bench, info, text, started, git_before, load_before, load_after)
    return 0


def normal_report(ctx: Context, bench: Bench, info: dict[str, Any], started: datetime, git_before: str, load_before: str, load_after: str) -> str:
    """The one table with targets, printed; its text is returned for the JSON."""
    args = ctx.args
    small, large = info["journals"]["small"], info["journals"]["large"]
    header = [
        f"netlog benchmark  {started:%Y-%m-%d %H:%M}  git {git_before}{'' if git_head() == git_before else ' (at the end: ' + git_head() + ')'}  {'QUICK (not comparable to targets)' if args.quick else ''}".rstrip(),
        f"python {platform.python_version()} ({ctx.py}), {os.cpu_count()} cores, {args.runs} runs after a warm-up, interleaved with floors",
        f"load average (1/5/15 min): before {load_before}, after {load_after}",
        f"journals: small {small['contacts']:,}/{small['entries']:,}, large {large['contacts']:,}/{large['entries']:,} "
        f"(built by {large['builder']}{', STDLIB FALLBACK: netlog demo missing' if large['builder'] == 'fallback' else ''}, seed {args.seed}); "
        f"NAME = busiest contact ({large['busiest_entries']:,} entries large, {small['busiest_entries']:,} small)",
        "times in ms (wall, whole process; cpu = median user+sys of the process); MiB = peak RSS; ×floor = median / median",
        "of the floor runs interleaved with it (py: python -c pass, ins: sqlite3 INSERT, sel: sqlite3 SELECT,",
        "m: python -m netlog --help); ×S = large / small journal",
    ]
    text = "\n".join(header) + "\n\n" + table(bench) + "\n\nnotes:\n" + (notes(bench) or "- none") + "\n"
    print(text)
    return text


def write_json(ctx: Context, bench: Bench, info: dict[str, Any], text: str, started: datetime, git_before: str, load_before: str, load_after: str) -> None:
    """The run as JSON: every row, and with --compare each row's side and
    the comparison of each key (what the table shows)."""
    args = ctx.args
    rows = []
    for r in bench.rows:
        row = {
            "key": r.key, "what": r.what, "journal": r.journal, "status": r.status, "reason": r.reason,
            "median_ms": r.median, "min_ms": min(r.samples) if r.samples else None, "max_ms": max(r.samples) if r.samples else None,
            "peak_mib": r.peak_mib, "cpu_median_ms": r.cpu_median, "cpu_ms": r.cpu, "majflt_inblock": r.io, "floor": r.floor, "floor_median_ms": r.floor_median,
            "ratio_to_floor": (r.median / r.floor_median) if r.median and r.floor_median else None,
            "target": r.target, "target_ms": r.target_ms, "verdict": r.verdict, "notes": r.notes,
            "samples_ms": r.samples, "floor_samples_ms": r.floor_samples, "peak_kib": r.kib,
        }
        if ctx.compare:
            row["side"] = r.side.name if r.side else None
        rows.append(row)
    data = {
        "started": started.isoformat(),
        "git": git_before,
        "git_at_end": git_head(),
        "python": ctx.py,
        "python_version": platform.python_version(),
        "cpus": os.cpu_count(),
        "loadavg_before": load_before,
        "loadavg_after": load_after,
        "quick": args.quick,
        "runs": args.runs,
        "today": TODAY,
        "info": info,
        "rows": rows,
        "table": text,
    }
    if ctx.compare:
        data["compare"] = {
            "sides": {s.name: {"rev": s.rev, "commit": s.commit, "tree": s.tree} for s in ctx.sides},
            "limit": CMP_LIMIT,
            "rows": [
                dict(zip(("key", "median_a_ms", "median_b_ms", "ratio", "pairs", "verdict"), (key, pair[0].median, pair[1].median, *compare_verdict(*pair))))
                for key, pair in pairs_by_key(bench) if len(pair) == 2
            ],
        }
    Path(args.json_out).write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    sys.exit(main())
