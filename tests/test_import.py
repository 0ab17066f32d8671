"""netlog import linkedin | vcard | csv: parsing real files, matching, counts, all-or-nothing."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import SAMPLES, TODAY, db_state, needs_samples, run_netlog

DATA = Path(__file__).parent / "data"


def contact(cli, name: str) -> dict:  # type: ignore[no-untyped-def]
    return json.loads(cli("show", name, "--json").stdout)


def names(cli) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(c["name"] for c in json.loads(cli("contacts", "--json").stdout))


def write_linkedin(path: Path, rows: int, seed: int = 5) -> None:
    """A LinkedIn export of ``rows`` connections, as LinkedIn writes it (BOM, CRLF, Notes)."""
    rnd = random.Random(seed)
    months = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
    lines = ['\ufeffNotes:', '"When exporting your connection data, you may notice that some of the email addresses are missing."', "",
             "First Name,Last Name,URL,Email Address,Company,Position,Connected On"]
    for i in range(rows):
        email = f"person{i}@example.com" if i % 3 == 0 else ""
        lines.append(f'Person{i},Surname{i},https://www.linkedin.com/in/person-{i},{email},"Company {i % 700}, Inc.",Engineer,'
                     f"{rnd.randint(1, 28):02d} {rnd.choice(months)} {rnd.randint(2010, 2026)}")
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))


# --------------------------------------------------------------------------
# LinkedIn

HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"



def test_linkedin_real_shape(cli, env):
    r = cli("import", "linkedin", str(DATA / "linkedin_bom_crlf.csv"), "--tag", "linkedin")
    assert r.stdout == ""
    assert "6 created, 0 updated, 0 unchanged, 2 skipped" in r.stderr
    assert "skipped 2 rows: no name (a member who left LinkedIn" in r.stderr and "    lines 7, 10\n" in r.stderr
    assert names(cli) == sorted(["Priya Raman", "Tomás Ibarra", "Grace O'Neill", "Zoë Ångström-Ng", "李 小龙", "=cmd Evil"])
    tomas = contact(cli, "Tomás")
    assert tomas["company"] == "Ibarra, Cole & Partners"  # a quoted comma
    assert tomas["email"] == "tomas.ibarra@example.org"
    assert tomas["url"] == "https://www.linkedin.com/in/tomasibarra"
    assert tomas["title"] == "Managing Partner"
    assert tomas["met"] == "LinkedIn, 2024-09-02"
    assert tomas["added_on"] == "2024-09-02"  # the day you connected, not the day of the import
    assert tomas["tags"] == ["linkedin"]
    zoe = contact(cli, "Zoë")
    assert zoe["company"] == 'Ljus "North" AB' and zoe["title"] == 'Chief "Everything" Officer'
    assert contact(cli, "小龙")["company"] == "深圳科技"


@needs_samples
def test_shared_sample_imports(cli, env):
    r = cli("import", "linkedin", str(SAMPLES / "Connections.csv"))
    assert "6 created" in r.stderr
    assert contact(cli, "Grace")["title"] == "VP, Engineering"


def test_reimport_creates_no_duplicates_and_writes_nothing(cli, env):
    cli("import", "linkedin", str(DATA / "linkedin_bom_crlf.csv"), "--tag", "linkedin")
    before = db_state(env.db)
    r = cli("import", "linkedin", str(DATA / "linkedin_bom_crlf.csv"), "--tag", "linkedin")
    assert "0 created, 0 updated, 6 unchanged, 2 skipped" in r.stderr
    assert db_state(env.db) == before


def test_newer_export_fills_empty_fields_and_never_overwrites(cli, env):
    cli("import", "linkedin", str(DATA / "linkedin_bom_crlf.csv"))
    cli("edit", "Grace", "--company", "Her own company")
    r = cli("import", "linkedin", str(DATA / "linkedin_plain_lf.csv"))
    # Priya matched by URL (trailing slash ignored): email filled, the title not overwritten
    assert "2 created, 1 updated, 0 unchanged, 0 skipped" in r.stderr
    priya = contact(cli, "Priya")
    assert priya["email"] == "priya@northwind.example"
    assert priya["title"] == "Head of Partnerships"
    assert contact(cli, "Grace")["company"] == "Her own company"
    amara = contact(cli, "Amara")  # only a first name, and a date LinkedIn never writes
    assert amara["met"] == "LinkedIn, not a date"
    assert amara["added_on"] == TODAY
    assert len(names(cli)) == 8


def test_matching_order_url_then_email_then_name(cli, env):
    cli("add", "T. Ibarra", "--email", "TOMAS.IBARRA@example.org")  # same email, another spelling
    cli("add", "grace o'neill", "--title", "Mentor")  # same name, other case
    cli("add", "Priya R.", "--url", "http://linkedin.com/in/priya-raman-0a1b2c/")  # same profile
    r = cli("import", "linkedin", str(DATA / "linkedin_bom_crlf.csv"))
    assert "3 created, 3 updated" in r.stderr
    got = names(cli)
    assert "Tomás Ibarra" not in got and "Priya Raman" not in got and "Grace O'Neill" not in got
    assert contact(cli, "T. Ibarra")["company"] == "Ibarra, Cole & Partners"
    grace = contact(cli, "grace o'neill")
    assert grace["name"] == "grace o'neill" and grace["title"] == "Mentor" and grace["company"] == "Fabrikam"
    assert contact(cli, "Priya R.")["url"] == "http://linkedin.com/in/priya-raman-0a1b2c/"


def test_duplicate_rows_in_one_file_make_one_contact(cli, env, tmp_path):
    f = tmp_path / "dup.csv"
    f.write_text(
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        "Sam,Lee,https://www.linkedin.com/in/samlee,,,,01 Feb 2020\n"
        "Sam,Lee,https://www.linkedin.com/in/samlee,sam@example.com,Acme,,01 Feb 2020\n"
        "SAM,LEE,,,,,\n",
        encoding="utf-8",
    )
    r = cli("import", "linkedin", str(f))
    assert "1 created, 1 updated, 1 unchanged" in r.stderr
    assert names(cli) == ["Sam Lee"]
    assert contact(cli, "Sam")["email"] == "sam@example.com"


def test_url_is_matched_before_email(cli, env, tmp_path):
    """A row whose URL is A's and whose email is B's updates A, and leaves B alone."""
    cli("add", "Alex Apple", "--url", "https://www.linkedin.com/in/alex-apple")
    cli("add", "Bea Berry", "--email", "shared@example.com")
    f = tmp_path / "order.csv"
    f.write_text(HEADER + "Alex,Apple,https://linkedin.com/in/alex-apple/,shared@example.com,Acme,,\n", encoding="utf-8")
    r = cli("import", "linkedin", str(f))
    assert "0 created, 1 updated, 0 unchanged, 0 skipped" in r.stderr
    alex, bea = contact(cli, "Alex"), contact(cli, "Bea")
    assert alex["company"] == "Acme" and alex["email"] == "shared@example.com"  # filled: A had none
    assert bea["company"] is None and bea["met"] is None


def test_same_name_with_another_profile_url_is_another_person(cli, env, tmp_path):
    cli("add", "John Smith", "--url", "https://www.linkedin.com/in/john-smith-1", "--company", "First Co")
    cli("add", "Ann L.", "--email", "ann@example.com", "--url", "https://www.linkedin.com/in/ann-l")
    f = tmp_path / "two-johns.csv"
    f.write_text(
        HEADER
        + "John,Smith,https://www.linkedin.com/in/john-smith-2,,Second Co,Chef,\n"  # another John Smith
        + "John,Smith,,john@example.com,,,\n"  # no URL: nothing says it is someone else
        + "Jane,Doe,https://www.linkedin.com/in/jane-doe-1,,,,\n"
        + "jane,doe,https://www.linkedin.com/in/jane-doe-2,,Other,,\n"  # the row before is another Jane Doe
        + "Ann,Lee,https://www.linkedin.com/in/ann-lee,ann@example.com,,,\n",  # Ann L.'s email, not her profile
        encoding="utf-8",
    )
    r = cli("import", "linkedin", str(f), "--json")
    data = json.loads(r.stdout)
    assert (data["created"], data["updated"], data["unchanged"], data["skipped"]) == (1, 1, 0, 3)
    reasons = {s["where"]: s["reason"] for s in data["skipped_rows"]}
    assert reasons["line 2"] == (
        "another contact is already named John Smith, with a different profile URL; import it after renaming, or merge by hand"
    )
    assert reasons["line 5"].startswith("another contact is already named Jane Doe, with a different profile URL")
    assert reasons["line 6"].startswith("Ann L. already has the email ann@example.com, with a different profile URL")
    john = contact(cli, "John Smith")
    assert (john["company"], john["title"], john["url"]) == ("First Co", None, "https://www.linkedin.com/in/john-smith-1")
    assert john["email"] == "john@example.com"
    assert contact(cli, "Jane")["company"] is None
    assert contact(cli, "Ann L.")["url"] == "https://www.linkedin.com/in/ann-l"
    assert names(cli) == ["Ann L.", "Jane Doe", "John Smith"]
    # --strict refuses the file at the first such row
    r = cli("import", "linkedin", str(f), "--strict", code=1)
    assert "line 2: another contact is already named John Smith" in r.stderr


def test_same_name_with_another_url_in_any_csv(cli, env, tmp_path):
    cli("add", "Sam Lee", "--url", "https://sam.example.com")
    f = tmp_path / "people.csv"
    f.write_text("Name,Website,Phone\nSam Lee,https://other-sam.example.org,+1 555 0100\nSam Lee,https://sam.example.com/,+1 555 0101\n", encoding="utf-8")
    r = cli("import", "csv", str(f))
    assert "0 created, 1 updated, 0 unchanged, 1 skipped" in r.stderr
    assert "skipped line 2: another contact is already named Sam Lee, with a different profile URL" in r.stderr
    assert contact(cli, "Sam")["phone"] == "+1 555 0101"  # from the row with Sam's own URL


def test_reimport_never_overwrites_a_field_the_user_edited(cli, env, tmp_path):
    """Priya is in the file again, with the company the user replaced: it stays
    as typed; only her empty email is filled."""
    cli("import", "linkedin", str(DATA / "linkedin_bom_crlf.csv"))
    cli("edit", "Priya", "--company", "Her own startup", "--title", "Founder")
    before = contact(cli, "Priya")
    r = cli("import", "linkedin", str(DATA / "linkedin_plain_lf.csv"))  # Priya: Northwind Traders, Chief Partnerships Officer
    assert "2 created, 1 updated, 0 unchanged" in r.stderr
    priya = contact(cli, "Priya")
    assert (priya["company"], priya["title"]) == ("Her own startup", "Founder")
    assert priya["email"] == "priya@northwind.example"
    assert {k: v for k, v in priya.items() if k != "email"} == {k: v for k, v in before.items() if k != "email"}
    r = cli("import", "linkedin", str(DATA / "linkedin_bom_crlf.csv"))  # the first file again: nothing to fill
    assert "0 created, 0 updated, 6 unchanged" in r.stderr
    assert (contact(cli, "Priya")["company"], contact(cli, "Priya")["title"]) == ("Her own startup", "Founder")


def test_dry_run_reports_and_writes_nothing(cli, env):
    cli("add", "Grace O'Neill")
    before = db_state(env.db)
    r = cli("import", "linkedin", str(DATA / "linkedin_bom_crlf.csv"), "--tag", "x", "--dry-run")
    assert "Dry run" in r.stderr and "nothing written" in r.stderr
    assert "5 created, 1 updated, 0 unchanged, 2 skipped" in r.stderr
    assert "would create Priya Raman" in r.stderr
    assert "would update Grace O'Neill (#1): company, title, url, met, tags" in r.stderr
    assert "lines 7, 10" in r.stderr
    assert db_state(env.db) == before


def test_dry_run_json_says_what_would_change_per_contact(cli, env):
    cli("add", "Grace O'Neill")
    before = db_state(env.db)
    r = cli("import", "linkedin", str(DATA / "linkedin_bom_crlf.csv"), "--tag", "x", "--dry-run", "--json")
    data = json.loads(r.stdout)
    assert data["dry_run"] is True and len(data["changes"]) == data["created"] + data["updated"] == 6
    assert data["changes"][0] == {"action": "created", "id": 2, "name": "Priya Raman", "fields": ["company", "met", "title", "url", "tags"]}
    grace = next(c for c in data["changes"] if c["action"] == "updated")
    assert grace == {"action": "updated", "id": 1, "name": "Grace O'Neill", "fields": ["company", "title", "url", "met", "tags"]}
    assert db_state(env.db) == before


def test_json_lists_every_change_of_a_big_import(cli, env, tmp_path):
    f = tmp_path / "Connections.csv"
    write_linkedin(f, 350)
    data = json.loads(cli("import", "linkedin", str(f), "--json").stdout)
    assert [c["name"] for c in data["changes"]] == [f"Person{i} Surname{i}" for i in range(350)]


def test_dry_run_does_not_create_the_journal(cli, env):
    cli("import", "linkedin", str(DATA / "linkedin_bom_crlf.csv"), "--dry-run")
    assert not env.db.exists()


def test_json_counts_on_stdout(cli, env):
    r = cli("import", "linkedin", str(DATA / "linkedin_bom_crlf.csv"), "--json")
    data = json.loads(r.stdout)
    assert (data["created"], data["updated"], data["unchanged"], data["skipped"]) == (6, 0, 0, 2)
    assert data["skipped_rows"][0] == {"where": "line 7", "reason": "no name (a member who left LinkedIn, or a hidden profile)"}


@pytest.mark.parametrize(
    "content, words",
    [
        (b"Name,Phone\nSomeone,123\n", "not a LinkedIn connections export"),
        (b"First Name,Last Name,URL\n\xff\xfeBroken,\xe9\n", "not UTF-8"),
        (b"", "not a LinkedIn connections export"),
        (b"First Name,Last Name,URL\nA,B,\x00\n", "NUL"),
    ],
)
def test_malformed_file_one_line_nothing_written(cli, env, tmp_path, content, words):
    cli("add", "Someone Already")
    before = db_state(env.db)
    f = tmp_path / "bad.csv"
    f.write_bytes(content)
    r = cli("import", "linkedin", str(f), code=2)
    assert words in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
    assert db_state(env.db) == before


def test_malformed_file_does_not_create_a_journal(cli, env):
    cli("import", "linkedin", str(DATA / "not_linkedin.csv"), code=2)
    assert not env.db.exists()


@pytest.mark.parametrize("kind", ["linkedin", "csv"])
@pytest.mark.parametrize(
    "body, line, words",
    [
        ('Ann,Lee,"https://x,,,,\nBob,Ray,,,,,\nCy,Day,,,,,\n', 2, "a quoted cell that starts in this row never closes"),
        ('Ann,Lee,,,"Acme" Inc,,\n', 2, "',' expected after '\"'"),  # text after a closing quote
        ('Ann,Lee,,,"Acme,\nInc",,\nBob,Ray,"https://y,,,,\n', 4, "never closes"),  # the row, not the line, where it starts
    ],
    ids=["unclosed", "text-after-quote", "unclosed-after-a-multiline-row"],
)
def test_csv_with_broken_quotes_is_refused(cli, env, tmp_path, kind, body, line, words):
    """Python's csv would put the rest of the file in one cell; strict mode refuses it, naming the line."""
    cli("add", "Someone Already")
    before = db_state(env.db)
    f = tmp_path / "broken.csv"
    f.write_text(HEADER + body, encoding="utf-8")
    r = cli("import", kind, str(f), code=2)
    assert r.stderr.strip().splitlines() == [r.stderr.strip()] and "Traceback" not in r.stderr
    assert f"{f} is not a readable CSV file (line {line}: " in r.stderr and words in r.stderr
    assert db_state(env.db) == before


