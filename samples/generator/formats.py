"""Printed forms of amounts and dates: the French styles (and their traps) and the English/US/Japanese ones.

Every formatter takes the RNG-chosen style explicitly, so that a document keeps one consistent style
(as a real invoicing program does) while the corpus as a whole covers all of them.
"""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

MONTHS_FR = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]
MONTHS_FR_SHORT = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]
MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
MONTHS_DE = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
]
WEEKDAYS_FR = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]

# French amount styles: `1 234,56 €`, `45,30 EUR`, `EUR 45.30`, `45€30`, `45,30` (bare, inside a column headed €)
FR_AMOUNT_STYLES = ("euro_sign", "eur_suffix", "eur_prefix", "euro_infix", "bare")
# Thousands separators: normal space, no-break space, narrow no-break space, dot, none
THOUSANDS = (" ", "\u00a0", "\u202f", ".", "")
FR_DATE_STYLES = ("slash", "dot_short", "long", "abbrev", "iso", "slash_short", "dash")
EN_DATE_STYLES = ("us_slash", "us_long", "day_month", "iso_slash")


def cents(value: Decimal) -> str:
    return f"{value:.2f}"


def group(whole: str, sep: str) -> str:
    if not sep or len(whole) <= 3:
        return whole
    parts = []
    while len(whole) > 3:
        parts.insert(0, whole[-3:])
        whole = whole[:-3]
    return sep.join([whole, *parts])


def fr_amount(value: Decimal, style: str = "euro_sign", sep: str = " ") -> str:
    """A euro amount in a French printed style; `sep` separates thousands."""
    whole, frac = cents(value).split(".")
    whole = group(whole, sep)
    if style == "eur_suffix":
        return f"{whole},{frac} EUR"
    if style == "eur_prefix":
        return f"EUR {cents(value)}"
    if style == "euro_infix":
        return f"{whole}€{frac}"
    if style == "bare":
        return f"{whole},{frac}"
    return f"{whole},{frac} €"


def fr_number(value: Decimal) -> str:
    return cents(value).replace(".", ",")


def de_number(value: Decimal) -> str:
    """`1.234,56`, `-0,75`: German decimal comma, a dot between thousands."""
    whole, frac = cents(abs(value)).split(".")
    return f"{'-' if value < 0 else ''}{group(whole, '.')},{frac}"


def random_fr_amount_style(rng: random.Random) -> tuple[str, str]:
    return rng.choice(FR_AMOUNT_STYLES[:4] * 2 + FR_AMOUNT_STYLES[4:]), rng.choice(THOUSANDS)


def fr_day(day: date, first: bool) -> str:
    return "1er" if day.day == 1 and first else str(day.day)


def fr_date(day: date, style: str = "slash", first_as_1er: bool = True) -> str:
    """A date in a French printed style."""
    if style == "dot_short":
        return f"{day:%d.%m.%y}"
    if style == "long":
        return f"{fr_day(day, first_as_1er)} {MONTHS_FR[day.month - 1]} {day.year}"
    if style == "abbrev":
        return f"{fr_day(day, first_as_1er)} {MONTHS_FR_SHORT[day.month - 1]} {day.year}"
    if style == "iso":
        return day.isoformat()
    if style == "slash_short":
        return f"{day:%d/%m/%y}"
    if style == "dash":
        return f"{day:%d-%m-%Y}"
    return f"{day:%d/%m/%Y}"


def de_date(day: date, style: str = "dot") -> str:
    """A date in a German printed style: `14.03.2024`, `14.03.24`, `14. März 2024`, `2024-03-14`."""
    if style == "short":
        return f"{day:%d.%m.%y}"
    if style == "long":
        return f"{day.day}. {MONTHS_DE[day.month - 1]} {day.year}"
    if style == "iso":
        return day.isoformat()
    return f"{day:%d.%m.%Y}"


def en_date(day: date, style: str = "us_slash") -> str:
    """A date in an English printed style (US month-first, long, day-month, Japanese year-first)."""
    if style == "us_long":
        return f"{MONTHS_EN[day.month - 1]} {day.day}, {day.year}"
    if style == "day_month":
        return f"{day.day} {MONTHS_EN[day.month - 1][:3]} {day.year}"
    if style == "iso_slash":
        return f"{day:%Y/%m/%d}"
    return f"{day:%m/%d/%Y}"


def jpy(value: Decimal, style: str) -> str:
    """A yen amount: `¥2,220`, `JPY 2,220`, `2,220 yen`."""
    shown = f"{int(value):,}"
    return {"yen_sign": f"¥{shown}", "code": f"JPY {shown}", "word": f"{shown} yen"}[style]


def usd(value: Decimal, style: str) -> str:
    """A dollar amount: `$1,234.56`, `USD 1,234.56`, `1,234.56`."""
    shown = f"{value:,.2f}"
    return {"dollar_sign": f"${shown}", "code": f"USD {shown}", "bare": shown}[style]
