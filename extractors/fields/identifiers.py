"""Identifiers: practitioner (RPPS, ADELI), establishment (FINESS), company (SIRET, SIREN), social
security (NIR) and bank (IBAN, BIC) numbers, read next to their label or recognised by their check
digits alone.

Decisions:
- A number is read right of its label on the same row, else on the row just below. Unlabelled numbers
  are accepted only when their check digits pass and the kind is unambiguous (NIR, SIRET, RPPS starting
  with 10, IBAN); a 9-digit Luhn number could be a FINESS or a SIREN, so it needs its label. ADELI has no
  public check digit: label only.
- A labelled number of the right length whose check fails is returned anyway, so a manager sees it, with
  confidence <= 0.3 and a rule ending in `.invalid_checksum`; an unlabelled one is dropped (noise).
- OCR confusions (O->0, l/I/|->1, S->5, B->8) inside digit runs are undone only when the corrected number
  passes its check (rule suffix `.ocr_fixed`); ADELI, which has no check, is returned corrected with a low
  confidence and the rule suffix `.unverified`.
- SIREN is only returned when labelled (SIREN, RCS) and no SIRET was found.
- Values are compact: digits only (NIR keeps Corsica's 2A/2B), IBAN and BIC upper-case without spaces.
These are personal data: nothing here logs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from schwifty import BIC, IBAN
from stdnum import luhn
from stdnum.fr import nir, siren, siret

from extractors.data_files import fold
from extractors.layout import Line, lines_below
from models import Field

CONFUSABLE = str.maketrans({"O": "0", "o": "0", "D": "0", "l": "1", "I": "1", "i": "1", "|": "1", "S": "5", "s": "5", "B": "8"})
LABELS: dict[str, re.Pattern[str]] = {
    "rpps": re.compile(r"(?<![a-z])rpps(?![a-z])"),
    "adeli": re.compile(r"(?<![a-z])adeli(?![a-z])"),
    "finess": re.compile(r"(?<![a-z])finess(?:\s+(?:et|ej|geographique|juridique))?(?![a-z])"),
    "siret": re.compile(r"(?<![a-z])siret(?![a-z])"),
    "siren": re.compile(r"(?<![a-z])(?:siren|rcs(?:\s+[a-z\-]+)?(?:\s+[ab])?)(?![a-z])"),
    "nir": re.compile(
        r"(?<![a-z])(?:nir|n\s*[°o]?\s*\.?\s*(?:de\s+)?s\.?\s?s\.?|n\s*[°o]?\s*\.?\s*(?:de\s+)?(?:secu|insee)"
        r"|(?:n(?:umero|\s*[°o])?\.?\s*(?:de\s+)?)?securite\s+sociale|(?:n\s*[°o]?\s*(?:d')?)?immatriculation"
        r"|social\s+security(?:\s+n(?:o|umber)\.?)?)(?![a-z])"
    ),
    "iban": re.compile(r"(?<![a-z])iban(?![a-z])"),
    "bic": re.compile(r"(?<![a-z])(?:bic|swift)(?![a-z])"),
}
LENGTHS = {"rpps": 11, "adeli": 9, "finess": 9, "siret": 14, "siren": 9, "nir": 15}
GROUP = re.compile(r"[0-9A-Za-zÀ-ÿ|]+")
ALNUM = re.compile(r"[0-9A-Za-z|]+")
KEY_WORDS = {"cle", "clé", "key"}
JOINER = re.compile(r"[ .\-]{1,3}|\s*cl[ée]\s*:?\s*|\s*key\s*:?\s*", re.IGNORECASE)
PHONE_LABEL = re.compile(r"(t[ée]l|fax|phone|mobile|portable)\W*$", re.IGNORECASE)
# a country code and its check digits, a digit OCR read as its look-alike letter among them ("DESS" for "DE55")
IBAN_START = re.compile(r"(?<![A-Z0-9])([A-Z]{2})\s?([\dODISB|]{2})(?=[\s.\-]?[A-Z0-9])")
BIC_TOKEN = re.compile(r"(?<![A-Za-z0-9])([A-Z]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?)(?![A-Za-z0-9])")
MAX_LABEL_GAP = 28
AMOUNT_AFTER = re.compile(r"[.,]\d")
NIR_SHAPE = re.compile(r"\d{5}(?:2[AB]|\d\d)\d{8}")
CERTAINTY = {"label_right": 0.98, "label_below": 0.92, "unlabelled": 0.7}
UNLABELLED = {"nir": 0.8, "siret": 0.75, "rpps": 0.6, "iban": 0.9}
OCR_FIX_FACTOR = 0.85
INVALID_CERTAINTY = 0.3


@dataclass(frozen=True)
class Run:
    """Consecutive digit groups on a line (spaces, dots or dashes between them), with their spans."""

    line: Line
    groups: tuple[tuple[int, int], ...]

    def text(self, i: int, j: int) -> str:
        return "".join(self.line.text[s:e] for s, e in self.groups[i:j])

    def span(self, i: int, j: int) -> tuple[int, int]:
        return self.groups[i][0], self.groups[j - 1][1]


@dataclass(frozen=True)
class Candidate:
    """A number read for one key, with how sure the rule is and whether its check passed."""

    key: str
    value: str
    raw: str
    line: Line
    start: int
    end: int
    rule: str
    certainty: float
    valid: bool

    def to_field(self) -> Field:
        bbox, ocr_conf = self.line.locate(self.start, self.end)
        confidence = ocr_conf * (INVALID_CERTAINTY if not self.valid else self.certainty)
        return Field(
            value=self.value, raw=self.raw, confidence=round(confidence, 3), page=self.line.page, bbox=bbox, rule=self.rule
        )


def _is_group(token: str) -> bool:
    """A token that reads as digits once OCR confusions are undone (at least one real digit)."""
    if not any(ch.isdigit() for ch in token):
        return False
    return bool(re.fullmatch(r"[0-9OoDlIi|SsB]+|[0-9]*2[AB][0-9]*", token))


def digit_runs(line: Line, start: int = 0) -> list[Run]:
    """Runs of digit groups on a line from character `start`."""
    runs: list[Run] = []
    current: list[tuple[int, int]] = []
    last_end = -1
    for m in GROUP.finditer(line.text, start):
        if current and m.group(0).lower() in KEY_WORDS:
            continue  # "N° SS 1 85 ... 456 clé 78": the key word sits inside the number
        if not _is_group(m.group(0)):
            if current:
                runs.append(Run(line, tuple(current)))
            current, last_end = [], -1
            continue
        if current and not JOINER.fullmatch(line.text[last_end : m.start()]):
            runs.append(Run(line, tuple(current)))
            current = []
        current.append((m.start(), m.end()))
        last_end = m.end()
    if current:
        runs.append(Run(line, tuple(current)))
    return runs


def _check(key: str, number: str) -> bool:
    """Whether a compact number of the key's length passes its check digits."""
    if key == "nir":
        return nir.is_valid(number)
    if not number.isdigit():
        return False
    if key == "siret":
        return siret.is_valid(number)
    if key == "siren":
        return siren.is_valid(number)
    if key in ("rpps", "finess"):
        return luhn.is_valid(number)
    return key == "adeli"