@pytest.mark.parametrize("args", [["/nonexistent/Connections.csv"], [str(DATA)], [str(DATA / "linkedin_plain_lf.csv"), "--tag", "#bad"], [str(DATA / "linkedin_plain_lf.csv"), "--tag", " "]])
def test_usage_errors(cli, env, args):
    r = cli("import", "linkedin", *args, code=2)
    assert len(r.stderr.strip().splitlines()) == 1 and r.stderr.startswith("netlog: ")
    assert not env.db.exists()


def test_strict_stops_at_a_bad_row_and_writes_nothing(cli, env):
    cli("add", "Someone Already")
    before = db_state(env.db)
    r = cli("import", "linkedin", str(DATA / "linkedin_bom_crlf.csv"), "--strict", code=1)
    assert "line 7: no name" in r.stderr and "nothing was imported" in r.stderr
    assert db_state(env.db) == before


def test_bad_names_and_fields_are_skipped_with_reasons(cli, env, tmp_path):
    f = tmp_path / "odd.csv"
    f.write_text(
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        "#42,Hash,,,,,\n"
        + "Long," + "x" * 300 + ",,,,,\n"
        + "Fine,Person,,,," + "y" * 20_000 + ",\n"
        + "Good,One,,,,,\n",
        encoding="utf-8",
    )
    r = cli("import", "linkedin", str(f))
    assert "1 created, 0 updated, 0 unchanged, 3 skipped" in r.stderr
    assert "line 2: the name can't start with '#'" in r.stderr
    assert "line 3: the name is" in r.stderr and "keep it under 200" in r.stderr
    assert "line 4: title is 20000 characters long" in r.stderr


