"""A Hypothesis state machine: random sequences of add, give, got, ask, intro, resolve,
undo, archive, merge and rm through the CLI, checked against an in-memory model after
every step: log --json, contacts --json, show --json of every contact, and the reports
hungry, balance, owe and asks as JSON. The run must have used every operation."""

from __future__ import annotations

import json
import os
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from conftest import TODAY, Cli

from netlog import db

NAMES = ["Priya Raman", "Sam Lee", "Zoë Müller", "Wen Zhou", "Amara Okafor", "Jonas Berg"]
OUTCOMES = ["helped", "declined", "ignored"]
# Entries are dated in the past, in any order, so that the days reports count
# from (last give, favors since then) are not all today.
DAYS = ["2026-10-01", "2026-10-20", "2026-11-02", "2026-11-10", "2026-11-20", TODAY]
# What the run must have done, successfully, at least once ('undo' = took something back).
EVERY_OPERATION = ("add", "give", "got", "ask", "intro", "resolve", "undo", "archive", "merge", "rm")


@dataclass
class Model:
    contacts: dict[int, dict[str, Any]] = field(default_factory=dict)  # id -> {name, archived}
    entries: dict[int, dict[str, Any]] = field(default_factory=dict)  # id -> {contact_id, type, what, day, other_id, outcome, resolved_on}
    undo: list[tuple[str, int]] = field(default_factory=list)  # what `netlog undo` takes back, newest last
    top_contact: int = 0  # the highest ids ever given: never given again, whatever was deleted
    top_entry: int = 0


