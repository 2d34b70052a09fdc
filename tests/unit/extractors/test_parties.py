"""Parties (issuer, practitioner, beneficiary, birth date) on French and Malaysian headers."""

from __future__ import annotations

import logging

import pytest

from extractors.fields import parties
from extractors.fields.parties import clean_name, extract_parties, repair_legal_suffix
from tests.conftest import lines_of

FRENCH_INVOICE = (
    "PHARMACIE DU CENTRE",
    "SELARL Pharmacie Martin",
    "12 rue de la République",
    "75001 PARIS",
    "Tél : 01 23 45 67 89",
    "FACTURE N° 2024-0012",
    "Date : 12/03/2024",
    "Patient : Mme Sophie DURAND",
    "Née le 14/07/1985",
)
PRESCRIPTION = (
    "Docteur Jean-Pierre MARTIN",
    "Médecin généraliste",
    "3 avenue Foch 69006 Lyon",
    "RPPS 10001234565",
    "ORDONNANCE",
    "Lyon, le 3 février 2024",
    "Monsieur Paul LEROY",
    "Doliprane 1000 mg",
)
MALAYSIAN_RECEIPT = (
    "tan woon yann",
    "BOOK TA .K (TAMAN DAYA) SDN BHD",
    "789417-W",
    "NO.53 55,57 & 59, JALAN SAGU 18,",
    "TAMAN DAYA,",
    "81100 JOHOR BAHRU,",
    "JOHOR.",
    "TAX INVOICE",
    "Date: 25/12/2018 10:32",
)


def test_french_invoice_header():
    found = extract_parties(lines_of(*FRENCH_INVOICE), "invoice")
    assert found["issuer"].value == "PHARMACIE DU CENTRE"
    assert found["issuer"].rule.startswith("issuer.establishment")
    assert found["beneficiary"].value == "Sophie DURAND"
    assert found["beneficiary"].rule.startswith("beneficiary.label_right")
    assert found["beneficiary_birth_date"].value == "1985-07-14"
    assert "practitioner" not in found


def test_prescription_header_with_dr():
    found = extract_parties(lines_of(*PRESCRIPTION), "prescription")
    assert found["practitioner"].value == "Jean-Pierre MARTIN"
    assert found["practitioner"].rule.startswith("practitioner.title")
    assert found["issuer"].value == "Docteur Jean-Pierre MARTIN"
    assert found["issuer"].rule.startswith("issuer.practitioner")
    assert found["beneficiary"].value == "Paul LEROY"
    assert found["beneficiary"].rule.startswith("beneficiary.civil_title")
    assert found["beneficiary"].confidence < found["practitioner"].confidence


def test_physiotherapist_named_before_the_profession():
    found = extract_parties(
        lines_of(
            "Cabinet de kinésithérapie",
            "Julie PETIT - Masseur-kinésithérapeute D.E.",
            "8 place Bellecour",
            "NOTE D'HONORAIRES",
            "Nom du patient : BERNARD Lucas",
            "Date de naissance : 02/11/2012",
        ),
        "invoice",
    )
    assert found["issuer"].value == "Julie PETIT"  # a generic "Cabinet de kinésithérapie" names no one
    assert found["practitioner"].value == "Julie PETIT"
    assert found["beneficiary"].value == "BERNARD Lucas"
    assert found["beneficiary_birth_date"].value == "2012-11-02"


def test_malaysian_receipt_header():
    found = extract_parties(lines_of(*MALAYSIAN_RECEIPT), "receipt")
    issuer = found["issuer"]
    assert issuer.value == "BOOK TA .K (TAMAN DAYA) SDN BHD"  # the legal form beats the scribbled first row
    assert issuer.rule.startswith("issuer.legal_form")
    assert issuer.page == 1 and issuer.bbox is not None and 0.5 < issuer.confidence <= 1
    assert "beneficiary" not in found