def _members_who_left(path: Path, rows: int) -> list[int]:
    """A LinkedIn export where every third row has no name; their line numbers."""
    lines = [HEADER.strip()]
    for i in range(rows):
        lines.append(",,https://www.linkedin.com/in/gone,,,," if i % 3 == 0 else f"P{i},S{i},,,,,")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [i + 2 for i in range(rows) if i % 3 == 0]


def test_skip_lines_name_every_skipped_row(cli, env, tmp_path):
    """The text report's lines for skipped rows: all of them, by reason, wrapped."""
    from netlog.io import Skip
    from netlog.io.importer import Outcome

    f = tmp_path / "left.csv"
    gone = _members_who_left(f, 100)  # 34 rows without a name
    data = json.loads(cli("import", "linkedin", str(f), "--json").stdout)
    out = Outcome(skipped=[Skip(s["where"], s["reason"]) for s in data["skipped_rows"]])
    out.skipped.append(Skip("line 500", "the name can't start with '#'"))
    lines = out.skip_lines(width=60)
    assert lines[0] == "  skipped 34 rows: no name (a member who left LinkedIn, or a hidden profile)"
    assert lines[-1] == "  skipped line 500: the name can't start with '#'"
    listed = " ".join(line.strip() for line in lines[1:-1])
    assert listed == "lines " + ", ".join(map(str, gone))
    assert all(line.startswith("    ") and len(line) <= 60 for line in lines[1:-1])
    cards = Outcome(skipped=[Skip("card 2 (line 9)", "no name (FN, N or ORG)"), Skip("card 4 (line 20)", "no name (FN, N or ORG)")])
    assert cards.skip_lines() == ["  skipped 2 rows: no name (FN, N or ORG)", "    card 2 (line 9), card 4 (line 20)"]


