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


def _imports(args: list[str], env) -> tuple[subprocess.CompletedProcess, list[str]]:  # type: ignore[no-untyped-def]
    r = subprocess.run([sys.executable, "-X", "importtime", "-m", "netlog", *args], env=env.env, capture_output=True, text=True, timeout=60)
    return r, [line.rsplit("|", 1)[-1].strip() for line in r.stderr.splitlines() if "|" in line]


@pytest.mark.parametrize("args", [["give", "--help"], ["hungry", "--help"]])
def test_command_help_does_not_import_sqlalchemy(env, args):
    r, imported = _imports(args, env)
    assert r.returncode == 0 and "Example" in r.stdout
    assert "typer" in imported  # the check itself works
    assert not [m for m in imported if m.startswith(("sqlalchemy", "sqlmodel"))]


@pytest.mark.parametrize("args", [["--help"], ["-h"], ["--version"]])
def test_top_help_and_version_import_no_typer_at_all(env, args):
    r, imported = _imports(args, env)
    assert r.returncode == 0 and r.stderr.count("netlog") >= 1  # importtime saw netlog itself
    heavy = [m for m in imported if m.split(".")[0] in ("typer", "click", "rich", "sqlalchemy", "sqlmodel", "pydantic")]
    assert not heavy, heavy
    from netlog import helptext

    assert r.stdout == (f"netlog {__version__}\n" if args == ["--version"] else helptext.TOP_HELP)


def test_the_stored_top_help_is_what_typer_would_print():
    """netlog/helptext.py is made by netlog/cli/tophelp.py; after changing a
    command or its help, run `.venv/bin/python -m netlog.cli.tophelp`."""
    from netlog import helptext
    from netlog.cli import tophelp

    assert helptext.VERSION == __version__
    assert helptext.TOP_HELP == tophelp.render(), "netlog/helptext.py is stale: run .venv/bin/python -m netlog.cli.tophelp"
    for name, *_ in _commands():
        assert f"\n  {name} " in helptext.TOP_HELP, name  # every command is listed


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
