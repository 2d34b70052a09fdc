"""Identifiers (RPPS, ADELI, FINESS, SIRET, SIREN, NIR, IBAN, BIC) on tricky strings: labelled or not,
check digits valid or not, spaced, OCR-confused."""

from __future__ import annotations

import logging

import pytest

from extractors.fields.identifiers import digit_runs, extract_identifiers
from tests.conftest import line_of, lines_of

# Valid numbers (check digits computed with python-stdnum): RPPS 10001234565, FINESS 750001232,
# SIREN 732829320, SIRET 73282932000074, NIR 185046912345625 / 253072B07300470 (Corsica),
# IBAN FR7630006000011234567890189, BIC AGRIFRPP.


def one(text: str, *more: str) -> dict:
    return extract_identifiers(lines_of(text, *more))


# --- RPPS ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text", ["RPPS 10001234565", "N° RPPS : 10001234565", "Identifiant RPPS: 100 012 345 65", "RPPS/ADELI : 10001234565"]
)
def test_rpps_labelled(text):
    field = one(text)["rpps"]
    assert field.value == "10001234565"
    assert field.rule == "rpps.label_right"
    assert field.confidence > 0.8
    assert field.page == 1 and field.bbox is not None


def test_rpps_invalid_checksum_is_returned_low():
    field = one("N° RPPS : 10001234566")["rpps"]
    assert field.value == "10001234566"
    assert field.rule == "rpps.label_right.invalid_checksum"
    assert field.confidence <= 0.3


@pytest.mark.parametrize("text", ["RPPS 1OOO1234565", "RPPS l0001234565", "RPPS 1000I234S65"])
def test_rpps_ocr_confusions_fixed_when_the_check_passes(text):
    field = one(text)["rpps"]
    assert field.value == "10001234565"
    assert field.rule == "rpps.label_right.ocr_fixed"
    assert 0.3 < field.confidence < one("RPPS 10001234565")["rpps"].confidence


def test_rpps_ocr_confusion_not_fixed_when_the_check_fails():
    field = one("RPPS 1OOO1234566")["rpps"]
    assert field.rule.endswith("invalid_checksum")
    assert field.confidence <= 0.3


def test_rpps_label_above():
    field = one("N° RPPS", "10001234565")["rpps"]
    assert field.value == "10001234565"
    assert field.rule == "rpps.label_below"


def test_rpps_unlabelled_lower_confidence_and_phones_ignored():
    field = one("Dr Jean Martin 10001234565")["rpps"]
    assert field.rule == "rpps.unlabelled"
    assert field.confidence < one("RPPS 10001234565")["rpps"].confidence
    assert one("Tél 10001234565") == {}
    assert one("+10001234565") == {}
    assert one("Dr Jean Martin 10001234566") == {}  # unlabelled and invalid: noise, not returned


# --- ADELI ----------------------------------------------------------------------------------------
def test_adeli_only_with_its_label():
    field = one("N° ADELI : 75 1 23456 7")["adeli"]
    assert field.value == "751234567"
    assert field.rule == "adeli.label_right"
    assert one("Cabinet 751234567") == {}


def test_adeli_with_confusions_is_unverified():
    field = one("ADELI 75I234567")["adeli"]
    assert field.value == "751234567"
    assert field.rule == "adeli.label_right.unverified"
    assert field.confidence <= 0.3


def test_rpps_and_adeli_on_one_row():
    found = one("Dr Jean Martin RPPS 10001234565 ADELI 751234567")
    assert found["rpps"].value == "10001234565"
    assert found["adeli"].value == "751234567"


# --- FINESS, SIRET, SIREN --------------------------------------------------------------------------
def test_finess_labelled_valid_and_invalid():
    assert one("N° FINESS : 75 000 123 2")["finess"].value == "750001232"
    bad = one("FINESS ET 750001233")["finess"]
    assert bad.rule == "finess.label_right.invalid_checksum" and bad.confidence <= 0.3


def test_nine_digit_luhn_without_label_is_ambiguous():
    assert one("Clinique 750001232") == {}


def test_siret_labelled_spaced_then_phone_on_the_row():
    found = one("SIRET : 732 829 320 00074 Tél : 01 23 45 67 89")
    assert found["siret"].value == "73282932000074"
    assert found["siret"].rule == "siret.label_right"
    assert "siren" not in found


def test_siret_invalid_and_unlabelled():
    assert one("SIRET 732 829 320 00075")["siret"].rule == "siret.label_right.invalid_checksum"
    field = one("SELARL Pharmacie 73282932000074")["siret"]
    assert field.rule == "siret.unlabelled" and field.value == "73282932000074"


def test_unlabelled_siret_needs_its_shape():
    assert one("8809059300708 7,90*3 2370 Z") == {}  # an EAN code and a price, 14 digits by chance
    assert one("Clinique 7328 2932 0000 74") == {}
    assert one("Clinique 732829320 00074")["siret"].value == "73282932000074"


def test_siren_labelled_and_dropped_when_a_siret_exists():
    assert one("RCS Paris B 732 829 320")["siren"].value == "732829320"
    assert one("SIREN : 732829320")["siren"].rule == "siren.label_right"
    found = one("SIREN : 732829320", "SIRET : 73282932000074")
    assert "siren" not in found and found["siret"].value == "73282932000074"


# --- NIR ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "N° SS : 1 85 04 69 123 456 25",
        "NIR 185046912345625",
        "N° de sécurité sociale : 1850469123456 25",
        "N° SS 1 85 04 69 123 456 clé 25",
    ],
)
def test_nir_labelled_spaced(text):
    field = one(text)["nir"]
    assert field.value == "185046912345625"
    assert field.rule == "nir.label_right"