def test_text_report_lists_every_skipped_row(cli, env, tmp_path):
    f = tmp_path / "left.csv"
    gone = _members_who_left(f, 100)
    r = cli("import", "linkedin", str(f))
    assert "and 14 more" not in r.stderr
    for line in gone:
        assert f" {line}," in r.stderr or f" {line}\n" in r.stderr


def test_ctrl_c_during_import_leaves_journal_as_it_was(cli, env, monkeypatch):
    from netlog.io import importer

    cli("add", "Someone Already")
    before = db_state(env.db)
    real = importer.apply

    def interrupted(*args, **kwargs):  # type: ignore[no-untyped-def]
        real(*args, **kwargs)  # every row written inside the transaction...
        raise KeyboardInterrupt  # ...then Ctrl-C before the commit

    monkeypatch.setattr(importer, "apply", interrupted)
    r = cli("import", "linkedin", str(DATA / "linkedin_bom_crlf.csv"), code=130)
    assert "interrupted" in r.stderr
    assert db_state(env.db) == before


class _Counting:
    """A sqlite3 connection (or cursor) that counts the statements run through it
    (an executemany counts once: one statement, many rows), and can fail at the
    nth statement that starts with a given text."""

    def __init__(self, conn, fail: tuple[str, int] | None = None, statements: list[str] | None = None) -> None:  # type: ignore[no-untyped-def]
        object.__setattr__(self, "_inner", conn)
        object.__setattr__(self, "_fail", fail)
        object.__setattr__(self, "statements", [] if statements is None else statements)

    def _count(self, sql: str) -> None:
        self.statements.append(sql)
        if self._fail and sum(s.startswith(self._fail[0]) for s in self.statements) >= self._fail[1]:
            from netlog.errors import NetlogError

            raise NetlogError("simulated failure")

    def execute(self, sql, *args):  # type: ignore[no-untyped-def]
        self._count(sql)
        return self._inner.execute(sql, *args)

    def executemany(self, sql, rows):  # type: ignore[no-untyped-def]
        self._count(sql)
        return self._inner.executemany(sql, rows)

    def cursor(self):  # type: ignore[no-untyped-def]
        return _Counting(self._inner.cursor(), self._fail, self.statements)

    def __getattr__(self, name):  # type: ignore[no-untyped-def]
        return getattr(self._inner, name)

    def __setattr__(self, name, value):  # type: ignore[no-untyped-def]
        setattr(self._inner, name, value)


