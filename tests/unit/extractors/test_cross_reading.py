"""The other engine's reading of a proof (extractors/cross_reading.py): whether the rules lead to the
same total and date on it as on the kept reading, how that reaches the calibration features, and the
values the kept reading missed taken from it."""

from __future__ import annotations

from decimal import Decimal

from extractors.calibration import Proof, field_features, settled_by_arithmetic, settled_fields
from extractors.cross_reading import (
    OTHER_READER,
    OTHER_READER_CAP,
    READERS_DISAGREE,
    READERS_VOTE,
    SURER_READER,
    agreement,
    cap_unconfirmed,
    fill_missing,
    gross_follows_total,
    mark_disagreements,
    other_reading,
    rounded_to,
)
from extractors.document import read_proof
from extractors.fields.extract import extract_all
from extractors.fields.line_items import SAME_AS_TOTAL
from extractors.layout import document_lines
from models import Field, OcrPage
from tests.unit.extractors.test_segment import page_of

KEPT = ("CAFE DU PORT", "Date: 12/03/2025", "Coffee 4.00", "Subtotal 753.70", "TOTAL 758.70", "Cash 800.00")


def read_twice(kept: tuple[str, ...], other: tuple[str, ...]) -> OcrPage:
    return page_of(1, *kept).model_copy(update={"cross_words": page_of(1, *other).words})


def field(value: str, rule: str = "total.label_right") -> Field:
    return Field(value=value, raw=value, confidence=0.9, page=1, bbox=None, rule=rule)


def test_both_readings_lead_to_the_same_total_and_date():
    other = other_reading([read_twice(KEPT, KEPT)], "receipt")
    assert agreement("total", field("758.70"), other) == {"cross_disagree": 0.0}
    assert agreement("date", field("2025-03-12"), other) == {"cross_disagree": 0.0}


def test_a_digit_misread_by_one_engine_is_a_disagreement():
    misread = tuple(row.replace("758.70", "753.78").replace("2025", "2023") for row in KEPT)
    other = other_reading([read_twice(KEPT, misread)], "receipt")
    assert agreement("total", field("758.70"), other) == {"cross_disagree": 1.0}
    assert agreement("date", field("2025-03-12"), other) == {"cross_disagree": 1.0}


def test_a_value_the_other_reading_leads_elsewhere_is_marked_and_the_others_are_not():
    misread = tuple(row.replace("758.70", "753.78") for row in KEPT)
    other = other_reading([read_twice(KEPT, misread)], "receipt")
    fields = {
        "total": field("758.70"),
        "date": field("2025-03-12", "date.numeric_dmy"),
        "currency": field("EUR", "currency.marker"),
    }
    marked = mark_disagreements(fields, other)
    assert marked["total"].rule == "total.label_right" + READERS_DISAGREE and marked["total"].confidence == 0.9
    assert marked["date"] == fields["date"] and marked["currency"] == fields["currency"]
    assert mark_disagreements(fields, None) == fields  # a page read once: nothing to disagree with


def test_a_proof_read_once_has_no_other_reading_and_other_fields_are_not_compared():
    assert other_reading([page_of(1, *KEPT)], "receipt") is None
    assert agreement("total", field("758.70"), None) == {}
    assert agreement("currency", field("EUR"), other_reading([read_twice(KEPT, KEPT)], "receipt")) == {}


def test_the_calibration_features_carry_the_agreement_of_the_two_readings():
    twice = read_twice(KEPT, KEPT)
    features = field_features("total", field("758.70"), None, Proof(document_lines([twice]), [twice], "receipt"))
    assert features["cross_disagree"] == 0.0
    once = page_of(1, *KEPT)
    assert "cross_disagree" not in field_features(
        "total", field("758.70"), None, Proof(document_lines([once]), [once], "receipt")
    )


def test_a_date_the_kept_reading_missed_is_taken_from_the_other_reading():
    glued = tuple(row.replace("Date: 12/03/2025", "#19536012/03/2025 6:31") for row in KEPT)
    apart = tuple(row.replace("Date: 12/03/2025", "#195360 12/03/2025 6:31") for row in KEPT)
    reading = read_proof([read_twice(glued, apart)])
    date = reading.found.fields["date"]
    assert (date.value, date.rule.endswith("+other_reader")) == ("2025-03-12", True)
    assert agreement("date", date, reading.proof.other_reading) == {}  # taken from it: no confirmation
    assert not reading.found.fields["total"].rule.endswith("+other_reader")  # the kept reading read it


