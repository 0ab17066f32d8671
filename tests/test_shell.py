"""Life in the shell: completion of names and asks, --edit, stdin, snooze."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import db_state, digest

from netlog import complete
from netlog.cli import app


@pytest.fixture
def people(cli):
    for n in ("Priya Raman", "Priyanka Shah", "Sam Lee", "Zoë Müller"):
        cli("add", n, "--company", "Northwind" if n.startswith("Pri") else "Contoso")
    cli("archive", "zoë")
    cli("ask", "sam", "a ladder")
    cli("ask", "priya raman", "a referral")
    cli("resolve", "1", "helped")
    return cli


def _bash_words(line: str) -> list[str]:
    """COMP_WORDS as bash makes them for the line before the cursor: split at
    spaces, and at '=' (in COMP_WORDBREAKS): --db=/x is '--db', '=', '/x', and
    a line ending in --intro= ends with '--intro', '=' (the cursor on the '=')."""
    words: list[str] = []
    for word in line.split(" "):
        if "=" in word and word[:1] not in ("'", '"'):
            for k, part in enumerate(word.split("=")):
                if k:
                    words.append("=")
                if part:
                    words.append(part)
        else:
            words.append(word)
    return words


def _complete(env, shell: str, line: str, **extra) -> subprocess.CompletedProcess:
    e = dict(env.env, _NETLOG_COMPLETE=f"complete_{shell}", **extra)
    if shell == "bash":
        # Typer's bash function passes "${COMP_WORDS[*]}" with IFS set to a newline
        words = _bash_words(line)
        e.update(COMP_WORDS="\n".join(words), COMP_CWORD=str(len(words) - 1))
    else:
        e["_TYPER_COMPLETE_ARGS"] = line
    return subprocess.run([sys.executable, "-m", "netlog"], env=e, capture_output=True, text=True, timeout=60)


def test_bash_completes_a_partial_name(people, env):
    r = _complete(env, "bash", "netlog give pri")
    assert r.returncode == 0
    assert r.stdout.splitlines() == ["'Priya Raman'", "'Priyanka Shah'"]


def test_completion_matches_any_word_and_skips_archived(people, env):
    assert _complete(env, "bash", "netlog show ra").stdout.splitlines() == ["'Priya Raman'"]
    assert _complete(env, "bash", "netlog show zo").stdout == ""


def test_completion_after_options_and_for_intro(people, env):
    assert _complete(env, "bash", "netlog give --kind advice sa").stdout.splitlines() == ["'Sam Lee'"]
    assert _complete(env, "bash", "netlog give sam coffee --intro pri").stdout.splitlines() == ["'Priya Raman'", "'Priyanka Shah'"]
    assert _complete(env, "bash", "netlog give sam --kind ref").stdout.splitlines() == ["referral"]


def test_bash_completion_with_option_equals_value(people, env, tmp_path):
    """bash splits --opt=value at the '=' (COMP_WORDBREAKS): the words are put back together."""
    other = tmp_path / "other.db"
    people("--db", str(other), "add", "Amy Other")
    assert _complete(env, "bash", f"netlog --db={other} give am").stdout.splitlines() == ["'Amy Other'"]  # not the command amend
    assert _complete(env, "bash", f"netlog --db={tmp_path / 'none.db'} give am").stdout == ""
    assert _complete(env, "bash", "netlog give --kind=advice sa").stdout.splitlines() == ["'Sam Lee'"]
    assert _complete(env, "bash", "netlog --today=2026-11-23 give sam coffee --kind=advice --intro=pri").stdout.splitlines() == [
        "'Priya Raman'", "'Priyanka Shah'",
    ]
    # the cursor right after the '=': every name (bash puts them after the '=')
    assert _complete(env, "bash", "netlog give sam coffee --intro=").stdout.splitlines() == ["'Priya Raman'", "'Priyanka Shah'", "'Sam Lee'"]
    assert _complete(env, "bash", "netlog give sam --kind=ref").stdout.splitlines() == ["referral"]


def test_zsh_and_fish_complete_option_equals_value_as_one_word(people, env):
    r = _complete(env, "fish", "netlog give sam coffee --intro=Priya", _TYPER_COMPLETE_FISH_ACTION="get-args")
    assert r.stdout.splitlines() == ["--intro=Priya Raman\tNorthwind", "--intro=Priyanka Shah\tNorthwind"]
    r = _complete(env, "zsh", "netlog give sam --kind=ref")
    assert r.stdout.strip() == "_arguments '*: :((\"--kind=referral\"))'"


def _bash_on_a_terminal(env, typed: str) -> str:
    """Type ``typed`` and Tab into an interactive bash with netlog's completion
    installed; return the command line as bash completed it."""
    import pty
    import re
    import select
    import time

    script = Path(sys.executable).parent / "netlog"
    if not script.exists():
        pytest.skip("no netlog console script beside sys.executable")
    e = dict(env.env, PATH=f"{script.parent}:/usr/bin:/bin", TERM="dumb", _TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION="1")
    leader, follower = pty.openpty()
    proc = subprocess.Popen(["bash", "--norc", "--noprofile", "-i"], env=e, stdin=follower, stdout=follower, stderr=follower, close_fds=True, start_new_session=True)
    os.close(follower)
    # readline reads the keys in order: the Tab's completion is done before
    # Ctrl-A (line start) and Ctrl-E (line end) print the line; the "" keep the
    # echoed keys from matching
    keys = "PS1='> '; eval \"$(netlog --show-completion bash)\"\n" + typed + "\t\x01echo LI\"\"NE:\x05:EN\"\"D\nexit\n"
    os.write(leader, keys.encode())
    seen = b""
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline and b"LINE:" not in seen.split(b"EN\"\"D", 1)[-1]:
            if select.select([leader], [], [], 0.1)[0]:
                try:
                    chunk = os.read(leader, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                seen += chunk
            found = re.search(rb"\nLINE: ?(.*?):END\r?\n", seen)
            if found:
                return found.group(1).decode()
        raise AssertionError(f"bash did not print the line: {seen[-500:]!r}")
    finally:
        proc.kill()
        proc.wait(timeout=30)
        os.close(leader)


def test_bash_completes_option_equals_value_on_a_real_terminal(people, env):
    """The words bash really hands over (COMP_WORDS split at '='), and what it inserts."""
    assert _bash_on_a_terminal(env, "netlog give sam coffee --intro=Priya_") == "netlog give sam coffee --intro=Priya_"  # nobody: unchanged
    # one match: bash puts it in place of what follows the '=' (quoted: echo shows it bare), then a space
    assert _bash_on_a_terminal(env, "netlog give sam coffee --intro=priyan") == "netlog give sam coffee --intro=Priyanka Shah "
    assert _bash_on_a_terminal(env, f"netlog --db={env.db} give --kind=advice sa") == f"netlog --db={env.db} give --kind=advice Sam Lee "


def test_ask_argument_completes_open_asks(people, env):
    r = _complete(env, "fish", "netlog resolve ", _TYPER_COMPLETE_FISH_ACTION="get-args")
    assert r.stdout.splitlines() == ["2\tPriya Raman: a referral"]  # ask 1 is resolved
    r = _complete(env, "bash", "netlog resolve 2 he")
    assert r.stdout.splitlines() == ["helped"]


def test_ask_completion_reads_the_open_asks_not_the_history(people, env):
    """Completing an ASK seeks the open-ask index: its cost follows the open
    asks, not every entry ever written (the plan says so; no timing)."""
    import sqlite3

    con = sqlite3.connect(env.db)
    try:
        steps = [r[3] for r in con.execute("EXPLAIN QUERY PLAN " + complete.ASK_SQL, ("2%", complete.LIMIT))]
    finally:
        con.close()
    assert "SCAN entry USING INDEX ix_entry_open_ask" in steps, steps
    # every other scan is of the (at most LIMIT) ids chosen, never of the entry table
    assert [s for s in steps if s.startswith("SCAN") and "ix_entry_open_ask" not in s] == ["SCAN o"], steps


def test_zsh_format(people, env):
    r = _complete(env, "zsh", "netlog show sam")
    assert r.stdout.strip() == "_arguments '*: :((\"Sam Lee\":\"Contoso\"))'"


def test_completion_uses_the_global_db_option(people, env, tmp_path):
    other = tmp_path / "other.db"
    people("--db", str(other), "add", "Pat Other")
    assert _complete(env, "bash", f"netlog --db {other} show pa").stdout.splitlines() == ["'Pat Other'"]


def test_completion_never_creates_a_journal(env):
    r = _complete(env, "bash", "netlog give pri")
    assert r.returncode == 0 and r.stdout == "" and db_state(env.db) == "absent"


@pytest.mark.parametrize(
    "shell, line, answer",
    [
        ("bash", "netlog give pri", "'Priya Raman'"),  # a NAME
        ("bash", "netlog resolve ", "2"),  # an ASK
        ("bash", "netlog give sam --intro=pri", "'Priya Raman'"),
        ("zsh", "netlog give Pri", '"Priya Raman":"Northwind"'),
        ("zsh", "netlog followup ", '"2":"Priya Raman\\\\: a referral"'),
        ("fish", "netlog give pri", "Priya Raman\tNorthwind"),
        ("fish", "netlog resolve ", "2\tPriya Raman: a referral"),
    ],
    ids=lambda v: v if v in ("bash", "zsh", "fish") else None,
)
def test_completion_does_not_import_sqlalchemy_or_typer(people, env, shell, line, answer):
    e = dict(env.env, _NETLOG_COMPLETE=f"complete_{shell}", _TYPER_COMPLETE_FISH_ACTION="get-args")
    if shell == "bash":
        words = _bash_words(line)
        e.update(COMP_WORDS="\n".join(words), COMP_CWORD=str(len(words) - 1))
    else:
        e["_TYPER_COMPLETE_ARGS"] = line
    r = subprocess.run([sys.executable, "-X", "importtime", "-m", "netlog"], env=e, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and answer in r.stdout, (r.stdout, r.stderr[-2000:])  # the check itself works
    imported = [line.rsplit("|", 1)[-1].strip() for line in r.stderr.splitlines() if "|" in line]
    assert "sqlite3" in imported
    assert not [m for m in imported if m.startswith(("sqlalchemy", "sqlmodel", "typer", "click", "pydantic", "rich"))]


def test_commands_and_options_fall_through_to_typer(people, env):
    assert "give" in _complete(env, "bash", "netlog gi").stdout.split()


def test_completion_tables_match_the_app():
    """complete.FLAGS and POSITIONALS must agree with the commands Typer knows."""
    from typer.main import get_command

    group = get_command(app)
    for name, cmd in group.commands.items():
        for param in cmd.params:
            if param.param_type_name == "option":
                for opt in param.opts:
                    if param.is_flag:
                        assert opt in complete.FLAGS, f"{name} {opt} is a flag: add it to complete.FLAGS"
                    else:
                        assert opt not in complete.FLAGS, f"{name} {opt} takes a value: remove it from complete.FLAGS"
        if name in complete.POSITIONALS:
            args = [p for p in cmd.params if p.param_type_name == "argument"]
            assert len(args) == len(complete.POSITIONALS[name]), name
            for p, kind in zip(args, complete.POSITIONALS[name]):
                shown = p.metavar or p.name.upper()
                if kind == "name":
                    assert shown in ("NAME", "KEEP", "OTHER"), (name, p.name)
                if kind == "ask":
                    assert shown == "ASK", (name, p.name)
        else:
            metavars = [p.metavar or p.name.upper() for p in cmd.params if p.param_type_name == "argument"]
            assert "NAME" not in metavars and "ASK" not in metavars, f"{name} takes a NAME/ASK: add it to complete.POSITIONALS"


def test_install_completion_for_each_shell(env):
    # Typer detects the shell from the parent process; this variable makes the
    # shell an explicit value instead, so zsh and fish need not be installed.
    e = dict(env.env, _TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION="1")
    home = env.tmp / "home"
    for shell, marker in (("bash", "_NETLOG_COMPLETE=complete_bash"), ("zsh", "complete_zsh"), ("fish", "complete_fish")):
        r = subprocess.run([sys.executable, "-m", "netlog", "--show-completion", shell], env=e, capture_output=True, text=True)
        assert r.returncode == 0 and marker in r.stdout, (shell, r.stderr)
        r = subprocess.run([sys.executable, "-m", "netlog", "--install-completion", shell], env=e, capture_output=True, text=True)
        assert r.returncode == 0, (shell, r.stdout, r.stderr)
    assert "netlog" in (home / ".bashrc").read_text()
    assert "compinit" in (home / ".zshrc").read_text()
    assert "complete_zsh" in (home / ".zfunc" / "_netlog").read_text()
    assert "complete_fish" in (home / ".config" / "fish" / "completions" / "netlog.fish").read_text()


def test_install_completion_detects_bash(env):
    """As a user types it: no shell named, run from bash."""
    # "; exit $?" keeps bash alive as netlog's parent (bash -c would exec a lone command),
    # so detection sees this bash whatever started the tests
    script = f"'{sys.executable}' -m netlog --install-completion; exit $?"
    r = subprocess.run(["bash", "-c", script], env=env.env, capture_output=True, text=True, start_new_session=True)
    assert r.returncode == 0, r.stderr
    assert "bash completion installed" in r.stdout


# -- --edit and stdin ----------------------------------------------------------


def _editor(tmp_path, text: str, code: int = 0) -> str:
    """A fake $EDITOR that records the file's mode and path, then writes text."""
    script = tmp_path / "fake-editor.py"
    script.write_text(
        "import os, stat, sys\n"
        f"open({str(tmp_path / 'seen')!r}, 'w').write(sys.argv[1] + ' ' + oct(stat.S_IMODE(os.stat(sys.argv[1]).st_mode)) + ' ' + open(sys.argv[1]).read())\n"
        f"open(sys.argv[1], 'w').write({text!r})\n"
        f"sys.exit({code})\n"
    )
    return f"{sys.executable} {script}"