def test_failure_during_writes_rolls_back_everything(cli, env, monkeypatch):
    """A failure after some rows went in (several insert statements) leaves nothing."""
    from netlog.io import importer

    cli("add", "Someone Already")
    before = db_state(env.db)
    monkeypatch.setattr(importer, "CHUNK", 2)  # several insert statements
    real = importer.apply
    seen: list[_Counting] = []

    def failing(conn, *args, **kwargs):  # type: ignore[no-untyped-def]
        counting = _Counting(conn, fail=("INSERT INTO contact ", 3))  # two chunks of contacts in, then a failure
        seen.append(counting)
        return real(counting, *args, **kwargs)

    monkeypatch.setattr(importer, "apply", failing)
    r = cli("import", "linkedin", str(DATA / "linkedin_bom_crlf.csv"), "--tag", "x", code=1)
    assert "simulated failure" in r.stderr
    assert sum(s.startswith("INSERT INTO contact ") for s in seen[0].statements) == 3  # it failed half-way through the writes
    assert db_state(env.db) == before


def test_large_import_is_bulk(cli, env, tmp_path, monkeypatch):
    """No statement per row: 3,000 rows go out in a handful of statements (the
    same few for any number of rows: the tag-cadence triggers set aside and
    put back count among them)."""
    from netlog.io import importer

    f = tmp_path / "Connections.csv"
    write_linkedin(f, 3000)
    cli("add", "Someone Already")
    real = importer.apply
    seen: list[_Counting] = []

    def counted(conn, *args, **kwargs):  # type: ignore[no-untyped-def]
        counting = _Counting(conn)
        seen.append(counting)
        return real(counting, *args, **kwargs)

    monkeypatch.setattr(importer, "apply", counted)
    r = cli("import", "linkedin", str(f), "--tag", "bulk")
    assert "3000 created" in r.stderr
    assert len(seen[0].statements) < 25, seen[0].statements
    r = cli("import", "linkedin", str(f), "--tag", "bulk")
    assert "3000 unchanged" in r.stderr
    assert len(seen[1].statements) < 25, seen[1].statements
    assert len(json.loads(cli("contacts", "--tag", "bulk", "--json").stdout)) == 3000