def test_nothing_is_filled_when_the_other_reading_misses_it_too():
    found = extract_all(document_lines([page_of(1, "Coffee 4.00")]), "receipt")
    assert "date" not in found.fields
    assert fill_missing(found, other_reading([read_twice(("Coffee 4.00",), ("Coffee 4.00",))], "receipt")) == found


def test_a_value_only_the_unkept_reading_found_is_never_sure():
    fields = {"date": field("2025-03-12", "date.numeric_dmy+other_reader"), "total": field("758.70")}
    fields = {name: value.model_copy(update={"confidence": 0.99}) for name, value in fields.items()}
    capped = cap_unconfirmed(fields)
    assert capped["date"].confidence == OTHER_READER_CAP and capped["date"].value == "2025-03-12"
    assert capped["total"] == fields["total"]


def test_a_page_whose_decisive_values_were_re_read_alone():
    page = page_of(1, *KEPT)
    total = next(w for w in page.words if w.text == "758.70")
    misread = total.model_copy(update={"text": "753.70", "line": 99})
    checked = page.model_copy(update={"cross_words": (misread,), "cross_regions": (total.bbox,)})
    other = other_reading([checked], "receipt")
    assert agreement("total", field("758.70"), other) == {"cross_disagree": 1.0}
    assert agreement("date", field("2025-03-12"), other) == {"cross_disagree": 0.0}  # the rest is the page's own
    same = page.model_copy(update={"cross_words": (total,), "cross_regions": (total.bbox,)})
    assert agreement("total", field("758.70"), other_reading([same], "receipt")) == {"cross_disagree": 0.0}


SUMMED = ("PHARMACIE DU PORT", "Date: 12/03/2025", "Sub-total 56.16", "GST 6% 3.38", "TOTAL 59.54", "Cash 100.00", "Change 40.46")


def summed_proof(other_rows: tuple[str, ...]) -> Proof:
    page = read_twice(SUMMED, other_rows)
    return Proof(document_lines([page]), [page], "receipt")


def test_a_total_the_arithmetic_gives_settles_the_other_engines_misreading():
    # the other engine read "§9,54" (9.54): printed nowhere in the kept reading, and nothing adds up to it,
    # while 56.16 + 3.38 and 100.00 - 40.46 both give the kept 59.54
    misread = tuple(row.replace("59.54", "§9,54") for row in SUMMED)
    proof = summed_proof(misread)
    kept = field("59.54")
    assert proof.other_reading.value("total") == "9.54"
    assert settled_by_arithmetic(kept, proof)
    assert agreement("total", kept, proof.other_reading, settled=True) == {"cross_disagree": 0.0, "cross_settled": 1.0}
    assert field_features("total", kept, None, proof)["cross_settled"] == 1.0
    assert mark_disagreements({"total": kept}, proof.other_reading, settled_fields({"total": kept}, proof)) == {"total": kept}


def test_the_cash_tendered_taken_for_the_total_by_the_other_reading_is_settled():
    # the other reading lost the total's amount and chose the cash handed over: 100.00 - 40.46 = 59.54 on
    # the kept reading, so the 100.00 is the cash, which is a total only when no change is given
    other_row = tuple(row.replace("TOTAL 59.54", "TOTAL") for row in SUMMED)
    proof = summed_proof(other_row)
    assert proof.other_reading.value("total") == "100.00"
    assert settled_by_arithmetic(field("59.54"), proof)
    # the cash of another sum settles nothing: 100.00 - 40.46 is not the 56.16 kept
    assert not settled_by_arithmetic(field("56.16"), proof)


def test_a_rival_printed_on_the_page_or_given_by_its_arithmetic_stays_a_disagreement():
    # the other reading chose another row printed in the kept reading too (the sub-total): not a misreading
    # - one row's arithmetic does not settle a choice of row
    other_row = tuple(row.replace("TOTAL 59.54", "TOTAL 56.16") for row in SUMMED)
    proof = summed_proof(other_row)
    assert proof.other_reading.value("total") == "56.16"
    assert not settled_by_arithmetic(field("59.54"), proof)
    marked = mark_disagreements({"total": field("59.54")}, proof.other_reading, settled_fields({"total": field("59.54")}, proof))
    assert marked["total"].rule.endswith(READERS_DISAGREE)
    # a value nothing adds up to is not settled, whatever the other reading says
    lone = ("CAFE", "Date: 12/03/2025", "TOTAL 59.54")
    page = read_twice(lone, tuple(row.replace("59.54", "59.84") for row in lone))
    assert not settled_by_arithmetic(field("59.54"), Proof(document_lines([page]), [page], "receipt"))
    # and the other value is no misreading when the other reading's own amounts add up to it
    both_sum = ("CAFE", "Net 50.00", "Tax 9.84", "TOTAL 59.54")
    page = read_twice(("CAFE", "Net 50.00", "Tax 9.54", "TOTAL 59.54"), both_sum)
    assert not settled_by_arithmetic(field("59.54"), Proof(document_lines([page]), [page], "receipt"))


