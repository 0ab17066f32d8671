"""The program itself: version, help, the welcome, python -m, start-up weight."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import run_netlog

from netlog import __version__
from netlog.cli import app


def test_version(cli):
    assert cli("--version").stdout == f"netlog {__version__}\n"


def _commands():
    from typer.main import get_command

    group = get_command(app)
    out = []
    for name, cmd in group.commands.items():
        sub = getattr(cmd, "commands", None)
        if sub:
            out += [(name, s) for s in sub]
        else:
            out.append((name,))
    return out


@pytest.mark.parametrize("path", _commands(), ids=lambda p: " ".join(p))
def test_every_command_has_help_with_an_example(cli, path):
    out = cli(*path, "--help").stdout
    assert "Example" in out and "netlog " in out


def test_bare_netlog_welcomes_an_empty_journal(cli, env):
    r = cli()
    assert "Your journal is empty" in r.stdout and 'netlog add "' in r.stdout
    assert not env.db.exists()  # looking creates nothing


def test_python_dash_m_netlog_works(env):
    r = run_netlog("--version", env=env.env)
    assert r.returncode == 0 and r.stdout.strip() == f"netlog {__version__}"


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["give", "--help"]])
def test_help_and_version_do_not_import_sqlalchemy(env, args):
    r = subprocess.run([sys.executable, "-X", "importtime", "-m", "netlog", *args], env=env.env, capture_output=True, text=True)
    assert r.returncode == 0
    imported = [line.rsplit("|", 1)[-1].strip() for line in r.stderr.splitlines() if "|" in line]
    assert "typer" in imported  # the check itself works
    assert not [m for m in imported if m.startswith(("sqlalchemy", "sqlmodel"))]


def test_no_terminal_no_input_no_colour(env):
    run_netlog("add", "Priya Raman", "--tag", "work", env=env.env)
    r = run_netlog("contacts", env=env.env)
    assert r.returncode == 0 and "Priya Raman" in r.stdout and "\x1b[" not in r.stdout


def test_broken_pipe_is_quiet(env):
    for i in range(30):
        run_netlog("add", f"Person {i:02d}", env=env.env) if i < 2 else None
    r = subprocess.run(
        f"'{sys.executable}' -m netlog log --limit 0 | head -c 1",
        shell=True, env=env.env, capture_output=True, text=True,
    )
    assert "Traceback" not in r.stderr
