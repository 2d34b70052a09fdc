"""The declaration: manifest errors name fields, never values; one rule for the claimant's language."""

from __future__ import annotations

import pytest

from intake.declaration import DeclarationError, message_languages, parse_manifest, quoted_claim, request_language
from models.errors import ExitCode


def test_a_bad_manifest_names_the_field_not_the_value():
    with pytest.raises(DeclarationError) as caught:
        parse_manifest(b'{"beneficiary": {"name": 12345}, "care_types": "Jean Dupont 1850775123456"}')
    message = caught.value.message
    assert "care_types" in message and "Jean Dupont" not in message and "1850775123456" not in message
    assert caught.value.code == "invalid_manifest" and caught.value.exit_code is ExitCode.USAGE


def test_invalid_json_is_a_declaration_error():
    with pytest.raises(DeclarationError):
        parse_manifest(b"{not json")


@pytest.mark.parametrize(
    ("manifest", "subject", "body", "expected"),
    [
        (None, None, None, "fr"),
        (None, "My claim", "Please find attached my invoice, thank you", "en"),
        ({"language": "fr"}, None, "Please find attached my invoice, thank you", "fr"),  # declared wins
        ({"language": "en"}, None, "Bonjour, merci de trouver ci-joint ma facture", "en"),
        ({"care_types": ["pharmacy"]}, None, "Please find attached the invoice for my request", "en"),  # not declared: guessed
    ],
)
def test_one_rule_for_the_claimants_language(manifest, subject, body, expected):
    declared = parse_manifest(manifest) if manifest else None
    assert request_language(declared, subject, body) == expected


def test_the_quoted_claim_comes_from_the_manifest_then_the_subject_then_the_body():
    declared = parse_manifest({"claim_id": "CLM-20261120-AAAAAA"})
    assert quoted_claim(declared, "Re: CLM-20261120-BBBBBB", None) == "CLM-20261120-AAAAAA"
    assert quoted_claim(None, "Re: CLM-20261120-BBBBBB", "CLM-20261120-CCCCCC") == "CLM-20261120-BBBBBB"
    assert quoted_claim(None, None, "votre dossier CLM-20261120-CCCCCC") == "CLM-20261120-CCCCCC"


@pytest.mark.parametrize(
    "data",
    [
        b'{"Jean Dupont": "x"}',
        {"1850775123456": 1},
        {12345678: 1},
        b'{"beneficiary": {"name": "x", "Jean Dupont": 1}}',
        b'{"stay": {"Dupont": 1}}',
    ],
)
def test_an_unknown_key_is_not_repeated_in_the_message(data):
    """Regression: an unknown key (a claimant's own: a name, a number) was the field named in the error."""
    with pytest.raises(DeclarationError) as caught:
        parse_manifest(data)
    message = caught.value.message
    assert "(unknown field)" in message
    assert not any(s in message for s in ("Jean Dupont", "1850775123456", "12345678", "Dupont"))


def test_known_fields_and_items_are_still_named():
    with pytest.raises(DeclarationError) as caught:
        parse_manifest({"beneficiary": {"name": 1}, "care_types": ["pharmacy", "Jean Dupont"]})
    assert "beneficiary.name:" in caught.value.message and "care_types.1:" in caught.value.message


def test_an_oversized_manifest_is_refused():
    with pytest.raises(DeclarationError, match="larger than 64 KiB"):
        parse_manifest(b'{"stay_motive": "' + b"x" * 70_000 + b'"}')


def test_a_claim_number_is_read_with_ascii_digits_only():
    """Regression: '\\d' also matched other scripts' digits (Arabic-Indic ones) - never a claim number we issue."""
    assert quoted_claim(None, "Re: CLM-2026\u0661\u066123-97G8C1", None) is None
    assert quoted_claim(None, "Re: CLM-20261123-97G8C1", None) == "CLM-20261123-97G8C1"
    with pytest.raises(DeclarationError):
        parse_manifest({"claim_id": "CLM-2026\u0661\u066123-97G8C1"})


@pytest.mark.parametrize(
    ("language", "both", "languages"),
    [
        ("en", False, ("en",)),
        ("fr", False, ("fr",)),
        (None, False, ("fr",)),
        ("de", False, ("fr",)),
        ("en", True, ("en", "fr")),
        ("fr", True, ("fr", "en")),
    ],
)
def test_a_message_is_in_the_claimants_language_and_the_other_only_on_request(language, both, languages):
    assert message_languages(language, both) == languages
