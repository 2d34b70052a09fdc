"""Parties: who issued the document (shop, pharmacy, clinic, practitioner), the practitioner named on it,
and the beneficiary (patient / insured person) with their birth date.

Rules first (header position, legal forms, establishment words, labels and titles from
extractors/data/parties.toml); spaCy's fr_core_news_sm, when it can be loaded, only confirms or finds
person (PER: certainty up, rule suffix `.spacy_per`) and organisation (ORG: a header row bonus,
`issuer.spacy_org`) names, in ONE call per document on the header rows plus the rows holding a party
label. Without the model every rule name ends in `.rules_only`.

Decisions:
- The issuer is read from the first rows of the first page: the best-scored "name-like" row (a legal form
  or an establishment word scores high, the first meaningful row gets a bonus), skipping titles, dates,
  addresses, phone and registration rows. Registration numbers in brackets are cut off, a name split over
  two rows ("POPULAR BOOK" / "CO. (M) SDN BHD") is joined, and a misread "SDN BHD" / "S/B" at the end of
  the name is repaired (value) while `raw` keeps the row as read.
- A beneficiary after a label (Patient, Bénéficiaire, Assuré, Nom) beats one after a civil title
  (Mme, M., Mr); civil titles on a practitioner's row are ignored.
- Names are personal data: nothing here logs.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from functools import cache
from typing import Any, TypeGuard

from extractors.data_files import fold, phrase_pattern
from extractors.fields.dates import find_dates
from extractors.fields.glued_words import mend_words
from extractors.fields.regex_cache import cached_big_patterns
from extractors.keywords import DOC_TYPES, PARTIES, Words
from extractors.layout import Line, lines_below, union_boxes
from models import Field
from models.document_kinds import kind_of

HEADER_ROWS = 10
MIN_ROW_CONFIDENCE = 0.5
NAME_TOKEN = r"(?:[A-ZÀ-Ý][A-Za-zÀ-ÿ'’\-]*\.?|(?:de|du|des|le|la|van|von|der|da|di|d'|bin|binti|a/l|a/p)(?=\s))"
NAME = re.compile(rf"{NAME_TOKEN}(?:[ \t]+{NAME_TOKEN}){{0,4}}")
SEPARATOR = re.compile(r"^(?:[\s:.,\-–=~|°©*‘’“”'\"]|\(e\)|(?<=\s)\d(?=\s))*")  # and OCR specks ("Nom :- 0 Gaël")
REGISTRATION_TAIL = re.compile(
    r"\s*[\(\[{]\s*(?:co\.?\s*(?:reg|no)\W*|roc\W*|reg\W*no\W*)?\d{3,}.*$|\s+\(?\d{4,}[\s\-:]*[A-Za-z]?\W*$", re.IGNORECASE
)
AFTER_OWNER = re.compile(r"owned by|operated by|formerly known as|licensee of|a division of|member of")
SDN_BHD = re.compile(r"\b[S5][DOUAIB0][NH](\.?)\s+(?:[B83R][A-Za-z0-9]{1,2}[DOBdob0]|B[Hh]?)(\.?)\s*$", re.IGNORECASE)
S_B = re.compile(r"(?<![A-Za-z0-9/])[S5]\s?/\s?[B8](?![A-Za-z0-9/])")
LEADING_JUNK = re.compile(r"^(?:[^A-Za-z0-9À-ÿ(]+|[a-zà-ÿ]\s+)+")
TRAILING_JUNK = re.compile(r"[\s|:;,'\"‘’“”*_~\-]+$")
POSTCODE = re.compile(r"(?<!\d)\d{5}(?!\d)")
CITY_STATE_ZIP = re.compile(r",\s*[A-Z]{2}\.?\s+\d{5}(?:-\d{4})?\W*$")  # "Denver, CO 80254": a place (CO is no "Co.")
REGISTRATION_AFTER_FORM = re.compile(r"[\s.\-]*(?:reg|rec\b|no\b|number|:|\d)")
CLOCK = re.compile(r"(?<!\d)\d{1,2}\s?:\s?\d{2}(?:\s?:\s?\d{2})?\s?(?:am|pm|h)?(?![\d])", re.IGNORECASE)
PRICE = re.compile(r"\d[.,]\s?\d{2}(?![\d/.])")
CONTINUATION = re.compile(r"^(?:co\b|co\.|\(m\)|sdn\b|bhd\b|&|and\b|et\b|enterprise|trading|holdings|ltd|limited)", re.IGNORECASE)
# A German letter's reference block printed beside the addressee's name ("Sabine Becker Kundennummer 145241",
# its colon lost): its labels end a name and never start one.
REFERENCE_LABELS = {"rechnungsnummer", "rechnungsnr", "rechnungsdatum", "kundennummer", "kundennr", "steuernummer"}
NAME_STOP = REFERENCE_LABELS | {
    "ne",
    "nee",
    "ne(e)",
    "date",
    "prenom",
    "prenoms",
    "adresse",
    "tel",
    "nom",
    "dob",
    "d.o.b",
    "born",
    "birth",
    "age",
    "sex",
    "sexe",
    "gender",
    "id",
    "no",
    "n°",
    "nir",
    "ssn",
    "ic",
    "geb",
    "geboren",
}
# Words that are never the first word of a person's name (articles, labels, document words).
NOT_NAME_START = REFERENCE_LABELS | {
    "les",
    "et",
    "and",
    "un",
    "une",
    "the",
    "a",
    "an",
    "of",
    "statement",
    "invoice",
    "facture",
    "receipt",
    "hospitalise",
    "hospitalisee",
    "hospitalise(e)",
    "patient",
    "patiente",
    "assure",
    "assuree",
    "assure(e)",
    # a label's own second word: "Assuré(e) social(e)", "Assuré principal", "Assuré ouvrant droit"
    "social",
    "sociale",
    "social(e)",
    "principal",
    "principale",
    "ouvrant",
    "account",
    "numero",
    "number",
    "date",
    "service",
    "total",
    "montant",
    "amount",
    "signature",
    "copie",
    "extrait",
    "acte",
}
MAX_NAME_WORDS = 8
PRESCRIBER = re.compile(r"prescri|ordonnance du|adresse par|referred by")
DOCTOR = re.compile(r"(?<![A-Za-z])(?:Dr|DR|Docteur|DOCTEUR|docteur|Pr|Professeur|PROFESSEUR)\b\.?(?=\s)")
# (OCR splits the raised "me" of "Mme" from its "M": "M me Inès BLANC"; a speck glues the name to its point)
_CIVIL_TITLES = r"(?<![A-Za-z])(?:M ?me|MME|Madame|MADAME|M ?lle|Mademoiselle|M[.:]|Monsieur|MONSIEUR|Mr|MR|Mrs|MRS|Ms|Miss|Frau|FRAU|Herrn?|HERRN?)"
CIVIL_TITLE = re.compile(rf"{_CIVIL_TITLES}\.?(?=\s)")
# before a patient's name, its point may run into the name ("M..Olivier MOREAU") - not in an issuer's
# name, where it is the shop's own ("MR.Dakgalbi")
CIVIL_TITLE_BEFORE_NAME = re.compile(rf"{_CIVIL_TITLES}(?:\.?(?=\s|$)|(?:(?<=[.:])|[.:]+)(?=[A-ZÀ-Ý][a-zà-ÿ]))")
_NLP_LOCK = threading.Lock()


@dataclass(frozen=True)
class Entity:
    """A spaCy entity clipped to one row."""

    line: int
    start: int
    end: int
    label: str


@dataclass(frozen=True)
class Found:
    """A party name read on a row, with the rule's certainty."""

    value: str
    line: Line
    start: int
    end: int
    rule: str
    certainty: float
    rows: tuple[Line, ...] = ()  # every row of a name split over rows (issuer)


