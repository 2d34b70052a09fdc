"""Care type from the taxonomy's keywords."""

import pytest

from extractors.fields.care_type import TAXONOMY, extract_care_type
from tests.conftest import lines_of


@pytest.mark.parametrize(
    "texts, expected",
    [
        (("PHARMACIE DU MARCHÉ", "Doliprane 1000 mg", "Total TTC 12,00 €"), "pharmacy"),
        (("Julie Martin - Masseur-kinésithérapeute", "10 séances AMK 7.5"), "physiotherapy"),
        (("CENTRE HOSPITALIER DE LYON", "Forfait journalier 20,00 €"), "hospitalisation"),
        (("Cabinet de radiologie", "Échographie abdominale"), "imaging"),
        (("Dr Paul Roux - Chirurgien-dentiste", "Détartrage 28,92 €"), "dental"),
        (("Optique Lafayette", "Monture 120,00 €", "Verres progressifs"), "optical"),
        (("Cabinet d'ostéopathie", "Séance d'ostéopathie 60,00 €"), "alternative_medicine"),
        (("Sakura Medical Clinic", "Consultation JPY 900"), "general_practitioner"),
        (("ACCORD PRÉALABLE", "2.1 Prestation Traitement d'orthopédie dento-faciale (semestre de"), "dental"),
        (("ACCORD PRÉALABLE", "2.1 Prestation Transport en véhicule sanitaire de plus de 150 km"), "transport"),
        (("Lorem ipsum",), "other"),
    ],
)
def test_care_types(texts, expected):
    field = extract_care_type(lines_of(*texts))
    assert field.value == expected and field.value in TAXONOMY
    assert (field.bbox is None) == (expected == "other")


def test_a_prescription_is_the_care_it_prescribes_not_its_writer():
    lines = lines_of("Docteur Inès Masson - Médecine générale", "ORDONNANCE", "Doliprane 1000 mg : 1 comprimé 3 fois par jour")
    assert extract_care_type(lines, "prescription").value == "pharmacy"
    assert extract_care_type(lines).value == "general_practitioner"


def test_a_prescription_of_medicines_named_by_weak_cues_is_pharmacy():
    head = ("Dr FAURE Chloé", "Dermatologie", "RPPS 10990939810", "16 avenue de la Libération", "34000 MONTPELLIER")
    head += ("Secrétariat : 04.96.01.14.67", "Montpellier, le 19.11.23", "Patient : A. K.")  # the title zone: 8 rows
    rows = (*head, "Atorvastatine Teva 20 mg B/90", "1 comprimé le matin a jeun", "QSP 1 mois", "Signature")
    assert extract_care_type(lines_of(*rows), "prescription").value == "pharmacy"
    assert extract_care_type(lines_of(*rows), "other").value != "pharmacy"  # elsewhere the cue is too weak
    pen = (*head, "Humira 40 mg stylo", "1 application 2 fois par jour sur la zone douloureuse", "Signature")
    assert extract_care_type(lines_of(*pen), "prescription").value == "pharmacy"
