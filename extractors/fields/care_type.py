"""Care type from a fixed taxonomy (extractors/data/care_types.toml): keyword scores, the issuer's
header counting double, returned as a Field with the deciding words as its raw text."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from functools import cache

from extractors.data_files import fold, one_letter_apart
from extractors.keywords import CARE_TYPES
from extractors.layout import Line, union_boxes
from models import Field

HEADER_LINES = 8
HEADER_WEIGHT = 3.0
# A prescription's care is what it prescribes, not who wrote it: the prescriber's words do not count.
PRESCRIBER_TYPES = {"general_practitioner", "specialist"}
MIN_SCORE = 2.0
# A prescription always prescribes something: once its prescriber's specialty is set aside, what is left
# names it, and a weaker cue suffices ("1 comprimé le matin", "QSP 1 mois": medicines). Said with the low
# confidence a weak score gives.
PRESCRIPTION_MIN_SCORE = 1.0
TAXONOMY = (
    "pharmacy",
    "laboratory",
    "physiotherapy",
    "imaging",
    "hospitalisation",
    "general_practitioner",
    "specialist",
    "dental",
    "optical",
    "hearing",
    "nursing",
    "alternative_medicine",
    "spa_cure",
    "medical_equipment",
    "transport",
    "other",
)


def _unhyphened(text: str) -> str:
    """A hyphen read as a space: "soins-programmés" is "soins programmés", "in-patient" "in patient"."""
    return text.replace("-", " ")


@cache
def _patterns() -> dict[str, tuple[tuple[re.Pattern[str], float, str], ...]]:
    return {
        kind: tuple(
            (re.compile(rf"(?<![a-z0-9]){re.escape(_unhyphened(word))}(?![a-z0-9])"), float(weight), _unhyphened(word))
            for word, weight in words.items()
        )
        for kind, words in CARE_TYPES.tables().items()
    }


# A compound's head names what it is ("Löwenapotheke", "Stadtdrogerie", an issuer's name OCR glued into one
# word, "LAKEVIEWDRUGSTORE"): a strong, long word of the taxonomy ending a longer word of the issuer's header
# counts as that word. Short ones ("irm", "orl", "dental" - "accidental") never do.
COMPOUND_MIN_WEIGHT = 3.0
COMPOUND_MIN_LENGTH = 7
COMPOUND_MIN_PREFIX = 3


@cache
def _compound_heads() -> dict[str, tuple[tuple[re.Pattern[str], float, str], ...]]:
    return {
        kind: tuple(
            (re.compile(rf"(?<![a-z0-9])[a-z]{{{COMPOUND_MIN_PREFIX},}}{re.escape(word)}(?![a-z0-9])"), float(weight), word)
            for word, weight in words.items()
            if float(weight) >= COMPOUND_MIN_WEIGHT and len(word) >= COMPOUND_MIN_LENGTH and word.isalpha() and word.isascii()
        )
        for kind, words in CARE_TYPES.tables().items()
    }


def _compound_hits(kind: str, header: Sequence[str], found: set[str]) -> list[tuple[float, str, int]]:
    """(weight, word, line index) of the taxonomy's words heading a compound in the header's lines, each word
    once and not where the word itself is already found."""
    hits = []
    for pattern, weight, word in _compound_heads().get(kind, ()):
        if word in found:
            continue
        line = next((i for i, text in enumerate(header) if word in text and pattern.search(text)), None)
        if line is not None:
            hits.append((weight, word, line))
    return hits


# A long, strong word of the taxonomy OCR misread by one letter in the issuer's header ("Aligemeinmedizin" for
# "Allgemeinmedizin" on a blurred scan) still names the care: two words this long one letter apart are the same
# word misread, not two words - unless the taxonomy holds a word of another care one letter away ("hausarztpraxis",
# a general practice, "hautarztpraxis", a dermatologist's): such words are only ever read exactly. Shorter words
# never count: one letter sets many of them apart.
MISREAD_MIN_LENGTH = 10


@cache
def _misread_words() -> dict[str, tuple[tuple[float, str], ...]]:
    tables = CARE_TYPES.tables()
    return {
        kind: tuple(
            (float(weight), word)
            for word, weight in words.items()
            if float(weight) >= COMPOUND_MIN_WEIGHT
            and len(word) >= MISREAD_MIN_LENGTH
            and word.isalpha()
            and word.isascii()
            and not any(one_letter_apart(word, other) for k, t in tables.items() if k != kind for other in t)
        )
        for kind, words in tables.items()
    }


@cache
def _taxonomy_words() -> frozenset[str]:
    return frozenset(word for words in CARE_TYPES.tables().values() for word in words)


def _unknown_long_words(header: Sequence[str]) -> list[tuple[int, str]]:
    """(line index, word) of the header's words long enough to be a taxonomy word misread by one letter; a word
    of the taxonomy read right is no misreading of its neighbour."""
    known = _taxonomy_words()
    return [
        (i, token)
        for i, text in enumerate(header)
        for token in re.findall(rf"[a-z]{{{MISREAD_MIN_LENGTH - 1},}}", text)
        if token not in known
    ]


def _misread_hits(kind: str, tokens: Sequence[tuple[int, str]], found: set[str]) -> list[tuple[float, str, int]]:
    """(weight, word, line index) of the taxonomy's long words the header prints one letter off (`tokens`:
    _unknown_long_words), each word once and not where the word itself is already found."""
    hits = []
    for weight, word in _misread_words().get(kind, ()):
        line = next((i for i, token in tokens if one_letter_apart(token, word)), None) if word not in found else None
        if line is not None:
            hits.append((weight, word, line))
    return hits


RUNNING_HEADER_LINES = 2  # the first rows of a later page: where a document repeats its issuer and title


def _running_headers(lines: Sequence[Line]) -> set[int]:
    """The indexes of the rows heading a page after the first: a running header repeating the issuer's name
    and the title ("Toronto General Hospital - Hospital Invoice"), no new evidence of the care."""
    seen: dict[int, int] = {}
    heads = set()
    for i, line in enumerate(lines):
        seen[line.page] = seen.get(line.page, 0) + 1
        if line.page != lines[0].page and seen[line.page] <= RUNNING_HEADER_LINES:
            heads.add(i)
    return heads


def care_scores(lines: Sequence[Line]) -> dict[str, tuple[float, list[tuple[str, Line]]]]:
    """Score and the (word, line) evidence for every care type; a word a later page's running header repeats
    counts once (its hits on the first page)."""
    folded = [_unhyphened(fold(line.text)) for line in lines]
    heads = _running_headers(lines)
    # the issuer's header: the first rows of the first page (a prefix of the lines, so its indexes are theirs)
    header = folded[: sum(1 for line in lines[:HEADER_LINES] if line.page == lines[0].page)]
    unknown = _unknown_long_words(header)
    scores: dict[str, tuple[float, list[tuple[str, Line]]]] = {}
    for kind, patterns in _patterns().items():
        total, evidence = 0.0, []
        for pattern, weight, word in patterns:
            hits = [i for i, text in enumerate(folded) if word in text and pattern.search(text)]  # substring first: C speed
            if any(i not in heads for i in hits):
                hits = [i for i in hits if i not in heads]
            if hits:
                in_header = lines[hits[0]].page == lines[0].page and hits[0] < HEADER_LINES
                total += weight * (1 + math.log(len(hits))) * (HEADER_WEIGHT if in_header else 1)
                evidence.append((word, lines[hits[0]]))
        for weight, word, line in _compound_hits(kind, header, {w for w, _ in evidence}):
            total += weight * HEADER_WEIGHT
            evidence.append((word, lines[line]))
        for weight, word, line in _misread_hits(kind, unknown, {w for w, _ in evidence}):
            total += weight * HEADER_WEIGHT
            evidence.append((word, lines[line]))
        scores[kind] = (total, evidence)
    return scores


def extract_care_type(lines: Sequence[Line], doc_type: str | None = None) -> Field | None:
    """The care type as a Field (`other` with a low confidence when no word decides)."""
    if not lines:
        return None
    scores = care_scores(lines)
    if doc_type == "prescription":
        scores = {kind: value for kind, value in scores.items() if kind not in PRESCRIBER_TYPES}
    kind, (best, evidence) = max(scores.items(), key=lambda item: item[1][0])
    if best < (PRESCRIPTION_MIN_SCORE if doc_type == "prescription" else MIN_SCORE):
        return Field(value="other", raw="", confidence=0.3, page=lines[0].page, bbox=None, rule="care_type.no_keyword")
    runner_up = max((s for k, (s, _) in scores.items() if k != kind), default=0.0)
    certainty = min(1.0, 0.5 + 0.5 * (best - runner_up) / best) * min(1.0, best / 6)
    first_line = evidence[0][1]
    boxes = [line.bbox for _, line in evidence if line.page == first_line.page]
    return Field(
        value=kind,
        raw=", ".join(word for word, _ in evidence[:5]),
        confidence=round(certainty, 3),
        page=first_line.page,
        bbox=union_boxes(boxes),
        rule="care_type.keywords",
    )