@dataclass(frozen=True)
class IssuerContext:
    """What the issuer rules know besides the rows: document type, spaCy ORG rows, practitioner rows."""

    doc_type: str | None
    orgs: frozenset[int]
    practitioner_rows: frozenset[int]


def _phrases(words: Words) -> re.Pattern[str]:
    """Whole-word alternation of the folded phrases of a parties.toml list, longest first (cached)."""
    return phrase_pattern(words, edge="a-z0-9")


def _label_phrases(words: Words) -> re.Pattern[str]:
    """As `_phrases`, for labels a form's item number may touch: "1.2Nom NGUYEN" as OCR glues it (cached)."""
    return phrase_pattern(words, edge="a-z0-9", before="a-z")


def _load_model() -> Any | None:
    """fr_core_news_sm with only what NER needs, or None when spaCy or the model is missing."""
    try:
        import spacy

        with cached_big_patterns():  # spaCy's French tokenizer compiles a 1.4 MB regex at import (~2 s)
            return spacy.load("fr_core_news_sm", exclude=["parser", "lemmatizer", "morphologizer", "attribute_ruler", "senter"])
    except Exception:
        return None


_MODEL: list[Any] = []


def nlp_model() -> Any | None:
    """The spaCy pipeline, loaded once (thread-safe), or None."""
    with _NLP_LOCK:
        if not _MODEL:
            _MODEL.append(_load_model())
    return _MODEL[0]


def _entities(rows: Sequence[Line]) -> list[Entity] | None:
    """PER / ORG entities of the rows, in one nlp() call; None when the model is unavailable."""
    nlp = nlp_model()
    if nlp is None:
        return None
    offsets, parts, cursor = [], [], 0
    for row in rows:
        offsets.append((cursor, row))
        parts.append(row.text)
        cursor += len(row.text) + 3
    doc = nlp(" .\n".join(parts))
    found = []
    for ent in doc.ents:
        if ent.label_ not in ("PER", "ORG"):
            continue
        for begin, row in offsets:
            if begin <= ent.start_char < begin + len(row.text):
                found.append(Entity(row.index, ent.start_char - begin, min(ent.end_char - begin, len(row.text)), ent.label_))
    return found


def _has(words: Words, text: str) -> re.Match[str] | None:
    return _phrases(words).search(fold(text))


def _legal_forms(text: str) -> list[re.Match[str]]:
    """Legal-form matches, short ones only when not printed in lower case ("sa" is also a French word)."""
    found = []
    folded = fold(text)
    for m in _phrases(PARTIES.issuer.legal_forms).finditer(folded):
        printed = text[m.start() : m.end()]
        if REGISTRATION_AFTER_FORM.match(folded, m.end()):
            continue  # "CO. REG. NO", "Company Reg No." announce a registration number
        if len(printed) > 3 or not printed.islower():
            found.append(m)
    return found


