"""A Hypothesis state machine: random sequences of add, give, got, ask, resolve, undo,
archive, merge and rm through the CLI, checked against an in-memory model after
every step (log --json, contacts, show --json, hungry and balance)."""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from conftest import Cli

from netlog import db

NAMES = ["Priya Raman", "Sam Lee", "Zoë Müller", "Wen Zhou", "Amara Okafor", "Jonas Berg"]
OUTCOMES = ["helped", "declined", "ignored"]


@dataclass
class Model:
    contacts: dict[int, dict] = field(default_factory=dict)  # id -> {name, archived}
    entries: dict[int, dict] = field(default_factory=dict)  # id -> {contact_id, type, what, other_id, outcome}
    undo: list[tuple] = field(default_factory=list)  # what `netlog undo` takes back, newest last


class Journal(RuleBasedStateMachine):
    cli: Cli  # set by the test below

    @initialize()
    def start(self) -> None:
        for p in (self.cli.env.db, f"{self.cli.env.db}-wal", f"{self.cli.env.db}-shm"):
            if os.path.exists(p):
                os.unlink(p)
        self.m = Model()
        self.seq = 0

    def run(self, *args: str, code: int = 0):  # type: ignore[no-untyped-def]
        return self.cli(*args, code=code)

    def _ids(self) -> list[int]:
        return sorted(self.m.contacts)

    # -- rules ------------------------------------------------------------

    @rule(name=st.sampled_from(NAMES))
    def add(self, name: str) -> None:
        exists = any(c["name"] == name for c in self.m.contacts.values())
        self.run("add", name, code=1 if exists else 0)
        if not exists:
            cid = max(self.m.contacts, default=0) + 1
            self.m.contacts[cid] = {"name": name, "archived": False}

    def _entry(self, type_: str, cid: int, other: int | None = None) -> None:
        self.seq += 1
        what = f"{type_} {self.seq}"
        args = [{"give": "give", "got": "got", "ask": "ask"}[type_], f"#{cid}", what]
        if other is not None:
            args += ["--intro", f"#{other}"]
        self.run(*args)
        eid = max(self.m.entries, default=0) + 1  # SQLite's rowid: one past the largest there now
        self.m.entries[eid] = {"contact_id": cid, "type": type_, "what": what, "other_id": other, "outcome": None}
        self.m.undo.append(("entry", eid))

    @precondition(lambda self: self.m.contacts)
    @rule(data=st.data(), type_=st.sampled_from(["give", "got", "ask"]))
    def entry(self, data, type_: str) -> None:  # type: ignore[no-untyped-def]
        self._entry(type_, data.draw(st.sampled_from(self._ids())))

    @precondition(lambda self: len(self.m.contacts) >= 2)
    @rule(data=st.data())
    def intro(self, data) -> None:  # type: ignore[no-untyped-def]
        a, b = data.draw(st.lists(st.sampled_from(self._ids()), min_size=2, max_size=2, unique=True))
        self._entry("give", a, b)

    @precondition(lambda self: any(e["type"] == "ask" and e["outcome"] is None for e in self.m.entries.values()))
    @rule(data=st.data(), outcome=st.sampled_from(OUTCOMES))
    def resolve(self, data, outcome: str) -> None:  # type: ignore[no-untyped-def]
        open_asks = sorted(i for i, e in self.m.entries.items() if e["type"] == "ask" and e["outcome"] is None)
        eid = data.draw(st.sampled_from(open_asks))
        self.run("resolve", str(eid), outcome)
        self.m.entries[eid]["outcome"] = outcome
        self.m.undo.append(("resolve", eid))

    @rule()
    def undo(self) -> None:
        if not self.m.undo:
            self.run("undo", code=1)
            return
        kind, eid = self.m.undo.pop()
        self.run("undo")
        if kind == "entry":
            del self.m.entries[eid]
        else:
            self.m.entries[eid]["outcome"] = None

    @precondition(lambda self: self.m.contacts)
    @rule(data=st.data())
    def archive(self, data) -> None:  # type: ignore[no-untyped-def]
        cid = data.draw(st.sampled_from(self._ids()))
        c = self.m.contacts[cid]
        self.run("archive", f"#{cid}", *(["--restore"] if c["archived"] else []))
        c["archived"] = not c["archived"]

    @precondition(lambda self: self.m.contacts)
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

    # -- checks -----------------------------------------------------------

    def _totals(self, cid: int) -> dict[str, int]:
        mine = [e for e in self.m.entries.values() if e["contact_id"] == cid]
        asks = [e for e in mine if e["type"] == "ask"]
        count = lambda o: sum(1 for e in asks if e["outcome"] == o)  # noqa: E731
        return {
            "given": sum(1 for e in self.m.entries.values() if e["type"] == "give" and cid in (e["contact_id"], e["other_id"])),
            "received": sum(1 for e in mine if e["type"] == "got") + count("helped"),
            "asked": len(asks),
            "helped": count("helped"),
            "declined": count("declined"),
            "ignored": count("ignored"),
            "open": count(None),
        }

    @invariant()
    def entries_match(self) -> None:
        if not hasattr(self, "m"):
            return
        got = {
            e["id"]: {"contact_id": e["contact_id"], "type": e["type"], "what": e["what"], "other_id": e["other_id"], "outcome": e["outcome"]}
            for e in json.loads(self.run("log", "--limit", "0", "--json").stdout)
        }
        assert got == self.m.entries

    @invariant()
    def kept_last_give_is_exact(self) -> None:
        """The triggers keep contact.last_given equal to what the entries say,
        through gives, intros, undo, rm and merge."""
        if not hasattr(self, "m") or not os.path.exists(self.cli.env.db):
            return
        con = sqlite3.connect(self.cli.env.db)
        try:
            assert db.stale_kept_days(con) == []
        finally:
            con.close()

    @invariant()
    def contacts_and_reports_match(self) -> None:
        if not hasattr(self, "m"):
            return
        active = {cid: c for cid, c in self.m.contacts.items() if not c["archived"]}
        listed = {c["id"]: c["name"] for c in json.loads(self.run("contacts", "--json").stdout)}
        assert listed == {cid: c["name"] for cid, c in active.items()}
        for cid in self.m.contacts:
            shown = json.loads(self.run("show", f"#{cid}", "--json").stdout)
            expected = self._totals(cid)
            assert {k: shown["totals"][k] for k in expected} == expected, (cid, shown["totals"], expected)
        hungry = {r["id"]: r["given"] for r in json.loads(self.run("hungry", "--all", "--limit", "0", "--json").stdout)}
        assert hungry == {cid: self._totals(cid)["given"] for cid in active}
        balance = {r["id"]: (r["given"], r["received"]) for r in json.loads(self.run("balance", "--json").stdout)}
        assert balance == {cid: (self._totals(cid)["given"], self._totals(cid)["received"]) for cid in active}


def test_journal_matches_its_model(cli):
    Journal.cli = cli
    runs = int(os.environ.get("HYPOTHESIS_EXAMPLES", "6"))
    Journal.TestCase.settings = settings(
        max_examples=runs, stateful_step_count=10, deadline=None, suppress_health_check=list(HealthCheck)
    )
    Journal.TestCase().runTest()
