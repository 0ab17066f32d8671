"""vCards in (2.1, 3.0, 4.0, through vobject) and out (4.0, written by hand).

Reading: vobject reads each card's lines (unfolding, parameters, CHARSET and
quoted-printable); before it does, the quoted-printable soft line breaks of
vCard 2.1 ("=" at the end of a line) are joined, which vobject does not do.
Values are unescaped here rather than by vobject's vCard behaviours, which
keep only the text before the first unescaped comma (2.1 cards and many
real 3.0 ones do not escape commas in notes and titles). Each card is read
on its own, so one broken card is skipped with a reason, not the file.

Writing: RFC 6350 text escaping (backslash, comma, semicolon, newline), lines
folded at 75 octets without splitting a UTF-8 character, CRLF line ends.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from netlog.errors import UsageError
from netlog.io import Record, Skip

_QP = re.compile(r"^[^:]*;(?:ENCODING=)?QUOTED-PRINTABLE[;:]", re.IGNORECASE)
_ISO_DAY = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})(?:T.*)?$")
_NO_YEAR = re.compile(r"^--(\d{2})-?(\d{2})$")


def _join_soft_breaks(lines: list[str]) -> list[str]:
    out: list[str] = []
    joining = False
    for line in lines:
        if joining:
            out[-1] = out[-1][:-1] + line  # drop the '=' of the soft break
        else:
            out.append(line)
        joining = bool(_QP.match(out[-1])) and out[-1].endswith("=")
    return out


# a vCard 2.1 AGENT property whose value is a whole card, on the lines after
# it ("AGENT:" then BEGIN:VCARD), or begun on its own line
_AGENT = re.compile(r"^(?:[\w-]+\.)?AGENT(?:;[^:]*)?:\s*(BEGIN:VCARD)?\s*$", re.IGNORECASE)


def split_cards(text: str) -> Iterator[tuple[int, str]]:
    """(first line number, text) of each card, BEGIN:VCARD to its END:VCARD.

    A card embedded in a vCard 2.1 AGENT property (the person's assistant,
    say) belongs to the card around it: the depth is tracked so that its
    END:VCARD does not end the outer card, and its lines are left out, since
    its name and phones are not the outer card's. It is not a contact of its
    own: it is what the outer card says about someone acting for them.

    Any other BEGIN:VCARD inside a card means that card lost its END:VCARD:
    it ends there and is read like any other, as the file went on past it
    and its lines are whole. A card the file ends inside comes with an empty
    text: the file itself may be cut short, in the middle of a line.
    """
    start: int | None = None
    block: list[str] = []
    depth = 0  # agent cards open inside the current card
    after_agent = False  # the line before was "AGENT:", so a BEGIN:VCARD now is its card
    for n, line in enumerate(text.split("\n"), start=1):
        upper = line.strip().upper()
        if not upper:  # kept as it was (a soft line break may end before it), but no sign of an agent
            if start is not None and not depth:
                block.append(line.rstrip("\r"))
            continue
        if upper == "BEGIN:VCARD":
            if start is not None and after_agent:
                depth += 1
            else:
                if start is not None:  # the card before never ended, but the file goes on
                    yield start, _card_text(block)
                start, block, depth = n, [line.rstrip()], 0
            after_agent = False
            continue
        if start is None:
            continue  # text between cards
        agent = _AGENT.match(upper)
        after_agent = bool(agent) and not agent.group(1)
        if agent and agent.group(1):
            depth += 1  # "AGENT:BEGIN:VCARD" on one line
        elif upper == "END:VCARD" and depth:
            depth -= 1
        elif upper == "END:VCARD":
            block.append(line.rstrip("\r"))
            yield start, _card_text(block)
            start, block = None, []
        elif not depth:
            block.append(line.rstrip("\r"))
    if start is not None:
        yield start, ""  # the file ends inside a card


def _card_text(block: list[str]) -> str:
    return "\r\n".join(_join_soft_breaks(block)) + "\r\n"


def _bday(value: Any) -> str | None:
    text = str(value).strip()
    m = _ISO_DAY.match(text)
    if m:
        return f"{m.group(1)}-{m.group(2)}-{m.group(3)}"
    m = _NO_YEAR.match(text)
    if m:
        return f"--{m.group(1)}-{m.group(2)}"
    return text or None


def unescape(text: str) -> str:
    r"""Undo RFC 6350 text escaping: \\ \, \; \n."""
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) in "nN" else m.group(1), text, flags=re.DOTALL)


def split_escaped(text: str, sep: str) -> list[str]:
    """Split on ``sep`` where it is not escaped, then unescape each part."""
    parts, current, i = [], [], 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            current.append(text[i : i + 2])
            i += 2
            continue
        if ch == sep:
            parts.append(unescape("".join(current)))
            current = []
        else:
            current.append(ch)
        i += 1
    parts.append(unescape("".join(current)))
    return parts


class Card:
    """A card's content lines by lower-case property name (groups dropped)."""

    def __init__(self, block: str) -> None:
        import io

        from vobject.base import getLogicalLines, textLineToContentLine

        self.props: dict[str, list] = {}
        for text, number in getLogicalLines(io.StringIO(block)):
            line = textLineToContentLine(text, number)  # params, charset, quoted-printable
            self.props.setdefault(line.name.lower(), []).append(line)

    def raw(self, name: str) -> list:
        return self.props.get(name, [])

    def text(self, name: str) -> str:
        for line in self.raw(name):
            value = _clean(unescape(str(line.value)))
            if value:
                return value
        return ""

    def values(self, name: str) -> list[str]:
        """Every non-empty value of a property, preferred (PREF) first, no repeats."""

        def rank(line: object) -> int:
            params = {k.upper(): [str(v).lower() for v in vs] for k, vs in line.params.items()}  # type: ignore[attr-defined]
            single = {str(v).upper() for v in line.singletonparams}  # type: ignore[attr-defined]
            return 0 if ("PREF" in params or "pref" in params.get("TYPE", []) or "PREF" in single) else 1

        seen: list[str] = []
        for line in sorted(self.raw(name), key=rank):
            value = _clean(unescape(str(line.value)))
            for prefix in ("tel:", "mailto:"):
                if value.lower().startswith(prefix):
                    value = value[len(prefix) :].strip()
            if value and value not in seen:
                seen.append(value)
        return seen


