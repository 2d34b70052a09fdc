"""Field confidence as a calibrated probability (README "Calibrated confidence").

The extraction rules score their candidates by hand (a label's weight, a repair's penalty, the OCR
confidence of the words): those scores order the candidates well, but they do not say how often a value
so scored is wrong. For each decisive field (date, total, currency, care type, beneficiary) this module
turns what is known about the chosen value into the probability that it is right:
- its hand-set confidence, the rule's own certainty and the OCR confidence of its words;
- its lead over the best candidate of another value, how many other values were candidates, how many
  times it was read;
- the page: a text layer or OCR, which reader, the page's mean word confidence and legibility score;
- the document's role (a payment such as a receipt, a charge such as an invoice, another);
- checks by arithmetic (a total: the billed lines add up to it, a net and a tax printed add up to it,
  tendered minus change gives it, it is printed twice, it is the largest amount printed; and how many of
  these checks agree) and by agreement (a date: another date within a month);
- where two engines read the page, whether the rules choose another total or date on the other
  engine's reading (extractors/cross_reading.py);
- the words of its rule (`total.label_right`, `+tender_check`, `+ocr_repaired`...).

The model is a logistic regression per field over these features, fitted by `bench/calibrate.py` on
the develop part of the labelled sets and written to `extractors/data/calibration.json` (coefficients,
no pickled code); loading it needs no learning library.

A linear model learns little from a kind of value it has seen a handful of times: with most values
right, its intercept carries a value of a rare kind to a high probability whatever the kind's record
(a total guessed as the largest amount on a page with no total label - the first page of a longer
invoice - came out at 0.92 where such guesses are right two times in three). So each value in a class
of doubt (`DOUBTS`: the rule itself says it guessed; the two readers disagree) gets at most the
accuracy its class has had on the develop part (`FieldModel.caps`, written by the same script: the
class's right share, shrunk towards the share over every field). A field the file does not cover keeps its
hand-set confidence; so does a value read from an e-invoice's XML (set later, extractors/structured.py).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from decimal import Decimal
from functools import cache, cached_property
from itertools import combinations
from pathlib import Path

from extractors.cross_reading import OtherReading, agreement, other_lines, reading_of
from extractors.fields.amounts import cash_tendered, paid_by_tender, printed_amounts, rounding_rows
from extractors.fields.evidence import Evidence
from extractors.fields.line_items import read_on_row
from extractors.layout import Line
from models import Field, LineItem, OcrEngine, OcrPage, TextSource
from models.document_kinds import Role, kind_of

MODEL_FILE = Path(__file__).parent / "data" / "calibration.json"
CLOSE_CALL = 0.15  # a lead over the next value smaller than this: the rules almost chose otherwise
MAX_RIVALS = 5  # more rivals than this say nothing more
MAX_PAIRS = 60  # amounts searched for a net + tax pair (a long receipt's last ones)
RULE_WORD = re.compile(r"[^+]+")
GUESS_CERTAINTY = 0.5  # a rule's own certainty under this: it found no anchor for its value (no label)
# classes of doubt, decided from what the rules say of a value (not from the data): a value in one gets at
# most the accuracy the class has had (FieldModel.caps)
DOUBTS: dict[str, Callable[[Mapping[str, float]], bool]] = {
    "guess": lambda f: f.get("certainty", 1.0) < GUESS_CERTAINTY,
    "readers_disagree": lambda f: f.get("cross_disagree", 0.0) == 1.0,
    # another candidate of the field differs by one digit OCR confuses: one of the two is misread
    "lookalike": lambda f: f.get("doubt:lookalike", 0.0) == 1.0,
    # a numeric date that reads either way on a page that does not say which order it writes dates in
    # (extractors/fields/dates.py `order_unsettled`): the default order is a guess
    "order_guess": lambda f: f.get("rule:order_guess", 0.0) == 1.0,
    # a total read as a whole number where a row prints it with a dangling decimal separator
    # (extractors/fields/amounts.py `cents_unread`): its cents were lost, the value is short of them
    "cents_unread": lambda f: f.get("rule:cents_unread", 0.0) == 1.0,
    # a total label's amount that is a column of its row, not its end ("Gesamtbetrag 30,16 5,73": a VAT table's
    # net and tax with the gross lost; extractors/fields/amounts.py `_inside_a_table_row`)
    "table_row": lambda f: f.get("rule:table_row", 0.0) == 1.0,
    # a date chosen where the label naming the document's own date printed none OCR could read
    # ("Rechnungsdatum: 2ATO2T"; extractors/fields/dates.py `issue_label_unread`): the day chosen is another's
    "label_unread": lambda f: f.get("rule:label_unread", 0.0) == 1.0,
}
# classes of doubt whose cap is a fact, not a fit: a date whose day and month may be swapped is right as often
# as a coin falls, whatever the rest of its evidence says; a total short of its cents is right only when they were
# zero; a table row's column is the total only when the columns after it are not the gross; a date chosen where the
# document's own was unread is right only when both fell on one day
FIXED_CAPS = {"order_guess": 0.5, "cents_unread": 0.5, "table_row": 0.5, "label_unread": 0.5}
# the rules' own checks of a total (amounts.py)
CHECK_RULE_WORDS = frozenset({"tender_check", "rounding_check", "split_check", "deduction_check"})


@dataclass(frozen=True)
class Proof:
    """What the features read besides the field: the proof's lines, pages, kind and billed lines."""

    lines: Sequence[Line]
    pages: Sequence[OcrPage]
    doc_type: str | None
    line_items: Sequence[LineItem] = ()

    @cached_property
    def other_lines(self) -> Sequence[Line] | None:
        """The proof's lines as the other engine read them (None: no page of it was read twice)."""
        return other_lines(self.pages)

    @cached_property
    def other_reading(self) -> OtherReading | None:
        """What the other engine read of the proof, when one of its pages was read twice."""
        return None if self.other_lines is None else reading_of(self.other_lines, self.doc_type)

    @cached_property
    def printed(self) -> list[Decimal]:
        """Every amount printed on the proof, in reading order."""
        return printed_amounts(self.lines)


