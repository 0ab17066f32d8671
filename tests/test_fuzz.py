"""Hostile input, fuzzed through the CLI: the exit code is always 0, 1 or 2, there is
never a traceback, and accepted text round-trips exactly through --json.

"Exactly" is netlog's deliberate normalisation (netlog/validate.py), nothing more:
a name (a contact's, a tag's) has its runs of whitespace collapsed to one space
(validate.name: names are looked up by what you type); any other text (what you
gave, got or asked, a note, a company) loses only its surrounding blanks
(validate.text). Every other character comes back as it went in.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from conftest import db_state

# CI runs a bounded number of examples; HYPOTHESIS_EXAMPLES=500 digs deeper.
FUZZ = settings(max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", "25")), deadline=None, suppress_health_check=list(HealthCheck))

nasty_text = st.one_of(
    st.text(min_size=0, max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=40),
    st.sampled_from([
        "\u202eevil\u202c", "👩‍👩‍👧‍👦 family", "a\x00b", "\ud800", "x\udcff", "'; DROP TABLE entry; --",
        "Robert'); DELETE FROM contact;--", "%", "_", "\\", "#12", "-", "--help", "\t", "\r\n", "é" * 30,
    ]),
)


def ok(result) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.stderr, result.exception)
    assert "Traceback" not in result.stderr + result.stdout
    if result.exception is not None:
        assert isinstance(result.exception, SystemExit), repr(result.exception)
    if result.exit_code:
        assert result.stderr.startswith("netlog: ") and result.stderr.count("\n") == 1, result.stderr


def expected_name(text: str) -> str:
    """validate.name: whitespace runs collapsed, ends trimmed."""
    return " ".join(text.split())


def expected_text(text: str) -> str:
    """validate.text: surrounding blanks trimmed, the rest as typed."""
    return text.strip()


@pytest.fixture
def fresh(cli, env):
    """A clean journal for each Hypothesis example (fixtures are per test)."""

    def reset() -> None:
        for p in (env.db, f"{env.db}-wal", f"{env.db}-shm"):
            try:
                os.unlink(p)
            except FileNotFoundError:
                pass

    return reset


@FUZZ
@given(name=nasty_text, company=nasty_text, tag=nasty_text)
@example(name="x" * 100_000, company="Northwind", tag="work")
@example(name="Priya  Raman", company="c" * 9_000, tag="  deep   work ")
def test_any_contact(cli, fresh, name, company, tag):
    fresh()
    r = cli("add", f"--company={company}", f"--tag={tag}", "--", name, code=None)
    ok(r)
    if r.exit_code == 0:
        listed = json.loads(cli("contacts", "--json").stdout)
        assert [c["name"] for c in listed] == [expected_name(name)]
        shown = json.loads(cli("show", "#1", "--json").stdout)
        assert shown["name"] == expected_name(name)
        assert shown["company"] == (expected_text(company) or None)  # a blank company is no company
        assert shown["tags"] == [expected_name(tag)]


@FUZZ
@given(what=nasty_text)
@example(what="w" * 100_000)
def test_any_entry_text(cli, fresh, what):
    """What you gave, got, asked or noted: stored and shown back, or refused."""
    fresh()
    cli("add", "Priya Raman")
    codes = set()
    for verb in ("give", "got", "ask", "note"):
        r = cli(verb, "#1", "--", what, code=None)
        ok(r)
        codes.add(r.exit_code)
    assert len(codes) == 1  # the same text is good for all of them, or for none
    if what == "-":  # reads stdin, which is empty here: refused, not stored as "-"
        assert codes == {2}
    entries = json.loads(cli("log", "--limit", "0", "--json").stdout)
    if codes == {0}:
        assert sorted(e["type"] for e in entries) == ["ask", "give", "got", "note"]
        assert {e["what"] for e in entries} == {expected_text(what)}
    else:
        assert entries == []


@FUZZ
@given(note=nasty_text)
@example(note="n" * 9_000)
def test_any_contact_note(cli, fresh, note):
    fresh()
    cli("add", "Priya Raman")
    r = cli("edit", "#1", "--note", note, code=None)
    ok(r)
    if note == "-":
        assert r.exit_code == 2
    elif r.exit_code == 0 and note.strip():
        assert json.loads(cli("show", "#1", "--json").stdout)["note"] == expected_text(note)


@FUZZ
@given(typed=nasty_text)
def test_any_lookup(cli, fresh, typed):
    fresh()
    cli("add", "Priya Raman")
    cli("add", "Sam Lee")
    ok(cli("show", "--", typed, code=None))
    ok(cli("resolve", "--", typed, "helped", code=None))
    ok(cli("show", typed, code=None))


@FUZZ
@given(when=st.one_of(nasty_text, st.from_regex(r"\A\d{1,5}[-/ .]\d{1,3}[-/ .]\d{1,5}\Z"), st.from_regex(r"\A(in |last |next )?\d{0,6} ?[a-z]{0,8}( ago)?\Z")))
def test_any_date(cli, fresh, when):
    fresh()
    cli("add", "Priya Raman")
    r = cli("give", "#1", "coffee", "--on", when, code=None)
    ok(r)
    assert r.exit_code in (0, 2)
    ok(cli("ask", "#1", "x", "--follow-up", when, code=None))
    ok(cli("log", "--since", when, code=None))
    ok(cli("snooze", "#1", when, code=None))
    ok(cli("--today", when, "contacts", code=None))


# The duration forms README promises, with the days each unit counts. Drawn
# alongside hostile text, so that the accepted branch is exercised and exact.
UNITS = {"d": 1, "day": 1, "days": 1, "w": 7, "week": 7, "weeks": 7, "m": 30, "month": 30, "months": 30, "y": 365, "year": 365, "years": 365}
valid_duration = st.builds(
    lambda n, unit, space, upper: ((f"{n}{space}{unit}".upper() if upper else f"{n}{space}{unit}"), n * UNITS[unit]),
    st.integers(1, 400), st.sampled_from(sorted(UNITS)), st.sampled_from(["", " "]), st.booleans(),
)
other_duration = st.one_of(nasty_text, st.from_regex(r"\A-?\d{0,12} ?[a-z]{0,7}\Z")).map(lambda t: (t, None))


@FUZZ
@given(case=st.one_of(valid_duration, other_duration))
@example(case=("90 days", 90))
@example(case=("100y", None))  # longer than a hundred years: refused
def test_any_duration(cli, fresh, case):
    every, days = case
    fresh()
    r = cli("add", "Priya Raman", "--every", every, code=None)
    ok(r)
    assert r.exit_code in (0, 2)
    if days is not None and days <= 36_500:
        assert r.exit_code == 0, r.stderr
    if r.exit_code == 0:
        shown = json.loads(cli("show", "#1", "--json").stdout)
        assert shown["every_days"] > 0
        if days is not None:
            assert shown["every_days"] == days, every
    else:
        assert "--every" in r.stderr


@FUZZ
@given(args=st.lists(nasty_text, min_size=0, max_size=5))
def test_any_arguments(cli, fresh, args):
    fresh()
    assume(not any(a in ("--install-completion",) for a in args))
    cli("add", "Priya Raman")
    for command in ("give", "ask", "note", "log", "show", "contacts", "edit", "amend", "drop", "resolve", "followup", "snooze"):
        ok(cli(command, *args, code=None))


# Undecodable bytes reach a real process's arguments as lone surrogates
# (Python's surrogateescape): refused with one line, exit 2, nothing written.
UNDECODABLE = [
    (b"add", b"\xff\xfeName"),
    (b"add", b"Ada", b"--tag", b"\xff"),
    (b"give", b"#1", b"caf\xe9"),  # Latin-1, not UTF-8
    (b"note", b"pri", b"\xed\xa0\x80"),  # a surrogate encoded as if it were a character
    (b"ask", b"pri", b"x", b"--follow-up", b"\xff"),
    (b"show", b"\xff"),
    (b"edit", b"#1", b"--company", b"\xff"),
    (b"log", b"--since", b"\xff"),
    (b"add", b"Ada", b"--every", b"\xff"),
    (b"contacts", b"--search", b"\xff"),
]


@pytest.mark.parametrize("args", UNDECODABLE, ids=lambda a: " ".join(x.decode("latin-1") for x in a))
def test_undecodable_bytes_in_a_real_process(cli, env, args):
    cli("add", "Priya Raman")
    before = db_state(env.db)
    e = {k.encode(): v.encode() for k, v in env.env.items()}
    e[b"LANG"] = b"C.UTF-8"
    r = subprocess.run([sys.executable.encode(), b"-m", b"netlog", *args], env=e, capture_output=True, timeout=60)
    err = r.stderr.decode("utf-8", "replace")
    assert r.returncode == 2, err
    assert err.startswith("netlog: ") and err.count("\n") == 1 and "Traceback" not in err
    assert db_state(env.db) == before