def _clean(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _name(card: Card) -> str | None:
    fn = card.text("fn")
    if fn:
        return " ".join(fn.split())
    for line in card.raw("n"):
        parts = split_escaped(str(line.value), ";") + [""] * 5
        family, given, additional, prefix, suffix = (p.strip() for p in parts[:5])
        joined = " ".join(p for p in (prefix, given, additional, family, suffix) if p)
        if joined:
            return joined
    return card.text("org").replace(";", " ").strip() or None


def card_record(card: Card, where: str) -> Record:
    emails = card.values("email")
    phones = card.values("tel")
    urls = card.values("url")
    fields: dict[str, str] = {}
    if emails:
        fields["email"] = emails[0]
    if phones:
        fields["phone"] = phones[0]
    if urls:
        fields["url"] = urls[0]
    for line in card.raw("org"):
        parts = [p.strip() for p in split_escaped(str(line.value), ";") if p.strip()]
        if parts:
            fields["company"] = ", ".join(parts)
            break
    for prop, key in (("title", "title"), ("note", "note"), ("x-netlog-met", "met")):
        value = card.text(prop)
        if value:
            fields[key] = value
    day = _bday(card.text("bday"))
    if day:
        fields["birthday"] = day
    tags: list[str] = []
    for line in card.raw("categories"):
        tags += [t.strip() for t in split_escaped(str(line.value), ",") if t.strip()]
    if urls[1:]:
        extra = "Other web pages: " + ", ".join(urls[1:])
        fields["note"] = f"{fields['note']}\n{extra}" if fields.get("note") else extra
    return Record(where, _name(card), fields, tags=tags, more_emails=emails[1:], more_phones=phones[1:])


def parse(text: str, shown: str) -> Iterator[Record | Skip]:
    found = False
    for number, (line, block) in enumerate(split_cards(text), start=1):
        found = True
        where = f"card {number} (line {line})"
        if not block:
            yield Skip(where, "the card has no END:VCARD; the file may be cut short")
            continue
        try:
            record = card_record(Card(block), where)
        except Exception as e:  # noqa: BLE001 - vobject raises many kinds
            yield Skip(where, f"can't be read as a vCard ({type(e).__name__})")
            continue
        if not record.name:
            yield Skip(where, "no name (FN, N or ORG)")
            continue
        yield record
    if not found:
        raise UsageError(f"FILE: {shown} has no vCards (no BEGIN:VCARD line); check that it is a .vcf file")


# --------------------------------------------------------------------------
# Writing vCard 4.0


def escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;").replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def fold(line: str, limit: int = 75) -> str:
    """Fold a content line at ``limit`` octets, never inside a UTF-8 character."""
    out: list[str] = []
    current, size = [], 0
    budget = limit
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > budget:
            out.append("".join(current))
            current, size, budget = [], 0, limit - 1  # continuation lines start with a space
        current.append(ch)
        size += n
    out.append("".join(current))
    return "\r\n ".join(out)


def _bday_out(text: str) -> str:
    m = re.match(r"^(\d{4})-(\d{2})-(\d{2})$", text)
    if m:
        return f"BDAY:{m.group(1)}{m.group(2)}{m.group(3)}"
    m = re.match(r"^--(\d{2})-(\d{2})$", text)
    if m:
        return f"BDAY:--{m.group(1)}{m.group(2)}"
    return f"BDAY;VALUE=text:{escape(text)}"


def _n(name: str) -> str:
    parts = name.split()
    family = parts[-1] if len(parts) > 1 else name
    given = " ".join(parts[:-1]) if len(parts) > 1 else ""
    return f"N:{escape(family)};{escape(given)};;;"


def card(contact: dict[str, Any]) -> str:
    """One contact (a row of journal.contact_row) as a vCard 4.0."""
    lines = ["BEGIN:VCARD", "VERSION:4.0", f"FN:{escape(contact['name'])}", _n(contact["name"])]
    if contact.get("company"):
        lines.append(f"ORG:{escape(contact['company'])}")
    if contact.get("title"):
        lines.append(f"TITLE:{escape(contact['title'])}")
    if contact.get("email"):
        lines.append(f"EMAIL:{escape(contact['email'])}")
    if contact.get("phone"):
        lines.append(f"TEL:{escape(contact['phone'])}")
    if contact.get("url"):
        lines.append(f"URL:{escape(contact['url'])}")
    if contact.get("birthday"):
        lines.append(_bday_out(contact["birthday"]))
    if contact.get("tags"):
        lines.append("CATEGORIES:" + ",".join(escape(t) for t in contact["tags"]))
    if contact.get("note"):
        lines.append(f"NOTE:{escape(contact['note'])}")
    if contact.get("met"):
        lines.append(f"X-NETLOG-MET:{escape(contact['met'])}")
    lines.append("END:VCARD")
    return "".join(fold(line) + "\r\n" for line in lines)


def cards(contacts: Sequence[dict[str, Any]]) -> str:
    return "".join(card(c) for c in contacts)
