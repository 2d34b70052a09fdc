"""Words OCR cut in two or ran together in a name, mended against the spaCy model's vocabulary
(extractors/fields/glued_words.py)."""

from __future__ import annotations

import pytest

from extractors.fields.glued_words import lexicon, mend_words
from extractors.fields.parties import MENDED, extract_parties
from tests.conftest import lines_of

pytestmark = pytest.mark.skipif(not lexicon(), reason="fr_core_news_sm is not installed: nothing is mended")


@pytest.mark.parametrize(
    "read, mended",
    [
        ("CABINET DE KINESITH ERAPIE ROUSSEL", "CABINET DE KINESITHERAPIE ROUSSEL"),  # a word cut in two
        ("PHARMACIE LEMOINE ET SANCH EZ", "PHARMACIE LEMOINE ET SANCHEZ"),
        ("RÉPUBLIQUE F RANCAISE", "RÉPUBLIQUE FRANCAISE"),
        ("PHARMACIECENTRALE", "PHARMACIE CENTRALE"),  # an establishment word run into the next
        ("DocteurJuliette Robin", "Docteur Juliette Robin"),  # a title run into the name
    ],
)
def test_a_word_cut_or_run_together_is_mended(read, mended):
    assert mend_words(read) == mended


@pytest.mark.parametrize(
    "name",
    [
        "PHARMACIE DE LA GARE",  # two words never join
        "SANYU STATIONERY SHOP",  # compounds a French lexicon does not split
        "BAYSIDE HEALTH PARTNERS",
        "PHARMACIE BONNEMAISON",  # a name that reads as two words, after no establishment word
        "BoursoBank",
        "Dr Marie Le Goff",
        "BANKING",  # the rest too short to be a word of its own
        "Hospital Quirénsalud Madrid",
    ],
)
def test_names_as_printed_are_left_alone(name):
    assert mend_words(name) == name


def test_the_issuer_is_mended_and_marked_its_raw_text_as_read():
    issuer = extract_parties(lines_of("PHARMACIECENTRALE", "12 rue de la Paix", "75002 Paris"), "receipt")["issuer"]
    assert issuer.value == "PHARMACIE CENTRALE" and issuer.raw == "PHARMACIECENTRALE"
    assert MENDED in issuer.rule


@pytest.mark.parametrize(
    "read, mended",
    [
        ("AnaïsSANCHEZ", "Anaïs SANCHEZ"),
        ("Jean-PierreMARTIN", "Jean-Pierre MARTIN"),
        ("ÉloïseDUPONT-MOREAU", "Éloïse DUPONT-MOREAU"),
        ("McDONALD", "McDONALD"),  # two letters before the capitals: a name's own
        ("LeBLANC", "LeBLANC"),
    ],
)
def test_a_first_name_run_into_a_surname_is_parted_in_a_persons_name_only(read, mended):
    assert mend_words(read, person=True) == mended
    assert mend_words(read) == read  # an issuer's brand may be written so


def test_the_beneficiary_after_a_split_civil_title_and_a_glued_surname():
    lines = lines_of("Cabinet dentaire du Parc", "Dr Sébastien GUERIN", "Bénéficiaire : M me AnaïsSANCHEZ")
    beneficiary = extract_parties(lines, "quote")["beneficiary"]
    assert beneficiary.value == "Anaïs SANCHEZ" and beneficiary.rule.startswith("beneficiary.label_right")
    assert MENDED in beneficiary.rule
