"""`netlog remind`, the cron digest, and snoozing; against a journal built by hand
and a fixed today (Monday 2026-11-23)."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TODAY, db_state, run_netlog


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


def test_exit_code_is_1_exactly_when_the_digest_printed_something(due, env):
    # the plain digest prints what is due every time: 1 every time
    for _ in range(2):
        assert "Priya Raman" in due("remind", "--exit-code", code=1).stdout
    # --new-only: 1 for news, then 0 with nothing printed while nothing changes
    assert due("remind", "--new-only", "--exit-code", code=1).stdout == EXPECTED_TEXT
    r = due("remind", "--new-only", "--exit-code", code=0)
    assert r.stdout == "" and r.stderr == ""
    due("got", "sam", "a book", "--on", "2026-11-22")
    assert "Sam Lee: 2 favors" in due("remind", "--new-only", "--exit-code", code=1).stdout
    # README's line, in a real shell (notify-send a stand-in that says what it was told): news only
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    line = readme.split("`out=$(netlog remind --new-only --exit-code) ||", 1)[1].split("`", 1)[0]
    line = f"out=$('{sys.executable}' -m netlog remind --new-only --exit-code) ||" + line.replace("notify-send", "printf 'told: %s\\n'")
    assert subprocess.run(["sh", "-c", line], env=env.env, capture_output=True, text=True, timeout=60).stdout == ""
    due("got", "sam", "a plant", "--on", "2026-11-23")
    told = subprocess.run(["sh", "-c", line], env=env.env, capture_output=True, text=True, timeout=60).stdout
    assert told.startswith("told: netlog\ntold: netlog digest for 2026-11-23\n") and "Sam Lee: 3 favors" in told


def test_limit(due):
    due("add", "Another Hungry", "--every", "1d")
    due("give", "another", "x", "--on", "2026-11-01")
    out = due("remind", "--limit", "1").stdout
    # both are counted; the one shown is the most overdue, and the rest is where hungry lists it
    assert "Relationships to feed (2)\n  - Another Hungry" in out and "Priya Raman" not in out
    assert "  … and 1 more: netlog hungry\n" in out


def test_sections_count_everything_due_but_those_who_only_take(due):
    due("add", "Another Hungry", "--every", "1d")
    due("give", "another", "x", "--on", "2026-11-01")
    due("add", "Kim Park")
    due("got", "kim", "lent me a drill", "--on", "2026-11-22")
    # Tay is due, but only takes: two asks declined, nothing ever received
    due("add", "Tay Ker", "--every", "1d")
    due("give", "tay", "x", "--on", "2026-11-01")
    for n in (1, 2):
        due("ask", "tay", f"favor {n}", "--on", f"2026-11-0{n}")
        due("resolve", "tay", "declined")
    out = due("remind", "--limit", "1").stdout
    assert "Relationships to feed (2)\n" in out and "  … and 1 more: netlog hungry\n" in out
    assert "Favors you owe (2)\n  - Sam Lee" in out and out.endswith("  … and 1 more: netlog owe\n")
    assert "Tay" not in out
    md = due("remind", "--limit", "1", "--format", "markdown").stdout
    assert "- … and 1 more: `netlog hungry`" in md and "- … and 1 more: `netlog owe`" in md
    assert "… and 1 more: netlog owe" in due("remind", "--limit", "1", "--format", "html").stdout
    data = json.loads(due("remind", "--limit", "1", "--format", "json").stdout)
    assert data["more"] == {"hungry": 1, "owe": 1}
    # everything fits: the full count, and no "more" line
    out = due("remind").stdout
    assert "Relationships to feed (2)\n" in out and "Favors you owe (2)\n" in out and "more:" not in out
    assert json.loads(due("remind", "--format", "json").stdout)["more"] == {}


def test_default_limit_is_five_per_section(cli):
    cli("add", "Priya Raman")
    cli("give", "pri", "coffee", "--on", "2026-11-20")
    for n in range(1, 7):
        cli("add", f"Hungry {n}", "--every", "1w")
        cli("give", f"hungry {n}", "x", "--on", f"2026-10-0{n}")
        cli("ask", "pri", f"favor {n}", "--on", f"2026-11-0{n}")
    out = cli("remind").stdout
    assert "Relationships to feed (6)\n" in out and "Asks to follow up now (6)\n" in out
    assert [n for n in range(1, 7) if f"Hungry {n}:" in out] == [1, 2, 3, 4, 5]  # the most overdue
    assert "favor 6" not in out and "favor 5" in out  # the oldest asks
    assert "  … and 1 more: netlog hungry\n" in out
    assert '  … and 1 more: netlog asks --state "follow up now"\n' in out


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


def test_new_only_remembers_an_item_that_slipped_down_its_section(cli):
    """Alpha, reported on day 0, is overtaken by Beta on day 14 and slips out of
    the top --limit; once Beta is fed she is back on top, in the same state:
    not news."""
    cli("add", "Alpha", "--every", "30d")
    cli("give", "alpha", "x", "--on", "2026-08-25")  # 90 days before day 0
    cli("add", "Beta", "--every", "1w")
    cli("give", "beta", "x", "--on", "2026-11-11")
    day0 = cli("remind", "--new-only", "--limit", "1").stdout
    assert "Alpha" in day0 and "Beta" not in day0
    day14 = cli("--today", "2026-12-07", "remind", "--new-only", "--limit", "1").stdout
    assert "Beta" in day14 and "Alpha" not in day14
    cli("--today", "2026-12-07", "give", "beta", "y")
    assert cli("--today", "2026-12-08", "remind", "--new-only", "--limit", "1").stdout == ""
    assert "Alpha" in cli("--today", "2026-12-08", "remind", "--limit", "1").stdout  # still due


def test_new_only_brings_relationships_and_debts_a_few_a_day(cli):
    for n in range(1, 6):
        cli("add", f"Hungry {n}", "--every", "1w")
        cli("give", f"hungry {n}", "x", "--on", f"2026-10-0{n}")
    for n in range(1, 4):
        cli("add", f"Owed {n}")
        cli("got", f"owed {n}", "a favor", "--on", f"2026-11-0{n}")
    shown, more = [], []
    for _ in range(4):
        data = json.loads(cli("remind", "--new-only", "--limit", "2", "--format", "json").stdout or '{"items": [], "more": {}}')
        shown.append([i["contact"] for i in data["items"]])
        more.append(data["more"])
    assert shown == [
        ["Hungry 1", "Hungry 2", "Owed 1", "Owed 2"],
        ["Hungry 3", "Hungry 4", "Owed 3"],
        ["Hungry 5"],
        [],
    ]
    assert more == [{"hungry": 3, "owe": 1}, {"hungry": 1}, {}, {}]


def test_new_only_states_match_the_plain_digest(due):
    plain = json.loads(due("remind", "--format", "json").stdout)
    assert json.loads(due("remind", "--new-only", "--format", "json").stdout) == plain
    assert [i["state"] for i in plain["items"]] == ["due since 2026-09-24", "follow up now", "let go", "1 since 2026-11-21"]


def test_what_was_reported_is_kept_in_the_journal_and_travels_with_it(due, env):
    def reported(path):
        con = sqlite3.connect(path)
        try:
            return {item: (state, first, last) for item, state, first, last in con.execute("SELECT item, state, first_on, last_on FROM reported")}
        finally:
            con.close()

    r = run_netlog("remind", "--new-only", env=env.env)
    assert r.returncode == 0 and r.stdout == EXPECTED_TEXT, r.stderr
    assert reported(env.db) == {
        "hungry:1": ("due since 2026-09-24", TODAY, TODAY),
        "ask:5": ("follow up now", TODAY, TODAY),
        "ask:7": ("let go", TODAY, TODAY),
        "owe:2": ("1 since 2026-11-21", TODAY, TODAY),
    }
    # the next day: nothing new; each item was still due, as reported
    r = run_netlog("--today", "2026-11-24", "remind", "--new-only", env=env.env)
    assert r.returncode == 0 and r.stdout == ""
    assert {k: v[1:] for k, v in reported(env.db).items()} == dict.fromkeys(["hungry:1", "ask:5", "ask:7", "owe:2"], (TODAY, "2026-11-24"))
    # the memory is in the file: a copy carried elsewhere stays quiet too...
    carried = env.tmp / "elsewhere" / "carried.db"
    carried.parent.mkdir()
    shutil.copy(env.db, carried)
    r = run_netlog("--db", str(carried), "--today", "2026-11-25", "remind", "--new-only", env=env.env)
    assert r.returncode == 0 and r.stdout == "" and r.stderr == ""
    assert {k: v[1:] for k, v in reported(carried).items()} == dict.fromkeys(["hungry:1", "ask:5", "ask:7", "owe:2"], (TODAY, "2026-11-25"))
    # ...and it is that table that keeps it quiet: without it, everything is news again
    con = sqlite3.connect(carried)
    with con:
        con.execute("DELETE FROM reported")
    con.close()
    r = run_netlog("--db", str(carried), "--today", "2026-11-25", "remind", "--new-only", env=env.env)
    assert all(name in r.stdout for name in ("Priya Raman", "Zoë Müller", "Wen Zhou", "Sam Lee")), r.stderr


def _command_runs(cli, command: str) -> None:
    """Run a digest's command as the shell would split it, with '...' filled in."""
    args = shlex.split(command)
    assert args[0] == "netlog" and args[-1] == "...", command
    cli(*args[1:-1], "fed from the digest")