@pytest.mark.parametrize(
    "rows, expected",
    [
        (("31802017", "MR. D.I.Y. SON BHD", "(CO.REG :704427-T )"), "MR. D.I.Y. SDN BHD"),
        (("POPULAR BOOK", "CO. (M) SDN BHD", "(Co. No. 113825-W)"), "POPULAR BOOK CO. (M) SDN BHD"),
        (("GHEE HIANG", "GH DISTRIBUTOR & MARKETING SDN BHD", "(1097826-H)"), "GH DISTRIBUTOR & MARKETING SDN BHD"),
        (("SIMPLIFIED TAX INVOICE", "SIN THYE & COMPANY", "REG. NO:00168397-H"), "SIN THYE & COMPANY"),
        (("' TAX INVOICE", "BHPetrol Subang Airport", "Jalan Lapangan Terbang", "47200 Subang"), "BHPetrol Subang Airport"),
        (("99 SPEED MART 5/8 (519537-X)", "LOT PT. 2811, JALAN ANGSA,"), "99 SPEED MART S/B"),
        (("WELCOME TO", "Walgreens", "123 Main St"), "Walgreens"),
    ],
)
def test_receipt_issuer_rows(rows, expected):
    assert extract_parties(lines_of(*rows), "receipt")["issuer"].value == expected


def test_name_cleaning():
    assert clean_name("GARDENIA BAKERIES (KL) SDN BHD (139386 X)") == "GARDENIA BAKERIES (KL) SDN BHD"
    assert clean_name("YONG CEN ENTERPRISE PO NET a TED") == "YONG CEN ENTERPRISE"
    assert clean_name("SYL ROASTED DELIGHTS SDN. BHD.") == "SYL ROASTED DELIGHTS SDN. BHD."
    assert clean_name("“MEGAH RETAIL SDN BHB") == "MEGAH RETAIL SDN BHD"
    assert repair_legal_suffix("Timeless Kitchenette San Bad") == "Timeless Kitchenette Sdn Bhd"
    assert repair_legal_suffix("SARL PHARMACIE SUN") == "SARL PHARMACIE SUN"


def test_patient_line_with_birth_date():
    found = extract_parties(lines_of("CLINIQUE SAINT-JEAN", "Patient : M. Karim BENALI né le 3 mars 1978"), "hospital_bulletin")
    assert found["beneficiary"].value == "Karim BENALI"
    assert found["beneficiary_birth_date"].value == "1978-03-03"
    found = extract_parties(lines_of("Walgreens", "Patient: John Smith DOB: 04/12/1970"), "receipt")
    assert found["beneficiary"].value == "John Smith"
    assert found["beneficiary_birth_date"].value == "1970-12-04"


def test_beneficiary_label_above_and_not_the_practitioner_name_label():
    rows = ("Centre de santé", "Nom du praticien : Dr Anne ROUX", "Bénéficiaire", "LEFEBVRE Emma")
    found = extract_parties(lines_of(*rows), "care_sheet")
    assert found["practitioner"].value == "Anne ROUX"
    assert found["beneficiary"].value == "LEFEBVRE Emma"
    assert found["beneficiary"].rule.startswith("beneficiary.label_below")


def test_without_spacy_the_rules_still_work(monkeypatch):
    monkeypatch.setattr(parties, "nlp_model", lambda: None)
    found = extract_parties(lines_of(*PRESCRIPTION), "prescription")
    assert found["practitioner"].value == "Jean-Pierre MARTIN"
    assert found["practitioner"].rule == "practitioner.title.rules_only"
    assert found["issuer"].rule.endswith(".rules_only")
    assert found["beneficiary"].rule.endswith(".rules_only")


def test_spacy_confirms_person_names_when_available():
    if parties.nlp_model() is None:
        pytest.skip("fr_core_news_sm not installed")
    found = extract_parties(lines_of(*FRENCH_INVOICE), "invoice")
    assert not found["issuer"].rule.endswith(".rules_only")


def test_nothing_is_logged_and_empty_documents(caplog):
    caplog.set_level(logging.DEBUG)
    extract_parties(lines_of(*FRENCH_INVOICE))
    assert [r for r in caplog.records if r.name.startswith("extractors")] == []
    assert extract_parties([]) == {}
    assert extract_parties(lines_of("12/03/2024", "01 23 45 67 89")) == {}


