"""Dates and times are shown the way UK staff read them, in London time."""
import datetime as dt

from blueprints.formats import format_date, format_datetime, format_short_date, format_time, line_breaks


def test_instants_are_shown_in_london_time_across_the_clock_change():
    assert format_datetime(dt.datetime(2026, 7, 1, 13, 5)) == "1 Jul 2026, 14:05"  # BST
    assert format_datetime(dt.datetime(2026, 12, 1, 13, 5)) == "1 Dec 2026, 13:05"  # GMT
    assert format_datetime(None) == ""


def test_every_month_is_named_in_english():
    for month in range(1, 13):
        day = dt.date(2026, month, 9)
        assert format_date(day) == f"9 {day:%B} 2026"
        assert format_short_date(day) == f"9 {day:%b} 2026"
        assert format_datetime(dt.datetime(2026, month, 9, 0, 7)).startswith(f"9 {day:%b} 2026, ")
    assert format_datetime(dt.datetime(2026, 10, 25, 0, 30)) == "25 Oct 2026, 01:30"  # BST
    assert format_datetime(dt.datetime(2026, 10, 25, 1, 30)) == "25 Oct 2026, 01:30"  # GMT


def test_dates_and_times():
    assert format_date(dt.date(2026, 3, 3)) == "3 March 2026"
    assert format_date("2026-03-03") == "3 March 2026"
    assert format_short_date(dt.date(2026, 3, 3)) == "3 Mar 2026"
    assert format_date("") == "" and format_short_date(None) == ""
    assert format_time(dt.time(9, 30)) == "09:30" and format_time("09:30:00") == "09:30"


def test_line_breaks_escape_everything_else():
    assert line_breaks("a\r\n<b>") == "a<br>\n&lt;b&gt;"
