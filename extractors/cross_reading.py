"""What the other engine read of a decisive value (README "Calibrated confidence").

Where two engines read a page (accurate mode, extractors/second_reader.py), the page keeps the other
engine's words beside its own (`OcrPage.cross_words`). The same rules applied to that other reading
choose a total and a date too. A value both readings lead to is surer than one only the kept reading
does: a digit misread (`753.70` for `758.70`) is rarely misread the same way by two engines trained
apart, and a total the other reading chooses differently (a sub-total, a misread label) was a close
call. A page Tesseract alone read has its decisive values' boxes re-read (`OcrPage.cross_regions`): its
other reading is its own words with those boxes' words replaced. The calibration
(extractors/calibration.py) reads it as one feature, `cross_disagree`: the other reading chose another
value, or none. A total the proof's arithmetic settles for the kept reading (its sum, net + tax or cash
minus change gives it, while the other reading's value is a misreading printed nowhere in the kept one:
calibration.py `settled_by_arithmetic`) is `cross_settled` instead, and is not held back; so is a total read at
a label whose amount the other reading prints too while it read no total label at all (`_no_label_read`).
A proof none of whose pages was read twice has no other reading and no such feature. A date or total
the kept reading missed and the other found is taken from it (`fill_missing`), its confidence capped
once calibrated (`cap_unconfirmed`): a value to show a manager, not one to trust alone. A total the other
reading reads one confusable digit away, that value printed elsewhere on the kept reading too (a card slip's
AMOUNT), is taken from the other reading (`outvoted_total`: two readings against one), and stays in doubt.
A date or total the engines read one confusable glyph apart is the reading of the engine surer of its words
there (`surer_reading`), still a disagreement; a gross total that is the total itself follows the total so
settled (`gross_follows_total`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from extractors.fields.amounts import glyphs_alike, looks_alike, printed_amounts, rank_total
from extractors.fields.dates import printed_order, rank_date
from extractors.fields.evidence import Evidence
from extractors.fields.extract import Extraction
from extractors.fields.line_items import SAME_AS_TOTAL
from extractors.fields.locale_hints import locale_hint
from extractors.layout import Line, document_lines
from models import BBox, Field, OcrPage, Word
from models.document_kinds import kind_of

OTHER_READER = "+other_reader"  # the rule modifier of a value only the other reading found
# the rule modifier of a date or total the other reading leads elsewhere: two engines do not agree on it,
# so it never goes to adjudication unchecked (validators/straight_through.py), whatever its confidence
READERS_DISAGREE = "+readers_disagree"
OTHER_READER_CAP = 0.5  # the highest confidence of such a value: the reading not kept, unconfirmed
COMPARED = ("date", "total")
# An other reading that found no date at all has not read another one: dates glued to a time or a register
# number, or cut by the crop of a re-read box, are often missed by one engine (develop parts: 21 of 21 dates
# the other reading missed were right). A total is compared unless the kept one was read at a label and the
# other reading read none though it printed the kept amount (`_no_label_read`).
MISS_IS_NO_CONTRADICTION = frozenset({"date"})
# The rule a total is chosen by where no total label is read at all: the largest amount with cents.
UNLABELLED_TOTAL = "total.largest_amount"


@dataclass(frozen=True)
class OtherReading:
    """The date and total the rules choose on the other engine's reading of a proof (absent: none)."""

    ranked: Mapping[str, tuple[Field, Evidence]]
    printed: tuple[Decimal, ...] = ()  # every amount the other reading prints, in reading order

    def value(self, name: str) -> str | None:
        """The value the other reading leads to for a field (None: it found none)."""
        found = self.ranked.get(name)
        return found[0].value if found else None


def _inside(word: Word, regions: Sequence[BBox]) -> bool:
    x, y = (word.bbox.x0 + word.bbox.x1) / 2, (word.bbox.y0 + word.bbox.y1) / 2
    return any(r.x0 <= x <= r.x1 and r.y0 <= y <= r.y1 for r in regions)


def other_words(page: OcrPage) -> tuple[Word, ...]:
    """The page as the other engine read it: its whole reading, or - when it re-read only the decisive
    values' boxes - the kept words with those boxes' words replaced by its own."""
    if not page.cross_regions:
        return page.cross_words or page.words
    kept = tuple(w for w in page.words if not _inside(w, page.cross_regions))
    return kept + page.cross_words


def other_lines(pages: Sequence[OcrPage]) -> list[Line] | None:
    """The proof's lines as the other engine read them (a page read once keeps its own words), or
    None when no page of it was read twice."""
    if not any(page.cross_words or page.cross_regions for page in pages):
        return None
    return document_lines([page.model_copy(update={"words": other_words(page)}) for page in pages])


