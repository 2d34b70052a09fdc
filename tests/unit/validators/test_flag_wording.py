"""The flag wording file (validators/rules/flag_messages.toml) and `make_flag`."""

from __future__ import annotations

from datetime import date

import pytest

from models import FlagCode, Severity
from models.errors import ConfigError
from validators.flag_wording import (
    FLAG_MESSAGES,
    MESSAGES,
    PLACEHOLDERS,
    FlagMessagesError,
    make_flag,
    parse_flag_messages,
    placeholders,
)

TEXT = FLAG_MESSAGES.read_text(encoding="utf-8")
SAMPLE_VALUES = {name: f"<{name}>" for name in PLACEHOLDERS} | {
    "page": 2,
    "confidence": 0.4,
    "care_date": date(2026, 1, 2),
    "stay_start": date(2026, 1, 1),
    "stay_end": date(2026, 1, 9),
}


def wordings():
    """(code, variant) for every wording of the file: the default one and each variant."""
    for code, entry in MESSAGES.flags.items():
        if entry.fr is not None:
            yield code, None
        yield from ((code, variant) for variant in entry.variants)


def test_every_flag_code_is_worded_once():
    assert set(MESSAGES.flags) == set(FlagCode)


@pytest.mark.parametrize(("code", "variant"), list(wordings()))
def test_every_wording_builds_a_flag_in_both_languages(code, variant):
    values = {k: v for k, v in SAMPLE_VALUES.items() if k not in ("file", "page")}
    flag = make_flag(code, file="a.pdf", page=2, variant=variant, **values)
    assert flag.code is code and flag.severity is MESSAGES.flags[code].severity
    assert flag.message and flag.message_en and "{" not in flag.message + flag.message_en


def test_make_flag_fills_file_page_details_and_values():
    flag = make_flag(FlagCode.LOW_OCR_CONFIDENCE, file="a.pdf", page=3, confidence=0.4)
    assert (flag.message, flag.message_en) == (
        "a.pdf, page 3 : lecture incertaine (confiance moyenne 40%).",
        "a.pdf, page 3: uncertain reading (mean confidence 40%).",
    )
    assert (flag.file, flag.page, flag.severity, flag.details) == ("a.pdf", 3, Severity.WARNING, {})
    quoted = make_flag(FlagCode.UNKNOWN_CLAIM, details={"quoted_claim_id": "CLM-1"})
    assert quoted.message.startswith("La demande cite le dossier CLM-1,") and quoted.details == {"quoted_claim_id": "CLM-1"}


def test_make_flag_variants_and_severity_override():
    flag = make_flag(FlagCode.ILLEGIBLE, file="o.jpg", page=2, variant="blur", severity=Severity.WARNING)
    assert flag.message == "o.jpg, page 2 : document illisible (flou)." and flag.severity is Severity.WARNING
    stay = make_flag(
        FlagCode.DATE_OUTSIDE_STAY,
        file="f.pdf",
        care_date=date(2026, 2, 1),
        stay_start=date(2026, 1, 1),
        stay_end=date(2026, 1, 10),
    )
    assert stay.message == "f.pdf : soins du 01/02/2026 hors du séjour déclaré (01/01/2026 - 10/01/2026)."
    assert stay.message_en == "f.pdf: care on 2026-02-01 outside the declared stay (2026-01-01 - 2026-01-10)."


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"code": FlagCode.ILLEGIBLE, "file": "a", "page": 1}, "a variant must be given"),
        ({"code": FlagCode.ILLEGIBLE, "file": "a", "page": 1, "variant": "smudge"}, "no variant 'smudge'"),
        ({"code": FlagCode.NO_TEXT, "file": "a"}, "no value for {page}"),
    ],
)
def test_make_flag_refuses_a_missing_variant_or_value(kwargs, words):
    with pytest.raises(ValueError, match=words):
        make_flag(**kwargs)


def test_placeholders_are_the_names_a_template_uses():
    assert placeholders("{file}, page {page} ({confidence:.0%})") == {"file", "page", "confidence"}


@pytest.mark.parametrize(
    ("broken", "named"),
    [
        (TEXT.replace("[no_text]", "[no_txt]"), "unknown flag codes: no_txt; flag codes without wording: no_text"),
        (TEXT.replace('en = "{file}: currency not found."', 'en = "{fichier}: currency not found."'), "missing_currency.en: "),
        (TEXT.replace('en = "{file}: currency not found."', 'en = "{0}: currency not found."'), "missing_currency.en: "),
        (TEXT.replace('en = "No usable file in the request."', ""), "no_document: "),
        (
            TEXT.replace('fr = "{file}, page {page} : document illisible (flou)."', ""),
            "illegible.variants.blur.fr: Field required",
        ),
        (TEXT.replace('[empty_file]\nseverity = "error"', '[empty_file]\nseverity = "fatal"'), "empty_file.severity: "),
        (TEXT.replace('[empty_file]\nseverity = "error"', '[empty_file]\nsevrity = "error"'), "empty_file.sevrity: Extra inputs"),
        (
            TEXT.replace('fr = "Aucun fichier exploitable dans la demande."\nen = "No usable file in the request."', ""),
            "no_document: Value error, needs fr and en, or variants",
        ),
        (TEXT + "\n[oops", "not valid TOML"),
    ],
)
def test_a_broken_copy_is_refused_naming_the_entry(broken, named):
    with pytest.raises(FlagMessagesError, match=r"^copy\.toml: ") as caught:
        parse_flag_messages(broken, "copy.toml")
    assert named in str(caught.value)
    assert isinstance(caught.value, ConfigError) and caught.value.code == "invalid_flag_messages"
