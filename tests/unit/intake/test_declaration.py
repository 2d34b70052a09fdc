"""The declaration: manifest errors name fields, never values; one rule for the claimant's language."""

from __future__ import annotations

import pytest

from intake.declaration import DeclarationError, parse_manifest, quoted_claim, request_language
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


@pytest.mark.parametrize(("manifest", "subject", "body", "expected"), [
    (None, None, None, "fr"),
    (None, "My claim", "Please find attached my invoice, thank you", "en"),
    ({"language": "fr"}, None, "Please find attached my invoice, thank you", "fr"),  # declared wins
    ({"language": "en"}, None, "Bonjour, merci de trouver ci-joint ma facture", "en"),
    ({"care_types": ["pharmacy"]}, None, "Please find attached the invoice for my request", "en"),  # not declared: guessed
])
def test_one_rule_for_the_claimants_language(manifest, subject, body, expected):
    declared = parse_manifest(manifest) if manifest else None
    assert request_language(declared, subject, body) == expected


def test_the_quoted_claim_comes_from_the_manifest_then_the_subject_then_the_body():
    declared = parse_manifest({"claim_id": "CLM-20261120-AAAAAA"})
    assert quoted_claim(declared, "Re: CLM-20261120-BBBBBB", None) == "CLM-20261120-AAAAAA"
    assert quoted_claim(None, "Re: CLM-20261120-BBBBBB", "CLM-20261120-CCCCCC") == "CLM-20261120-BBBBBB"
    assert quoted_claim(None, None, "votre dossier CLM-20261120-CCCCCC") == "CLM-20261120-CCCCCC"