def test_printed_commands_run_for_odd_names(cli):
    from markdown_it import MarkdownIt

    cli("add", "--every", "1d", "--", "-Dash")
    cli("add", "Back`tick", "--every", "1d")
    cli("add", "Ticks ``` and ` more", "--every", "1d")
    for cid in (1, 2, 3):
        cli("give", f"#{cid}", "x", "--on", "2026-11-01")
    text = cli("remind").stdout
    commands = [line.strip() for line in text.splitlines() if line.startswith("      netlog ")]
    assert len(commands) == 3 and commands[0] == "netlog give '#1' ..."  # '-Dash' would be read as options
    # markdown: each command in a code span that a CommonMark reader reads back exactly
    md = cli("remind", "--format", "markdown").stdout
    spans = [child.content for token in MarkdownIt().parse(md) if token.type == "inline" for child in token.children if child.type == "code_inline"]
    assert spans == commands
    assert [i["command"] for i in json.loads(cli("remind", "--format", "json").stdout)["items"]] == commands
    for command in commands:
        _command_runs(cli, command)
    assert cli("remind").stdout == ""  # all three were fed
    log = json.loads(cli("log", "--json").stdout)
    assert sorted(e["contact"] for e in log if e["what"] == "fed from the digest") == sorted(["-Dash", "Back`tick", "Ticks ``` and ` more"])


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