def test_care_sheet_form_sections_are_not_names():
    rows = (
        "FEUILLE DE SOINS cerfa N° 12541*02",
        "Art. L 161-33 du Code de la sécurité sociale - à remplir par le médecin",
        "PERSONNE RECEVANT LES SOINS ET ASSURÉ(E)",
        "Nom et prénom : LE GOFF Nathalie",
        "Date de naissance : 04/02/1964",
        "IDENTIFICATION DU PRATICIEN",
        "DR STÉPHANE LAURENT - Médecin généraliste",
        "Signature du praticien : .......... Signature de l'assuré(e)",
        "Les informations sont transmises à votre caisse d'assurance maladie.",
    )
    found = extract_parties(lines_of(*rows), "care_sheet")
    assert found["issuer"].value == "DR STÉPHANE LAURENT"
    assert found["practitioner"].value == "STÉPHANE LAURENT"
    assert found["beneficiary"].value == "LE GOFF Nathalie"
    assert found["beneficiary_birth_date"].value == "1964-02-04"


def test_the_practitioner_of_the_header_beats_the_prescriber():
    rows = (
        "MATHIEU HOARAU",
        "Masseur-Kinésithérapeute D.E.",
        "FACTURE",
        "Patient : MEUNIER Sandrine",
        "Sur prescription du Dr MASSON",
    )
    found = extract_parties(lines_of(*rows), "invoice")
    assert found["practitioner"].value == "MATHIEU HOARAU"
    assert found["issuer"].value == "MATHIEU HOARAU"
    pharmacy = extract_parties(lines_of("PHARMACIE DU MARCHÉ", "Prescripteur : Dr LEROY - ordonnance du 31/07/2022"), "invoice")
    assert pharmacy["practitioner"].value == "LEROY"
    assert pharmacy["practitioner"].rule.startswith("practitioner.title.prescriber")


def test_card_ticket_skips_payment_words():
    rows = (
        "CARTE BANCAIRE",
        "SANS CONTACT",
        "A0000000031010",
        "MASTERCARD",
        "LE 23/06/26 A 12:08:15",
        "MAISON DE SANTE DE DIJON",
    )
    assert extract_parties(lines_of(*rows), "receipt")["issuer"].value == "MAISON DE SANTE DE DIJON"


def test_name_starting_a_birth_row():
    found = extract_parties(
        lines_of("Pharmacie des Arcades", "Facture du 08-03-2024", "MOREL Fatima Née le 20/01/1942"), "invoice"
    )
    assert found["beneficiary"].value == "MOREL Fatima"
    assert found["beneficiary"].rule.startswith("beneficiary.birth_row")


def test_a_birth_label_without_its_date_names_nobody():
    # "Ne le communiquez..." folds like "né le": with no date after it, the row is no patient's
    lines = lines_of(
        "Relevé d'identité bancaire",
        "IBAN FR76 3006 6377 4131 9977 8345 376",
        "Conservez ce document. Ne le communiquez qu'à des organismes de confiance.",
    )
    assert "beneficiary" not in extract_parties(lines, "bank_details")
    lines = lines_of("Ordonnance", "MOREL Fatima Née le 20/01/1942")
    assert extract_parties(lines, "prescription")["beneficiary"].value.upper().startswith("MOREL")


def test_a_surname_row_is_completed_by_the_first_of_the_first_names_listed_below():
    record = ("EXTRAIT D'ACTE DE NAISSANCE", "Nom : LEFÈVRE", "Prénom(s) : Manon Nathalie", "Sexe : féminin")
    assert extract_parties(lines_of(*record), "birth_certificate")["beneficiary"].value == "LEFÈVRE Manon"
    single = ("FICHE PATIENT", "Nom : BRUNET", "Prénom : Jean Marc")  # one first name asked: kept whole
    assert extract_parties(lines_of(*single))["beneficiary"].value == "BRUNET Jean Marc"
    two_words = ("EXTRAIT D'ACTE DE NAISSANCE", "Nom : LE GOFF", "Prénom(s) : François Sébastien", "Sexe : M")
    assert extract_parties(lines_of(*two_words), "birth_certificate")["beneficiary"].value == "LE GOFF François"