def test_a_date_the_other_reading_missed_is_uncontradicted_but_a_total_read_at_another_label_is_not():
    # the other reading lost the total's amount and read another row at a total label: another row read as the total
    blank = tuple(
        row.replace("Date: 12/03/2025", "Date:").replace("TOTAL 758.70", "TOTAL").replace("Subtotal", "Amount due")
        for row in KEPT
    )
    other = other_reading([read_twice(KEPT, blank)], "receipt")
    assert other.value("date") is None
    assert agreement("date", field("2025-03-12", "date.numeric_dmy"), other) == {"cross_disagree": 0.0, "cross_missing": 1.0}
    fields = {"date": field("2025-03-12", "date.numeric_dmy"), "total": field("758.70")}
    marked = mark_disagreements(fields, other)
    assert marked["date"] == fields["date"]  # not held back: nothing read contradicts it
    assert other.value("total") != "758.70" and marked["total"].rule.endswith(READERS_DISAGREE)


def test_an_other_reading_that_read_no_total_label_contradicts_no_labelled_total():
    # the other engine read the total's digits but no label at all (the total's and the sub-total's smudged):
    # it falls back on the largest amount, the cash - a guess, not another row read as the total
    unlabelled = tuple(row.replace("Subtotal", "Sbtl").replace("TOTAL", "T0TAI") for row in KEPT)
    other = other_reading([read_twice(KEPT, unlabelled)], "receipt")
    assert other.ranked["total"][0].rule == "total.largest_amount" and other.value("total") == "800.00"
    assert agreement("total", field("758.70"), other) == {"cross_disagree": 0.0, "cross_missing": 1.0}
    assert mark_disagreements({"total": field("758.70")}, other)["total"].rule == "total.label_right"
    # a kept total that is itself that fallback is no label read: the two guesses differ, it stays in doubt
    assert agreement("total", field("758.70", "total.largest_amount"), other)["cross_disagree"] == 1.0
    # nor does an other reading that does not print the kept amount confirm its digits: a disagreement
    misread = tuple(row.replace("758.70", "753.78") for row in unlabelled)
    other = other_reading([read_twice(KEPT, misread)], "receipt")
    assert other.ranked["total"][0].rule == "total.largest_amount"
    assert agreement("total", field("758.70"), other)["cross_disagree"] == 1.0


SLIP = ("HARBOR CLINIC", "CREDIT CARD SALE", "DATE: 07/17/2023", "AMOUNT $518.03", "TOTAL $518.63", "APPROVED")


def test_a_total_two_readings_give_outvotes_the_lookalike_one_reading_gives():
    """A card slip's bold TOTAL read 518.63 by one engine, 518.03 by the other, and its AMOUNT 518.03."""
    reading = read_proof([read_twice(SLIP, tuple(row.replace("518.63", "518.03") for row in SLIP))])
    total = reading.found.fields["total"]
    assert (total.value, total.rule.endswith(READERS_VOTE)) == ("518.03", True)
    assert reading.found.evidence["total"].lookalike  # still in the class of doubt: a manager's
    assert agreement("total", total, reading.proof.other_reading) == {"cross_disagree": 0.0}


def test_no_vote_without_a_second_print_or_between_a_sum_and_its_rounding():
    alone = tuple(row for row in SLIP if not row.startswith("AMOUNT"))
    reading = read_proof([read_twice(alone, tuple(row.replace("518.63", "518.03") for row in alone))])
    assert reading.found.fields["total"].value == "518.63"  # the other value is printed nowhere on the kept reading
    rounded = ("CAFE", "Date: 12/03/2025", "Total Sales 23.26", "TOTAL 23.25", "Cash 30.00", "Change 6.75")
    reading = read_proof([read_twice(rounded, tuple(row.replace("TOTAL 23.25", "TOTAL 23.26") for row in rounded))])
    assert reading.found.fields["total"].value == "23.25"


def test_cents_a_few_apart_are_a_misread_unless_one_is_the_others_rounding():
    """20.96 / 20.90: six cents, no rounding to 5 or 10 cents goes so far - a 0 read as a 6, outvoted."""
    slip = tuple(row.replace("518.03", "20.90").replace("518.63", "20.96") for row in SLIP)
    reading = read_proof([read_twice(slip, tuple(row.replace("20.96", "20.90") for row in slip))])
    assert reading.found.fields["total"].value == "20.90"
    assert rounded_to(Decimal("23.26"), Decimal("23.25")) and rounded_to(Decimal("52.08"), Decimal("52.10"))
    assert rounded_to(Decimal("26.82"), Decimal("26.80")) and not rounded_to(Decimal("20.96"), Decimal("20.90"))
    assert not rounded_to(Decimal("20.90"), Decimal("20.90"))