def rule_words(rule: str) -> list[str]:
    """The words of a rule name: its base and each modifier (`total.label_right+tender_check` ->
    `total.label_right`, `tender_check`); a modifier's detail after `:` is dropped."""
    return [word.split(":")[0] for word in RULE_WORD.findall(rule)]


def _page(pages: Sequence[OcrPage], number: int) -> OcrPage | None:
    return next((p for p in pages if p.page == number), None)


def page_features(field: Field, pages: Sequence[OcrPage]) -> dict[str, float]:
    """How the field's page was read."""
    page = _page(pages, field.page)
    if page is None:
        return {"text_layer": 0.0, "second_reader": 0.0, "page_conf": 0.0, "legibility": 0.0}
    return {
        "text_layer": float(page.source is TextSource.TEXT_LAYER),
        "second_reader": float(page.engine is OcrEngine.RAPIDOCR),
        "page_conf": page.mean_confidence if page.source is not TextSource.TEXT_LAYER else 1.0,
        "legibility": page.quality.score if page.quality is not None else 1.0,
    }


def kind_features(doc_type: str | None) -> dict[str, float]:
    """The document's role (models/document_kinds.toml: a payment such as a receipt, a charge such as an
    invoice, or another), as far as it changes what a value's score means."""
    role = kind_of(doc_type).role
    return {"payment": float(role is Role.PAYMENT), "charge": float(role is Role.CHARGE)}


def evidence_features(evidence: Evidence) -> dict[str, float]:
    """The chosen value's standing among its candidates."""
    return {
        "ocr": evidence.ocr,
        "certainty": evidence.certainty,
        "margin": evidence.margin,
        "close_call": float(evidence.margin < CLOSE_CALL),
        "rivals": min(evidence.rivals, MAX_RIVALS) / MAX_RIVALS,
        "repeated": float(evidence.repeats >= 2),
        "neighbour": float(evidence.neighbour),
        "doubt:lookalike": float(evidence.lookalike),  # a class of doubt only (DOUBTS), no feature of the model
    }