def test_a_parent_born_on_a_birth_record_is_not_the_person():
    record = (
        "EXTRAIT AVEC FILIATION",
        "Acte de naissance n° 2013/00287",
        "PICARD",
        "Raphaël",
        "Père Karim PICARD, né le 08/04/1989 à Bordeaux",
        "Mère : Brigitte CARON, née le 03/09/1988 à Metz",
    )
    assert "beneficiary" not in extract_parties(lines_of(*record), "birth_certificate")


def test_first_names_on_a_numbered_form_row_misread_with_a_colon():
    form = ("1. Titulaire", "1.2 Nom GIRARD", "1:3 Prénom(s) Olivier", "1:4 Date de naissance 1er oct. 1965")
    assert extract_parties(lines_of(*form), "prior_authorisation")["beneficiary"].value == "GIRARD Olivier"


def test_the_person_a_narrative_birth_record_is_about():
    record = (
        "COPIE INTÉGRALE D'ACTE DE NAISSANCE",
        "Le 15 mai 2008, à onze heures, est né à Bordeaux : Karim, Raphaël GIRARD, de sexe",
        "masculin, fils de Paul GIRARD, né le 2 mai 1985 à Lille, comptable, et de",
        "Sophie NGUYEN, née le 24 décembre 1982 à Strasbourg, technicienne",
    )
    assert extract_parties(lines_of(*record), "birth_certificate")["beneficiary"].value == "Karim GIRARD"
    broken = ("Le dix-neuf juillet 1983, est née à Dijon : Amélie,", "Océane LE GOFF, de sexe féminin, fille d'Olivier LE GOFF")
    assert extract_parties(lines_of(*broken), "birth_certificate")["beneficiary"].value == "Amélie LE GOFF"


def test_a_narrative_birth_record_naming_the_child_on_the_next_row():
    record = (
        "Le quatre janvier mille neuf cent soixante-six, à onze heures, est né à",
        "Nantes : Nicolas, Yannick, Hugo LEMOINE, de sexe masculin, fils de Gaël LEMOINE, né le",
    )
    found = extract_parties(lines_of(*record), "birth_certificate")["beneficiary"]
    assert found.value == "Nicolas LEMOINE"
    assert found.raw.startswith("Nicolas")  # located on the row that prints it


def test_the_account_holder_of_a_rib_is_its_person_not_the_payee_of_an_invoice():
    rib = ("CIC", "Relevé d'identité bancaire", "Titulaire du compte : DA SILVA SÉBASTIEN", "100 impasse des Érables")
    assert extract_parties(lines_of(*rib), "bank_details")["beneficiary"].value == "DA SILVA SÉBASTIEN"
    below = ("CRÉDIT MUTUEL", "Vos coordonnées bancaires", "Titulaire du compte :", "CARON NOÉ", "77 avenue Jean Jaurès")
    assert extract_parties(lines_of(*below), "bank_details")["beneficiary"].value == "CARON NOÉ"
    invoice = ("Clinique du Parc", "FACTURE N° 12", "Règlement par virement", "Titulaire du compte : CLINIQUE DU PARC")
    assert "beneficiary" not in extract_parties(lines_of(*invoice), "invoice")


def test_a_name_row_above_the_row_opening_with_its_birth_date():
    quote = ("Centre dentaire de Toulouse", "PLAN DE TRAITEMENT ET DEVIS", "PERRIN Thomas", "Né(e) le 28/12/2012")
    found = extract_parties(lines_of(*quote), "quote")["beneficiary"]
    assert (found.value, found.rule.split(".spacy")[0].removesuffix(".rules_only")) == (
        "PERRIN Thomas",
        "beneficiary.birth_row_above",
    )
    sentence = ("Devis n° 2022-2921", "Merci de votre confiance, à bientôt au cabinet.", "Née le 19/06/1993")
    assert "beneficiary" not in extract_parties(lines_of(*sentence), "quote")


