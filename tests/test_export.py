"""netlog export json | csv | vcard, and the restore: import json."""

from __future__ import annotations

import csv
import json
import re
import os
import sqlite3
import stat
from pathlib import Path

import pytest
from conftest import db_state, run_netlog

NOTE = "Line one, with a comma; and a semicolon\nLine two: ünïcödé 🌍, a \\ backslash and a very long line " + "x" * 120


_FULL: list[bytes] = []


def full_journal(cli, db: Path) -> None:  # type: ignore[no-untyped-def]
    """A journal that uses every field of every table (built once, then copied)."""
    if _FULL:
        db.write_bytes(_FULL[0])
        os.chmod(db, 0o600)
        return
    _build_full_journal(cli, db)
    assert not Path(f"{db}-wal").exists() or Path(f"{db}-wal").stat().st_size == 0
    _FULL.append(db.read_bytes())


def _build_full_journal(cli, db: Path) -> None:  # type: ignore[no-untyped-def]
    cli("add", "Priya Raman", "--email", "priya@northwind.example", "--phone", "+46 70 123 45 67", "--company", "Northwind, Inc.",
        "--title", "Head of Partnerships", "--url", "https://www.linkedin.com/in/priya", "--met", "Web Summit 2024",
        "--note", NOTE, "--tag", "work", "--tag", "mentor", "--every", "2m")
    cli("add", "Sam Lee", "--tag", "work", "--company", "=HYPERLINK(\"http://evil\")")
    cli("add", "Old Colleague", "--title", "-retired-", "--note", "@someone\tsaid this")
    cli("add", "Snoozy Person", "--email", "snoozy@example.com")
    cli("give", "pri", "intro to Sam", "--intro", "sam", "--on", "2026-11-01")
    cli("got", "sam", "advice on pricing", "--kind", "advice", "--on", "2026-10-02")
    cli("give", "old", "a book", "--kind", "gift", "--on", "2025-01-05")
    asks = [cli("ask", who, what, "--on", "2026-09-01").stdout.strip() for who, what in
            [("pri", "a referral"), ("sam", "a reference"), ("old", "an intro"), ("pri", "feedback on the deck")]]
    cli("resolve", asks[0], "helped", "--on", "2026-09-10")
    cli("resolve", asks[1], "declined", "--on", "2026-09-11")
    cli("resolve", asks[2], "ignored", "--on", "2026-10-01")
    cli("followup", asks[3], "--on", "2026-09-09")
    cli("note", "sam", "moved to Lisbon", "--on", "2026-11-02")
    cli("archive", "old")
    con = sqlite3.connect(db)
    try:
        con.execute("UPDATE contact SET snoozed_until = '2026-12-24' WHERE name = 'Snoozy Person'")
        con.execute("UPDATE contact SET birthday = '1988-04-17' WHERE name = 'Priya Raman'")
        con.execute("UPDATE contact SET birthday = '--04-17' WHERE name = 'Sam Lee'")
        con.execute("UPDATE tag SET every_days = 30 WHERE name = 'work'")
        con.execute("INSERT INTO setting (key, value) VALUES ('default_every_days', '60')")
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "reported" in tables:
            con.execute("INSERT INTO reported VALUES ('hungry:2', 'due', '2026-11-01', '2026-11-20')")
        con.commit()
    finally:
        con.close()


# --------------------------------------------------------------------------
# JSON


def test_json_round_trip_is_byte_identical(cli, env, tmp_path):
    full_journal(cli, env.db)
    first = cli("export", "json").stdout
    data = json.loads(first)
    assert data["format"] == "netlog-journal" and data["format_version"] == 1
    assert {"settings", "tags", "contacts", "entries"} <= set(data)
    # every field is used somewhere, so the test proves them all
    for key in data["contacts"][0]:
        assert any(c[key] not in (None, False, []) for c in data["contacts"]), key
    for key in data["entries"][0]:
        assert any(e[key] not in (None, 0) for e in data["entries"]), key
    assert {e["outcome"] for e in data["entries"]} == {None, "helped", "declined", "ignored"}
    (tmp_path / "export.json").write_text(first, encoding="utf-8")
    restored = tmp_path / "restored.db"
    r = cli("--db", str(restored), "import", "json", str(tmp_path / "export.json"))
    assert "Restored" in r.stderr and "4 contacts" in r.stderr
    again = cli("--db", str(restored), "export", "json").stdout
    assert again == first
    # ids are kept: the introduction still names Sam, asks their people
    intro = next(e for e in json.loads(again)["entries"] if e["other_id"])
    assert json.loads(cli("--db", str(restored), "show", "sam", "--json").stdout)["id"] == intro["other_id"]
    assert run_netlog("--db", str(restored), "check", env=env.env).returncode == 0


