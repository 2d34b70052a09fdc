"""The desk's wording: every code it shows has a label in French and in English, from one file."""

from __future__ import annotations

import pytest

from models import DocType, FlagCode
from models.field_catalogue import DATE_FIELDS, FIELD_NAMES, MAIN_FIELDS
from models.manifest import CareType
from review.wording import LABELLED, WordingError, check_wording, labeller, problems, translator


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_doc_type_care_type_field_and_flag_code_has_a_label(language):
    label = labeller(language)
    for kind, codes in (("doc_type", DocType), ("care_type", CareType), ("flag", FlagCode)):
        for code in codes:
            assert label(kind, code) != code.value, (kind, code)  # a label, not the code shown as itself
    for name in FIELD_NAMES:
        assert label("field", name) != name, name


def test_the_file_is_complete_and_checked():
    assert problems() == []
    check_wording()
    assert set(MAIN_FIELDS) | DATE_FIELDS <= set(FIELD_NAMES)
    assert set(LABELLED) >= {"doc_type", "care_type", "field", "flag"}


def test_a_missing_label_or_key_is_named():
    table = {
        "fr": {"title": "Bureau", "label.flag.missing_date": "Date manquante"},
        "en": {"label.flag.missing_date": "Missing date"},
    }
    found = problems(table)
    assert any("[en] lacks title" in p for p in found)
    assert any("label.flag.missing_total" in p for p in found) and any("label.doc_type.invoice" in p for p in found)
    assert issubclass(WordingError, ValueError)


def test_labels_in_both_languages_and_an_unknown_code_shows_itself():
    assert labeller("fr")("care_type", "general_practitioner") == "Médecin généraliste"
    assert labeller("en")("care_type", CareType.GENERAL_PRACTITIONER) == "General practitioner"
    assert labeller("fr")("field", "beneficiary_birth_date") == "Date de naissance du bénéficiaire"
    assert labeller("en")("flag", FlagCode.MISSING_PRESCRIPTION) == "Missing prescription"
    assert labeller("fr")("field", "some_new_field") == "some_new_field"
    assert translator("fr")("done_approve", claim="CLM-20261120-ABC123").startswith("Demande CLM-20261120-ABC123 approuvée")
    assert translator("fr")("error_impossible_date", value="31/02/2026").startswith("31/02/2026 : ce jour n'existe pas")