def test_ocr_specks_between_a_label_and_the_name():
    rows = ("Attestation de droits à l'assurance maladie", "Nom, prénom :- 0 Gaël Lefèvre")
    assert extract_parties(lines_of(*rows), "rights_certificate")["beneficiary"].value == "Gaël Lefèvre"
    quoted = ("RIB - Relevé d'identité bancaire", "“Intitulé du compte : : ‘GAUTHIER MEHDI")
    assert extract_parties(lines_of(*quoted), "bank_details")["beneficiary"].value == "GAUTHIER MEHDI"


def test_section_titles_and_street_rows_are_not_the_issuer():
    rib = ("Vos coordonnées bancaires", "Caisse d'Epargne Rhône Alpes", "IBAN FR76 1382 5002 0008 0000 0000 123")
    assert extract_parties(lines_of(*rib), "bank_details")["issuer"].value == "Caisse d'Epargne Rhône Alpes"
    receipt = ("9093 Sunset Drive", "Maple Street Pharmacy", "Springfield, IL 62704", "Total 12.40")
    assert extract_parties(lines_of(*receipt), "receipt")["issuer"].value == "Maple Street Pharmacy"


def test_a_city_state_and_zip_row_is_a_place_whatever_its_state_code():
    bill = ("Riverside Urgent Care", "52 Park Avenue", "Denver, CO 80254", "Patient Statement")
    assert extract_parties(lines_of(*bill), "invoice")["issuer"].value == "Riverside Urgent Care"  # CO: Colorado, not "Co."


def test_an_institution_named_with_establishment_words_is_the_issuer():
    rib = ("CRÉDIT MUTUEL", "Relevé d'Identité Bancaire (RIB)", "Titulaire du compte : KARIM FAURE")
    assert extract_parties(lines_of(*rib), "bank_details")["issuer"].value == "CRÉDIT MUTUEL"
    specialty = ("Kinésithérapie - Rééducation", "Cabinet Lemoine", "12 rue des Lilas")
    assert extract_parties(lines_of(*specialty), "invoice")["issuer"].value == "Cabinet Lemoine"


def test_an_optical_shop_issues_the_quote_its_optician_signs():
    quote = ("Brest Vision", "Maëlys Masson - Opticien-lunetier", "154 ter boulevard Victor Hugo", "DEVIS")
    found = extract_parties(lines_of(*quote), "quote")
    assert (found["issuer"].value, found["practitioner"].value) == ("Brest Vision", "Maëlys Masson")
    for shop in ("Les Opticiens du Marché", "Lunetterie de la Gare"):
        quote = (shop, "Mathieu Boyer - Opticien-lunetier", "78 ter rue Sainte-Catherine", "63000 CLERMONT-FERRAND", "DEVIS")
        assert extract_parties(lines_of(*quote), "quote")["issuer"].value == shop


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (("Clínica Dental Sol", "Paciente: Claire Dupont", "Total 85,00 €"), "Claire Dupont"),
        (("Ospedale San Raffaele", "Paziente: Claire Dupont", "Totale 85,00 €"), "Claire Dupont"),
        (("Arztpraxis Dr. Weber", "Patientin: Frau Claire Dupont", "Gesamtbetrag 85,00 €"), "Claire Dupont"),
        (("Pharmacie du Centre", "Bénéficiaire des soins : DUPONT Claire", "Total 12,00 €"), "DUPONT Claire"),
        # the child cared for, not the insured parent named under it
        (("Dr Martin, pédiatre", "Enfant : Lucas DUPONT", "Assuré : Jean DUPONT", "Total 25,00 €"), "Lucas DUPONT"),
    ],
)
def test_the_patient_in_other_words(rows, expected):
    assert extract_parties(lines_of(*rows), "invoice")["beneficiary"].value == expected


