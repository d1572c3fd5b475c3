"""Dates as both engines print them, in English whatever the machine's locale (Pelican may set it)."""

from __future__ import annotations

import datetime as dt

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def long_date(value: dt.date) -> str:
    """November 28, 2011: Material's long date."""
    return f"{MONTHS[value.month - 1]} {value.day}, {value.year}"


def month_year(value: dt.date) -> str:
    """May 2024: when a story happened (the day matters less than the season)."""
    return f"{MONTHS[value.month - 1]} {value.year}"


def day_month_year(value: dt.date) -> str:
    """27 November 2026: when a story was published."""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"