def test_edit_writes_the_text_in_a_private_file_removed_afterwards(cli, env, monkeypatch, tmp_path):
    cli("add", "Priya Raman")
    monkeypatch.setenv("VISUAL", _editor(tmp_path, "her daughter started college\n"))
    cli("note", "pri", "--edit")
    assert json.loads(cli("log", "--json").stdout)[0]["what"] == "her daughter started college"
    path, mode, _ = (tmp_path / "seen").read_text().split(" ", 2)
    assert mode == "0o600"
    assert not os.path.exists(path) and not os.path.exists(os.path.dirname(path))


def test_edit_failure_saves_nothing_and_removes_the_file(cli, env, monkeypatch, tmp_path):
    cli("add", "Priya Raman")
    before = db_state(env.db)
    monkeypatch.setenv("EDITOR", _editor(tmp_path, "half written", code=3))
    r = cli("give", "pri", "--edit", code=2)
    assert "editor exited with 3" in r.stderr
    assert db_state(env.db) == before
    path = (tmp_path / "seen").read_text().split(" ")[0]
    assert not os.path.exists(path)


def test_amend_edit_starts_from_the_current_text(cli, env, monkeypatch, tmp_path):
    cli("add", "Priya Raman")
    cli("give", "pri", "coffee")
    monkeypatch.setenv("VISUAL", _editor(tmp_path, "coffee and cake"))
    cli("amend", "1", "--edit")
    assert (tmp_path / "seen").read_text().endswith(" coffee")
    assert json.loads(cli("log", "--json").stdout)[0]["what"] == "coffee and cake"


