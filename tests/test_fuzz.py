"""Hostile input, fuzzed through the CLI: the exit code is always 0, 1 or 2, there is
never a traceback, and accepted text round-trips exactly through --json."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

import os

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
    return " ".join(text.split())


@pytest.fixture
def fresh(cli, env):
    """A clean journal for each Hypothesis example (fixtures are per test)."""

    def reset() -> None:
        for p in (env.db, f"{env.db}-wal", f"{env.db}-shm"):
            try:
                __import__("os").unlink(p)
            except FileNotFoundError:
                pass

    return reset


@FUZZ
@given(name=nasty_text)
@example(name="x" * 100_000)
def test_any_name(cli, fresh, name):
    fresh()
    r = cli("add", "--", name, code=None)
    ok(r)
    if r.exit_code == 0:
        names = [c["name"] for c in json.loads(cli("contacts", "--json").stdout)]
        assert names == [expected_name(name)]
        shown = json.loads(cli("show", f"#{1}", "--json").stdout)
        assert shown["name"] == expected_name(name)


@FUZZ
@given(what=nasty_text, note=nasty_text)
@example(what="w" * 100_000, note="n" * 100_000)
def test_any_text(cli, fresh, what, note):
    fresh()
    cli("add", "Priya Raman")
    r = cli("give", "#1", "--", what, code=None)
    ok(r)
    if what == "-":  # reads stdin, which is empty here: refused, not stored as "-"
        assert r.exit_code == 2
    elif r.exit_code == 0:
        assert json.loads(cli("log", "--json").stdout)[0]["what"] == what.strip()
    r = cli("edit", "#1", "--note", note, code=None)
    ok(r)
    if note == "-":
        assert r.exit_code == 2
    elif r.exit_code == 0 and note.strip():
        assert json.loads(cli("show", "#1", "--json").stdout)["note"] == note.strip()


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


@FUZZ
@given(every=st.one_of(nasty_text, st.from_regex(r"\A-?\d{0,12} ?[a-z]{0,7}\Z")))
def test_any_duration(cli, fresh, every):
    fresh()
    r = cli("add", "Priya Raman", "--every", every, code=None)
    ok(r)
    assert r.exit_code in (0, 2)
    if r.exit_code == 0:
        assert json.loads(cli("show", "#1", "--json").stdout)["every"] > 0


@FUZZ
@given(args=st.lists(nasty_text, min_size=0, max_size=5))
def test_any_arguments(cli, fresh, args):
    fresh()
    assume(not any(a in ("--install-completion",) for a in args))
    cli("add", "Priya Raman")
    for command in ("give", "ask", "note", "log", "show", "contacts", "edit", "amend", "drop", "resolve", "followup", "snooze"):
        ok(cli(command, *args, code=None))
