"""`netlog remind`, the cron digest, and snoozing; against a journal built by hand
and a fixed today (Monday 2026-11-23)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from conftest import db_state, run_netlog


@pytest.fixture
def due(cli):
    """One of each thing a digest reports, plus some that it must not.

    - Priya Raman: every 30d, last gave 2026-09-24 (60 days): overdue.
    - Sam Lee: gave 2026-11-20: fed, but got a favor on 2026-11-21 after that: you owe him.
    - Zoë Müller: every 2w, never fed, added... (today): not due; given a CV review she
      asked for on 2026-11-10 (follow-up 2026-11-17): follow up now.
    - Wen Zhou: ask on 2026-10-01, followed up 2026-10-10 (next 2026-10-17): let it go.
    - Old Friend: overdue but archived. Busy Person: overdue but snoozed to 2026-12-01.
    """
    cli("add", "Priya Raman", "--every", "30d")
    cli("give", "pri", "coffee", "--on", "2026-09-24")
    cli("add", "Sam Lee")
    cli("give", "sam", "intro to a recruiter", "--on", "2026-11-20")
    cli("got", "sam", "reviewed my CV", "--on", "2026-11-21")
    cli("add", "Zoë Müller", "--every", "2w")
    cli("give", "zoë", "a book", "--on", "2026-11-20")
    cli("ask", "zoë", "a referral to Contoso", "--on", "2026-11-10")
    cli("add", "Wen Zhou")
    cli("give", "wen", "lunch", "--on", "2026-11-01")
    cli("ask", "wen", "a quote for my article", "--on", "2026-10-01")
    cli("followup", "wen", "--on", "2026-10-10")
    cli("add", "Old Friend", "--every", "1w")
    cli("give", "old", "x", "--on", "2026-01-01")
    cli("archive", "old")
    cli("add", "Busy Person", "--every", "1w")
    cli("give", "busy", "x", "--on", "2026-01-01")
    cli("snooze", "busy", "2026-12-01")
    return cli


EXPECTED_TEXT = """netlog digest for 2026-11-23

Relationships to feed (1)
  - Priya Raman: last gave 60 days ago (every 1m)
      netlog give "Priya Raman" ...

Asks to follow up now (1)
  - #5 Zoë Müller: a referral to Contoso (asked 13 days ago, no answer yet)
      netlog followup 5

Asks to let go (1)
  - #7 Wen Zhou: a quote for my article (followed up on 2026-10-10, still no answer)
      netlog resolve 7 ignored

Favors you owe (1)
  - Sam Lee: 1 favor since your last give, the first on 2026-11-21 (reviewed my CV)
      netlog give "Sam Lee" ...