def test_nir_wrong_key_is_flagged_low():
    field = one("N° SS : 1 85 04 69 123 456 78")["nir"]  # the key of 1850469123456 is 25
    assert field.value == "185046912345678"
    assert field.rule == "nir.label_right.invalid_checksum"
    assert field.confidence <= 0.3
    assert one("Assuré 1 85 04 69 123 456 78") == {}  # unlabelled and invalid: not returned


def test_nir_corsica_below_its_label():
    field = one("Numéro de sécurité sociale", "2 53 07 2B 073 004 70")["nir"]
    assert field.value == "253072B07300470"
    assert field.rule == "nir.label_below"
    assert one("N° SS 2 53 07 2A 073 004 43")["nir"].value == "253072A07300443"


def test_nir_unlabelled_and_ocr_confused():
    field = one("Mme Sophie DURAND 1 85 04 69 123 456 25")["nir"]
    assert field.rule == "nir.unlabelled" and field.value == "185046912345625"
    fixed = one("N° SS 1 85 O4 69 l23 456 25")["nir"]
    assert fixed.value == "185046912345625" and fixed.rule == "nir.label_right.ocr_fixed"


# --- IBAN / BIC -----------------------------------------------------------------------------------
def test_iban_with_spaces_and_bic_labelled():
    found = one("IBAN : FR76 3000 6000 0112 3456 7890 189", "BIC : AGRIFRPP")
    assert found["iban"].value == "FR7630006000011234567890189"
    assert found["iban"].rule == "iban.label_right"
    assert found["bic"].value == "AGRIFRPP" and found["bic"].rule == "bic.label_right"


def test_iban_unlabelled_bic_near_it():
    found = one("Titulaire : M. Paul LEROY", "FR76 3000 6000 0112 3456 7890 189 AGRIFRPP")
    assert found["iban"].rule == "iban.unlabelled"
    assert found["bic"].rule == "bic.near_iban"
    assert found["iban"].confidence < one("IBAN FR7630006000011234567890189")["iban"].confidence


def test_iban_compact_lower_case_and_ocr_confused():
    assert one("iban fr7630006000011234567890189")["iban"].value == "FR7630006000011234567890189"
    field = one("IBAN FR76 3OOO 6OOO 0112 3456 7890 189")["iban"]
    assert field.value == "FR7630006000011234567890189" and field.rule.endswith("ocr_fixed")


def test_iban_check_digits_read_as_look_alike_letters():
    # "DE55" read "DESS": the checksum says which digits they were
    field = one("Bankverbindung: Commerzbank : IBAN DESS 0930 7351 9521 6881 92")["iban"]
    assert field.value == "DE55093073519521688192" and field.rule == "iban.label_right.ocr_fixed"
    # letters that make no valid IBAN are no IBAN, not even at its label
    assert "iban" not in one("IBAN DESS 0930 7351 9521 6881 93")
    assert one("BOSS 0930 7351 9521 6881 92") == {}


def test_iban_wrong_check_digits():
    field = one("IBAN : FR77 3000 6000 0112 3456 7890 189")["iban"]
    assert field.rule == "iban.label_right.invalid_checksum" and field.confidence <= 0.3
    assert one("FR77 3000 6000 0112 3456 7890 189") == {}


def test_a_labelled_bic_of_another_country_than_the_iban_is_doubtful():
    # the bank's code unreadable, the next word of BIC shape after the label: BRIGITTE would be an Italian BIC
    found = one("IBAN : FR76 3000 6000 0112 3456 7890 189", "BIC : ~~~~~ Titulaire : BRIGITTE MARTIN")
    assert found["bic"].value == "BRIGITTE" and found["bic"].rule == "bic.label_right+country_mismatch"
    assert found["bic"].confidence < 0.8 <= one("IBAN : FR76 3000 6000 0112 3456 7890 189", "BIC : AGRIFRPP")["bic"].confidence


def test_upper_case_words_are_not_bics():
    # PHARMACI would be a well-formed BIC of Morocco: only near a French IBAN or a BIC label is it read
    assert "bic" not in one("PHARMACI", "IBAN FR7630006000011234567890189")
    assert "bic" not in one("PHARMACIE DU CENTRE")


# --- generic --------------------------------------------------------------------------------------
def test_digit_runs_join_spaced_groups_only():
    runs = digit_runs(line_of("SIRET 732 829 320 00074 / 01.23.45.67.89"))
    assert [run.text(0, len(run.groups)) for run in runs] == ["73282932000074", "0123456789"]


def test_nothing_is_logged(caplog):
    caplog.set_level(logging.DEBUG)
    one("N° SS : 1 85 04 69 123 456 25", "IBAN FR7630006000011234567890189", "RPPS 10001234566")
    assert caplog.records == []


def test_empty_document():
    assert extract_identifiers([]) == {}


def test_a_nir_the_rows_end_cut_in_two_is_joined_when_its_key_passes():
    # a posting certificate's prose: the number starts at a row's end and ends the next row's first words
    lines = lines_of(
        "atteste que M. X, né le 3 févr. 1996, n° de sécurité sociale 1 96 02 35",
        "141 976 88, employé en qualité de technicien depuis le 9 mai 2019",
    )
    found = extract_identifiers(lines)["nir"]
    assert (found.value, found.rule) == ("196023514197688", "nir.label_right_wrapped")
    wrong_key = lines_of("n° de sécurité sociale 1 96 02 35", "141 976 89, employé depuis le 9 mai 2019")
    assert "nir" not in extract_identifiers(wrong_key)  # the joined halves fail the key: two numbers
    not_opening = lines_of("n° de sécurité sociale 1 96 02 35", "employé 141 976 88 depuis 2019")
    assert "nir" not in extract_identifiers(not_opening)  # the next row does not open with the rest