def _net_plus_tax(value: Decimal, printed: Sequence[Decimal]) -> bool:
    """Two other amounts printed add up to the value (net + tax = gross, paid + balance = total)."""
    smaller = sorted({a for a in printed[-MAX_PAIRS:] if 0 < a < value})
    return any(a + b == value for a, b in combinations(smaller, 2))


def adds_up(value: Decimal, lines: Sequence[Line], printed: Sequence[Decimal], items: Sequence[Decimal] = ()) -> bool:
    """The arithmetic of a reading (its lines and the amounts `printed` on them) gives the value: the billed
    lines add up to it, two other amounts printed do (net + tax, paid + balance), or the cash tendered minus
    the change does."""
    return (bool(items) and sum(items) == value) or _net_plus_tax(value, printed) or paid_by_tender(lines) == value


def _decimal(text: str | None) -> Decimal | None:
    try:
        return Decimal(text) if text is not None else None
    except ArithmeticError:
        return None


def settled_by_arithmetic(field: Field, proof: Proof) -> bool:
    """A total the two readings lead to different values for, that the proof's arithmetic settles for the
    kept one: the kept reading's amounts add up to it (`adds_up`), while the other reading's value is a
    misreading - the kept reading prints it nowhere, and neither reading's amounts add up to it. The sum
    is a third reading of the digits, and two engines seldom misread them into the same sum: "59.54"
    kept, the other engine's re-read "§9,54" (9.54), and 27.44 + 30.28 + 1.82 printed above. A rival
    printed in the kept reading too is another row chosen (a sub-total, an amount before a discount):
    a choice the arithmetic of one row does not settle, so it stays in doubt - except the cash handed
    over: where the kept value is the cash tendered minus the change, the rival that is the cash tendered
    is no total (it would be one only with no change given, and then both readings would agree)."""
    other, value = proof.other_reading, _decimal(field.value)
    if other is None or value is None or other.value("total") == field.value:
        return False  # read once, or no disagreement to settle
    if not adds_up(value, proof.lines, proof.printed, _items(field, proof)):
        return False
    rival = _decimal(other.value("total"))
    if rival is None or _is_cash_for(rival, value, proof.lines):
        return True
    return rival not in proof.printed and not (
        adds_up(rival, proof.lines, proof.printed) or adds_up(rival, proof.other_lines or (), other.printed)
    )


def _is_cash_for(rival: Decimal, value: Decimal, lines: Sequence[Line]) -> bool:
    """The rival is the cash tendered for the value: tendered - change = value on these lines."""
    tender = cash_tendered(lines)
    return tender is not None and tender[0] == rival and tender[0] - tender[1] == value


def settled_fields(fields: Mapping[str, Field], proof: Proof) -> frozenset[str]:
    """The decisive fields whose disagreement between the readings the proof's arithmetic settles."""
    total = fields.get("total")
    return frozenset({"total"}) if total is not None and settled_by_arithmetic(total, proof) else frozenset()


def _items(field: Field, proof: Proof) -> list[Decimal]:
    """The billed lines other than the row the total was read on: an item row taken for the total (no
    total label read) would otherwise "add up" to itself."""
    return [Decimal(i.amount) for i in proof.line_items if not read_on_row(field, i)]


