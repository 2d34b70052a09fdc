"""Calibrated confidence: the features of a chosen value, the logistic model read from its JSON file, and
its application to a proof's fields (the hand-set confidence stays where no model covers the field)."""

from __future__ import annotations

import math

import pytest

from extractors.calibration import (
    DOUBTS,
    FIXED_CAPS,
    Calibration,
    FieldModel,
    Proof,
    calibration_from,
    default_calibration,
    doubts_of,
    field_features,
    rule_words,
)
from extractors.fields.evidence import Evidence, margin_over
from extractors.layout import document_lines
from models import BBox, Field, LineItem, OcrPage, TextSource, Word
from tests.unit.extractors.test_segment import page_of


def field(name: str, value: str, confidence: float = 0.7, rule: str = "total.label_right+tender_check") -> Field:
    return Field(value=value, raw=value, confidence=confidence, page=1, bbox=None, rule=rule)


def proof(*rows: str, items: tuple[LineItem, ...] = (), doc_type: str = "receipt") -> Proof:
    page = page_of(1, *rows)
    return Proof(document_lines([page]), [page], doc_type, items)


def item(amount: str) -> LineItem:
    return LineItem(label="x", amount=amount, raw=amount, confidence=0.9, page=1, bbox=None)


def test_rule_words_split_base_and_modifiers():
    assert rule_words("total.label_right+tender_check+rounding_check") == ["total.label_right", "tender_check", "rounding_check"]
    assert rule_words("currency.symbol:RM") == ["currency.symbol"]


def test_margin_is_the_lead_over_the_best_other_value():
    assert margin_over(1.2, []) == 1.0
    assert margin_over(1.2, [0.9, 1.0]) == pytest.approx(0.2)
    assert margin_over(0.2, [1.9]) == -1.0  # clipped


def test_a_total_is_checked_against_the_other_amounts():
    lines = proof("Coffee 4.00", "Cake 6.60", "Subtotal 10.00", "Tax 0.60", "Total 10.60", "Cash 20.00")
    features = field_features("total", field("total", "10.60"), None, lines)
    assert features["net_plus_tax"] == 1.0  # 10.00 + 0.60
    assert features["largest"] == 0.0  # the cash tendered is larger
    assert features["lines_sum"] == 0.0 and features["printed_twice"] == 0.0
    summed = proof("A 4.00", "B 6.60", "Total 10.60", "Card 10.60", items=(item("4.00"), item("6.60")))
    features = field_features("total", field("total", "10.60"), None, summed)
    assert (features["lines_sum"], features["printed_twice"], features["largest"]) == (1.0, 1.0, 1.0)


def test_an_item_row_taken_for_the_total_does_not_add_up_to_itself():
    row = BBox(x0=10, y0=100, x1=900, y1=130)
    alone = LineItem(
        label="Forfait journalier", amount="160.00", raw="Forfait journalier 160,00", confidence=0.9, page=1, bbox=row
    )
    on_it = field("total", "160.00", rule="total.largest_amount").model_copy(
        update={"bbox": BBox(x0=700, y0=102, x1=860, y1=128)}
    )
    lines = proof("Forfait journalier 160,00", items=(alone,), doc_type="hospital_bulletin")
    assert field_features("total", on_it, None, lines)["lines_sum"] == 0.0
    below = on_it.model_copy(update={"bbox": BBox(x0=700, y0=160, x1=860, y1=190)})  # a total row of its own
    assert field_features("total", below, None, lines)["lines_sum"] == 1.0


def test_features_say_how_the_page_was_read_and_how_the_value_was_chosen():
    evidence = Evidence(ocr=0.6, certainty=0.9, margin=0.3, rivals=7, repeats=2, neighbour=True)
    features = field_features(
        "date", field("date", "2026-11-02", rule="date.numeric_dmy+issue_label"), evidence, proof("Le 02/11/2026")
    )
    assert features["text_layer"] == 1.0 and features["page_conf"] == 1.0
    assert (features["ocr"], features["certainty"], features["margin"]) == (0.6, 0.9, 0.3)
    assert features["rivals"] == 1.0  # capped
    assert features["repeated"] == 1.0 and features["neighbour"] == 1.0
    assert features["rule:date.numeric_dmy"] == 1.0 and features["rule:issue_label"] == 1.0
    assert features["payment"] == 1.0 and features["charge"] == 0.0
    scanned = OcrPage(
        page=1,
        width=100,
        height=100,
        dpi=200,
        source=TextSource.OCR,
        words=(Word(text="x", confidence=0.5, bbox=BBox(x0=0, y0=0, x1=5, y1=5), block=1, line=0),),
    )
    read = field_features("currency", field("currency", "EUR"), None, Proof([], [scanned], "invoice"))
    assert (read["text_layer"], read["page_conf"], read["charge"]) == (0.0, 0.5, 1.0)


MODEL = {
    "features": ["hand", "rule:tender_check"],
    "mean": [0.5, 0.0],
    "scale": [0.25, 1.0],
    "coef": [2.0, 1.0],
    "intercept": -0.5,
}