# --------------------------------------------------------------------------
# vCard


def test_vcard_21_quoted_printable_and_charset(cli, env):
    r = cli("import", "vcard", str(DATA / "cards21.vcf"))
    assert "2 created, 0 updated, 0 unchanged, 1 skipped" in r.stderr
    assert "card 3 (line 19): no name" in r.stderr
    j = contact(cli, "Jürgen Müller")
    assert j["phone"] == "+49 151 1234567"  # the preferred one
    assert j["email"] == "juergen@example.de"
    assert j["company"] == "Acme GmbH, R&D"
    assert j["title"] == "Leiter, Entwicklung"  # a comma that 2.1 does not escape
    assert j["birthday"] == "1970-01-02"
    assert j["note"] == "Kennengelernt auf der Messe in Köln, sehr hilfsbereit und freundlich.\nZweite Zeile\nOther phones: +49 30 9876543"
    assert contact(cli, "Søren Østergaard")["phone"] == "+45 12 34 56 78"


def test_vcard_30_folded_escaped_categories(cli, env):
    cli("import", "vcard", str(DATA / "cards30.vcf"), "--tag", "phone")
    maja = contact(cli, "Maja")
    assert maja["email"] == "maja.lindqvist@example.com"  # TYPE=PREF first
    assert maja["note"] == (
        "Met at the Malmö product meetup, 2023. She wants an intro to someone in fintech; ask Priya.\nSecond line.\n"
        "Other emails: maja.private@example.com"
    )
    assert maja["birthday"] == "--04-17"
    assert maja["url"] == "https://maja.example.com"
    assert maja["tags"] == ["design", "Malmö meetup", "phone"]
    assert contact(cli, "Ngozi")["note"] == "Other emails: n.eze@example.com"


def test_vcard_40_and_a_card_cut_short(cli, env):
    r = cli("import", "vcard", str(DATA / "cards40.vcf"))
    assert "1 created, 0 updated, 0 unchanged, 1 skipped" in r.stderr
    assert "no END:VCARD" in r.stderr
    d = contact(cli, "Daniel")
    assert d["phone"] == "+31-6-1234-5678" and d["birthday"] == "1975-03-12"
    assert d["tags"] == ["aviation", "mentor"]


def test_vcard_without_end_before_the_next_card_is_imported(cli, env, tmp_path):
    """A card that lost its END:VCARD, with the next card after it: its lines are whole, so it is read."""
    f = tmp_path / "no-end.vcf"
    f.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Nora Open\r\nEMAIL:nora@example.com\r\nTEL:+1 555 0101\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Olly Closed\r\nTEL:+1 555 0102\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    r = cli("import", "vcard", str(f))
    assert "2 created, 0 updated, 0 unchanged, 0 skipped" in r.stderr
    nora = contact(cli, "Nora")
    assert (nora["email"], nora["phone"], nora["note"]) == ("nora@example.com", "+1 555 0101", None)
    assert contact(cli, "Olly")["phone"] == "+1 555 0102"