def test_snooze_hides_asks_and_debts_too_until_it_is_off(due):
    assert "Zoë Müller" in due().stdout  # the dashboard lists her ask to follow up
    for name in ("zoë", "sam", "wen"):  # an ask to follow up, a debt, an ask to let go
        due("snooze", name, "2w")
    out = due("remind").stdout
    assert "Priya Raman" in out
    assert "Zoë" not in out and "Sam Lee" not in out and "Wen Zhou" not in out
    assert [i["section"] for i in json.loads(due("remind", "--format", "json").stdout)["items"]] == ["hungry"]
    assert "Zoë" not in due().stdout
    assert "Priya Raman" in due("remind", "--new-only").stdout
    for name in ("zoë", "sam", "wen"):
        due("snooze", name, "--off")
    assert due("remind").stdout == EXPECTED_TEXT
    assert "Zoë Müller" in due().stdout
    back = due("remind", "--new-only").stdout
    assert "Priya" not in back  # told already
    assert "#5 Zoë Müller" in back and "#7 Wen Zhou" in back and "Sam Lee: 1 favor" in back


# -- cron's bare environment ----------------------------------------------------


def _installed_netlog() -> list[str]:
    """The console script cron runs (beside this Python), else python -m netlog."""
    script = Path(sys.executable).parent / "netlog"
    return [str(script)] if script.exists() else [sys.executable, "-m", "netlog"]


