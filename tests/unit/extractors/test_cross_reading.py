"""The other engine's reading of a proof (extractors/cross_reading.py): whether it read and chose the
same total and date as the kept reading, and how that reaches the calibration features."""

from __future__ import annotations

from extractors.calibration import Proof, field_features
from extractors.cross_reading import date_agreement, fill_missing, other_reading, total_agreement
from extractors.document import read_proof
from extractors.fields.extract import extract_all
from extractors.layout import document_lines
from models import Field, OcrPage
from tests.unit.extractors.test_segment import page_of

KEPT = ("CAFE DU PORT", "Date: 12/03/2025", "Coffee 4.00", "Subtotal 753.70", "TOTAL 758.70", "Cash 800.00")


def read_twice(kept: tuple[str, ...], other: tuple[str, ...]) -> OcrPage:
    return page_of(1, *kept).model_copy(update={"cross_words": page_of(1, *other).words})


def field(value: str) -> Field:
    return Field(value=value, raw=value, confidence=0.9, page=1, bbox=None, rule="total.label_right")


def test_both_engines_read_and_chose_the_same_total_and_date():
    other = other_reading([read_twice(KEPT, KEPT)], "receipt")
    assert total_agreement(field("758.70"), other) == {"cross_chosen": 1.0, "cross_read": 1.0, "cross_absent": 0.0}
    assert date_agreement(field("2025-03-12"), other) == {"cross_chosen": 1.0, "cross_read": 1.0, "cross_absent": 0.0}


def test_a_digit_misread_by_one_engine_is_absent_from_the_other_reading():
    misread = tuple(row.replace("758.70", "753.78").replace("2025", "2023") for row in KEPT)
    other = other_reading([read_twice(KEPT, misread)], "receipt")
    assert total_agreement(field("758.70"), other)["cross_absent"] == 1.0
    assert date_agreement(field("2025-03-12"), other)["cross_absent"] == 1.0


def test_a_value_the_other_reading_holds_but_did_not_choose():
    other = other_reading([read_twice(KEPT, KEPT)], "receipt")
    assert total_agreement(field("753.70"), other) == {"cross_chosen": 0.0, "cross_read": 1.0, "cross_absent": 0.0}


def test_a_proof_read_once_has_no_other_reading():
    assert other_reading([page_of(1, *KEPT)], "receipt") is None
    assert total_agreement(field("758.70"), None) == {} and date_agreement(field("2025-03-12"), None) == {}
    assert total_agreement(field("not a number"), other_reading([read_twice(KEPT, KEPT)], "receipt")) == {}


def test_the_calibration_features_carry_the_agreement_of_the_two_readings():
    twice = read_twice(KEPT, KEPT)
    features = field_features("total", field("758.70"), None, Proof(document_lines([twice]), [twice], "receipt"))
    assert features["cross_chosen"] == 1.0
    once = page_of(1, *KEPT)
    assert "cross_chosen" not in field_features("total", field("758.70"), None, Proof(document_lines([once]), [once], "receipt"))


def test_a_date_the_kept_reading_missed_is_taken_from_the_other_reading():
    glued = tuple(row.replace("Date: 12/03/2025", "#19536012/03/2025 6:31") for row in KEPT)
    apart = tuple(row.replace("Date: 12/03/2025", "#195360 12/03/2025 6:31") for row in KEPT)
    page = read_twice(glued, apart)
    reading = read_proof([page])
    date = reading.found.fields["date"]
    assert (date.value, date.rule.endswith("+other_reader")) == ("2025-03-12", True)
    assert date_agreement(date, reading.proof.other_reading) == {}  # taken from it: no confirmation
    assert reading.found.fields["total"].rule.endswith("+other_reader") is False  # the kept reading read it


def test_nothing_is_filled_when_the_other_reading_misses_it_too():
    found = extract_all(document_lines([page_of(1, "Coffee 4.00")]), "receipt")
    assert fill_missing(found, other_reading([read_twice(("Coffee 4.00",), ("Coffee 4.00",))], "receipt")) == found