def total_features(field: Field, proof: Proof) -> dict[str, float]:
    """Arithmetic checks of a total against the other amounts of the proof."""
    value = _decimal(field.value)
    if value is None:
        return {}
    printed = proof.printed
    items = _items(field, proof)
    checks = {
        "printed_twice": float(printed.count(value) >= 2),
        "lines_sum": float(bool(items) and sum(items) == value),
        "net_plus_tax": float(_net_plus_tax(value, printed)),
    }
    words = set(rule_words(field.rule))
    # how many independent checks agree: with the strong regularisation that few wrong values call for,
    # one shared weight for "one more check agrees" is learnt where five separate ones each stay small
    passed = sum(checks.values()) + len(words & CHECK_RULE_WORDS)
    return {
        "rounding_printed": float(bool(rounding_rows(proof.lines))),  # which of the rounded and unrounded was paid
        "largest": float(bool(printed) and value >= max(printed)),
        **checks,
        "checks": float(passed),
    }


def field_features(name: str, field: Field, evidence: Evidence | None, proof: Proof) -> dict[str, float]:
    """Every feature of one field's value (the model keeps those it was fitted with)."""
    features = {"hand": field.confidence, **page_features(field, proof.pages), **kind_features(proof.doc_type)}
    features.update(evidence_features(evidence or Evidence(certainty=field.confidence)))
    if name == "total":
        features.update(total_features(field, proof))
    features.update(agreement(name, field, proof.other_reading, settled=name == "total" and settled_by_arithmetic(field, proof)))
    features.update({f"rule:{word}": 1.0 for word in rule_words(field.rule)})
    return features


@dataclass(frozen=True)
class FieldModel:
    """A fitted logistic regression over named, standardised features."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    caps: Mapping[str, float] = dataclass_field(default_factory=dict)  # DOUBTS class -> the most a value in it gets

    def probability(self, features: Mapping[str, float]) -> float:
        """The probability that the value is right."""
        z = self.intercept + sum(
            c * (features.get(n, 0.0) - m) / s for n, m, s, c in zip(self.features, self.mean, self.scale, self.coef, strict=True)
        )
        return min([1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z)))), *doubt_caps(self.caps, features)])


def doubts_of(features: Mapping[str, float]) -> list[str]:
    """The classes of doubt (DOUBTS) a value's features put it in."""
    return [name for name, member in DOUBTS.items() if member(features)]


def doubt_caps(caps: Mapping[str, float], features: Mapping[str, float]) -> list[float]:
    """The caps of the classes of doubt the value is in (fitted, and those fixed by FIXED_CAPS)."""
    doubts = doubts_of(features)
    return [caps[name] for name in doubts if name in caps] + [FIXED_CAPS[name] for name in doubts if name in FIXED_CAPS]


@dataclass(frozen=True)
class Calibration:
    """The fitted models, per field name."""

    models: Mapping[str, FieldModel]

    def apply(self, fields: Mapping[str, Field], evidence: Mapping[str, Evidence], proof: Proof) -> dict[str, Field]:
        """The fields, each one the models cover with its calibrated probability as confidence."""
        out = dict(fields)
        for name, model in self.models.items():
            field = fields.get(name)
            if field is not None:
                p = model.probability(field_features(name, field, evidence.get(name), proof))
                out[name] = field.model_copy(update={"confidence": round(p, 3)})
        return out


def calibration_from(data: Mapping[str, object]) -> Calibration:
    """A Calibration from the JSON written by bench/calibrate.py."""
    fields = data.get("fields")
    if not isinstance(fields, dict):
        raise ValueError("calibration file: no 'fields' table")
    models = {
        name: FieldModel(
            tuple(m["features"]),
            tuple(m["mean"]),
            tuple(m["scale"]),
            tuple(m["coef"]),
            float(m["intercept"]),
            {str(k): float(v) for k, v in m.get("caps", {}).items()},
        )
        for name, m in fields.items()
    }
    for name, model in models.items():
        if not len(model.features) == len(model.mean) == len(model.scale) == len(model.coef):
            raise ValueError(f"calibration file: the model of {name!r} has lists of different lengths")
    return Calibration(models)


@cache
def default_calibration() -> Calibration:
    """The shipped models (an empty calibration when the file is absent: hand-set confidences stay)."""
    if not MODEL_FILE.exists():
        return Calibration({})
    return calibration_from(json.loads(MODEL_FILE.read_text(encoding="utf-8")))
