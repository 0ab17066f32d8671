"""Fast shell completion of contact names and open asks.

Tab runs netlog once per key press, so completing a NAME or an ASK must not
pay for Typer, Pydantic or SQLAlchemy: this module answers those from the
standard library's sqlite3 (read-only) and speaks the same protocol as
Typer's completion scripts (installed by ``netlog --install-completion``).
Everything else (commands, options) falls through to Typer.

The tables below say which positional argument of which command is a NAME or
an ASK, and which options are flags (take no value); a test checks them
against the Typer app so they cannot drift.
"""

from __future__ import annotations

import os
import shlex
import sqlite3
import sys

COMPLETE_VAR = "_NETLOG_COMPLETE"
LIMIT = 60

# command -> kinds of its positional arguments, in order (None: free text)
POSITIONALS: dict[str, list[str | None]] = {
    "add": [None],  # a new name: nothing to complete
    "edit": ["name"],
    "archive": ["name"],
    "unarchive": ["name"],
    "rm": ["name"],
    "show": ["name"],
    "give": ["name", None],
    "got": ["name", None],
    "ask": ["name", None],
    "note": ["name", None],
    "log": ["name"],
    "snooze": ["name", None],
    "merge": ["name", "name"],
    "resolve": ["ask", "outcome"],
    "followup": ["ask"],
    "asks": ["name"],  # reports (issue 3): an optional NAME filter
    "owe": ["name"],
}
# options whose value is a NAME, or one of a fixed set
OPTION_VALUES: dict[str, str] = {"--intro": "name", "--kind": "kind", "-k": "kind", "--format": "format"}
FIXED = {
    "outcome": ["helped", "declined", "ignored"],
    "kind": ["intro", "referral", "advice", "info", "help", "endorsement", "gift", "other"],
    "format": ["text", "markdown", "html", "json"],
}
# options that take no value; every other option takes one
FLAGS = {
    "--help", "-h", "--new", "--json", "--csv", "--yes", "-y", "--all", "--restore", "--archived",
    "--explain", "--dry-run", "--off", "--edit", "--exit-code", "--new-only", "--version", "--force",
    "--replace", "--install-completion", "--show-completion",
}
GLOBAL_VALUE_OPTIONS = {"--db", "--today"}
# Open asks whose id starts with what was typed. The ids are read from the
# open-ask index alone ('+id': not in rowid order, which would walk the whole
# entry table, every entry ever written); only the asks listed are joined.
ASK_SQL = (
    "SELECT e.id, c.name, e.what FROM (SELECT id FROM entry WHERE type = 'ask' AND outcome IS NULL"
    " AND CAST(id AS TEXT) LIKE ? ORDER BY +id LIMIT ?) AS o"
    " JOIN entry AS e ON e.id = o.id JOIN contact AS c ON c.id = e.contact_id ORDER BY e.id"
)


def _split(line: str) -> list[str]:
    try:
        return shlex.split(line)
    except ValueError:  # an open quote while typing
        try:
            return shlex.split(line + '"')
        except ValueError:
            return shlex.split(line + "'")


def read_request(shell: str, env: dict[str, str]) -> tuple[list[str], str]:
    """(words typed before the cursor after 'netlog', the word being completed)."""
    if shell == "bash":
        words = _split(env.get("COMP_WORDS", ""))
        cword = int(env.get("COMP_CWORD", "0") or 0)
        words, cword = _rejoin_at_equals(words[: cword + 1], cword)
        return words[1:cword], words[cword] if cword < len(words) else ""
    line = env.get("_TYPER_COMPLETE_ARGS", "")
    words = _split(line)[1:]
    if words and not line.endswith(" "):
        return words[:-1], words[-1]
    return words, ""


def _rejoin_at_equals(words: list[str], cword: int) -> tuple[list[str], int]:
    """Put back the words bash split at '=': '=' is in COMP_WORDBREAKS, so
    ``--db=/x`` arrives as '--db', '=', '/x' (and ``--intro=`` as '--intro',
    '=' with the cursor on the '='). Returns the words and the cursor's index
    among them."""
    out: list[str] = []
    at = None
    for i, word in enumerate(words):
        if out and (word == "=" or (words[i - 1] == "=" and out[-1].endswith("="))):
            out[-1] += word  # '=' itself, then the value right after it
        else:
            out.append(word)
        if i == cword:
            at = len(out) - 1
    return out, len(out) if at is None else at


def option_value(incomplete: str) -> tuple[str, str] | None:
    """(option, value typed so far) for a word such as ``--intro=pri``, when
    the option's value is one netlog completes; else None."""
    option, eq, value = incomplete.partition("=")
    # long options only: click reads -k=ref as the value '=ref'
    if eq and option.startswith("--") and option in OPTION_VALUES:
        return option, value
    return None


