"""Why a claimant's declaration could not be used, worded for a manager: each problem the parser found
(a field of the form and what is wrong with it) in French and English, from
intake/declaration_problems.toml - never the parser's own text, never the value given (it may be a name
or a number). The technical message stays with the quarantined file for the operators."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from models.base import Model
from models.errors import ConfigError
from models.toml_file import read_toml

WORDING_FILE = Path(__file__).with_name("declaration_problems.toml")
# (field path as the model names it, with list positions, e.g. "care_types.0"; "" for the whole form), kind
Problem = tuple[str, str]

# pydantic's error types -> the kinds worded in the file (the first pattern that matches)
KINDS = (
    (re.compile(r"missing"), "missing"),
    (re.compile(r"extra_forbidden"), "unknown_field"),
    (re.compile(r"enum|literal_error"), "not_allowed"),
    (re.compile(r"string_pattern_mismatch"), "bad_format"),
    (re.compile(r"^(int|float|decimal)_|finite_number"), "not_a_number"),
    (re.compile(r"^(date|datetime|time)_"), "not_a_date"),
    (re.compile(r"^bool_"), "not_yes_no"),
    (re.compile(r"^(greater|less)_than|multiple_of"), "out_of_range"),
    (re.compile(r"too_long"), "too_long"),
    (re.compile(r"json_invalid|json_type"), "not_json"),
    (re.compile(r"_type$"), "wrong_type"),
)


class DeclarationWordingError(ConfigError):
    """intake/declaration_problems.toml cannot be used."""

    code = "invalid_declaration_wording"


class _Words(Model):
    fr: str
    en: str


class _Wording(Model):
    kinds: dict[str, _Words]
    fields: dict[str, _Words]


@cache
def _wording() -> _Wording:
    wording = read_toml(_Wording, WORDING_FILE, DeclarationWordingError)
    missing = ({kind for _, kind in KINDS} | {"invalid", "too_large"}) - set(wording.kinds)
    if missing:
        raise DeclarationWordingError(f"{WORDING_FILE}: no wording for {', '.join(sorted(missing))}")
    return wording


def problem_kind(error_type: str) -> str:
    """The worded kind of one of pydantic's error types ('invalid' when none fits)."""
    return next((kind for pattern, kind in KINDS if pattern.search(error_type)), "invalid")


def _field(path: str, language: str) -> str:
    """A field of the form as people call it: its label (list positions and a key the form does not have
    left out), else its path; "" for the form as a whole."""
    named = ".".join(part for part in path.split(".") if not part.isdigit() and not part.startswith("("))
    words = _wording().fields.get(named)
    return getattr(words, language) if words else named


def worded(problems: Sequence[Problem], language: str) -> str:
    """The problems in `language` ('fr' or 'en'), '; '-separated: "devise : format inattendu"."""
    wording, colon = _wording(), " : " if language == "fr" else ": "
    parts = []
    for path, kind in problems:
        what = getattr(wording.kinds.get(kind) or wording.kinds["invalid"], language)
        field = _field(path, language)
        parts.append(f"{field}{colon}{what}" if field else what)
    return "; ".join(parts)