def repair_legal_suffix(name: str) -> str:
    """A misread "SDN BHD" / "S/B" at the end of a name, repaired ("SON BHD", "SDN 3HD", "5/8")."""
    upper = name.upper() == name
    match = SDN_BHD.search(name)
    if match:
        suffix = (
            "SDN{} BHD{}" if upper or (name[match.start()].isupper() and name[match.start() + 1].isupper()) else "Sdn{} Bhd{}"
        )
        name = name[: match.start()] + suffix.format(match.group(1), match.group(2))
    return S_B.sub("S/B", name)


# French "l'" before a vowel or h that OCR read as a capital I ("Pharmacie de I'Hôtel de Ville")
ELIDED_L_MISREAD = re.compile(r"(?<=\s)I'(?=[AEIOUHÀÂÉÈÊÎÔÛaeiouhàâéèêîôû])")


# a capital I OCR read as an l before two more ("d'llle-et-Vilaine", "llle"): three l's open no word
TRIPLE_L_MISREAD = re.compile(r"(?<![A-Za-zÀ-ÿ])lll(?=[a-zà-ÿ])")


def clean_name(text: str) -> str:
    """A header row reduced to a name: no registration number, no junk around, repaired suffix."""
    name = REGISTRATION_TAIL.sub("", text)
    name = TRAILING_JUNK.sub("", LEADING_JUNK.sub("", name))
    name = " ".join(name.replace("’", "'").replace("‘", "'").split())
    name = TRIPLE_L_MISREAD.sub("Ill", ELIDED_L_MISREAD.sub("l'", name))
    name = re.sub(r"\(\s+", "(", re.sub(r"\s+\)", ")", name))
    name = repair_legal_suffix(re.sub(r"\)(?=[A-Za-z])", ") ", name))
    forms = _legal_forms(name)
    if forms and forms[-1].start() > 0:
        end = forms[-1].end()
        name = name[: end + (name[end : end + 1] == ".")]  # "... SDN BHD" then junk: cut after the form
    name = re.sub(r"(?:\s+\.)+$", "", name)
    if re.search(r"[A-Za-zÀ-ÿ]{4}\.$", name) and not _legal_forms(name[-6:]):
        name = name[:-1]  # "HOUSE." but not "SDN. BHD."
    return name.strip()


def _is_title(text: str) -> bool:
    """A document title / greeting row: once title words are removed, at most one short word is left."""
    folded = fold(text)
    if not _phrases(PARTIES.issuer.titles).search(folded):
        return False
    rest = re.findall(r"[a-z]{2,}", _phrases(PARTIES.issuer.titles).sub(" ", folded))
    return len(rest) <= 1


def _mean_confidence(line: Line) -> float:
    return sum(w.confidence for w in line.words) / max(1, len(line.words))


def _only_generic(name: str) -> bool:
    """A specialty row ("Kinésithérapie - Rééducation"): nothing left once generic health words are removed
    (an institution's name made of such words, "Crédit Mutuel", is a name)."""
    if _has(PARTIES.issuer.institutions, name):
        return False
    rest = fold(name)
    for words in (PARTIES.issuer.establishments, PARTIES.issuer.specialties, PARTIES.practitioner.titles):
        rest = _phrases(words).sub(" ", rest)
    return not re.search(r"[a-z]{2,}", rest)


TITLE_WEIGHT = 3.0  # a doc_types.toml phrase this strong names the document, not who issued it


@cache
def _title_phrases() -> re.Pattern[str]:
    phrases = sorted(
        {fold(p) for kinds in DOC_TYPES.tables().values() for p, w in kinds.items() if float(w) >= TITLE_WEIGHT},
        key=len,
        reverse=True,
    )
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(re.escape(p) for p in phrases) + r")(?![a-z0-9])")


def _document_title(name: str) -> bool:
    """A row naming the document ("EXTRAIT D'ACTE DE NAISSANCE", "Attestation de droits..."), not its issuer."""
    return bool(_title_phrases().search(fold(name)))


def _skip_row(line: Line, name: str, strong: bool) -> bool:
    """Rows that cannot be the issuer's name."""
    letters = sum(ch.isalpha() for ch in name)
    digits = sum(ch.isdigit() for ch in name)
    if letters < 3 or digits > letters or _mean_confidence(line) < MIN_ROW_CONFIDENCE or "@" in line.text:
        return True
    if _only_generic(name) or _document_title(name) or _has(PARTIES.issuer.legal_mentions, name):
        return True
    if CITY_STATE_ZIP.search(line.text):
        return True
    if strong:
        return False
    if ":" in name or len(name.split()) > MAX_NAME_WORDS or _has(PARTIES.beneficiary.labels, name):
        return True  # "Label : value" rows, sentences and form sections are not names
    if _is_title(name) or _has(PARTIES.issuer.registration, line.text) or _has(PARTIES.issuer.address, name):
        return True
    return bool(POSTCODE.search(line.text) or PRICE.search(line.text) or CLOCK.search(line.text) or find_dates([line]))