class Journal(RuleBasedStateMachine):
    cli: Cli  # set by the test below
    ran: Counter[str] = Counter()  # over the whole test: which operations succeeded

    @initialize()
    def start(self) -> None:
        """Three contacts and an open ask from the first step, so every rule has a target."""
        for p in (self.cli.env.db, f"{self.cli.env.db}-wal", f"{self.cli.env.db}-shm"):
            if os.path.exists(p):
                os.unlink(p)
        self.m = Model()
        self.seq = 0
        for name in NAMES[:3]:
            self._add(name)
        self._entry("ask", 1, DAYS[2])

    def run(self, *args: str, code: int = 0):  # type: ignore[no-untyped-def]
        return self.cli(*args, code=code)

    def _ids(self) -> list[int]:
        return sorted(self.m.contacts)

    def _add(self, name: str) -> None:
        self.run("add", name)
        self.m.top_contact += 1
        cid = self.m.top_contact
        self.m.contacts[cid] = {"name": name, "archived": False}

    def _entry(self, type_: str, cid: int, day: str, other: int | None = None) -> None:
        self.seq += 1
        what = f"{type_} {self.seq}"
        args = [type_, f"#{cid}", what, "--on", day]
        if other is not None:
            args += ["--intro", f"#{other}"]
        self.run(*args)
        self.m.top_entry += 1
        eid = self.m.top_entry
        self.m.entries[eid] = {
            "contact_id": cid, "type": type_, "what": what, "day": day, "other_id": other, "outcome": None, "resolved_on": None,
        }
        self.m.undo.append(("entry", eid))

    # -- rules ------------------------------------------------------------

    @rule(name=st.sampled_from(NAMES))
    def add(self, name: str) -> None:
        if any(c["name"] == name for c in self.m.contacts.values()):
            self.run("add", name, code=1)  # already there: refused, nothing changes
            return
        self._add(name)
        self.ran["add"] += 1

    @precondition(lambda self: self.m.contacts)
    @rule(data=st.data(), type_=st.sampled_from(["give", "got", "ask"]), day=st.sampled_from(DAYS))
    def entry(self, data, type_: str, day: str) -> None:  # type: ignore[no-untyped-def]
        self._entry(type_, data.draw(st.sampled_from(self._ids())), day)
        self.ran[type_] += 1

    @precondition(lambda self: len(self.m.contacts) >= 2)
    @rule(data=st.data(), day=st.sampled_from(DAYS))
    def intro(self, data, day: str) -> None:  # type: ignore[no-untyped-def]
        a, b = data.draw(st.lists(st.sampled_from(self._ids()), min_size=2, max_size=2, unique=True))
        self._entry("give", a, day, b)
        self.ran["intro"] += 1

    def _open_asks(self) -> list[int]:
        return sorted(i for i, e in self.m.entries.items() if e["type"] == "ask" and e["outcome"] is None)

    @precondition(lambda self: self._open_asks())
    @rule(data=st.data(), outcome=st.sampled_from(OUTCOMES))
    def resolve(self, data, outcome: str) -> None:  # type: ignore[no-untyped-def]
        eid = data.draw(st.sampled_from(self._open_asks()))
        self.run("resolve", str(eid), outcome)
        self.m.entries[eid].update(outcome=outcome, resolved_on=TODAY)
        self.m.undo.append(("resolve", eid))
        self.ran["resolve"] += 1

    @rule()
    def undo(self) -> None:
        if not self.m.undo:
            self.run("undo", code=1)  # nothing to take back: says so, changes nothing
            return
        kind, eid = self.m.undo.pop()
        self.run("undo")
        if kind == "entry":
            del self.m.entries[eid]
        else:
            self.m.entries[eid].update(outcome=None, resolved_on=None)
        self.ran["undo"] += 1

    @precondition(lambda self: self.m.contacts)
    @rule(data=st.data())
    def archive(self, data) -> None:  # type: ignore[no-untyped-def]
        cid = data.draw(st.sampled_from(self._ids()))
        c = self.m.contacts[cid]
        self.run("archive", f"#{cid}", *(["--restore"] if c["archived"] else []))
        c["archived"] = not c["archived"]
        self.ran["archive"] += 1

    @precondition(lambda self: len(self.m.contacts) >= 2)
    @rule(data=st.data())
    def rm(self, data) -> None:  # type: ignore[no-untyped-def]
        cid = data.draw(st.sampled_from(self._ids()))
        self.run("rm", f"#{cid}", "--yes")
        del self.m.contacts[cid]
        for eid in [i for i, e in self.m.entries.items() if e["contact_id"] == cid]:
            del self.m.entries[eid]
        for e in self.m.entries.values():
            if e["other_id"] == cid:
                e["other_id"] = None
        self.m.undo.clear()
        self.ran["rm"] += 1

    @precondition(lambda self: len(self.m.contacts) >= 2)
    @rule(data=st.data())
    def merge(self, data) -> None:  # type: ignore[no-untyped-def]
        keep, other = data.draw(st.lists(st.sampled_from(self._ids()), min_size=2, max_size=2, unique=True))
        self.run("merge", f"#{keep}", f"#{other}", "--yes")
        for e in self.m.entries.values():
            if e["contact_id"] == other:
                e["contact_id"] = keep
            if e["other_id"] == other:
                e["other_id"] = keep
            if e["other_id"] == e["contact_id"]:
                e["other_id"] = None
        del self.m.contacts[other]
        self.m.undo.clear()
        self.ran["merge"] += 1

    # -- the model's answers ----------------------------------------------

    def _active(self) -> list[int]:
        return [cid for cid, c in sorted(self.m.contacts.items()) if not c["archived"]]

    def _last_given(self, cid: int) -> str | None:
        days = [e["day"] for e in self.m.entries.values() if e["type"] == "give" and cid in (e["contact_id"], e["other_id"])]
        return max(days, default=None)

    def _favors(self, cid: int) -> list[tuple[int, str]]:
        """(entry id, day received) of every favor they did you: a got, an ask they helped with."""
        mine = [(i, e) for i, e in self.m.entries.items() if e["contact_id"] == cid]
        return [(i, e["day"]) for i, e in mine if e["type"] == "got"] + [
            (i, e["resolved_on"]) for i, e in mine if e["type"] == "ask" and e["outcome"] == "helped"
        ]

    def _totals(self, cid: int) -> dict[str, int]:
        asks = [e for e in self.m.entries.values() if e["contact_id"] == cid and e["type"] == "ask"]
        count = lambda o: sum(1 for e in asks if e["outcome"] == o)  # noqa: E731
        return {
            "given": sum(1 for e in self.m.entries.values() if e["type"] == "give" and cid in (e["contact_id"], e["other_id"])),
            "received": len(self._favors(cid)),
            "asked": len(asks),
            "helped": count("helped"),
            "declined": count("declined"),
            "ignored": count("ignored"),
            "open": count(None),
        }

    def _label(self, t: dict[str, int]) -> str:
        """README "balance": the rules, in order."""
        said_no = t["declined"] + t["ignored"]
        if t["received"] == 0 and said_no >= 2:
            return "taker"
        if t["given"] + t["received"] + said_no < 3:
            return "new"
        if t["received"] > t["given"]:
            return "giver"
        if t["received"] * 3 < t["given"]:
            return "taker"
        return "matcher"

    def _owed(self) -> set[tuple[int, int]]:
        """(contact id, entry id) of favors received after the last give to them."""
        out = set()
        for cid in self._active():
            since = self._last_given(cid) or "0001-01-01"
            out |= {(cid, i) for i, day in self._favors(cid) if day > since}
        return out

    def _json(self, *args: str) -> Any:
        return json.loads(self.run(*args).stdout)

    # -- checks after every step --------------------------------------------

    @invariant()
    def entries_match(self) -> None:
        if not hasattr(self, "m"):
            return
        keys = ("contact_id", "type", "what", "day", "other_id", "outcome", "resolved_on")
        got = {e["id"]: {k: e[k] for k in keys} for e in self._json("log", "--limit", "0", "--json")}
        assert got == self.m.entries

    @invariant()
    def kept_days_are_exact(self) -> None:
        """The triggers keep contact.last_given and last_received equal to what the
        entries say, through gives, intros, resolve, undo, rm and merge."""
        if not hasattr(self, "m") or not os.path.exists(self.cli.env.db):
            return
        con = sqlite3.connect(self.cli.env.db)
        try:
            assert db.stale_kept_days(con) == []
        finally:
            con.close()

    @invariant()
    def contacts_and_cards_match(self) -> None:
        if not hasattr(self, "m"):
            return
        listed = {c["id"]: c["name"] for c in self._json("contacts", "--json")}
        assert listed == {cid: self.m.contacts[cid]["name"] for cid in self._active()}
        for cid, c in self.m.contacts.items():
            shown = self._json("show", f"#{cid}", "--json")
            expected = self._totals(cid)
            assert {k: shown["totals"][k] for k in expected} == expected, (cid, shown["totals"], expected)
            assert (shown["name"], shown["archived"], shown["last_given"]) == (c["name"], c["archived"], self._last_given(cid))
            mentions = {i for i, e in self.m.entries.items() if cid in (e["contact_id"], e["other_id"])}
            assert {t["id"] for t in shown["timeline"]} == mentions, cid
            assert sorted(a["id"] for a in shown["open_asks"]) == [i for i in self._open_asks() if self.m.entries[i]["contact_id"] == cid]

    @invariant()
    def reports_match(self) -> None:
        if not hasattr(self, "m"):
            return
        active = self._active()
        hungry = {r["id"]: (r["given"], r["last_given"]) for r in self._json("hungry", "--all", "--limit", "0", "--json")}
        assert hungry == {cid: (self._totals(cid)["given"], self._last_given(cid)) for cid in active}
        keys = ("given", "received", "asked", "helped", "declined", "ignored", "open")
        balance = {r["id"]: ({k: r[k] for k in keys}, r["label"]) for r in self._json("balance", "--json")}
        assert balance == {cid: (self._totals(cid), self._label(self._totals(cid))) for cid in active}
        owed = {(r["contact_id"], r["id"]) for r in self._json("owe", "--json")}
        assert owed == self._owed()
        asks = {r["id"]: (r["contact_id"], r["outcome"]) for r in self._json("asks", "--all", "--json")}
        assert asks == {
            i: (e["contact_id"], e["outcome"]) for i, e in self.m.entries.items() if e["type"] == "ask" and e["contact_id"] in active
        }
        open_now = sorted(r["id"] for r in self._json("asks", "--json"))
        assert open_now == [i for i in self._open_asks() if self.m.entries[i]["contact_id"] in active]


def test_journal_matches_its_model(cli):
    Journal.cli = cli
    Journal.ran = Counter()
    runs = int(os.environ.get("HYPOTHESIS_EXAMPLES", "5"))
    Journal.TestCase.settings = settings(
        max_examples=runs, stateful_step_count=20, deadline=None, suppress_health_check=list(HealthCheck)
    )
    Journal.TestCase().runTest()
    # Each operation must really have run (and succeeded), or the model was never put to the test.
    missing = [op for op in EVERY_OPERATION if not Journal.ran[op]]
    assert not missing, f"never ran: {missing}; ran: {dict(Journal.ran)}"
