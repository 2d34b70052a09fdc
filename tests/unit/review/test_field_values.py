"""review.field_values: a manager's typed value in the claim's canonical form, or refused with a stable code."""

from __future__ import annotations

import pytest

from models.field_catalogue import AMOUNT_FIELDS, DATE_FIELDS
from models.manifest import CareType
from review.field_values import MAX_TEXT, InvalidValue, normalised


def refused(field: str, text: str) -> InvalidValue:
    with pytest.raises(InvalidValue) as caught:
        normalised(field, text)
    return caught.value


# -- dates ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, expected",
    [
        ("05/03/2026", "2026-03-05"),  # day first, as a French manager types it
        ("5/3/2026", "2026-03-05"),
        ("3/5/2026", "2026-05-03"),  # never month first
        ("05.03.2026", "2026-03-05"),
        ("05-03-2026", "2026-03-05"),
        ("29/02/2024", "2024-02-29"),  # leap year
        ("2026-03-05", "2026-03-05"),  # ISO as is
        (" 2026-03-05 ", "2026-03-05"),
    ],
)
def test_dates_become_iso(text, expected):
    assert normalised("date", text) == expected


@pytest.mark.parametrize("text", ["31/02/2026", "29/02/2025", "2026-02-30", "13/13/2026", "00/01/2026"])
def test_a_day_that_does_not_exist_is_refused_as_such_with_the_value_typed(text):
    error = refused("date", text)
    assert (error.code, error.value) == ("impossible_date", text)
    assert str(error) == f"{text} : ce jour n'existe pas"


@pytest.mark.parametrize("text", ["12/03/26", "hier", "5 mars 2026", "2026/03/05"])
def test_ambiguous_dates_are_refused_with_the_form_expected(text):
    error = refused("date", text)
    assert (error.code, error.value) == ("invalid_date", text)
    assert "JJ/MM/AAAA" in str(error)


@pytest.mark.parametrize("field", sorted(DATE_FIELDS))
def test_every_date_field_is_checked_as_a_date(field):
    assert normalised(field, "01/12/2025") == "2025-12-01"
    assert refused(field, "31/11/2025").code == "impossible_date"


# -- amounts --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, expected",
    [
        ("45,30", "45.30"),
        ("45.3", "45.30"),
        ("45", "45.00"),
        ("1 234,50 €", "1234.50"),
        ("1\u202f234,50", "1234.50"),  # narrow no-break space, as copied from a PDF
        ("1.234,50", "1234.50"),
        ("€ 12,00", "12.00"),
    ],
)
def test_amounts_become_decimals_with_a_dot(text, expected):
    assert normalised("total", text) == expected


@pytest.mark.parametrize("text", ["abc", "€", "12,5,3", "999999999"])
def test_non_amounts_are_refused(text):
    error = refused("total", text)
    assert error.code == "invalid_amount"
    assert "45,30" in str(error)


@pytest.mark.parametrize("field", sorted(AMOUNT_FIELDS))
def test_every_amount_field_is_checked_as_an_amount(field):
    assert normalised(field, "10,5") == "10.50"
    assert refused(field, "dix euros").code == "invalid_amount"


def test_negative_amount_is_refused_not_made_positive():
    assert refused("total", "-45,30").code == "invalid_amount"


# -- currency -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, expected", [("eur", "EUR"), ("EUR", "EUR"), (" usd ", "USD"), ("€", "EUR"), ("$", "USD"), ("£", "GBP"), ("chf", "CHF")]
)
def test_currencies_become_iso_codes(text, expected):
    assert normalised("currency", text) == expected


@pytest.mark.parametrize("text", ["euro", "XYZ", "EU", "euros", "12"])
def test_unknown_currencies_are_refused(text):
    error = refused("currency", text)
    assert error.code == "invalid_currency"
    assert "ISO 4217" in str(error)


# -- count, care type -----------------------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [("12", "12"), ("1", "1"), ("007", "7"), ("999", "999")])
def test_session_count_is_a_positive_integer(text, expected):
    assert normalised("session_count", text) == expected


@pytest.mark.parametrize("text", ["0", "1000", "3.5", "-2", "+3", "douze"])
def test_bad_session_counts_are_refused(text):
    assert refused("session_count", text).code == "invalid_count"


@pytest.mark.parametrize("care", list(CareType))
def test_each_care_type_of_the_taxonomy_is_accepted_case_insensitively(care):
    assert normalised("care_type", care.value.upper()) == care.value


@pytest.mark.parametrize("text", ["pharmacie", "kiné", "dentist"])
def test_care_types_outside_the_taxonomy_are_refused(text):
    assert refused("care_type", text).code == "invalid_care_type"


# -- free text ------------------------------------------------------------------------------------
def test_free_text_is_trimmed_and_kept_as_typed():
    assert normalised("issuer", "  Pharmacie de l'Église  ") == "Pharmacie de l'Église"


def test_free_text_up_to_the_limit_is_accepted_and_longer_is_refused():
    assert normalised("practitioner", "a" * MAX_TEXT) == "a" * MAX_TEXT
    error = refused("practitioner", "a" * (MAX_TEXT + 1))
    assert error.code == "invalid_text"
    assert str(MAX_TEXT) in str(error)


@pytest.mark.parametrize("text", ["Dr\tMartin", "Dr\nMartin", "Dr\rMartin", "Dr\x00Martin", "Dr\x1bMartin"])
def test_free_text_with_control_characters_is_refused(text):
    assert refused("beneficiary", text).code == "invalid_text"


@pytest.mark.parametrize("text", ["Dr\x7fMartin", "Dr\x85Martin"])
def test_free_text_with_del_or_c1_controls_is_refused(text):
    assert refused("beneficiary", text).code == "invalid_text"


# -- empty ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("field", ["date", "total", "currency", "session_count", "care_type", "issuer"])
@pytest.mark.parametrize("text", ["", "   ", None])
def test_empty_values_are_refused_for_every_kind(field, text):
    assert refused(field, text).code == "empty_value"


def test_invalid_value_is_a_value_error_with_its_code():
    error = InvalidValue("invalid_date", "date attendue")
    assert isinstance(error, ValueError)
    assert (error.code, str(error)) == ("invalid_date", "date attendue")