def _issuer_score(line: Line, name: str, position: int, first: bool, context: IssuerContext) -> tuple[float, str]:
    """How much a header row looks like the issuer's name, and the rule that says why."""
    score, rule = 0.4 + 0.1 * first - 0.05 * position, "issuer.header_first_line" if first else "issuer.header_row"
    doc_type, orgs = context.doc_type, context.orgs
    if DOCTOR.search(line.text) or line.index in context.practitioner_rows:
        score, rule = score + (0.4 if kind_of(doc_type).by_practitioner else 0.3), "issuer.practitioner"
    elif _has(PARTIES.issuer.establishments, name):
        score, rule = score + 0.3, "issuer.establishment"
    elif _legal_forms(name):
        score, rule = score + 0.35, "issuer.legal_form"
    elif _has(PARTIES.issuer.shops, name):
        score, rule = score + 0.08, "issuer.shop"
    letters = [ch for ch in name if ch.isalpha()]
    if letters and all(ch.isupper() for ch in letters):
        score += 0.15
    elif letters and not any(ch.isupper() for ch in letters):
        score -= 0.25  # hand-written notes, logos read as lower-case noise
    if line.index in orgs:
        score += 0.1
        rule = rule if rule != "issuer.header_row" else "issuer.spacy_org"
    return score, rule


SENDER_SEPARATOR = re.compile(r"\s*[:\-–·•|,]\s*\S")  # "Physiotherapie am Markt : Hauptstraße 82 - 20095 Hamburg"
SENDER_LIKENESS = 0.85  # a name the sender line repeats with an OCR slip or two ("Krüger" read "Kriger")
SENDER_MIN_LETTERS = 6
SENDER_BONUS = 0.3


def _repeated_as_sender(header: Sequence[Line], pos: int, name: str) -> bool:
    """Whether a header row below repeats the row's name, then an address after a separator: a letter's
    return address, printed small above the addressee's window (DIN 5008's sender line, a French letter's
    expéditeur) - the issuer naming itself, where a trade line beside it ("Praxis für Physiotherapie")
    only says what it does."""
    key = fold(name).strip()
    if sum(ch.isalpha() for ch in key) < SENDER_MIN_LETTERS:
        return False
    for row in header[pos + 1 :]:
        text = fold(row.text).strip()
        rest = text[len(key) :]
        if (
            re.search(r"\d", rest)
            and SENDER_SEPARATOR.match(rest)
            and SequenceMatcher(None, text[: len(key)], key).ratio() >= SENDER_LIKENESS
        ):
            return True
    return False


def _header(lines: Sequence[Line]) -> list[Line]:
    if not lines:
        return []
    first_page = min(line.page for line in lines)
    return [line for line in lines if line.page == first_page][:HEADER_ROWS]


def _strong(name: str) -> bool:
    """A legal form, or an establishment word on a row that is not an address ("Pharmacie de la Place",
    "Maple Street Pharmacy" are names: an address has a number)."""
    address = _has(PARTIES.issuer.address, name) and re.search(r"\d", name)
    return bool(_legal_forms(name) or (_has(PARTIES.issuer.establishments, name) and not address))


def _name_row(row: Line) -> str | None:
    """A header row's cleaned name when the row can be part of a name, else None."""
    name = clean_name(row.text)
    return None if _skip_row(row, name, _strong(name)) else name


def _join_split_name(header: Sequence[Line], pos: int, name: str) -> tuple[str, int, int]:
    """A name split over rows joined ("... (SETIA" / "ALAM) SDN BHD", "POPULAR BOOK" / "CO. (M) SDN BHD"):
    (name, first row position, last row position)."""
    top, bottom = pos, pos
    while top > 0 and pos - top < 2 and (name.count(")") > name.count("(") or CONTINUATION.match(name)):
        previous = _name_row(header[top - 1])
        if not previous or (_legal_forms(previous) and not previous.count("(") > previous.count(")")):
            break
        name, top = f"{previous} {name}", top - 1
    while bottom + 1 < len(header) and bottom - pos < 2:
        following = _name_row(header[bottom + 1])
        unbalanced = name.count("(") > name.count(")")
        tail = bool(following and CONTINUATION.match(following) and _legal_forms(following) and not _legal_forms(name))
        if not following or not (unbalanced or tail):
            break
        name, bottom = f"{name} {following}", bottom + 1
    return name, top, bottom


def _issuer(lines: Sequence[Line], context: IssuerContext) -> Found | None:
    """The issuer's name from the first rows of the first page."""
    header = _header(lines)
    best: tuple[float, int, str, str] | None = None
    first = True
    for pos, line in enumerate(header):
        name = clean_name(line.text)
        if _skip_row(line, name, _strong(name)):
            continue
        score, rule = _issuer_score(line, name, pos, first, context)
        if _repeated_as_sender(header, pos, name):
            score, rule = score + SENDER_BONUS, "issuer.sender_line"
        if pos > 0 and AFTER_OWNER.search(fold(header[pos - 1].text)):
            score -= 0.4  # the owner / former name printed under the shop's name
        first = False
        if best is None or score > best[0]:
            best = (score, pos, name, rule)
    if best is None:
        return None
    score, pos, name, rule = best
    name, top, bottom = _join_split_name(header, pos, name)
    title = CIVIL_TITLE.match(name)
    if title and name[title.end() :].strip() and not _strong(name):
        name = name[title.end() :].strip()  # "Mme Claire Dubois" issues as "Claire Dubois"
    rows = header[top : bottom + 1]
    certainty = max(0.2, min(0.95, score))
    return Found(name, rows[0], 0, len(rows[0].text), rule + (".joined" if len(rows) > 1 else ""), certainty, tuple(rows))


