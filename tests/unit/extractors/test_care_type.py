"""Care type from the taxonomy's keywords."""

import pytest

from extractors.data_files import one_letter_apart
from extractors.fields.care_type import TAXONOMY, care_scores, extract_care_type
from tests.conftest import line_of, lines_of


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


@pytest.mark.parametrize(
    "texts, expected",
    [
        # a consultation at a hospital abroad is no hospitalisation: the care outweighs the establishment's name
        (
            ("BANGKOK HOSPITAL", "RECEIPT", "Outpatient Department", "Consultation fee 1,500.00", "Total THB 1,700.00"),
            "general_practitioner",
        ),
        (("HOSPITAL QUIRÓNSALUD BARCELONA", "FACTURA", "Consulta de urgencias 150,00 €"), "general_practitioner"),
        (("Mount Sinai Hospital", "Emergency Department", "ER visit level 3 850.00"), "general_practitioner"),
        (("Klinikum rechts der Isar", "Rechnung", "Ambulante Behandlung", "Notfallkonsultation 95,00 €"), "general_practitioner"),
        (("OSPEDALE SAN RAFFAELE", "FATTURA", "Visita specialistica cardiologica 120,00"), "specialist"),
        # ...and a stay is one, in any language
        (("Mount Sinai Hospital", "Inpatient stay 03/05/2024 - 03/07/2024", "Room and board 2 days 4,000.00"), "hospitalisation"),
        (("Klinikum rechts der Isar", "Stationärer Aufenthalt vom 03.05.2024 bis 07.05.2024"), "hospitalisation"),
        (("HOSPITAL CLÍNIC", "Ingreso hospitalario del 03/05/2024 al 07/05/2024", "Estancia 4 días"), "hospitalisation"),
        (("FARMACIA SAN MARCO", "TACHIPIRINA 500MG 5,90"), "pharmacy"),
        (("Apotheke am Markt", "Ibuprofen 400mg 20 St. 3,95"), "pharmacy"),
        (("Sophie Dubois", "Psychologue clinicienne", "Consultation psychologique du 18/09/2024"), "alternative_medicine"),
        # German shops of care: an optician's, a medical supply store's, a hearing-aid maker's
        (("Optik Weitblick", "Quittung", "Kontaktlinsenpflege 14,90"), "optical"),
        (("Sanitätshaus am Dom", "Kompressionsstrümpfe Klasse 2 36,45"), "medical_equipment"),
        (("Hörakustik Klang GmbH", "Hörgerät Batterien 6,90"), "hearing"),
        # ... a drugstore's, as "drugstore" an American one; an optician's in the plural; a till without umlauts
        (("DROGERIEMARKT Hoffmann", "Vitamin C Kapseln 4,72 A", "SUMME EUR 11,38"), "pharmacy"),
        (("Brillen Krüger", "Lesebrille +2,0 14,90"), "optical"),
        (("Sanitaetshaus am Markt", "Bandage Knie 39,90 A"), "medical_equipment"),
        # an emergency visit or an outpatient consultation at a hospital is no stay
        (
            ("Massachusetts General Hospital", "PATIENT STATEMENT", "Emergency Dept Level 4 $1,245.00", "X-Ray Chest $312.00"),
            "general_practitioner",
        ),
        (("Hôpital Universitaire de Genève", "Facture", "Consultation ambulatoire urgences CHF 320.00"), "general_practitioner"),
    ],
)
def test_care_abroad_and_in_other_words(texts, expected):
    assert extract_care_type(lines_of(*texts), "invoice").value == expected


def test_a_running_header_repeating_the_hospitals_name_does_not_make_a_visit_a_stay():
    # an emergency visit at a foreign hospital, billed over two pages each headed with the hospital's name
    page_1 = ["Toronto General Hospital", "200 Elizabeth Street", "Hospital Invoice", "Date: August 1, 2023"]
    page_1 += ["Emergency room visit $327.09 CAD", "Ultrasound $195.66 CAD", "Carried forward $522.75 CAD"]
    page_2 = ["Toronto General Hospital - Hospital Invoice", "Brought forward $522.75 CAD", "Amount due $610.22 CAD"]
    lines = [line_of(t, i) for i, t in enumerate(page_1)] + [line_of(t, len(page_1) + i, page=2) for i, t in enumerate(page_2)]
    assert extract_care_type(lines, "invoice").value == "general_practitioner"
    # the same words on one page of a stay's bill: a hospitalisation
    stay = lines_of("Toronto General Hospital", "Hospital Invoice", "Inpatient stay 3 days $2,400.00 CAD")
    assert extract_care_type(stay, "invoice").value == "hospitalisation"


def test_a_hyphen_between_a_keywords_words_is_a_space():
    lines = lines_of(
        "DOCUMENT PORTABLE S2", "Attestation de droit à des soins-programmés", "Période autorisée du 24.03.26 au 30.06.26"
    )
    assert extract_care_type(lines, "prior_authorisation").value == "hospitalisation"


def test_a_compound_headed_by_a_strong_word_of_the_issuers_header_names_the_care():
    assert extract_care_type(lines_of("LÖWENAPOTHEKE", "Hauptstraße 5", "Summe 12,50")).value == "pharmacy"
    assert extract_care_type(lines_of("LAKEVIEWDRUGSTORE", "5058 Lake Road", "AMOUNT $584.04")).value == "pharmacy"
    # below the header, or a short word ("accidental" is no "dental"), it does not
    below = ("SHOP", *(f"row {n}" for n in range(8)), "Stadtapotheke")
    assert extract_care_type(lines_of(*below)).value == "other"
    assert extract_care_type(lines_of("ACCIDENTAL DAMAGE REPAIRS", "Total 40.00")).value == "other"


def test_a_long_word_of_the_issuers_header_misread_by_one_letter_still_names_the_care():
    # a blurred scan's "Allgemeinmedizin" read "Aligemeinmedizin"
    assert extract_care_type(lines_of("Gemeinschaftspraxis Krüger", "Aligemeinmedizin", "Summe 100,59")).value == (
        "general_practitioner"
    )
    # not a word one letter from another care's: a dermatologist's practice misread is left unread
    assert one_letter_apart("hautarztpraxis", "hausarztpraxis")
    evidence = care_scores(lines_of("Hautarztpraxiz Dr. Roth", "Summe 80,00"))["general_practitioner"][1]
    assert [word for word, _ in evidence] == ["dr"]
    # nor a word of the taxonomy read right: "consultation" is no misread "konsultation"
    evidence = care_scores(lines_of("Consultation psychologique", "Total 60,00"))["general_practitioner"][1]
    assert [word for word, _ in evidence] == ["consultation"]
    # nor a short word, nor a word two letters off
    assert extract_care_type(lines_of("Optiquo Lumiere", "Total 40,00")).value == "other"
    assert extract_care_type(lines_of("Aligemeinmedizim", "Summe 100,59")).value == "other"


def test_a_drinkable_medicine_taken_at_bedtime_is_a_prescription_of_medicines():
    rows = (
        "Dr Gaël MASSON",
        "Gynécologie médicale",
        "Bénéficiaire : X",
        "Gaviscon susp. buv. fl 250 ml",
        "1 comprimé le soir au coucher",
    )
    assert extract_care_type(lines_of(*rows), "prescription").value == "pharmacy"