def _readings(key: str, raw: str) -> Iterator[tuple[str, bool]]:
    """Compact readings of a raw number: as printed, then with OCR confusions undone (fixed=True)."""
    yield raw.upper() if key == "nir" else raw, False
    if key == "nir" and len(raw) == 15 and raw[5:7].upper() in ("2A", "2B"):
        yield (raw[:5].translate(CONFUSABLE) + raw[5:7].upper() + raw[7:].translate(CONFUSABLE)), True
    yield raw.translate(CONFUSABLE), True


def _judge(key: str, raw: str) -> tuple[str, bool, str] | None:
    """(value, valid, rule suffix) for a raw number of the key's length, None if it cannot be one."""
    readings = list(_readings(key, raw))
    for value, fixed in readings:
        if (value.isdigit() or key == "nir") and _check(key, value):
            if key == "adeli" and fixed:
                return value, False, ".unverified"
            return value, True, ".ocr_fixed" if fixed else ""
    plain = readings[-1][0]
    if not (plain.isdigit() or (key == "nir" and NIR_SHAPE.fullmatch(readings[1][0]))):
        return None
    if key == "nir" and not plain.isdigit():
        plain = readings[1][0]
    if key == "adeli":
        return plain, False, ".unverified"
    return plain, False, ".invalid_checksum"


def _from_run(key: str, run: Run, where: str, whole: bool) -> Candidate | None:
    """The key's number at the start of a run (or the whole run when `whole`)."""
    ends = [len(run.groups)] if whole else range(1, len(run.groups) + 1)
    for j in ends:
        raw = run.text(0, j)
        if len(raw) != LENGTHS[key]:
            continue
        judged = _judge(key, raw)
        if judged is None:
            continue
        value, valid, suffix = judged
        start, end = run.span(0, j)
        certainty = CERTAINTY[where] * (OCR_FIX_FACTOR if suffix == ".ocr_fixed" else 1.0)
        if where == "label_right" and key == "adeli" and valid:
            certainty = 0.9  # nothing to check it against
        return Candidate(key, value, run.line.text[start:end], run.line, start, end, f"{key}.{where}{suffix}", certainty, valid)
    return None


def _labels_in(line: Line) -> list[tuple[str, int, int]]:
    """(key, start, end) of every identifier label on a line, left to right."""
    folded = fold(line.text)
    found = [(key, m.start(), m.end()) for key, pattern in LABELS.items() for m in pattern.finditer(folded)]
    return sorted(found, key=lambda f: f[1])