def test_a_practitioners_first_name_read_in_lower_case_is_still_a_name():
    # OCR read the J of "Julien" as a j: after "Dr" the name is read, not the section heading above it
    rows = ("FEUILLE DE SOINS", "IDENTIFICATION DU PRATICIEN", "Dr julien Girard - Médecin généraliste", "Montant total 25,00 €")
    parties = extract_parties(lines_of(*rows), "care_sheet")
    assert parties["practitioner"].value == "Julien Girard"
    assert parties["issuer"].value.lower() == "dr julien girard"
    # ...but a lower-case word before a name is no first name
    assert "practitioner" not in extract_parties(lines_of("Dr voir au verso", "Montant 25,00 €"), "invoice")


def test_a_forms_item_number_glued_to_its_label():
    rows = ("S2 - Droit à des soins programmés", "1. Titulaire", "1.2Nom NGUYEN", "1.3 Prénom(s) Thomas")
    assert extract_parties(lines_of(*rows), "prior_authorisation")["beneficiary"].value == "NGUYEN Thomas"


def test_a_french_elided_l_read_as_a_capital_i_is_restored():
    assert clean_name("Pharmacie de I'Hôtel de Ville") == "Pharmacie de l'Hôtel de Ville"
    assert clean_name("O'Neil Clinic") == "O'Neil Clinic"


def test_a_card_tickets_contactless_word_glued_by_ocr_is_no_issuer():
    rows = (
        "CARTE BANCAIRE",
        "SANSCONTACT",
        "A0000000041010",
        "12/01/23 08:32",
        "PHARMACIE DU CENTRE",
        "21000 DIJON",
        "MONTANT = 9,19 EUR",
    )
    assert extract_parties(lines_of(*rows), "receipt")["issuer"].value == "PHARMACIE DU CENTRE"


def test_a_capital_i_read_as_an_l_before_two_more_is_restored():
    assert clean_name("CPAM d'llle-et-Vilaine") == "CPAM d'Ille-et-Vilaine"
    assert clean_name("Pharmacie Stella") == "Pharmacie Stella"  # two l's inside a word stay


def test_a_civil_title_whose_point_ocr_read_as_a_colon_still_introduces_the_patient():
    lines = lines_of(
        "Dr Léa BRUNET", "Rhumatologie", "Pour :. M: Thomas HOARAU | Date de naissance : 13/04/1951", "Lamaline gél. B/30"
    )
    assert extract_parties(lines, "prescription")["beneficiary"].value == "Thomas HOARAU"


@pytest.mark.parametrize("row", ["M..Olivier MOREAU", "M.Olivier MOREAU", "M me Olivier MOREAU"])
def test_a_civil_title_run_into_its_name_or_split_by_ocr_still_introduces_the_patient(row):
    lines = lines_of(
        "Océane Hoarau", "Masseur-Kinésithérapeute D.E.", "NOTE D'HONORAIRES", "Le 21/05/2023", row, "Séance n° 1 18,63 EUR"
    )
    assert extract_parties(lines, "invoice")["beneficiary"].value == "Olivier MOREAU"


def test_initials_are_no_civil_title():
    lines = lines_of("Océane Hoarau", "Masseur-Kinésithérapeute D.E.", "NOTE D'HONORAIRES", "M.D. Olivier", "Séance 18,63 EUR")
    assert "beneficiary" not in extract_parties(lines, "invoice")


def test_a_german_pharmacys_owner_row_is_not_its_name():
    rows = ("Markt-Apotheke am Rathaus", "Inh. Dr. Klaus Weber e.K.", "Schillerstr. 58", "40213 Düsseldorf", "Tel. 0211/3906606")
    found = extract_parties(lines_of(*rows, "Ibuprofen 400 akut 5,49 A", "SUMME EUR 5,49"), "receipt")
    assert found["issuer"].value == "Markt-Apotheke am Rathaus"