def _name_at(text: str, start: int) -> tuple[str, int, int] | None:
    """The person name starting at `start` (after separators and a civil title), cut at stop words."""
    skip = SEPARATOR.match(text[start:])
    begin = start + (skip.end() if skip else 0)
    title = _phrases(PARTIES.beneficiary.civil_titles).match(fold(text[begin:]))
    if title and text[begin + title.end() : begin + title.end() + 1] in (" ", ""):
        begin += title.end() + 1
    match = NAME.match(text, begin) or _recased_name(text, begin)
    if not match:
        return None
    words = match.group(0).split()
    if words and text[match.end() :].startswith(":"):
        words.pop()  # the name match ran into a label printed beside it ("Frau Rechnungsnummer: 99500")
    tokens = []
    for token in words:
        if fold(token).strip(".:") in NAME_STOP or token.endswith(":"):
            break  # a stop word, or the label of a block printed beside the name ("Sabine Becker Kundennummer: 145")
        tokens.append(token)
    while tokens and tokens[-1] in ("de", "du", "des", "le", "la", "d'"):
        tokens.pop()
    name = " ".join(tokens).rstrip(".,")
    if sum(ch.isalpha() for ch in name) < 2 or fold(tokens[0]).strip(".:") in NOT_NAME_START:
        return None
    return name, match.start(), match.start() + len(name)


def _recased_name(text: str, begin: int) -> re.Match[str] | None:
    """A name whose first letter OCR read in lower case ("Dr julien Girard": J and j look alike), read with
    it upper-cased - only when a capitalised word follows, as in a name."""
    first = re.match(r"[a-zà-ÿ][a-zà-ÿ'’\-]+[ \t]+[A-ZÀ-Ý]", text[begin:])
    if first is None or fold(first.group(0).split()[0]) in NAME_STOP | NOT_NAME_START:
        return None
    return NAME.match(text[:begin] + text[begin].upper() + text[begin + 1 :], begin)


def _overlaps(entities: Sequence[Entity] | None, line: Line, start: int, end: int, label: str) -> bool:
    return any(e.line == line.index and e.label == label and e.start < end and e.end > start for e in entities or ())


def _full_name(found: tuple[str, int, int] | None) -> TypeGuard[tuple[str, int, int]]:
    """At least two words of two letters: "Julie PETIT", not "Art. L"."""
    return found is not None and sum(len(w.strip(".")) >= 2 for w in found[0].split()) >= 2


def _practitioner_on(lines: Sequence[Line], line: Line, entities: Sequence[Entity] | None) -> Found | None:
    """A practitioner named on this row: after Dr / Docteur, after "Profession :", before a profession,
    or alone on the row above a profession row."""
    for title in DOCTOR.finditer(line.text):
        found = _name_at(line.text, title.end())
        if found:
            return _person(found, line, "practitioner.title", 0.9, entities)
    m = _phrases(PARTIES.practitioner.titles).search(fold(line.text))
    if not m:
        return None
    after = _name_at(line.text, m.end())
    if after and re.match(r"\s*:", line.text[m.end() :]):
        return _person(after, line, "practitioner.profession_label", 0.85, entities)
    before = _name_at(line.text, 0) if m.start() > 0 else None
    if _full_name(before) and before[2] <= m.start() and not line.text[before[2] : m.start()].strip(" ,;-–"):
        return _person(before, line, "practitioner.profession_row", 0.75, entities)
    above = [o for o in lines if o.index == line.index - 1 and o.page == line.page]
    found = _name_at(above[0].text, 0) if above and m.start() == 0 else None
    if _full_name(found) and not above[0].text[found[2] :].strip(" ,.-"):
        return _person(found, above[0], "practitioner.row_above_profession", 0.7, entities)
    return None


def _practitioner(lines: Sequence[Line], entities: Sequence[Entity] | None) -> Found | None:
    """The practitioner who gave the care: one named in the header or after a label first, then one
    named elsewhere, and a prescriber ("Sur prescription du Dr X") only when nobody else is named."""
    header = {row.index for row in _header(lines)}
    best: tuple[int, Found] | None = None
    for line in lines:
        found = _practitioner_on(lines, line, entities)
        if found is None:
            continue
        if PRESCRIBER.search(fold(line.text)):
            rank, found = 2, replace(found, rule=found.rule + ".prescriber", certainty=found.certainty * 0.8)
        else:
            rank = 0 if line.index in header or found.rule.endswith("label") else 1
        if best is None or rank < best[0]:
            best = (rank, found)
    return best[1] if best else None


def _person(found: tuple[str, int, int], line: Line, rule: str, certainty: float, entities: Sequence[Entity] | None) -> Found:
    """A Found person, its certainty raised when spaCy also reads a PER name there."""
    name, start, end = found
    if _overlaps(entities, line, start, end, "PER"):
        certainty, rule = min(0.98, certainty + 0.08), rule + ".spacy_per"
    return Found(name, line, start, end, rule, certainty)