def other_reading(pages: Sequence[OcrPage], doc_type: str | None) -> OtherReading | None:
    """What the rules choose on the other reading of a proof (None: no page of it was read twice)."""
    lines = other_lines(pages)
    return None if lines is None else reading_of(lines, doc_type)


def reading_of(lines: Sequence[Line], doc_type: str | None) -> OtherReading:
    """What the rules choose on the other engine's lines of a proof."""
    month_first = printed_order(lines, locale_hint(lines).month_first)
    ranked = {
        "date": rank_date(lines, month_first=month_first, doc_type=doc_type),
        "total": rank_total(lines) if kind_of(doc_type).may_bill else None,
    }
    return OtherReading({name: found for name, found in ranked.items() if found is not None}, tuple(printed_amounts(lines)))


def fill_missing(found: Extraction, other: OtherReading | None) -> Extraction:
    """The extraction with the date and total the kept reading missed and the other reading found (a
    date glued to a register number, "#19536001/06/2018", that the other engine read apart): marked
    `+other_reader`, its agreement with the other reading not counted as a confirmation (and its
    confidence capped: `cap_unconfirmed`)."""
    missing = {name: ranked for name, ranked in (other.ranked if other else {}).items() if name not in found.fields}
    if not missing:
        return found
    fields, evidence = dict(found.fields), dict(found.evidence)
    for name, (value, how) in missing.items():
        fields[name] = value.model_copy(update={"rule": value.rule + OTHER_READER})
        evidence[name] = how
    return replace(found, fields=fields, evidence=evidence)


READERS_VOTE = "+readers_vote"  # the rule modifier of a total two readings gave against one
ROUNDING_STEPS = (Decimal("0.05"), Decimal("0.10"))  # what a total is rounded to where cash is (5 or 10 cents)


