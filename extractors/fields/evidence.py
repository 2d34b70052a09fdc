"""How a field's value was chosen, beyond its hand-set confidence: what the calibration model
(extractors/calibration.py) reads besides the document itself. The rules that rank candidates (totals,
dates) say how far ahead the chosen value was; the others leave the defaults."""

from __future__ import annotations

from dataclasses import dataclass

NO_RIVAL_MARGIN = 1.0  # the margin of a value no other candidate disputes


@dataclass(frozen=True)
class Evidence:
    """The chosen value's standing among the candidates read for its field."""

    ocr: float = 1.0  # mean OCR confidence of the value's words (1: a text layer)
    certainty: float = 1.0  # the rule's own certainty, before the OCR confidence
    margin: float = NO_RIVAL_MARGIN  # its score minus the best score of a candidate with another value
    rivals: int = 0  # how many other values were candidates
    repeats: int = 1  # how many candidates read this very value
    neighbour: bool = False  # another candidate lies close to it (a date within a month): its year and month agree
    lookalike: bool = False  # another candidate differs from it by one digit OCR confuses (a total: 11,670 / 11,676)


def margin_over(best_score: float, rival_scores: list[float]) -> float:
    """The chosen candidate's lead over the best candidate of another value, in [-1, 1]."""
    if not rival_scores:
        return NO_RIVAL_MARGIN
    return max(-1.0, min(NO_RIVAL_MARGIN, best_score - max(rival_scores)))