def test_json_written_record_by_record_is_the_whole_document(cli, env):
    """export json streams (jsonio.write): the same text as encoding the whole journal at once."""
    import io

    from netlog import db
    from netlog.io import jsonio

    full_journal(cli, env.db)
    journal = db.open_journal(env.db, create=False)
    try:
        with journal.transaction(write=False) as conn:
            whole = jsonio.dumps(jsonio.dump(conn))
            streamed = io.StringIO()
            jsonio.write(conn, streamed)
    finally:
        journal.close()
    assert streamed.getvalue() == whole
    assert json.loads(whole)["reported"] and json.loads(whole)["settings"]  # every part of the document is there
    assert cli("export", "json").stdout == whole


def test_export_json_to_a_file_is_private(cli, env, tmp_path):
    full_journal(cli, env.db)
    old = os.umask(0o022)
    try:
        r = cli("export", "json", "-o", str(tmp_path / "out.json"))
    finally:
        os.umask(old)
    assert r.stdout == ""
    assert stat.S_IMODE((tmp_path / "out.json").stat().st_mode) == 0o600
    assert (tmp_path / "out.json").read_text(encoding="utf-8") == cli("export", "json", "-o", "-").stdout
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.json")] == []  # no temp file left


def test_export_of_an_empty_journal(cli, env):
    data = json.loads(cli("export", "json").stdout)
    assert data["contacts"] == [] and data["entries"] == []
    assert not env.db.exists()


def test_import_json_refuses_a_journal_with_data(cli, env, tmp_path):
    full_journal(cli, env.db)
    (tmp_path / "e.json").write_text(cli("export", "json").stdout, encoding="utf-8")
    before = db_state(env.db)
    r = cli("import", "json", str(tmp_path / "e.json"), code=2)
    assert "needs an empty one" in r.stderr and "--db" in r.stderr
    assert db_state(env.db) == before


def _doc(cli, env, tmp_path) -> dict:  # type: ignore[no-untyped-def]
    full_journal(cli, env.db)
    return json.loads(cli("export", "json").stdout)


@pytest.mark.parametrize(
    "break_it, words",
    [
        (lambda d: d.update(format="other"), "not a netlog export"),
        (lambda d: d.update(format_version=99), "format version 99"),
        (lambda d: d["entries"][0].update(contact_id=999), "entries[0].contact_id names a contact that is not"),
        (lambda d: d["entries"][0].update(other_id=999), "entries[0].other_id names a contact"),
        (lambda d: d["entries"][0].update(type="gift"), "entries[0].type should be one of"),
        (lambda d: d["entries"][1].update(day="yesterday"), "entries[1].day should be a date"),
        (lambda d: d["contacts"][1].update(name="  "), "contacts[1].name"),
        (lambda d: d["contacts"][1].update(name=d["contacts"][0]["name"].upper()), "repeats another contact's name"),
        (lambda d: d["contacts"][0]["tags"].append("nope"), "names a tag that is not"),
        (lambda d: d["contacts"][0].update(archived="yes"), "should be true or false"),
        (lambda d: d["tags"][0].update(every_days=0), "tags[0].every_days"),
        # a rule only the database knows: an outcome on a give
        (lambda d: d["entries"][0].update(outcome="helped", resolved_on=d["entries"][0]["day"]), "breaks a rule of the journal"),
        # an outcome must come with its day (a helped ask is a favor received from then on)
        (lambda d: next(e for e in d["entries"] if e["type"] == "ask").update(outcome="helped", resolved_on=None), "resolved_on is missing"),
        (lambda d: next(e for e in d["entries"] if e["type"] == "ask").update(outcome="declined", resolved_on="1999-01-01"), "is before the ask itself"),
    ],
)
def test_import_json_refuses_a_broken_document_and_writes_nothing(cli, env, tmp_path, break_it, words):
    doc = _doc(cli, env, tmp_path)
    break_it(doc)
    f = tmp_path / "broken.json"
    f.write_text(json.dumps(doc), encoding="utf-8")
    target = tmp_path / "new.db"
    r = cli("--db", str(target), "import", "json", str(f), code=2)
    assert words in r.stderr, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert not target.exists()  # the journal it would have created is not left behind


def test_import_json_not_json(cli, env, tmp_path):
    f = tmp_path / "x.json"
    f.write_text("{not json", encoding="utf-8")
    r = cli("import", "json", str(f), code=2)
    assert "is not JSON (line 1" in r.stderr
    assert not env.db.exists()


# --------------------------------------------------------------------------
# CSV


