"""Shared fixtures: every test gets its own journal, home and XDG dirs in tmp_path,
and a fixed today (2026-11-23, a Monday)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings
from typer.testing import CliRunner

from netlog.cli import app

# CI must not fail on a case no one has seen before: by default the fuzz and stateful
# tests replay the same examples every run. HYPOTHESIS_PROFILE=explore draws new ones
# (with HYPOTHESIS_EXAMPLES=500 to dig deeper) when hunting for bugs.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("explore", derandomize=False, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

TODAY = "2026-11-23"
REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO.parent / "shared" / "samples"  # CI clones the repo with shared/ beside it
needs_samples = pytest.mark.skipif(not SAMPLES.exists(), reason=f"the shared samples are not at {SAMPLES}")


@dataclass
class Env:
    tmp: Path
    db: Path
    env: dict[str, str]  # a complete environment for subprocesses


def _runner() -> CliRunner:
    try:
        return CliRunner(mix_stderr=False)  # click < 8.2
    except TypeError:
        return CliRunner()


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Env:
    home = tmp_path / "home"
    home.mkdir()
    values = {
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_STATE_HOME": str(home / ".local" / "state"),
        "NETLOG_DB": str(tmp_path / "journal.db"),
        "NETLOG_TODAY": TODAY,
    }
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    for key in ("NO_COLOR", "VISUAL", "EDITOR", "NETLOG_DEBUG"):
        monkeypatch.delenv(key, raising=False)
    full = {k: v for k, v in os.environ.items()}
    full.update(values)
    return Env(tmp_path, tmp_path / "journal.db", full)


class Cli:
    """Runs netlog commands in-process through Typer's CliRunner."""

    def __init__(self, env: Env) -> None:
        self.env = env
        self.runner = _runner()

    def __call__(self, *args: str, input: str | None = None, code: int | None = 0):  # type: ignore[no-untyped-def]
        result = self.runner.invoke(app, list(args), input=input)
        if code is not None and result.exit_code != code:
            raise AssertionError(
                f"netlog {' '.join(args)} exited {result.exit_code}, expected {code}\n"
                f"stdout: {result.stdout}\nstderr: {result.stderr}\nexception: {result.exception!r}"
            )
        return result


@pytest.fixture
def cli(env: Env) -> Cli:
    return Cli(env)


def run_netlog(*args: str, env: dict[str, str], input: str | None = None, timeout: float = 60, **kw) -> subprocess.CompletedProcess:  # type: ignore[no-untyped-def]
    """netlog in a real process: for exit codes, no terminal, signals, concurrency."""
    return subprocess.run(
        [sys.executable, "-m", "netlog", *args],
        env=env,
        input=input,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=None if input is not None else subprocess.DEVNULL,
        **kw,
    )


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def db_state(path: Path) -> str:
    """A digest of the journal's content (all rows of all tables), or 'absent'."""
    import sqlite3

    if not path.exists():
        return "absent"
    con = sqlite3.connect(path)
    try:
        h = hashlib.sha256()
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        for t in tables:
            h.update(t.encode())
            for row in con.execute(f'SELECT * FROM "{t}" ORDER BY 1'):
                h.update(repr(row).encode())
        h.update(repr(con.execute("PRAGMA user_version").fetchone()).encode())
        return h.hexdigest()
    finally:
        con.close()


def on_terminal(args: list[str], env: dict[str, str], answer: str | None = None, prompt: bytes = b"[y/N]", while_asked=None, columns: int = 80) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    """netlog in a real pseudo-terminal ``columns`` wide: wait for ``prompt``, call
    ``while_asked()`` (if given) while the question is open, then type ``answer``
    (None: no question expected). Returns the exit code and all the terminal showed."""
    import fcntl
    import pty
    import select
    import struct
    import termios
    import time

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    proc = subprocess.Popen([sys.executable, "-m", "netlog", *args], env=env, stdin=follower, stdout=follower, stderr=follower, close_fds=True)
    os.close(follower)
    seen, answered = b"", False
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(leader, 4096)
                except OSError:
                    break  # the child closed the terminal
                if not chunk:
                    break
                seen += chunk
            if answer is not None and not answered and prompt in seen:
                if while_asked is not None:
                    while_asked()
                os.write(leader, answer.encode() + b"\n")
                answered = True
            if proc.poll() is not None and not ready:
                break
        return proc.wait(timeout=30), seen.decode("utf-8", "replace")
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(leader)