"""


def test_digest_text(due):
    r = due("remind")
    assert r.stdout == EXPECTED_TEXT
    assert r.stderr == ""


def test_nothing_due_prints_nothing(cli, env):
    assert cli("remind").stdout == ""  # no journal at all
    assert db_state(env.db) == "absent"  # and it created none
    cli("add", "Priya Raman")  # added today: not due for 90 days
    r = cli("remind", "--exit-code")
    assert r.stdout == "" and r.stderr == "" and r.exit_code == 0


def test_exit_code_when_something_is_due(due):
    r = due("remind", "--exit-code", code=1)
    assert "Priya Raman" in r.stdout
    due("remind")  # without the flag: 0


def test_limit(due):
    due("add", "Another Hungry", "--every", "1d")
    due("give", "another", "x", "--on", "2026-11-01")
    out = due("remind", "--limit", "1").stdout
    assert "Relationships to feed (1)" in out and "Another Hungry" in out and "Priya Raman" not in out


@pytest.fixture
def backlog(cli):
    """Seven asks to follow up now, asked on 2026-11-01 .. 2026-11-07 (ids 2..8)."""
    cli("add", "Priya Raman")
    cli("give", "pri", "coffee", "--on", "2026-11-20")
    for n in range(1, 8):
        cli("ask", "pri", f"favor {n}", "--on", f"2026-11-0{n}")
    return cli


def test_each_section_shows_at_most_limit_then_counts_the_rest(backlog):
    out = backlog("remind", "--limit", "2").stdout
    assert "Asks to follow up now (7)\n" in out
    assert "#2 Priya" in out and "#3 Priya" in out and "#4 Priya" not in out  # oldest first
    assert out.endswith('  … and 5 more: netlog asks --state "follow up now"\n')
    md = backlog("remind", "--limit", "2", "--format", "markdown").stdout
    assert '- … and 5 more: `netlog asks --state "follow up now"`' in md
    assert "… and 5 more" in backlog("remind", "--limit", "2", "--format", "html").stdout
    data = json.loads(backlog("remind", "--limit", "2", "--format", "json").stdout)
    assert [i["key"] for i in data["items"]] == ["ask:2", "ask:3"] and data["more"] == {"follow_up": 5}


def test_new_only_brings_a_backlog_a_few_a_day(backlog):
    # the first --new-only digest is the plain one (SQL cuts one, Python the other)
    plain = backlog("remind", "--limit", "2").stdout
    shutil.copy(backlog.env.db, backlog.env.tmp / "copy.db")
    assert backlog("--db", str(backlog.env.tmp / "copy.db"), "remind", "--new-only", "--limit", "2").stdout == plain
    shown = []
    for _ in range(4):
        data = json.loads(backlog("remind", "--new-only", "--limit", "2", "--format", "json").stdout or '{"items": []}')
        shown.append([i["key"] for i in data["items"]])
    assert shown == [["ask:2", "ask:3"], ["ask:4", "ask:5"], ["ask:6", "ask:7"], ["ask:8"]]
    assert backlog("remind", "--new-only", "--limit", "2").stdout == ""


def test_markdown(due):
    out = due("remind", "--format", "markdown").stdout
    assert out.startswith("# netlog digest for 2026-11-23\n")
    assert "## Asks to let go (1)" in out
    assert '- Priya Raman: last gave 60 days ago (every 1m): `netlog give "Priya Raman" ...`' in out


def test_html_is_one_self_contained_page(due):
    due("add", "<script>alert(1)</script> & Co", "--every", "1d")
    due("give", "#7", "x", "--on", "2026-11-01")
    out = due("remind", "--format", "html").stdout
    assert out.startswith("<!DOCTYPE html>") and out.rstrip().endswith("</html>")
    assert 'charset="utf-8"' in out and "Zoë Müller" in out
    for external in ("<link", "<script", "src=", "url(", "@import", "http://", "https://"):
        assert external not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in out
    assert 'style="' in out and "<style" not in out  # styles inline, for mail readers


def test_json(due):
    data = json.loads(due("remind", "--format", "json").stdout)
    assert data["date"] == "2026-11-23"
    assert [(i["section"], i["contact"], i["command"]) for i in data["items"]] == [
        ("hungry", "Priya Raman", 'netlog give "Priya Raman" ...'),
        ("follow_up", "Zoë Müller", "netlog followup 5"),
        ("let_go", "Wen Zhou", "netlog resolve 7 ignored"),
        ("owe", "Sam Lee", 'netlog give "Sam Lee" ...'),
    ]


def test_bad_format(due, env):
    before = db_state(env.db)
    r = due("remind", "--format", "pdf", code=2)
    assert "--format" in r.stderr and db_state(env.db) == before


def test_new_only_across_runs(due):
    first = due("remind", "--new-only").stdout
    assert first == EXPECTED_TEXT
    assert due("remind", "--new-only").stdout == ""  # nothing changed: nothing new
    # a new favor from Sam changes that item; the rest stays quiet
    due("got", "sam", "a book", "--on", "2026-11-22")
    second = due("remind", "--new-only").stdout
    assert "Sam Lee: 2 favors" in second
    assert "Priya" not in second and "Zoë" not in second and "Wen" not in second
    # the plain digest still shows everything
    assert "Priya Raman" in due("remind").stdout


def test_new_only_reports_an_item_again_after_it_came_back(due):
    due("remind", "--new-only")
    due("followup", "5")  # Zoë's ask: waiting again until 2026-11-30
    assert "Zoë" not in due("remind", "--new-only").stdout
    later = due("--today", "2026-11-30", "remind", "--new-only").stdout
    assert "#5 Zoë Müller" in later and "Asks to let go" in later


@pytest.mark.parametrize("args", [["remind"], ["remind", "--new-only"]], ids=" ".join)
def test_remind_does_not_import_sqlalchemy(due, env, args):
    """Issue 6: cron's digest stays on the standard library's sqlite3."""
    r = subprocess.run([sys.executable, "-X", "importtime", "-m", "netlog", *args], env=env.env, capture_output=True, text=True)
    assert r.returncode == 0 and "Priya Raman" in r.stdout, r.stderr[-2000:]
    imported = [line.rsplit("|", 1)[-1].strip() for line in r.stderr.splitlines() if "|" in line]
    assert "netlog.remind" in imported  # the check itself works
    assert not [m for m in imported if m.startswith(("sqlalchemy", "sqlmodel")) or m == "netlog.models"]


# -- snooze -------------------------------------------------------------------


def _hungry_names(cli, *args):
    return [r["name"] for r in json.loads(cli(*args, "hungry", "--json").stdout)]


def test_snooze_hides_until_the_date_then_returns(due):
    assert "Busy Person" not in _hungry_names(due)
    assert "Busy Person" not in due("remind").stdout
    assert "Busy Person" not in due().stdout  # the dashboard
    everyone = json.loads(due("hungry", "--all", "--json").stdout)
    busy = [r for r in everyone if r["name"] == "Busy Person"]
    assert busy and busy[0]["snoozed_until"] == "2026-12-01"
    busy_line = [line for line in due("hungry", "--all").stdout.splitlines() if "Busy Person" in line][0]
    assert busy_line.startswith("z")  # marked as snoozed
    # on the day the snooze ends, they are back
    assert "Busy Person" in _hungry_names(due, "--today", "2026-12-01")
    assert "Busy Person" in due("--today", "2026-12-01", "remind", "--limit", "10").stdout
    due("snooze", "busy", "--off")
    assert "Busy Person" in _hungry_names(due)


# -- cron's bare environment ----------------------------------------------------


def test_cron_bare_environment_finds_the_default_journal_and_prints_utf8(env, tmp_path):
    home = tmp_path / "cronhome"
    home.mkdir()
    setup = {"HOME": str(home), "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "NETLOG_TODAY": "2026-11-23"}
    for args in (["add", "Zoë Müller", "--every", "1w"], ["give", "zoë", "x", "--on", "2026-10-01"]):
        r = subprocess.run([sys.executable, "-m", "netlog", *args], env=setup, capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
    assert (home / ".local" / "share" / "netlog" / "netlog.db").exists()
    # exactly what cron does: env -i HOME=$HOME PATH=/usr/bin:/bin netlog remind; no terminal, no locale
    r = subprocess.run(
        ["env", "-i", f"HOME={home}", "PATH=/usr/bin:/bin", sys.executable, "-m", "netlog", "--today", "2026-11-23", "remind"],
        capture_output=True, stdin=subprocess.DEVNULL,
    )
    assert r.returncode == 0, r.stderr
    assert r.stderr == b""
    assert "Zoë Müller: last gave 53 days ago".encode() in r.stdout
    # and silence, the same way, when nothing is due
    r = subprocess.run(
        ["env", "-i", f"HOME={home}", "PATH=/usr/bin:/bin", sys.executable, "-m", "netlog", "--today", "2026-10-02", "remind"],
        capture_output=True, stdin=subprocess.DEVNULL,
    )
    assert r.returncode == 0 and r.stdout == b"" and r.stderr == b""


def test_remind_runs_while_writers_write(due, env):
    procs = [subprocess.Popen([sys.executable, "-m", "netlog", "remind", "--new-only"], env=env.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)]
    procs += [subprocess.Popen([sys.executable, "-m", "netlog", "give", "sam", f"g{i}"], env=env.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for i in range(3)]
    for p in procs:
        p.wait(timeout=120)
        assert p.returncode == 0, p.stderr.read()
    assert run_netlog("log", "sam", "--json", env=env.env).stdout.count('"g') >= 3