def test_the_model_is_a_logistic_regression_over_standardised_features():
    calibration = calibration_from({"fields": {"total": MODEL}})
    model = calibration.models["total"]
    z = -0.5 + 2.0 * (0.7 - 0.5) / 0.25 + 1.0 * 1.0
    assert model.probability({"hand": 0.7, "rule:tender_check": 1.0}) == pytest.approx(1 / (1 + math.exp(-z)))
    assert model.probability({}) == pytest.approx(1 / (1 + math.exp(-(-0.5 - 2.0 * 2))))  # absent features count as 0


def test_only_the_fields_a_model_covers_are_recalibrated():
    calibration = Calibration({"total": FieldModel(("hand",), (0.5,), (0.25,), (2.0,), 0.0)})
    fields = {"total": field("total", "10.60", 0.5), "issuer": field("issuer", "SHOP", 0.42, rule="issuer.top")}
    out = calibration.apply(fields, {}, proof("Total 10.60"))
    assert out["total"].confidence == 0.5  # z = 0
    assert out["issuer"] == fields["issuer"]
    assert out["total"].model_copy(update={"confidence": 0.5}) == fields["total"]


def test_a_value_in_a_class_of_doubt_gets_at_most_the_class_cap():
    calibration = calibration_from({"fields": {"total": {**MODEL, "caps": {"guess": 0.65, "readers_disagree": 0.89}}}})
    model = calibration.models["total"]
    sure = {"hand": 1.0, "rule:tender_check": 1.0}
    assert model.probability(sure) > 0.98
    assert doubts_of({**sure, "certainty": 0.3}) == ["guess"]
    assert model.probability({**sure, "certainty": 0.3}) == 0.65  # the rule found no label: a guess
    assert model.probability({**sure, "certainty": 0.3, "cross_disagree": 1.0}) == 0.65  # the lowest cap
    assert model.probability({**sure, "certainty": 0.9, "cross_disagree": 1.0}) == 0.89
    low = {"hand": 0.1}
    assert model.probability({**low, "certainty": 0.3}) == model.probability(low) < 0.65  # a cap never raises


def test_a_model_file_without_caps_caps_nothing():
    model = calibration_from({"fields": {"total": MODEL}}).models["total"]
    assert model.caps == {}
    assert model.probability({"hand": 1.0, "rule:tender_check": 1.0, "certainty": 0.3}) > 0.98


def test_a_date_whose_order_the_page_does_not_say_is_a_coin_toss_whatever_the_file_says():
    model = calibration_from({"fields": {"total": MODEL}}).models["total"]  # no caps in the file
    sure = {"hand": 1.0, "rule:tender_check": 1.0}
    assert doubts_of({**sure, "rule:order_guess": 1.0}) == ["order_guess"]
    assert model.probability({**sure, "rule:order_guess": 1.0}) == FIXED_CAPS["order_guess"] == 0.5


def test_a_malformed_model_file_is_refused():
    with pytest.raises(ValueError, match="no 'fields'"):
        calibration_from({})
    with pytest.raises(ValueError, match="different lengths"):
        calibration_from({"fields": {"total": {**MODEL, "coef": [1.0]}}})


def test_the_shipped_models_cover_the_decisive_fields():
    shipped = default_calibration()
    assert {"date", "total"} <= set(shipped.models)
    for model in shipped.models.values():
        assert "hand" in model.features
        assert 0.0 <= model.probability({}) <= 1.0
        assert {"guess", "readers_disagree"} <= set(model.caps) <= set(DOUBTS)
        assert all(0.0 < cap < 1.0 for cap in model.caps.values())
    assert set(shipped.models["total"].caps) == set(DOUBTS) - set(FIXED_CAPS)  # a lookalike rival is a total's doubt


def test_the_checks_a_total_passes_are_counted():
    # printed twice, the lines add up to it, two printed amounts do, tendered minus change gives it (the
    # rule's tender_check)
    summed = proof("A 4.00", "B 6.60", "Total 10.60", "Card 10.60", items=(item("4.00"), item("6.60")))
    assert field_features("total", field("total", "10.60"), None, summed)["checks"] == 4.0
    bare = proof("Coffee 4.00", "Total 10.60")
    assert field_features("total", field("total", "10.60", rule="total.label_right"), None, bare)["checks"] == 0.0


def test_a_total_short_of_its_cents_is_capped_whatever_the_file_says():
    model = calibration_from({"fields": {"total": MODEL}}).models["total"]
    sure = {"hand": 1.0, "rule:tender_check": 1.0}
    assert doubts_of({**sure, "rule:cents_unread": 1.0}) == ["cents_unread"]
    assert model.probability({**sure, "rule:cents_unread": 1.0}) == FIXED_CAPS["cents_unread"] == 0.5


def test_a_total_read_in_a_table_rows_column_is_capped_whatever_the_file_says():
    model = calibration_from({"fields": {"total": MODEL}}).models["total"]
    sure = {"hand": 1.0, "rule:total.label_right": 1.0}
    assert doubts_of({**sure, "rule:table_row": 1.0}) == ["table_row"]
    assert model.probability({**sure, "rule:table_row": 1.0}) == FIXED_CAPS["table_row"] == 0.5
    assert model.probability(sure) > 0.5
