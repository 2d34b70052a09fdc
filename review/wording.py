"""The desk's interface wording in French (default) and English (review/messages/ui.toml), and the labels of
every code the desk shows (care types, field names, flag codes, channels...): the tables
`[fr.label.<kind>]` / `[en.label.<kind>]` of the same file - but the document types', named in the table of
document kinds (`label_fr` / `label_en` in models/document_kinds.toml) and read from there as
`label.doc_type.<type>`. `check_wording` (run when the app is created) refuses a file where a language lacks
a key the other has, or a code lacks its label."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path

from models import DocType, FlagCode, Severity
from models.document_kinds import KINDS
from models.errors import ConfigError
from models.field_catalogue import FIELD_NAMES
from models.manifest import CareRelation, CareType, Channel, Situation

LANGUAGES = ("fr", "en")
UI = Path(__file__).parent / "messages" / "ui.toml"
# Every code shown on the desk, by kind: each needs a label in both languages.
LABELLED: dict[str, Iterable[str]] = {
    "doc_type": [t.value for t in DocType],
    "care_type": [c.value for c in CareType],
    "field": FIELD_NAMES,
    "flag": [f.value for f in FlagCode],
    "channel": [c.value for c in Channel],
    "situation": [s.value for s in Situation],
    "relation": [r.value for r in CareRelation],
    "severity": [s.value for s in Severity],
    "detail": ("declared", "read", "reference", "paid", "invoices"),
}


class WordingError(ConfigError, ValueError):
    """The wording file lacks a key in a language, or a label for a code."""

    code = "invalid_wording"


def _flat(table: dict, prefix: str = "") -> dict[str, str]:
    """Nested tables as dotted keys: [fr.label.flag] missing_date -> "label.flag.missing_date"."""
    out: dict[str, str] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            out.update(_flat(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = str(value)
    return out


def _kind_labels(language: str) -> dict[str, str]:
    """The document types' labels, from the table of document kinds."""
    return {f"label.doc_type.{doc_type.value}": kind.label(language) for doc_type, kind in KINDS.items()}


@cache
def _file() -> dict[str, dict[str, str]]:
    with UI.open("rb") as handle:
        data = tomllib.load(handle)
    return {language: _flat(data.get(language, {})) for language in LANGUAGES}


@cache
def _table() -> dict[str, dict[str, str]]:
    """Every key per language: the file's, and the document types' labels."""
    return {language: {**words, **_kind_labels(language)} for language, words in _file().items()}


def problems(table: dict[str, dict[str, str]] | None = None) -> list[str]:
    """What is wrong with the wording (`table`, or the desk's): keys one language has and the other lacks, codes
    without a label; for the desk's, a document type labelled in ui.toml too (the table of kinds names them)."""
    found = []
    if table is None:
        table = _table()
        doubled = sorted({key for words in _file().values() for key in words if key.startswith("label.doc_type.")})
        if doubled:
            found.append(f"{', '.join(doubled)}: document types are named in models/document_kinds.toml only")
    for language in LANGUAGES:
        other = "en" if language == "fr" else "fr"
        lacking = sorted(set(table.get(other, {})) - set(table.get(language, {})))
        if lacking:
            found.append(f"[{language}] lacks {', '.join(lacking)}")
        unlabelled = [
            f"label.{kind}.{code}"
            for kind, codes in LABELLED.items()
            for code in codes
            if f"label.{kind}.{code}" not in table.get(language, {})
        ]
        if unlabelled:
            found.append(f"[{language}] has no label for {', '.join(unlabelled)}")
    return found


def check_wording() -> None:
    """WordingError naming every missing key or label (the desk refuses to start with them)."""
    found = problems()
    if found:
        raise WordingError(f"{UI}: " + "; ".join(found))


def translator(language: str) -> Callable[..., str]:
    """`t(key, **values)` for the language (French when unknown); a missing key shows itself."""
    words = _table()["en" if language == "en" else "fr"]

    def t(key: str, **values: object) -> str:
        text = words.get(key, key)
        return text.format(**values) if values else text

    return t


_FLAG_CODE = re.compile(r"\b(" + "|".join(sorted((f.value for f in FlagCode), key=len, reverse=True)) + r")\b")


def with_flag_labels(text: str, language: str) -> str:
    """A text naming flag codes (a status reason: "missing_prescription, unsupported_format") with their labels."""
    label = labeller(language)
    return _FLAG_CODE.sub(lambda match: label("flag", match.group(1)), text)


def labeller(language: str) -> Callable[[str, object], str]:
    """`label(kind, code)`: a code's label in the language (the code itself when it has none: an unknown field)."""
    words = _table()["en" if language == "en" else "fr"]

    def label(kind: str, code: object) -> str:
        value = getattr(code, "value", code)
        return words.get(f"label.{kind}.{value}", str(value))

    return label