def test_export_csv_one_file_per_kind_private_and_formula_safe(cli, env, tmp_path):
    full_journal(cli, env.db)
    out = tmp_path / "csv" / "nested"
    old = os.umask(0o022)
    try:
        r = cli("export", "csv", str(out))
    finally:
        os.umask(old)
    assert r.stdout == ""
    assert sorted(p.name for p in out.iterdir()) == ["contacts.csv", "entries.csv", "settings.csv", "tags.csv"]
    for p in out.iterdir():
        assert stat.S_IMODE(p.stat().st_mode) == 0o600, p
    with open(out / "contacts.csv", newline="", encoding="utf-8") as f:
        contacts = {row["name"]: row for row in csv.DictReader(f)}
    priya = contacts["Priya Raman"]
    assert priya["phone"] == "+46 70 123 45 67"  # a phone number: no spreadsheet can run it
    assert priya["note"] == NOTE  # newlines and commas survive quoting
    assert priya["tags"] == "mentor; work"
    assert contacts["Sam Lee"]["company"] == "'=HYPERLINK(\"http://evil\")"
    assert contacts["Old Colleague"]["title"] == "'-retired-"
    assert contacts["Old Colleague"]["note"] == "'@someone\tsaid this"
    assert contacts["Old Colleague"]["archived"] == "true"
    with open(out / "entries.csv", newline="", encoding="utf-8") as f:
        entries = list(csv.DictReader(f))
    intro = next(e for e in entries if e["other"])
    assert (intro["contact"], intro["other"], intro["kind"]) == ("Priya Raman", "Sam Lee", "intro")
    for name in ("contacts.csv", "entries.csv", "tags.csv", "settings.csv"):
        with open(out / name, newline="", encoding="utf-8") as f:
            for row in csv.reader(f):
                for value in row:
                    runs = value.startswith(("=", "+", "-", "@", "\t", "\r", "＝", "|"))
                    assert not runs or re.fullmatch(r"[0-9 +()./-]+", value), (name, value)


def test_export_csv_cell_escaping():
    from netlog.csvcells import safe_cell

    for raw in ("=1+1", "+SUM(1,1)", "-1+cmd", "@SUM(A1)", "\tx", "\rx", "=cmd|' /C calc'!A0", "=HYPERLINK(\"x\")",
                "@x.com", "＝1+1", "|calc", "-", "+", "'+1 555 0199"):
        assert safe_cell(raw) == "'" + raw, raw
    for number in ("+1 555 0199", "-12.5", "+44 (0) 20 7946 0000", "-1", "1/2"):
        assert safe_cell(number) == number  # digits and + - ( ) . / : nothing a spreadsheet runs
    assert safe_cell("plain") == "plain" and safe_cell(None) == "" and safe_cell(12) == "12" and safe_cell(True) == "true"
    assert safe_cell("a=b") == "a=b" and safe_cell(["a", "b"]) == "a; b"


def test_export_csv_contacts_import_back_as_they_were(cli, env, tmp_path):
    """import csv of export csv's contacts.csv: the formula quote is taken off
    again ('+46 ..., '=HYPERLINK..., '--04-17) and added_on is read as Added."""
    full_journal(cli, env.db)
    cli("export", "csv", str(tmp_path / "out"))
    other = tmp_path / "other.db"
    r = cli("--db", str(other), "import", "csv", str(tmp_path / "out" / "contacts.csv"))
    assert "4 created, 0 updated, 0 unchanged, 0 skipped" in r.stderr
    keys = ("name", "email", "phone", "company", "title", "url", "met", "note", "birthday", "tags", "added_on")
    mine = {c["name"]: {k: c[k] for k in keys} for c in json.loads(cli("export", "json").stdout)["contacts"]}
    theirs = {c["name"]: {k: c[k] for k in keys} for c in json.loads(cli("--db", str(other), "export", "json").stdout)["contacts"]}
    assert theirs == mine
    assert theirs["Sam Lee"]["company"] == '=HYPERLINK("http://evil")' and theirs["Sam Lee"]["birthday"] == "--04-17"


def test_import_csv_takes_off_exactly_the_formula_quote():
    from netlog.csvcells import safe_cell, unquote_cell

    for raw in ("=1+1", "+46 70 123", "-retired-", "@someone", "\tx", "\rx", "plain", "'tis", "'", "", "a'=b", "'=x", "''+1",
                "'+46 70", "＝x", "|x", "'|x", "-5"):
        assert unquote_cell(safe_cell(raw)) == raw, raw
    assert safe_cell("'=x") == "''=x"  # the quote that was there is kept, one is added
    assert unquote_cell("'+46 70") == "+46 70"  # a spreadsheet's own text marker


def test_import_csv_reads_underscored_headers(cli, env, tmp_path):
    f = tmp_path / "people.csv"
    f.write_text("full_name,e_mail,added_on,job_title,every_days,snoozed_until,archived\nAda Byron,ada@example.com,2020-05-06,Analyst,30,,false\n", encoding="utf-8")
    r = cli("import", "csv", str(f))
    assert "1 created" in r.stderr and "Ignored columns: every_days, snoozed_until, archived" in r.stderr
    ada = json.loads(cli("show", "Ada", "--json").stdout)
    assert (ada["email"], ada["added_on"], ada["title"]) == ("ada@example.com", "2020-05-06", "Analyst")