def test_cron_bare_environment_finds_the_default_journal_and_prints_utf8(tmp_path):
    """Exactly what cron does, `env -i HOME=$HOME PATH=/usr/bin:/bin netlog remind`:
    no --today, no NETLOG_*, no locale, no terminal. The journal's items are
    due whatever the real date (years old), so only names and silence are
    checked, never day counts."""
    home = tmp_path / "cronhome"
    home.mkdir()
    netlog = _installed_netlog()
    setup = {"HOME": str(home), "PATH": "/usr/bin:/bin", "NETLOG_TODAY": "2020-01-06", "LC_ALL": "C.UTF-8"}
    for args in (["add", "Zoë Müller", "--every", "1w"], ["give", "zoë", "a café"], ["ask", "zoë", "une référence"]):
        r = subprocess.run([*netlog, *args], env=setup, capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, r.stderr
    assert (home / ".local" / "share" / "netlog" / "netlog.db").exists()

    def cron(*args: str, **extra: str) -> subprocess.CompletedProcess:
        env = ["env", "-i", f"HOME={home}", "PATH=/usr/bin:/bin", *(f"{k}={v}" for k, v in extra.items())]
        return subprocess.run([*env, *netlog, "remind", *args], capture_output=True, stdin=subprocess.DEVNULL, timeout=60)

    r = cron()
    assert r.returncode == 0 and r.stderr == b"", r.stderr
    out = r.stdout.decode("utf-8")  # strict: any other encoding fails here
    assert out.startswith("netlog digest for ")
    assert "  - Zoë Müller: last gave " in out and '      netlog give "Zoë Müller" ...\n' in out
    assert "  - #2 Zoë Müller: une référence (asked " in out and "      netlog followup 2\n" in out
    # Python 3.11 already writes UTF-8 there (a C locale turns on its UTF-8
    # mode); with that mode off and an ASCII locale it would not, and netlog
    # writes UTF-8 anyway (netlog/__main__.py, _utf8_without_locale)
    ascii_env = {"LC_ALL": "C", "PYTHONUTF8": "0"}
    probe = subprocess.run(["env", "-i", *(f"{k}={v}" for k, v in ascii_env.items()), sys.executable, "-c", "import sys; print(sys.stdout.encoding)"],
                           capture_output=True, text=True, timeout=60)
    assert probe.stdout.strip() == "ascii"  # the case the fix is for, really met
    r = cron(**ascii_env)
    assert r.returncode == 0 and r.stderr == b"" and r.stdout.decode("utf-8") == out
    # --new-only from cron: news once, then silence
    assert cron("--new-only").stdout.decode("utf-8") == out
    r = cron("--new-only", "--exit-code")
    assert r.returncode == 0 and r.stdout == b"" and r.stderr == b""
    # and silence, the same way, when nothing is due
    r = subprocess.run([*netlog, "archive", "zoë"], env=setup, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    r = cron("--exit-code")
    assert r.returncode == 0 and r.stdout == b"" and r.stderr == b""


def _as_cron_runs(line: str) -> tuple[str, str]:
    """A crontab line's command as cron hands it to /bin/sh: '\\%' is a '%', and
    a bare '%' ends the command (what follows is its stdin, '%' as newlines)."""
    command = line.split(None, 5)[5]
    out: list[str] = []
    escaped = False
    for i, ch in enumerate(command):
        if escaped:
            out[-1:] = ["%"] if ch == "%" else [out[-1], ch]
            escaped = False
        elif ch == "\\":
            escaped = True
            out.append(ch)
        elif ch == "%":
            return "".join(out), command[i + 1 :].replace("%", "\n")
        else:
            out.append(ch)
    return "".join(out), ""


def test_readme_weekly_mail_line_mails_only_when_something_is_due(tmp_path):
    """README's crontab line, run the way cron runs it (no environment, /bin/sh,
    % rules), with a stand-in for mail that keeps what it was given."""
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    [line] = [ln for ln in readme.splitlines() if ln.startswith("0 7 * * MON ")]
    command, stdin = _as_cron_runs(line)
    assert stdin == "" and "printf '%s\\n'" in command
    netlog = _installed_netlog()
    if len(netlog) != 1:
        pytest.skip("README's line runs the installed netlog script")
    home, bin_ = tmp_path / "home", tmp_path / "bin"
    (home / ".local" / "bin").mkdir(parents=True)
    bin_.mkdir()
    (home / ".local" / "bin" / "netlog").symlink_to(netlog[0])
    mailed = tmp_path / "mailed"
    (bin_ / "mail").write_text(f"#!/bin/sh\nprintf '%s\\n' \"$@\" > '{mailed}.args'\ncat > '{mailed}'\n")
    (bin_ / "mail").chmod(0o755)

    def cron() -> subprocess.CompletedProcess:
        env = {"HOME": str(home), "LOGNAME": "me", "SHELL": "/bin/sh", "PATH": f"{bin_}:/usr/bin:/bin"}
        return subprocess.run(["/bin/sh", "-c", command], env=env, input=stdin, capture_output=True, text=True, timeout=60)

    def run(*args: str) -> None:
        setup = {"HOME": str(home), "PATH": "/usr/bin:/bin", "NETLOG_TODAY": "2020-01-06"}
        r = subprocess.run([*netlog, *args], env=setup, capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, r.stderr

    r = cron()  # no journal yet: nothing due, no mail
    assert r.stderr == "" and not mailed.exists()
    # a backslash in the name: printf passes it on as it is (sh's echo would not)
    run("add", "Zoë \\n Müller", "--every", "1w")  # due from 2020-01-13, whatever today is
    run("archive", "zoë")
    r = cron()  # a journal with nothing due: still no mail
    assert r.stderr == "" and not mailed.exists()
    run("unarchive", "zoë")
    r = cron()
    assert r.returncode == 0 and r.stderr == ""
    page = mailed.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.endswith("</html>\n") and "Zoë \\n Müller" in page
    assert (tmp_path / "mailed.args").read_text().splitlines() == [
        "-a", "Content-Type: text/html; charset=UTF-8", "-s", "netlog: this week", "you@example.com",
    ]


def test_remind_runs_while_writers_write(due, env):
    procs = [subprocess.Popen([sys.executable, "-m", "netlog", "remind", "--new-only"], env=env.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)]
    procs += [subprocess.Popen([sys.executable, "-m", "netlog", "give", "sam", f"g{i}"], env=env.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for i in range(3)]
    for p in procs:
        p.wait(timeout=120)
        assert p.returncode == 0, p.stderr.read()
    assert run_netlog("log", "sam", "--json", env=env.env).stdout.count('"g') >= 3