def _labelled_numbers(lines: Sequence[Line]) -> list[Candidate]:
    """Numbers read right of (or just below) their label."""
    found: list[Candidate] = []
    for line in lines:
        labels = _labels_in(line)
        for key, _, end in labels:
            if key not in LENGTHS:
                continue
            candidate = _right_of(key, line, end, lines)
            if candidate is None and not digit_runs(line, end):
                candidate = _below(key, lines, line)
            if candidate is not None:
                found.append(candidate)
    return found


def _right_of(key: str, line: Line, end: int, lines: Sequence[Line] = ()) -> Candidate | None:
    for run in digit_runs(line, end):
        if run.groups[0][0] - end > MAX_LABEL_GAP:
            return None
        candidate = _from_run(key, run, "label_right", whole=False) or _wrapped(key, lines, run)
        if candidate is not None:
            return candidate
    return None


WRAPPED_FACTOR = 0.95  # a number read across a row's end: its check digits passed, its two halves joined


def _wrapped(key: str, lines: Sequence[Line], run: Run) -> Candidate | None:
    """A number the row's end cut in two (prose: "n° de sécurité sociale 1 96 02 35" / "141 976 88, employé
    en..."): its groups end the label's row, the rest opens the next row; taken only when the whole passes
    its check digits."""
    line = run.line
    head = run.text(0, len(run.groups))
    if not lines or len(head) >= LENGTHS[key] or line.text[run.groups[-1][1] :].strip(" .,;:"):
        return None
    for below in lines_below(lines, line, max_lines=1):
        runs = digit_runs(below)
        if not runs or below.text[: runs[0].groups[0][0]].strip():
            return None
        for j in range(1, len(runs[0].groups) + 1):
            raw = head + runs[0].text(0, j)
            judged = _judge(key, raw) if len(raw) == LENGTHS[key] else None
            if judged is not None and judged[1]:
                start, end = run.span(0, len(run.groups))
                value, _, suffix = judged
                certainty = CERTAINTY["label_right"] * WRAPPED_FACTOR * (OCR_FIX_FACTOR if suffix == ".ocr_fixed" else 1.0)
                return Candidate(key, value, raw, line, start, end, f"{key}.label_right_wrapped{suffix}", certainty, True)
    return None


def _below(key: str, lines: Sequence[Line], line: Line) -> Candidate | None:
    for below in lines_below(lines, line, max_lines=1):
        for run in digit_runs(below)[:2]:
            candidate = _from_run(key, run, "label_below", whole=False)
            if candidate is not None:
                return candidate
    return None


def _plausible_unlabelled(key: str, run: Run, value: str) -> bool:
    """Shapes an unlabelled number must have: RPPS starts with 10, SIRET printed whole or as 3-3-3-5 / 9-5."""
    if key == "rpps":
        return value.startswith("10")
    if key == "siret":
        return [e - s for s, e in run.groups] in ([14], [3, 3, 3, 5], [9, 5])
    return True


def _unlabelled_numbers(lines: Sequence[Line], taken: set[tuple[int, int]]) -> list[Candidate]:
    """Whole digit runs that pass the check of an unambiguous kind (NIR, SIRET, RPPS)."""
    found: list[Candidate] = []
    for line in lines:
        for run in digit_runs(line):
            start = run.groups[0][0]
            after_phone = PHONE_LABEL.search(line.text[:start]) or line.text[max(0, start - 1) : start] == "+"
            in_amount = AMOUNT_AFTER.match(line.text, run.groups[-1][1])  # "8809059300708 7,90": EAN + price
            if (line.index, start) in taken or after_phone or in_amount:
                continue
            for key in ("nir", "siret", "rpps"):
                candidate = _from_run(key, run, "unlabelled", whole=True)
                if candidate is None or not candidate.valid or not _plausible_unlabelled(key, run, candidate.value):
                    continue
                certainty = UNLABELLED[key] * (OCR_FIX_FACTOR if candidate.rule.endswith(".ocr_fixed") else 1.0)
                found.append(replace(candidate, certainty=certainty))
                break
    return found


def _iban_at(line: Line, m: re.Match[str]) -> tuple[str, int, bool, bool]:
    """(compact IBAN, end, valid, fixed) from a country code + check digits: the first prefix that
    validates, else the whole alphanumeric run (invalid)."""
    check = m.group(2).translate(CONFUSABLE)
    text, end, head_fixed = m.group(1) + check, m.end(2), check != m.group(2)
    for g in ALNUM.finditer(line.text, m.end(2)):
        if not re.fullmatch(r"[ .\-]?", line.text[end : g.start()]) or len(text) + len(g.group(0)) > 34:
            break
        text, end = text + g.group(0).upper(), g.end()
        for value, fixed in ((text, head_fixed), (text[:4] + text[4:].translate(CONFUSABLE), True)):
            if len(value) >= 15 and _valid_iban(value):
                return value, end, True, fixed
    return text, end, False, head_fixed


