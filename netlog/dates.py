"""The date grammar: how netlog reads the dates and durations people type.

Absolute dates go to python-dateutil; the relative forms are our own small
grammar, so that "3 days ago" or "next monday" mean the same thing every time:

    today | yesterday | tomorrow
    2025-11-14 | 2025/11/14 | 14 Nov 2025 | Nov 14, 2025   (absolute)
    March 5 | 5th of March                                 (absolute, no year)
    3 days ago | 2w ago | 1 month ago                      (past)
    last friday | friday                                   (past: latest on or before today)
    in 3 days | in 2w | 2w | next monday | monday          (future)

A date without a year ("March 5") is the latest such day on or before today
for things that happened, and the next one from today for things to come.
A month is written as a word: all-digit forms such as "5/3" could be day-month
or month-day, so they are refused rather than guessed.
Durations (``--every``): ``30d``, ``2w``, ``3m``, ``1y``, ``90 days``; a month
counts 30 days and a year 365.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from netlog.errors import UsageError

UNIT_DAYS = {"d": 1, "w": 7, "m": 30, "y": 365}
_UNIT_WORDS = {
    "d": "d", "day": "d", "days": "d",
    "w": "w", "wk": "w", "wks": "w", "week": "w", "weeks": "w",
    "m": "m", "mo": "m", "mos": "m", "month": "m", "months": "m",
    "y": "y", "yr": "y", "yrs": "y", "year": "y", "years": "y",
}
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_AMOUNT = re.compile(r"^(\d{1,5})\s*([a-z]+)$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_MONTH_NAMES = (
    "jan feb mar apr may jun jul aug sep oct nov dec "
    "january february march april june july august september sept october november december"
).split()


def parse_amount(text: str) -> tuple[int, str] | None:
    """'2w', '2 weeks', '90 days' -> (2, 'w'); None when it is not an amount."""
    m = _AMOUNT.match(text.strip().lower())
    if not m or m.group(2) not in _UNIT_WORDS:
        return None
    return int(m.group(1)), _UNIT_WORDS[m.group(2)]


def parse_duration(text: str, what: str = "--every") -> int:
    """A duration in whole days: '30d', '2w', '3m', '1y', '90 days'."""
    amount = parse_amount(text)
    if amount is None or amount[0] <= 0:
        raise UsageError(
            f"{what}: can't read {text!r} as a duration; use a number and a unit, like 30d, 2w, 3m or 1y"
        )
    days = amount[0] * UNIT_DAYS[amount[1]]
    if days > 36500:
        raise UsageError(f"{what}: {text!r} is longer than a hundred years; use a shorter duration")
    return days


def format_days(days: int | None) -> str:
    """90 -> '3m', 14 -> '2w', 10 -> '10d': the shortest exact way to say it."""
    if days is None:
        return ""
    for unit in ("y", "m", "w"):
        if days % UNIT_DAYS[unit] == 0:
            return f"{days // UNIT_DAYS[unit]}{unit}"
    return f"{days}d"


def shift(day: date, amount: int, unit: str) -> date:
    """Move a date by an amount of days, weeks, months or years (calendar months)."""
    if unit in ("d", "w"):
        return day + timedelta(days=amount * UNIT_DAYS[unit])
    from dateutil.relativedelta import relativedelta

    months = amount if unit == "m" else amount * 12
    return day + relativedelta(months=months)


def _weekday(day: date, name: str, direction: int, strict: bool) -> date:
    target = WEEKDAYS.index(name)
    delta = (target - day.weekday()) % 7 if direction > 0 else (day.weekday() - target) % 7
    if strict and delta == 0:
        delta = 7
    return day + timedelta(days=delta * direction)


def _weekday_name(word: str) -> str | None:
    word = word.lower()
    for name in WEEKDAYS:
        if len(word) >= 3 and name.startswith(word):
            return name
    return None


def _relative(text: str, today: date, future: bool) -> date | None:
    """Our own relative forms; None when the text is not one of them."""
    t = " ".join(text.lower().split())
    if t == "today" or t == "now":
        return today
    if t == "yesterday":
        return today - timedelta(days=1)
    if t == "tomorrow":
        return today + timedelta(days=1)
    if t.endswith(" ago"):
        amount = parse_amount(t[:-4])
        return shift(today, -amount[0], amount[1]) if amount else None
    if t.startswith("in "):
        amount = parse_amount(t[3:])
        return shift(today, amount[0], amount[1]) if amount else None
    words = t.split(" ")
    if len(words) == 2 and words[0] in ("last", "next", "this"):
        name = _weekday_name(words[1])
        if name:
            if words[0] == "last":
                return _weekday(today, name, -1, strict=True)
            if words[0] == "next":
                return _weekday(today, name, +1, strict=True)
            return _weekday(today, name, +1 if future else -1, strict=False)
        unit = _UNIT_WORDS.get(words[1])
        if unit and words[0] in ("last", "next"):
            return shift(today, 1 if words[0] == "next" else -1, unit)
    if len(words) == 1:
        name = _weekday_name(words[0])
        if name:
            return _weekday(today, name, +1 if future else -1, strict=future)
        if future:
            amount = parse_amount(t)
            if amount:
                return shift(today, amount[0], amount[1])
    return None


_ISO_SLASH = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$")
_FILLER = ("of", "the", "st", "nd", "rd", "th")
_TRY = "try 2025-11-14, '14 Nov 2025', 'yesterday', '3 days ago' or 'last friday'"


def _absolute(text: str, today: date, future: bool, what: str) -> date:
    iso = _ISO.match(text.strip()) or _ISO_SLASH.match(text.strip())
    if iso:
        return _real(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)), text, what)
    month, day, year = _month_day_year(text, what)
    if year is not None:
        return _real(year, month, day, text, what)
    return _nearest_year(month, day, today, future, text, what)


def _month_day_year(text: str, what: str) -> tuple[int, int, int | None]:
    """A month by name, a day and maybe a year, in any order ('14 Nov 2025',
    'Nov 14, 2025', 'March 5', '5th of March'); the month's number comes from
    dateutil's own table. Anything else ('5/3', '1 2 3') is refused: reading
    digits alone would guess between day-month and month-day orders."""
    from dateutil import parser

    words = re.findall(r"[^\W\d_]+", text.lower())
    numbers = re.findall(r"\d+", text)
    months = [w for w in words if w not in _FILLER]
    leftover = re.sub(r"[^\W_]+", "", text).replace(",", "").replace(".", "").replace("-", "").strip()
    month = parser.parserinfo().month(months[0]) if len(months) == 1 else None
    days = [n for n in numbers if len(n) <= 2]
    years = [n for n in numbers if len(n) == 4]
    if month is None or leftover or len(days) != 1 or len(years) > 1 or len(days) + len(years) != len(numbers):
        raise UsageError(f"{what}: can't read {text!r} as a date; {_TRY}")
    return month, int(days[0]), int(years[0]) if years else None


def _real(year: int, month: int, day: int, text: str, what: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise UsageError(f"{what}: {text!r} is not a real date; check the day and month") from None


def _nearest_year(month: int, day: int, today: date, future: bool, text: str, what: str) -> date:
    """A day without a year: the latest on or before today for what happened,
    the next from today for what is to come (29 February: the nearest leap year)."""
    _real(2000, month, day, text, what)  # a day some year has (2000 was a leap year)
    step = 1 if future else -1
    for year in range(today.year, today.year + 9 * step, step):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if (candidate >= today) if future else (candidate <= today):
            return candidate
    raise UsageError(f"{what}: {text!r} is not a real date; check the day and month")  # not reached: leap years come every 8 years at most


def parse_date(text: str, today: date, *, future: bool = False, what: str = "date") -> date:
    """Read a date the way people type it. ``future`` says which way words lean."""
    if text is None or not str(text).strip():
        raise UsageError(f"{what}: a date is needed; try 'today', 'yesterday' or 2025-11-14")
    if len(text) > 100 or "\x00" in text:
        raise UsageError(f"{what}: that is not a date; try 'today', 'yesterday' or 2025-11-14")
    return _relative(text, today, future) or _absolute(text, today, future, what)


def parse_past(text: str | None, today: date, what: str = "--on") -> date:
    """A date for something that already happened: never later than today."""
    if text is None:
        return today
    day = parse_date(text, today, future=False, what=what)
    if day > today:
        raise UsageError(
            f"{what}: {text!r} is {day.isoformat()}, in the future; record things once they have happened"
        )
    if day.year < 1900:
        raise UsageError(f"{what}: {text!r} is too long ago; give a date after 1900")
    return day


def parse_future(text: str, today: date, what: str = "date") -> date:
    """A date to come (follow-ups, snoozes): 'in 3 days', '2w', 'next monday', a date."""
    day = parse_date(text, today, future=True, what=what)
    if day.year > 9999 or day.year < 1900:
        raise UsageError(f"{what}: {text!r} is out of range; give a date between 1900 and 9999")
    return day


def parse_today(text: str, source: str) -> date:
    """The value of --today or NETLOG_TODAY: an ISO date, nothing fancier."""
    iso = _ISO.match(text.strip()) if text else None
    try:
        if iso:
            return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
    except ValueError:
        pass
    raise UsageError(f"{source}: {text!r} is not a date; use YYYY-MM-DD, like 2026-01-15")