def test_vcard_21_agent_card_stays_inside_its_card(cli, env, tmp_path):
    """An AGENT property holds a whole card (BEGIN:VCARD ... END:VCARD): the outer
    card keeps its own name, phone and the lines after the agent; the agent is
    not a contact of its own."""
    f = tmp_path / "agent.vcf"
    f.write_text(
        "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Boss;Big\r\nFN:Big Boss\r\nTEL;WORK:+1 555 0100\r\n"
        "AGENT:\r\nBEGIN:VCARD\r\nVERSION:2.1\r\nN:Friday;Fred\r\nFN:Fred Friday\r\nTEL;WORK:+1 555 0199\r\nEND:VCARD\r\n"
        "EMAIL;INTERNET:big@example.com\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Cleo After\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    r = cli("import", "vcard", str(f), "--json")
    data = json.loads(r.stdout)
    assert (data["created"], data["skipped"]) == (2, 0)
    assert names(cli) == ["Big Boss", "Cleo After"]
    boss = contact(cli, "Big Boss")
    assert (boss["phone"], boss["email"], boss["note"]) == ("+1 555 0100", "big@example.com", None)


@needs_samples
def test_vcard_shared_sample_and_reimport(cli, env):
    cli("import", "vcard", str(SAMPLES / "contacts.vcf"))
    assert contact(cli, "Maja")["note"] == "Met at the Malmö product meetup, 2023."
    r = cli("import", "vcard", str(SAMPLES / "contacts.vcf"))
    assert "0 created, 0 updated, 3 unchanged" in r.stderr


def test_vcard_not_a_vcard(cli, env):
    r = cli("import", "vcard", str(DATA / "people.csv"), code=2)
    assert "no vCards" in r.stderr
    assert not env.db.exists()


# --------------------------------------------------------------------------
# Any CSV


def test_csv_by_header_names_and_map(cli, env):
    r = cli("import", "csv", str(DATA / "people.csv"))
    assert "Ignored columns: Where, Shoe size" in r.stderr
    assert "2 created, 0 updated, 0 unchanged, 1 skipped" in r.stderr
    priya = contact(cli, "Priya")
    assert priya["company"] == "Northwind" and priya["note"] == "Knows everyone, literally"
    assert priya["tags"] == ["mentor", "work"] and priya["met"] is None
    kofi = contact(cli, "Kofi")
    assert kofi["email"] == "kofi@example.gh" and kofi["note"] == "Other emails: kofi.m@example.com"


def test_csv_map_fills_met_on_reimport(cli, env):
    cli("import", "csv", str(DATA / "people.csv"))
    r = cli("import", "csv", str(DATA / "people.csv"), "--map", "Where=met", "--map", "shoe size=ignore")
    assert "Ignored columns" not in r.stderr
    assert "0 created, 1 updated, 1 unchanged, 1 skipped" in r.stderr
    assert contact(cli, "Priya")["met"] == "Web Summit"


def test_csv_semicolons_bom_first_last(cli, env):
    cli("import", "csv", str(DATA / "people_semicolon.csv"))
    assert names(cli) == ["Ana Silva", "Kofi Mensah"]
    assert contact(cli, "Kofi")["birthday"] == "1985-02-11"


@pytest.mark.parametrize(
    "args, words",
    [
        (["--map", "Nope=email"], "has no column nope"),
        (["--map", "Where=shoe"], "'shoe' is not a field"),
        (["--map", "Where"], "is not COLUMN=FIELD"),
    ],
)
def test_csv_bad_map(cli, env, args, words):
    r = cli("import", "csv", str(DATA / "people.csv"), *args, code=2)
    assert words in r.stderr


def test_csv_without_a_name_column(cli, env, tmp_path):
    f = tmp_path / "x.csv"
    f.write_text("Who,Mail\nAda,ada@example.com\n", encoding="utf-8")
    r = cli("import", "csv", str(f), code=2)
    assert "no name column" in r.stderr and "--map" in r.stderr
    cli("import", "csv", str(f), "--map", "Who=name", "--map", "Mail=email")
    assert contact(cli, "Ada")["email"] == "ada@example.com"


# --------------------------------------------------------------------------
# Progress bar: only on a terminal, only for big files


def test_progress_only_on_a_terminal(monkeypatch):
    from netlog.cli import io as cli_io

    with cli_io._progress(5000) as progress:
        assert progress is None  # pytest's stderr is not a terminal
    monkeypatch.setattr(cli_io, "_stderr_is_terminal", lambda: True)
    with cli_io._progress(100) as progress:
        assert progress is None  # small files: no bar
    with cli_io._progress(5000) as progress:
        assert callable(progress)
        progress(500)


# --------------------------------------------------------------------------
# Real processes: a pipe, Ctrl-C, SIGKILL


def _bigger_than_the_bar_threshold() -> tuple[str, int]:
    """A LinkedIn export with more rows than a progress bar needs, and its size."""
    from netlog.cli.io import PROGRESS_MIN_ROWS

    rows = 2 * PROGRESS_MIN_ROWS
    lines = ["First Name,Last Name,URL,Email Address,Company,Position,Connected On"]
    lines += [f"P{i},S{i},https://www.linkedin.com/in/p{i},,,,01 Jan 2020" for i in range(rows)]
    return "\n".join(lines) + "\n", rows


def test_import_from_a_pipe_has_no_progress_bar(env):
    text, rows = _bigger_than_the_bar_threshold()
    r = run_netlog("import", "linkedin", "-", env=env.env, input=text)
    assert r.returncode == 0, r.stderr
    assert r.stderr == f"Imported stdin: {rows} created, 0 updated, 0 unchanged, 0 skipped.\n"
    assert r.stdout == ""
    assert "\x1b" not in r.stderr


def test_import_on_a_terminal_shows_a_progress_bar(env, tmp_path):
    """A real pseudo-terminal as stdout and stderr: the bar is drawn, then cleared."""
    import pty
    import select

    f = tmp_path / "Connections.csv"
    text, rows = _bigger_than_the_bar_threshold()
    f.write_text(text, encoding="utf-8")
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "netlog", "import", "linkedin", str(f)],
        env={**env.env, "TERM": "xterm-256color", "COLUMNS": "100"}, stdin=subprocess.DEVNULL, stdout=slave, stderr=slave,
    )
    os.close(slave)
    seen = b""
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if not ready:
                if proc.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
    finally:
        os.close(master)
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)
    shown = seen.decode("utf-8", "replace")
    assert proc.returncode == 0, shown
    assert "importing" in shown and "100%" in shown  # the bar, full at the end
    assert f"{rows} created, 0 updated, 0 unchanged, 0 skipped." in shown