def _valid_iban(value: str) -> bool:
    try:
        IBAN(value)
    except ValueError:
        return False
    return True


# A BIC names its bank's country, and an account's BIC is that of its IBAN's country almost always (Monaco's
# or an overseas territory's accounts aside): a labelled BIC of another country than the page's IBAN is
# more likely a word of BIC shape read after the label (a name, a town) - kept, for a person to check.
BIC_COUNTRY_MISMATCH = 0.5


def _valid_bic(value: str) -> BIC | None:
    try:
        return BIC(value)
    except ValueError:
        return None


def _ibans(lines: Sequence[Line]) -> list[Candidate]:
    """Every valid IBAN, labelled (IBAN on its row or the row above) or not; a labelled invalid one too."""
    found: list[Candidate] = []
    for line in lines:
        upper = line.text.upper()
        for m in IBAN_START.finditer(upper if len(upper) == len(line.text) else line.text):
            value, end, valid, fixed = _iban_at(line, m)
            labelled = any(k == "iban" and e <= m.start() for k, _, e in _labels_in(line)) or _label_above(lines, line, "iban")
            if not valid and not (labelled and len(value) >= 15 and not fixed):
                continue  # an invalid run is reported at its label only as printed, never from look-alike letters
            where = "label_right" if labelled else "unlabelled"
            certainty = (CERTAINTY[where] if labelled else UNLABELLED["iban"]) * (OCR_FIX_FACTOR if fixed else 1.0)
            rule = f"iban.{where}{'.ocr_fixed' if fixed else ''}{'' if valid else '.invalid_checksum'}"
            found.append(Candidate("iban", value, line.text[m.start() : end], line, m.start(), end, rule, certainty, valid))
    return found


def _label_above(lines: Sequence[Line], line: Line, key: str) -> bool:
    """Whether the previous row of the same page carries the key's label."""
    previous = [other for other in lines if other.index < line.index and other.page == line.page][-1:]
    return any(k == key for other in previous for k, _, _ in _labels_in(other))


def _bics(lines: Sequence[Line], ibans: Sequence[Candidate]) -> list[Candidate]:
    """Valid BICs next to a BIC/SWIFT label, or within two rows of an IBAN of the same country."""
    found: list[Candidate] = []
    countries = {(c.line.page, c.value[:2]): c.line.index for c in ibans if c.valid}
    iban_pages = {page for page, _ in countries}
    for line in lines:
        label_ends = [e for k, _, e in _labels_in(line) if k == "bic"]
        above = _label_above(lines, line, "bic")
        for m in BIC_TOKEN.finditer(line.text):
            labelled = above or any(e <= m.start() for e in label_ends)
            bic = _valid_bic(m.group(1))
            if bic is None:
                continue
            near = countries.get((line.page, bic.country_code))
            if labelled:
                rule, certainty = "bic.label_right", CERTAINTY["label_right"]
            elif near is not None and abs(near - line.index) <= 2:
                rule, certainty = "bic.near_iban", 0.8
            else:
                continue
            if line.page in iban_pages and near is None:  # a word of BIC shape ("BRIGITTE": IT) beside a French IBAN
                rule, certainty = rule + "+country_mismatch", certainty * BIC_COUNTRY_MISMATCH
            found.append(Candidate("bic", bic.compact, m.group(1), line, m.start(), m.end(), rule, certainty, True))
    return found


def _rank(candidate: Candidate) -> tuple[bool, float, int]:
    return candidate.valid, candidate.certainty * candidate.line.locate(candidate.start, candidate.end)[1], -candidate.line.index


def _best(candidates: Sequence[Candidate]) -> dict[str, Candidate]:
    """Per key: a valid number before an invalid one, then the surest, then the first printed."""
    best: dict[str, Candidate] = {}
    for candidate in candidates:
        current = best.get(candidate.key)
        if current is None or _rank(candidate) > _rank(current):
            best[candidate.key] = candidate
    return best


def extract_identifiers(lines: Sequence[Line]) -> dict[str, Field]:
    """Identifiers found in the document's lines, by key (rpps, adeli, finess, siret, siren, nir, iban, bic)."""
    labelled = _labelled_numbers(lines)
    taken = {(c.line.index, c.start) for c in labelled}
    ibans = _ibans(lines)
    candidates = [*labelled, *_unlabelled_numbers(lines, taken), *ibans, *_bics(lines, ibans)]
    best = _best(candidates)
    if "siret" in best and best["siret"].valid:
        best.pop("siren", None)
    return {key: candidate.to_field() for key, candidate in best.items()}