def what_to_complete(args: list[str], incomplete: str) -> tuple[str | None, str | None]:
    """(kind, --db value) of the word at the cursor, or (None, ...) to let Typer answer."""
    db = None
    i = 0
    while i < len(args) and args[i].startswith("-"):  # global options
        if args[i] in GLOBAL_VALUE_OPTIONS and i + 1 < len(args):
            if args[i] == "--db":
                db = args[i + 1]
            i += 2
        elif args[i].startswith("--db="):
            db = args[i].split("=", 1)[1]
            i += 1
        else:
            i += 1
    if i >= len(args):
        return None, db
    if incomplete.startswith("-"):
        joined = option_value(incomplete)  # --intro=pri: complete the value
        return (OPTION_VALUES[joined[0]] if joined else None), db
    command, rest = args[i], args[i + 1 :]
    if rest and rest[-1] in OPTION_VALUES:
        return OPTION_VALUES[rest[-1]], db
    kinds = POSITIONALS.get(command)
    if kinds is None:
        return None, db
    position, j = 0, 0
    while j < len(rest):
        word = rest[j]
        if word == "--":
            position += len(rest) - j - 1
            break
        if word.startswith("-") and word != "-":
            if word not in FLAGS and "=" not in word:
                j += 1  # skip the option's value
        else:
            position += 1
        j += 1
    if position >= len(kinds):
        return None, db
    return kinds[position], db


def _journal(db: str | None, env: dict[str, str]) -> str | None:
    from netlog.db import resolve_path

    path = resolve_path(db, env)
    return str(path) if path.is_file() else None  # not a pipe: opening one would hang the shell


def _like(text: str) -> str:
    return text.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def candidates(kind: str, incomplete: str, db: str | None, env: dict[str, str]) -> list[tuple[str, str]]:
    """(value, help) pairs; read-only, never creates or changes the journal."""
    if kind in FIXED:
        return [(v, "") for v in FIXED[kind] if v.startswith(incomplete.lower())]
    path = _journal(db, env)
    if path is None:
        return []
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=2)
    except sqlite3.Error:
        return []
    try:
        if kind == "name":
            typed = _like(incomplete.lstrip("#"))
            rows = con.execute(
                "SELECT name, coalesce(company, '') FROM contact "
                "WHERE archived = 0 AND (name_key LIKE ? ESCAPE '\\' OR name_key LIKE ? ESCAPE '\\') "
                "ORDER BY name_key LIMIT ?",
                (f"{typed}%", f"% {typed}%", LIMIT),
            ).fetchall()
            return [(name, company) for name, company in rows]
        rows = con.execute(ASK_SQL, (f"{incomplete.lstrip('#')}%", LIMIT)).fetchall()
        return [(str(i), f"{name}: {' '.join(what.split())[:50]}") for i, name, what in rows]
    except sqlite3.Error:
        return []
    finally:
        con.close()


def format_reply(shell: str, items: list[tuple[str, str]], env: dict[str, str]) -> tuple[str, int]:
    """The text the shell's completion function expects, and the exit code."""
    if shell == "bash":
        return "\n".join(shlex.quote(v) if v != shlex.quote(v) else v for v, _ in items), 0
    if shell == "zsh":
        if not items:
            return "_files", 0

        def esc(s: str) -> str:
            return s.replace('"', '""').replace("'", "''").replace("$", "\\$").replace("`", "\\`").replace(":", r"\\:")

        body = "\n".join(f'"{esc(v)}":"{esc(h)}"' if h else f'"{esc(v)}"' for v, h in items)
        return f"_arguments '*: :(({body}))'", 0
    if shell == "fish":
        action = env.get("_TYPER_COMPLETE_FISH_ACTION", "")
        if action == "is-args":
            return "", 0 if items else 1
        return "\n".join(f"{v}\t{' '.join(h.split())}" if h else v for v, h in items), 0
    return "", 1


def fast_complete(env: dict[str, str] | None = None) -> tuple[str, int] | None:
    """Answer a completion request for a NAME or ASK; None to let Typer answer."""
    env = dict(os.environ) if env is None else env
    instruction = env.get(COMPLETE_VAR, "")
    shell = instruction.partition("_")[2]
    if not instruction.startswith("complete_") or shell not in ("bash", "zsh", "fish"):
        return None
    args, incomplete = read_request(shell, env)
    kind, db = what_to_complete(args, incomplete)
    if kind is None:
        return None
    joined = option_value(incomplete) if incomplete.startswith("-") else None
    if joined is None:
        return format_reply(shell, candidates(kind, incomplete, db, env), env)
    option, value = joined
    items = candidates(kind, value, db, env)
    if shell != "bash":
        # zsh and fish complete the whole word, '--intro=' included; bash
        # replaces only what follows the '=' (a word break for it)
        items = [(f"{option}={v}", h) for v, h in items]
    return format_reply(shell, items, env)


def main() -> bool:
    """Called first by ``netlog.__main__``; True when it has answered."""
    reply = fast_complete()
    if reply is None:
        return False
    text, code = reply
    if text:
        sys.stdout.write(text + "\n")
    sys.stdout.flush()
    os._exit(code)
