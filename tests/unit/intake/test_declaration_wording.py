"""A declaration that cannot be used is worded for a manager: each field by its label and what is wrong with
it, in French and English, never pydantic's text nor the value given."""

from __future__ import annotations

import json

import pytest

from intake.declaration import MAX_MANIFEST_BYTES, DeclarationError, parse_manifest
from intake.declaration_wording import problem_kind, worded


def problems(manifest: dict | bytes) -> tuple[tuple[str, str], ...]:
    with pytest.raises(DeclarationError) as caught:
        parse_manifest(manifest if isinstance(manifest, bytes) else json.dumps(manifest).encode())
    return caught.value.problems


def test_each_field_is_named_by_its_label_and_its_problem_in_both_languages():
    found = problems({"total_declared": "trente", "care_types": ["pharmacy", "massage"], "currency": "euros"})
    assert set(found) == {("total_declared", "not_a_number"), ("care_types.1", "not_allowed"), ("currency", "bad_format")}
    french, english = worded(found, "fr"), worded(found, "en")
    assert "total déclaré : nombre attendu" in french and "types de soins : valeur hors de la liste proposée" in french
    assert "declared total: a number was expected" in english and "currency: unexpected format" in english
    for text in (french, english):
        assert "trente" not in text and "massage" not in text and "euros" not in text  # never the value given
        assert "Input should" not in text  # never the parser's own words


def test_a_nested_date_an_unknown_key_and_a_form_that_is_not_json():
    found = problems({"beneficiary": {"name": "Jean Martin", "birth_date": "hier"}, "Jean Martin": 1})
    assert ("beneficiary.birth_date", "not_a_date") in found and any(kind == "unknown_field" for _, kind in found)
    french = worded(found, "fr")
    assert "date de naissance du bénéficiaire : date attendue" in french and "Jean" not in french
    assert worded(problems(b"{not json"), "en") == "the form is not a readable JSON file"
    assert worded(problems(b" " * (MAX_MANIFEST_BYTES + 1)), "fr") == "le formulaire dépasse la taille admise"


@pytest.mark.parametrize(
    ("error_type", "kind"),
    [
        ("missing", "missing"),
        ("decimal_parsing", "not_a_number"),
        ("date_from_datetime_parsing", "not_a_date"),
        ("bool_parsing", "not_yes_no"),
        ("greater_than_equal", "out_of_range"),
        ("string_type", "wrong_type"),
        ("value_error", "invalid"),
    ],
)
def test_pydantic_error_types_map_to_worded_kinds(error_type, kind):
    assert problem_kind(error_type) == kind