def test_a_gross_that_is_the_total_follows_the_total_the_readings_settled():
    """No split printed: the gross total is the total; the vote's value, not the misread one, and a total the
    other reading filled in gives the gross too."""
    reading = read_proof([read_twice(SLIP, tuple(row.replace("518.63", "518.03") for row in SLIP))])
    gross = reading.found.fields["gross_total"]
    assert (gross.value, gross.rule) == ("518.03", SAME_AS_TOTAL)
    missed = ("PHARMACIE DU PORT", "Ticket de caisse", "Date: 12/03/2025", "Doliprane", "TOTAL")
    reading = read_proof([read_twice(missed, (*missed[:3], "Doliprane 2,18 €", "TOTAL 2,18 €"))])
    assert reading.found.fields["total"].rule.endswith(OTHER_READER)  # the kept reading read no amount
    assert reading.found.fields["total"].value == reading.found.fields["gross_total"].value == "2.18"


def test_a_printed_gross_is_not_the_totals_to_follow():
    found = extract_all(document_lines([page_of(1, "Montant total 100,00 €", "Part mutuelle 60,00 €", "Reste à charge 40,00 €")]))
    assert gross_follows_total(found).fields["gross_total"].value == "100.00"
    assert gross_follows_total(found).fields["total"].value == "40.00"


def unsure(page: OcrPage, token: str, confidence: float) -> OcrPage:
    """The page with the word `token` read at `confidence`."""
    words = tuple(w.model_copy(update={"confidence": confidence}) if w.text == token else w for w in page.words)
    return page.model_copy(update={"words": words})


CARD = ("PHARMACIE DE LA GARE", "CARTE BANCAIRE", "LE 22/10/19 A 18:02:49", "MONTANT 56,95 EUR", "TICKET CLIENT")


def read_card(
    kept_confidence: float, other_confidence: float, rows: tuple[str, ...] = CARD, old: str = "56,95", new: str = "50,95"
):
    kept = unsure(page_of(1, *rows), old, kept_confidence)
    other = unsure(page_of(1, *(row.replace(old, new) for row in rows)), new, other_confidence)
    return read_proof([kept.model_copy(update={"cross_words": other.words})])


def test_a_glyph_the_other_engine_read_surer_gives_the_value_still_a_disagreement():
    reading = read_card(0.80, 0.97)
    total = reading.found.fields["total"]
    assert (total.value, total.rule.endswith(SURER_READER)) == ("50.95", True)
    assert agreement("total", total, reading.proof.other_reading) == {"cross_disagree": 1.0}  # never straight through
    assert reading.found.fields["gross_total"].value == "50.95"
    dated = ("PINECREST MEDICAL GROUP", "Miami, FL 33122", "DATE: 03/01/2026", "TOTAL USD 288.40", "APPROVED")
    reading = read_card(0.78, 1.0, dated, "03/01/2026", "03/01/2020")
    assert (reading.found.fields["date"].value, reading.found.fields["date"].rule.endswith(SURER_READER)) == ("2020-03-01", True)


def test_the_kept_reading_stays_when_the_other_is_not_surer_or_not_a_glyph_apart_or_the_change_confirms_it():
    assert read_card(0.95, 0.97).found.fields["total"].value == "56.95"  # within the margin
    assert read_card(0.80, 0.97, new="12,40").found.fields["total"].value == "56.95"  # another figure: no glyph misread
    tendered = (*CARD[:3], "MONTANT 56,95 EUR", "ESPECES 60,00 EUR", "RENDU 3,05 EUR")
    assert read_card(0.80, 0.97, tendered).found.fields["total"].value == "56.95"  # the change confirms it, not theirs
    # each reading's change confirms its own total: nothing settles it, the surer glyph is shown, in doubt
    kept = unsure(page_of(1, *tendered), "56,95", 0.80)
    theirs = unsure(page_of(1, *(r.replace("56,95", "50,95").replace("3,05", "9,05") for r in tendered)), "50,95", 0.97)
    reading = read_proof([kept.model_copy(update={"cross_words": theirs.words})])
    total = reading.found.fields["total"]
    assert total.value == "50.95" and agreement("total", total, reading.proof.other_reading) == {"cross_disagree": 1.0}