# the person cared for outranks the insured person, who may be a parent ("Enfant : ... / Assuré : ...")
BENEFICIARY_WEIGHTS = {
    "patient": 1.0,
    "paciente": 1.0,
    "paziente": 1.0,
    "beneficiaire": 1.0,
    "enfant": 1.0,
    "hospitalis": 1.0,
    "personne": 1.0,  # "personne recevant les soins", "personne soignée"
    "malade": 0.95,
    "assure": 0.85,
    "insured": 0.85,
}
NAME_LABEL_WEIGHT = 0.75  # "Nom", "Name": weaker, they may name anyone


def _after_label(lines: Sequence[Line], line: Line, end: int) -> tuple[tuple[str, int, int], Line, str] | None:
    """The name right of a label, or on the row below when the label ends its row."""
    found = _name_at(line.text, end)
    if found:
        return found, line, "beneficiary.label_right"
    if line.text[end:].strip(" :.-") or line.text[: line.text.find(line.text.strip()[:1])].strip():
        return None
    below = lines_below(lines, line, max_lines=1)
    if not below or ":" in below[0].text or _has(PARTIES.beneficiary.labels, below[0].text):
        return None  # the row below is a label row of its own
    found = _name_at(below[0].text, 0)
    return (found, below[0], "beneficiary.label_below") if found else None


FIRST_NAMES_ROW = re.compile(r"^[\s\d.:]*pr[ée]noms?(?:\(s\))?\s*:?\s*", re.IGNORECASE)
SEVERAL_FIRST_NAMES = re.compile(r"noms|\(s\)", re.IGNORECASE)  # "Prénoms", "Prénom(s)": every first name listed


def _first_names_below(
    lines: Sequence[Line], hit: tuple[tuple[str, int, int], Line, str] | None
) -> tuple[tuple[str, int, int], Line, str] | None:
    """A surname ("Nom : BRUNET", "Nom : LE GOFF") completed by the first names printed on the next row
    ("Prénom(s) : Jérôme"). Under a label of several first names ("Prénom(s) : Manon Nathalie", a civil
    status record) the person goes by the first, as a declaration names them: the others are dropped."""
    if hit is None or hit[1].index + 1 >= len(lines):
        return hit
    following = lines[hit[1].index + 1]
    label = FIRST_NAMES_ROW.match(following.text)
    names = _name_at(following.text, label.end()) if label else None
    if not label or not names:
        return hit
    given = names[0].split()[0] if SEVERAL_FIRST_NAMES.search(label.group(0)) else names[0]
    (surname, start, end), line, rule = hit
    if fold(given).lower() in fold(surname).lower().split():
        return hit  # the name already holds its first name
    return (f"{surname} {given}", start, end), line, rule + "+first_names"


HOLDER_WEIGHT = 0.85  # "Titulaire du compte" on a RIB: the person it is about, as sure as "Assuré"


def _beneficiary_labels(folded: str, holder: bool) -> list[tuple[re.Match[str], float | None]]:
    """The beneficiary labels of a row with their weight (None: the label's own), the account holder's
    labels only on a document where the holder is the person (parties.toml `holder_kinds`)."""
    found: list[tuple[re.Match[str], float | None]] = []
    for m in _label_phrases(PARTIES.beneficiary.labels).finditer(folded):
        if not _has(PARTIES.beneficiary.not_beneficiary, folded[m.start() : m.end() + 25]):
            found.append((m, None))
    if holder:
        found += [(m, HOLDER_WEIGHT) for m in _phrases(PARTIES.beneficiary.holder_labels).finditer(folded)]
    return found


def _beneficiary(lines: Sequence[Line], entities: Sequence[Entity] | None, skip: set[int], holder: bool = False) -> Found | None:
    """The patient / insured person: after a label, else after a civil title."""
    best: tuple[float, Found] | None = None
    for line in lines:
        folded = fold(line.text)
        for m, label_weight in _beneficiary_labels(folded, holder):
            colon = re.match(r"\s*:", line.text[m.end() :])
            at_start = not line.text[: m.start()].strip(" -•*0123456789.")  # "1.2 Nom BRUNET": numbered form rows
            capitals = re.match(r"\s+[A-ZÀ-Þ][A-ZÀ-Þ'-]+\b", line.text[m.end() :])
            weak = m.group(0) in PARTIES.beneficiary.weak_labels
            if not colon and (not at_start or (weak and not capitals)):
                continue  # "Signature de l'assuré(e)" is not a label
            hit = _first_names_below(lines, _after_label(lines, line, m.end()))
            weight = label_weight or next((w for k, w in BENEFICIARY_WEIGHTS.items() if k in m.group(0)), NAME_LABEL_WEIGHT)
            if hit is None or (best is not None and weight <= best[0]):
                continue
            found, used, rule = hit
            best = (weight, _person(found, used, rule, weight * (0.92 if rule.endswith("below") else 1.0), entities))
    if best is not None:
        return best[1]
    return (
        _born_subject(lines, entities) or _civil_title_person(lines, entities, skip) or _birth_row_person(lines, entities, skip)
    )


GIVEN_NAME = r"[A-ZÀ-Þ][a-zß-ÿ'’]+(?:-[A-ZÀ-Þ][a-zß-ÿ'’]+)?"
BORN_SUBJECT = re.compile(  # "est né à Bordeaux : Karim, Raphaël GIRARD, de sexe masculin"
    rf"\b(?:est|was)\s+n[ée]e?\s+(?:à|a|in)\s+[^:]{{1,60}}?:\s*(?P<given>{GIVEN_NAME})(?:\s*,?\s*{GIVEN_NAME})*\s*,?\s+"
    r"(?P<surname>[A-ZÀ-Þ][A-ZÀ-Þ'’-]+(?:\s+[A-ZÀ-Þ][A-ZÀ-Þ'’-]+)*)\b"
)