def test_export_csv_into_a_file_is_refused(cli, env, tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    r = cli("export", "csv", str(f), code=None)
    assert r.exit_code in (1, 2) and "not a directory" in r.stderr or "can't create" in r.stderr


# --------------------------------------------------------------------------
# vCard


def test_export_vcard_is_40_folded_escaped(cli, env):
    full_journal(cli, env.db)
    raw = cli("export", "vcard").stdout_bytes
    text = raw.decode("utf-8")
    assert text.count("BEGIN:VCARD") == 3  # archived contacts are left out
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    for line in raw.split(b"\r\n"):
        assert len(line) <= 75
    unfolded = text.replace("\r\n ", "")
    assert "VERSION:4.0" in unfolded
    assert "ORG:Northwind\\, Inc." in unfolded
    assert "NOTE:Line one\\, with a comma\\; and a semicolon\\nLine two: ünïcödé 🌍\\, a \\\\ backslash" in unfolded
    assert "BDAY:19880417" in unfolded and "BDAY:--0417" in unfolded
    assert "CATEGORIES:mentor,work" in unfolded
    assert "FN:Priya Raman" in unfolded and "N:Raman;Priya;;;" in unfolded
    assert cli("export", "vcard", "--archived").stdout.count("BEGIN:VCARD") == 4


def test_export_vcard_reads_back_through_vobjects_full_parser(cli, env):
    """Not only our importer: vobject.readComponents, with its vCard rules
    (unescaping, CATEGORIES split on unescaped commas), gets every value back."""
    import vobject

    cli("add", "Zoë Ångström-Ng", "--email", "zoe@example.se", "--phone", "+46 70 123 45 67", "--company", "Ljus, Nord & Co; AB",
        "--tag", "Malmö, Sweden", "--tag", "a;b", "--tag", "design")
    cli("add", "李 小龙", "--email", "li@example.cn", "--phone", "+86 755 1234", "--tag", "深圳, 科技")
    cli("add", "Plain Person", "--note", "Line one, with a comma\nline two; 🌍 " + "x" * 100)
    text = cli("export", "vcard").stdout
    cards = {c.fn.value: c for c in vobject.readComponents(text)}
    assert sorted(cards) == ["Plain Person", "Zoë Ångström-Ng", "李 小龙"]
    zoe = cards["Zoë Ångström-Ng"]
    assert (zoe.version.value, zoe.email.value, zoe.tel.value) == ("4.0", "zoe@example.se", "+46 70 123 45 67")
    assert (zoe.n.value.family, zoe.n.value.given) == ("Ångström-Ng", "Zoë")
    assert zoe.categories.value == ["a;b", "design", "Malmö, Sweden"]  # in the order netlog lists tags
    assert zoe.org.value == ["Ljus, Nord & Co; AB"]
    li = cards["李 小龙"]
    assert (li.email.value, li.tel.value, li.categories.value) == ("li@example.cn", "+86 755 1234", ["深圳, 科技"])
    assert (li.n.value.family, li.n.value.given) == ("小龙", "李")
    assert cards["Plain Person"].note.value == "Line one, with a comma\nline two; 🌍 " + "x" * 100


def test_vcard_round_trip_through_our_importer(cli, env, tmp_path):
    full_journal(cli, env.db)
    f = tmp_path / "contacts.vcf"
    old = os.umask(0o022)
    try:
        cli("export", "vcard", "-o", str(f), "--archived")
    finally:
        os.umask(old)
    assert stat.S_IMODE(f.stat().st_mode) == 0o600
    other = tmp_path / "other.db"
    r = cli("--db", str(other), "import", "vcard", str(f))
    assert "4 created" in r.stderr
    keys = ("name", "email", "phone", "company", "title", "url", "met", "note", "birthday", "tags")
    mine = {c["name"]: {k: c[k] for k in keys} for c in json.loads(cli("export", "json").stdout)["contacts"]}
    theirs = {c["name"]: {k: c[k] for k in keys} for c in json.loads(cli("--db", str(other), "export", "json").stdout)["contacts"]}
    assert theirs == mine


def test_vcard_fold_never_splits_a_character():
    from netlog.io.vcard import fold

    line = "NOTE:" + "é🌍" * 60
    folded = fold(line)
    for part in folded.encode("utf-8").split(b"\r\n"):
        assert len(part) <= 75
        part.decode("utf-8")  # each physical line is valid UTF-8
    assert folded.replace("\r\n ", "") == line