def rounded_to(value: Decimal, rounded: Decimal) -> bool:
    """`rounded` is `value` rounded to the nearest step of ROUNDING_STEPS (26.82 -> 26.80, 23.26 -> 23.25)."""
    return value != rounded and any(
        (value / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step == rounded for step in ROUNDING_STEPS
    )


def _a_rounding(kept: Field, other: Field) -> bool:
    """Two totals that are a sum and its rounding, not a misread: the kept one read by a rounding rule, or
    one the other rounded to 5 or 10 cents (both are printed, and which one was paid is the rounding rules'
    call) - not 20.96 and 20.90, six cents apart: no rounding to the nearest 5 or 10 cents goes so far."""
    a, b = Decimal(kept.value), Decimal(other.value)
    return "round" in kept.rule or rounded_to(a, b) or rounded_to(b, a)


def outvoted_total(found: Extraction, other: OtherReading | None, lines: Sequence[Line]) -> Extraction:
    """The extraction with its total replaced by the other reading's where that one is a lookalike of it
    (one digit OCR confuses apart: `$518.63` / `$518.03`) printed elsewhere on the kept reading too (a card
    slip's AMOUNT beside its TOTAL): two readings give it, one the kept value - a bold TOTAL row's 0 read as
    a 6. Not a total and its rounding (`23.25` / `23.26`, `_a_rounding`: both are printed,
    and which one was paid is the rounding rules' call). The value stays in the `lookalike` class of doubt:
    a manager's, never straight through."""
    kept, theirs = found.fields.get("total"), other.ranked.get("total") if other else None
    how = found.evidence.get("total")
    if kept is None or theirs is None or how is None or not how.lookalike or _a_rounding(kept, theirs[0]):
        return found
    value = Decimal(theirs[0].value)
    if not looks_alike(Decimal(kept.value), value):
        return found
    if value not in printed_amounts(lines):
        return found
    fields = {**found.fields, "total": theirs[0].model_copy(update={"rule": kept.rule + READERS_VOTE})}
    evidence = {**found.evidence, "total": replace(theirs[1], lookalike=True)}
    return replace(found, fields=fields, evidence=evidence)


SURER_READER = "+surer_reader"  # the rule modifier of a value taken from the engine surer of its glyphs
SURER_MARGIN = 0.05  # how much higher the other engine's word confidence must be


def surer_reading(found: Extraction, other: OtherReading | None, name: str, settled: Collection[str] = ()) -> Extraction:
    """The extraction with a date or total the two engines read one confusable glyph apart (`2026-03-01` /
    `2020-03-01`, `56,95` / `50,95`) taken from the engine surer of the words it read there (its word
    confidence SURER_MARGIN higher), when its rule is as sure. Not a total and its rounding (as
    `outvoted_total`), nor a value the proof's arithmetic settles (`settled`: extractors/calibration.py
    `settled_fields`). The engines still disagree: `agreement` says so, and the value is never straight
    through - the manager is shown the likelier reading."""
    kept, how = found.fields.get(name), found.evidence.get(name)
    theirs = other.ranked.get(name) if other else None
    if kept is None or how is None or theirs is None or name in settled:
        return found
    value, their_how = theirs
    if not glyphs_alike(kept.value, value.value) or their_how.ocr < how.ocr + SURER_MARGIN or their_how.certainty < how.certainty:
        return found
    if name == "total" and _a_rounding(kept, value):
        return found
    fields = {**found.fields, name: value.model_copy(update={"rule": kept.rule + SURER_READER})}
    evidence = {**found.evidence, name: replace(their_how, lookalike=True)}
    return replace(found, fields=fields, evidence=evidence)


def gross_follows_total(found: Extraction) -> Extraction:
    """The extraction with its gross total set again to its total where the gross is the total itself (no
    split printed: SAME_AS_TOTAL) and the cross reading changed or filled the total - a total two readings
    voted for, its gross left with the misread value."""
    total, gross = found.fields.get("total"), found.fields.get("gross_total")
    if total is None or (gross is not None and (gross.rule != SAME_AS_TOTAL or gross.value == total.value)):
        return found
    return replace(found, fields={**found.fields, "gross_total": total.model_copy(update={"rule": SAME_AS_TOTAL})})


def cap_unconfirmed(fields: Mapping[str, Field]) -> dict[str, Field]:
    """The fields, those only the other reading found with their confidence capped at OTHER_READER_CAP:
    read on the reading the page did not keep, and by nothing else, they go to a manager with the value
    filled in, never straight through."""
    return {
        name: value.model_copy(update={"confidence": min(value.confidence, OTHER_READER_CAP)})
        if OTHER_READER in value.rule
        else value
        for name, value in fields.items()
    }


def mark_disagreements(
    fields: Mapping[str, Field], other: OtherReading | None, settled: Collection[str] = ()
) -> dict[str, Field]:
    """The fields, a date or total the other reading leads to another value for marked READERS_DISAGREE
    (after calibration: the mark is no feature, the disagreement is one already) - unless the proof's
    arithmetic settled it for the kept value (`settled`, extractors/calibration.py `settled_fields`)."""
    return {
        name: value.model_copy(update={"rule": value.rule + READERS_DISAGREE})
        if agreement(name, value, other, settled=name in settled).get("cross_disagree") == 1.0
        else value
        for name, value in fields.items()
    }


def _no_label_read(name: str, value: Field, other: OtherReading) -> bool:
    """Whether the other reading read the kept total's amount but no total label: it fell back on the largest
    amount (UNLABELLED_TOTAL) while printing the kept one too, which was read at a label. That engine read the
    same digits and missed every label (a receipt's "TOTAL" glued, cut or smudged): its guess contradicts
    nothing, as an other reading that found no date. An other reading that does not print the kept amount
    has not confirmed its digits and stays a disagreement (on the develop parts of fifteen sets 28 of 28
    totals the other reading's fallback or nothing contradicted were right, but released on the scored
    parts they kept 1 wrong of 6: the digits confirmed is the safe half)."""
    if name != "total" or value.rule.startswith(UNLABELLED_TOTAL):
        return False
    ranked = other.ranked.get(name)
    try:
        printed = Decimal(value.value) in other.printed
    except ArithmeticError:
        return False
    return ranked is not None and ranked[0].rule.startswith(UNLABELLED_TOTAL) and printed


def agreement(name: str, value: Field, other: OtherReading | None, *, settled: bool = False) -> dict[str, float]:
    """Whether the other reading leads to another value for a date or total (empty: no other reading,
    another field, or a value taken from the other reading). A disagreement the proof's arithmetic
    settles for the kept value (`settled`) is `cross_settled`, not `cross_disagree`; an other reading
    that found no date at all contradicts nothing (`cross_missing`, MISS_IS_NO_CONTRADICTION)."""
    if other is None or name not in COMPARED or OTHER_READER in value.rule:
        return {}
    found = other.value(name)
    if (found is None and name in MISS_IS_NO_CONTRADICTION) or _no_label_read(name, value, other):
        return {"cross_disagree": 0.0, "cross_missing": 1.0}
    differs = found != value.value or SURER_READER in value.rule  # the kept engine read another value
    return {"cross_disagree": float(differs and not settled), **({"cross_settled": 1.0} if differs and settled else {})}