def _born_subject(lines: Sequence[Line], entities: Sequence[Entity] | None) -> Found | None:
    """The person a narrative birth record is about ("Le 15 mai 2008 ... est né à Bordeaux : Karim,
    Raphaël GIRARD, de sexe masculin, fils de ..."), by the first of their first names: the sentence
    may run over the next row."""
    for line, after in zip(lines, [*lines[1:], None], strict=False):
        text = line.text + (" " + after.text if after is not None and after.page == line.page else "")
        m = BORN_SUBJECT.search(text)
        if m is None or m.start() >= len(line.text):
            continue  # a sentence opening on the next row is read with that row
        name = f"{m.group('given')} {m.group('surname')}"
        if m.start("given") < len(line.text):
            return _person(
                (name, m.start("given"), min(len(line.text), m.end())), line, "beneficiary.born_subject", 0.85, entities
            )
        shift = len(line.text) + 1  # "... est né à" / "Nantes : Nicolas, Yannick, Hugo LEMOINE": the name is on the next row
        assert after is not None
        found = (name, m.start("given") - shift, min(len(after.text), m.end() - shift))
        return _person(found, after, "beneficiary.born_subject", 0.85, entities)
    return None


BIRTH_DATE_FOLLOWS = re.compile(r"\W{0,3}(?:le\s+)?\d")  # the label's date: "née le 20/01/1942", "né : 3 mai 1950"


def _birth_row_person(lines: Sequence[Line], entities: Sequence[Entity] | None, skip: set[int]) -> Found | None:
    """ "MOREL Fatima Née le 20/01/1942": the name that starts a row holding a birth label followed by its
    date ("Conservez ce document. Ne le communiquez..." holds the words, not a birth), unless the row
    opens with a relative's label (a parent's birth on a birth record). When the birth label opens its row,
    the name is the whole row above ("PERRIN Thomas" / "Né(e) le 28/12/2012")."""
    for pos, line in enumerate(lines):
        folded = fold(line.text)
        m = _phrases(PARTIES.beneficiary.birth_labels).search(folded)
        if m is None or line.index in skip or not BIRTH_DATE_FOLLOWS.match(folded[m.end() :]):
            continue
        if _phrases(PARTIES.beneficiary.relatives).match(folded.lstrip(" -•*")):
            continue  # "Père : Karim PICARD, né le 08/04/1989": a parent's birth
        if folded[: m.start()].strip(" -•*"):
            found = _name_at(line.text, 0)
            if found and found[2] <= m.start():
                return _person(found, line, "beneficiary.birth_row", 0.65, entities)
            continue
        above = lines[pos - 1] if pos > 0 else None
        if above is None or above.page != line.page or above.index in skip:
            continue
        found = _name_at(above.text, 0)
        if _full_name(found) and not above.text[found[2] :].strip(" ,.-"):
            return _person(found, above, "beneficiary.birth_row_above", 0.6, entities)
    return None


def _civil_title_person(lines: Sequence[Line], entities: Sequence[Entity] | None, skip: set[int]) -> Found | None:
    """A name after Mme / M. / Mr... on a row that is neither the issuer's nor a practitioner's."""
    for line in lines:
        if line.index in skip or _has(PARTIES.practitioner.titles, line.text):
            continue
        m = CIVIL_TITLE_BEFORE_NAME.search(line.text)
        found = _name_at(line.text, m.end()) if m else None
        if found:
            return _person(found, line, "beneficiary.civil_title", 0.6, entities)
        below = _addressee_below(lines, line, m)
        if below is not None:
            return below
    return None


def _addressee_below(lines: Sequence[Line], line: Line, title: re.Match[str] | None) -> Found | None:
    """A letter's addressee: the civil title alone opening its row ("Frau", "Herrn", the rest of the row the
    letter's reference block beside the address window) and the name opening the row below."""
    if title is None or line.text[: title.start()].strip():
        return None
    rest = line.text[title.end() :].strip()
    if rest and not (re.match(r"\S+\s*:", rest) or fold(rest.split()[0]).strip(".:") in NAME_STOP):
        return None  # words after the title that are no label: not a title alone
    below = next((b for b in lines if b.index == line.index + 1 and b.page == line.page), None)
    found = _name_at(below.text, 0) if below is not None else None
    if found is None or below is None:
        return None
    return _person(found, below, "beneficiary.addressee", 0.55, entities=None)


def _birth_date(lines: Sequence[Line]) -> Field | None:
    """The ISO date printed after a birth label (same row, else the row below)."""
    for line in lines:
        m = _phrases(PARTIES.beneficiary.birth_labels).search(fold(line.text))
        if not m:
            continue
        dates = [d for d in find_dates([line]) if d.start >= m.start()]
        rule, certainty = "beneficiary_birth_date.label_right", 0.95
        if not dates:
            below = lines_below(lines, line, max_lines=1)
            dates = find_dates(below[:1]) if below else []
            rule, certainty = "beneficiary_birth_date.label_below", 0.85
        if dates:
            best = min(dates, key=lambda d: d.start)
            bbox, ocr_conf = best.line.locate(best.start, best.end)
            confidence = round(ocr_conf * certainty, 3)
            page = best.line.page
            return Field(value=best.value.isoformat(), raw=best.raw, confidence=confidence, page=page, bbox=bbox, rule=rule)
    return None