def test_dash_reads_stdin_for_what_and_note(cli):
    cli("add", "Priya Raman", "--note", "-", input="met at a private dinner\n")
    cli("give", "pri", "-", input="a kidney\n")
    data = json.loads(cli("show", "pri", "--json").stdout)
    assert data["note"] == "met at a private dinner" and data["timeline"][0]["what"] == "a kidney"


def test_dash_with_empty_stdin_is_refused_and_keeps_the_note(cli, env):
    cli("add", "Priya Raman", "--note", "met at a private dinner")
    before = digest(env.db)
    r = cli("edit", "pri", "--note", "-", input="", code=2)
    assert r.stderr == "netlog: --note: '-' read nothing from stdin; pipe the text in, or pass it as an argument\n"
    cli("give", "pri", "-", input="\n\n", code=2)
    assert digest(env.db) == before


# -- snooze ------------------------------------------------------------------


def test_snooze_sets_and_ends(cli):
    cli("add", "Priya Raman")
    cli("snooze", "pri", "2w")
    assert json.loads(cli("show", "pri", "--json").stdout)["snoozed_until"] == "2026-12-07"
    cli("snooze", "pri", "next monday")
    assert json.loads(cli("show", "pri", "--json").stdout)["snoozed_until"] == "2026-11-30"
    cli("snooze", "pri", "--off")
    assert json.loads(cli("show", "pri", "--json").stdout)["snoozed_until"] is None


@pytest.mark.parametrize("args, words", [(("pri",), "until when"), (("pri", "yesterday"), "not after today"), (("pri", "2w", "--off"), "not both"), (("pri", "soonish"), "can't read")])
def test_snooze_bad_input(cli, env, args, words):
    cli("add", "Priya Raman")
    before = db_state(env.db)
    r = cli("snooze", *args, code=2)
    assert words in r.stderr and db_state(env.db) == before