def test_a_german_letters_addressee_and_the_person_treated():
    # DIN 5008: the civil title alone on its row (the reference block beside it), the name below
    window = ("Praxis Dr. med. Klaus Weber", "Frau Rechnungsnummer: 99500", "Sabine Becker Kundennummer: 145241")
    found = extract_parties(lines_of(*window, "Rechnung", "geb. 03.06.1952", "Gesamtbetrag 101,56"), "invoice")
    assert (found["beneficiary"].value, found["beneficiary"].rule) == ("Sabine Becker", "beneficiary.addressee")
    assert found["beneficiary_birth_date"].value == "1952-06-03"
    found = extract_parties(lines_of("Physiotherapie Koch", "Herrn", "Michael Wagner", "Goethestr. 8"), "invoice")
    assert found["beneficiary"].value == "Michael Wagner"
    # the person treated, named, outranks the addressee (a parent paying a child's bill)
    treated = (*window, "Behandelte Person: Max Becker, geb. am 03.04.2015", "Gesamtbetrag 101,56")
    assert extract_parties(lines_of(*treated), "invoice")["beneficiary"].value == "Max Becker"
    assert (
        extract_parties(lines_of("Praxis Weber", "Für: Max Becker, geb. 03.04.2015"), "invoice")["beneficiary"].value
        == "Max Becker"
    )
    # the reference block's colon lost by OCR: its label is still no name
    lost = ("Hautarztpraxis Dr. Becker", "Herrn Rechnungsnummer R984886", "Jürgen Schäfer Kundennummer 145241", "Liquidation")
    assert extract_parties(lines_of(*lost), "invoice")["beneficiary"].value == "Jürgen Schäfer"


def test_a_practice_named_before_its_doctor_is_the_issuer_whole():
    rows = ("Fachärztin für Dermatologie", "Hauptstraße 5 · 10115 Berlin", "Rechnung")
    assert extract_parties(lines_of("Hautarztpraxis Dr. Weber", *rows), "invoice")["issuer"].value == "Hautarztpraxis Dr. Weber"
    assert extract_parties(lines_of("Dr. med. Klaus Weber", *rows), "invoice")["issuer"].value == "Dr. med. Klaus Weber"


def test_the_name_a_letters_sender_line_repeats_is_the_issuer_not_the_trade_line_beside_it():
    rows = (
        "Physiotherapie am Markt",
        "Praxis für Physiotherapie",
        "Hauptstraße 82 · 20095 Hamburg · Tel. 040 649508",
        "Physiotherapie am Markt : Hauptstraße 82 - 20095 Hamburg",
        "Frau Rechnungsnummer: R728222",
        "Lena Weber Kundennummer: 280682",
    )
    issuer = extract_parties(lines_of(*rows), "invoice")["issuer"]
    assert (issuer.value, issuer.rule.split(".rules_only")[0].split(".spacy")[0]) == (
        "Physiotherapie am Markt",
        "issuer.sender_line",
    )
    # the sender line read with a slip ("Kriger" for "Krüger") still repeats the name
    slipped = (
        "Krüger & Schäfer",
        "Praxis für Allgemeinmedizin",
        "Markt 2 · 40213 Düsseldorf",
        "Kriger & Schäfer - Markt 2 - 40213 Düsseldorf",
    )
    assert extract_parties(lines_of(*slipped), "invoice")["issuer"].value == "Krüger & Schäfer"
    assert extract_parties(lines_of(*slipped[:3]), "invoice")["issuer"].value == "Praxis für Allgemeinmedizin"
    # without a sender line the trade line's establishment word still decides, as before
    assert extract_parties(lines_of(*rows[:3], *rows[4:]), "invoice")["issuer"].value == "Praxis für Physiotherapie"


def test_a_southern_pharmacy_named_for_its_pharmacist_is_the_issuer_whole():
    rows = ("Corso Italia, 37", "40126 Bologna (BO)", "SCONTRINO", "TOTALE 25,85")
    assert extract_parties(lines_of("Farmacia Dr. CONTI", *rows), "receipt")["issuer"].value == "Farmacia Dr. CONTI"
