"""The date grammar, against dates worked out by hand from Monday 2026-11-23."""

from datetime import date

import pytest

from netlog.dates import format_days, parse_duration, parse_future, parse_past
from netlog.errors import UsageError

T = date(2026, 11, 23)  # a Monday


@pytest.mark.parametrize(
    "text, expected",
    [
        ("today", "2026-11-23"),
        ("yesterday", "2026-11-22"),
        ("2025-11-14", "2025-11-14"),
        ("14 Nov 2025", "2025-11-14"),
        ("Nov 14 2025", "2025-11-14"),
        ("March 5", "2026-03-05"),  # no year: the latest one on or before today
        ("December 5", "2025-12-05"),
        ("3 days ago", "2026-11-20"),
        ("2w ago", "2026-11-09"),
        ("1 month ago", "2026-10-23"),
        ("1y ago", "2025-11-23"),
        ("last friday", "2026-11-20"),
        ("friday", "2026-11-20"),
        ("monday", "2026-11-23"),  # today is a Monday
        ("last monday", "2026-11-16"),
        ("  Last  Friday ", "2026-11-20"),
    ],
)
def test_past_dates(text, expected):
    assert parse_past(text, T).isoformat() == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("in 3 days", "2026-11-26"),
        ("in 2w", "2026-12-07"),
        ("2w", "2026-12-07"),
        ("next monday", "2026-11-30"),
        ("monday", "2026-11-30"),
        ("friday", "2026-11-27"),
        ("tomorrow", "2026-11-24"),
        ("March 5", "2027-03-05"),
        ("2026-01-15", "2026-01-15"),
        ("in 1 month", "2026-12-23"),
    ],
)
def test_future_dates(text, expected):
    assert parse_future(text, T).isoformat() == expected


@pytest.mark.parametrize("text", ["2026-02-30", "30 Feb 2026", "2026-13-01"])
def test_impossible_dates_quote_the_input(text):
    with pytest.raises(UsageError) as e:
        parse_past(text, T)
    assert repr(text) in e.value.message


@pytest.mark.parametrize("text", ["tomorrow", "in 2 days", "2026-12-01", "next monday"])
def test_future_is_refused_for_things_that_happened(text):
    with pytest.raises(UsageError) as e:
        parse_past(text, T, "--on")
    assert "future" in e.value.message and e.value.message.startswith("--on")


@pytest.mark.parametrize("text", ["", "banana", "3 bananas ago", "last blursday", "\x00", "1" * 500, "'; DROP TABLE entry; --"])
def test_nonsense_is_a_usage_error(text):
    with pytest.raises(UsageError):
        parse_past(text, T)


@pytest.mark.parametrize(
    "text, days",
    [("30d", 30), ("2w", 14), ("3m", 90), ("1y", 365), ("90 days", 90), ("2 weeks", 14), ("1 month", 30)],
)
def test_durations(text, days):
    assert parse_duration(text) == days


@pytest.mark.parametrize("text", ["0d", "-3d", "3", "fortnight", "2 parsecs", "99999y"])
def test_bad_durations(text):
    with pytest.raises(UsageError):
        parse_duration(text)


def test_format_days_is_the_shortest_exact_form():
    assert [format_days(d) for d in (90, 14, 10, 365, 60)] == ["3m", "2w", "10d", "1y", "2m"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Nov 14, 2025", "2025-11-14"),
        ("14-Nov-2025", "2025-11-14"),
        ("5th of March", "2026-03-05"),
        ("2025/11/14", "2025-11-14"),
        ("Sept 3", "2026-09-03"),
        ("Feb 29", "2024-02-29"),  # no year, 2026 not a leap year: the latest 29 February
    ],
)
def test_more_written_forms(text, expected):
    assert parse_past(text, T).isoformat() == expected


def test_a_leap_day_to_come_is_the_next_leap_year():
    assert parse_future("Feb 29", T).isoformat() == "2028-02-29"


@pytest.mark.parametrize("text", ["1 2 3", "5/3", "3.5.2026", "14 Nov 25", "Nov 14 2025 10:00", "May 2025", "Nov", "14 Nov 2025 Nov"])
def test_forms_that_would_be_a_guess_are_refused(text):
    """Digits alone could be day-month or month-day: netlog asks instead of guessing."""
    with pytest.raises(UsageError) as e:
        parse_past(text, T, "--on")
    assert e.value.message.startswith("--on: can't read") and repr(text) in e.value.message