def _start_big_import(env, tmp_path: Path, rows: int):  # type: ignore[no-untyped-def]
    f = tmp_path / "big.csv"
    write_linkedin(f, rows)
    return subprocess.Popen(
        [sys.executable, "-m", "netlog", "import", "linkedin", str(f), "--tag", "big"],
        env=env.env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def _wait_for_writes(proc, db: Path, limit: float = 30.0) -> bool:  # type: ignore[no-untyped-def]
    """Until the import has begun writing its transaction (the WAL grows), or it ended."""
    wal = Path(f"{db}-wal")
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and proc.poll() is None:
        if wal.exists() and wal.stat().st_size > 64 * 1024:
            return True
        time.sleep(0.005)
    return False


def _seed(cli) -> None:  # type: ignore[no-untyped-def]
    cli("add", "Priya Raman", "--tag", "work")
    cli("give", "pri", "intro to Sam")


def test_sigkill_during_a_large_import_is_all_or_nothing(cli, env, tmp_path):
    _seed(cli)
    before = db_state(env.db)
    proc = _start_big_import(env, tmp_path, 25_000)
    try:
        _wait_for_writes(proc, env.db)
        proc.kill()
    finally:
        proc.wait(timeout=30)
    con = sqlite3.connect(env.db)
    try:
        count = con.execute("SELECT count(*) FROM contact").fetchone()[0]
    finally:
        con.close()
    assert count in (1, 25_001)  # all or nothing
    if count == 1:
        assert db_state(env.db) == before
    r = run_netlog("check", env=env.env)
    assert r.returncode == 0, r.stdout + r.stderr


def test_sigint_during_a_large_import_exits_130_and_saves_nothing(cli, env, tmp_path):
    _seed(cli)
    before = db_state(env.db)
    proc = _start_big_import(env, tmp_path, 25_000)
    try:
        writing = _wait_for_writes(proc, env.db)
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if writing and proc.returncode == 130:
        assert err.strip().splitlines() == ["netlog: interrupted; nothing was saved"]
        assert db_state(env.db) == before
    else:  # the import finished before the signal landed: then it is complete
        assert proc.returncode == 0, err
        assert "25000 created" in err
    assert os.stat(env.db).st_mode & 0o777 == 0o600


# --------------------------------------------------------------------------
# The commands themselves


def test_bare_group_shows_help(cli, env):
    for group in ("import", "export"):
        r = cli(group)
        assert "linkedin" in r.stdout or "vcard" in r.stdout
    assert not env.db.exists()


def test_every_command_has_an_example():
    from netlog.cli import io as cli_io

    for fn in (cli_io.import_linkedin, cli_io.import_vcard, cli_io.import_csv, cli_io.import_json, cli_io.export_json,
               cli_io.export_csv, cli_io.export_vcard, cli_io.merge, cli_io.backup, cli_io.check):
        doc = fn.__doc__ or ""
        assert doc.strip().splitlines()[0] and "Example: netlog " in doc, fn.__name__


def test_command_module_imports_nothing_heavy():
    code = (
        "import sys; import netlog.cli.io; "
        "heavy = [m for m in ('sqlalchemy', 'sqlmodel', 'vobject') if m in sys.modules]; "
        "print(heavy); sys.exit(1 if heavy else 0)"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