PRACTICE_HEAD = re.compile(r"[a-z]{3,}praxis\b")  # a German practice's compound name: "hautarztpraxis", "zahnarztpraxis"


def _practice_named_before(text: str) -> bool:
    """Whether the words before a practitioner's title on the issuer's row name the practice itself (an
    establishment word, or a German compound ending in "praxis")."""
    folded = fold(text)
    return bool(folded.strip()) and (
        _has(PARTIES.issuer.establishments, folded) is not None or PRACTICE_HEAD.search(folded) is not None
    )


def _practitioner_as_issuer(issuer: Found, practitioner: Found) -> Found:
    """The issuer row of a practitioner cut to "Dr NAME" (no profession, no address after it)."""
    title = DOCTOR.search(issuer.line.text[: practitioner.start])
    start = title.start() if title else practitioner.start
    if _practice_named_before(issuer.line.text[issuer.start : start]):
        start = issuer.start  # "Hautarztpraxis Dr. Weber", "Praxis für Orthopädie Dr. Koch": the practice's name
    value = issuer.line.text[start : practitioner.end]
    return replace(issuer, value=value, start=start, end=practitioner.end)


WEAK_ISSUER = 0.5
MENDED = ".words_mended"  # the rule suffix of a name whose cut or run-together words were mended


def _titled(practitioner: Found) -> Found:
    """The practitioner as issuer, with the doctor's title printed before the name ("Dr Thomas Caron")."""
    title = DOCTOR.search(practitioner.line.text[: practitioner.start])
    if title is None or "prescriber" in practitioner.rule:
        return replace(practitioner, rule="issuer.practitioner_named")
    return replace(practitioner, value=f"Dr {practitioner.value}", start=title.start(), rule="issuer.practitioner_named")


def _to_field(found: Found, suffix: str) -> Field:
    """The Field of a name: box and mean OCR confidence of its words (of all its rows when joined)."""
    if len(found.rows) > 1:
        bbox = union_boxes(row.bbox for row in found.rows)
        ocr_conf = sum(_mean_confidence(row) for row in found.rows) / len(found.rows)
        raw = " / ".join(row.text for row in found.rows)
    else:
        bbox, ocr_conf = found.line.locate(found.start, found.end)
        raw = found.line.text[found.start : found.end]
    confidence = round(ocr_conf * found.certainty, 3)
    return Field(value=found.value, raw=raw, confidence=confidence, page=found.line.page, bbox=bbox, rule=found.rule + suffix)


def _mended(found: Found, person: bool = False) -> Found:
    """The name with the words OCR cut in two or ran together mended (glued_words.py), marked in its rule."""
    value = mend_words(found.value, person)
    return found if value == found.value else replace(found, value=value, rule=found.rule + MENDED)


def _rows_for_model(lines: Sequence[Line]) -> list[Line]:
    """The header rows plus the rows holding a party label: what the one nlp() call reads."""
    header = _header(lines)
    indexes = {row.index for row in header}
    labelled = [
        line
        for line in lines
        if line.index not in indexes
        and (_has(PARTIES.beneficiary.labels, line.text) or _has(PARTIES.practitioner.titles, line.text))
    ]
    return [*header, *labelled[:10]]


def extract_parties(lines: Sequence[Line], doc_type: str | None = None) -> dict[str, Field]:
    """Parties found in the document's lines: issuer, practitioner, beneficiary, beneficiary_birth_date."""
    entities = _entities(_rows_for_model(lines))
    suffix = "" if entities is not None else ".rules_only"
    orgs = frozenset(e.line for e in entities or () if e.label == "ORG")
    fields: dict[str, Field] = {}
    practitioner = _practitioner(lines, entities)
    rows = frozenset({practitioner.line.index} if practitioner and "prescriber" not in practitioner.rule else ())
    issuer = _issuer(lines, IssuerContext(doc_type, orgs, rows))
    if issuer is not None and practitioner is not None and issuer.rows == (practitioner.line,):
        issuer = _practitioner_as_issuer(issuer, practitioner)
    elif practitioner is not None and kind_of(doc_type).by_practitioner and (issuer is None or issuer.certainty < WEAK_ISSUER):
        issuer = _titled(practitioner)  # a form's section title is not who issued it; its practitioner is
    if issuer is not None:
        fields["issuer"] = _to_field(_mended(issuer), suffix)
    if practitioner is not None:
        fields["practitioner"] = _to_field(_mended(practitioner, person=True), suffix)
    skip = {issuer.line.index} if issuer else set()
    beneficiary = _beneficiary(lines, entities, skip, holder=doc_type in PARTIES.beneficiary.holder_kinds)
    if beneficiary is not None and (practitioner is None or beneficiary.value != practitioner.value):
        fields["beneficiary"] = _to_field(_mended(beneficiary, person=True), suffix)
    birth = _birth_date(lines)
    if birth is not None:
        fields["beneficiary_birth_date"] = birth
    return fields
