"""Billed lines and the split of a bill (gross, reimbursed, remaining)."""

from extractors.fields.amounts import extract_total
from extractors.fields.line_items import extract_line_items, extract_shares
from tests.conftest import lines_of

PHARMACY = [
    "Pharmacie du Marché",
    "SIRET 123 456 789 00012 - capital de 15 000,00 €",
    "Désignation Qté PU Montant",
    "Doliprane 1000 mg cp B/8 2 2,18 4,36 €",
    "Spasfon lyoc 80 mg B/10 1 4,20 4,20 €",
    "Crème hydratante 200 ml (NR) 1 9,90 9,90",
    "Sous-total 18,46 €",
    "Total TTC 18,46 €",
    "Part AMO (tiers payant) 5,12 €",
    "Part AMC 3,44 €",
    "Part assuré 9,90 €",
    "TVA 2,10 % incluse 0,39 €",
    "Payé CB 9,90 €",
]


def test_items_are_label_and_last_amount():
    items = extract_line_items(lines_of(*PHARMACY))
    assert [(i.label, i.amount) for i in items] == [
        ("Doliprane 1000 mg cp B/8", "4.36"),
        ("Spasfon lyoc 80 mg B/10", "4.20"),
        ("Crème hydratante 200 ml (NR)", "9.90"),
    ]
    assert all(i.bbox is not None and i.page == 1 for i in items)


def test_shares_of_a_third_party_payment():
    lines = lines_of(*PHARMACY)
    fields = extract_shares(lines, extract_total(lines))
    assert fields["gross_total"].value == "18.46"
    assert fields["reimbursed"].value == "8.56" and fields["reimbursed"].rule == "reimbursed.sum_of_parts"
    assert fields["remaining"].value == "9.90"


def test_gross_is_the_total_when_nothing_is_split():
    lines = lines_of("Consultation G 25,00 €", "Montant total 25,00 €")
    fields = extract_shares(lines, extract_total(lines))
    assert fields == {"gross_total": fields["gross_total"]} and fields["gross_total"].value == "25.00"


def test_hospital_lines_with_amounts_inside_labels():
    lines = lines_of(
        "Forfait journalier (3 j x 20,00 €) 60,00 €",
        "Chambre particulière (2 nuits x 65,00 €) 130,00 €",
        "Frais de séjour pris en charge par l'Assurance Maladie 4 512,00 €",
        "Total à votre charge 190,00 €",
    )
    assert [i.amount for i in extract_line_items(lines)] == ["60.00", "130.00"]


def test_items_adding_up_to_the_gross_total_keep_their_confidence():
    from extractors.fields.line_items import checked_items

    lines = lines_of("Consultation G 25,00 €", "Électrocardiogramme 14,52 €", "Montant total 39,52 €")
    items = extract_line_items(lines)
    gross = extract_shares(lines, extract_total(lines))["gross_total"]
    assert checked_items(items, gross) == items
    short = checked_items(items[:1], gross)
    assert short[0].confidence < items[0].confidence


def test_marks_ocr_leaves_after_the_last_column_do_not_hide_the_amount():
    lines = lines_of(
        "Efferalgan 500 mg cp eff. B/16 1 2,17 2,17.", "Séance du 14.02.23 AMS 7,5 17,03-€", "Séance du 15.02.23 AMS 7,5 17,03 '"
    )
    assert [i.amount for i in extract_line_items(lines)] == ["2.17", "17.03", "17.03"]


def test_an_amount_whose_currency_sign_ocr_garbled_is_an_item_but_a_less_certain_one():
    lines = lines_of(
        "Séance n°1 du 31.05.21 17c50",
        "Séance n°2 du 07.06.21 17€50",
        "X-ray examination Y2,740",
        "Séance du 10.02.23 AMS 7,5 17:03 €",
        "Doliprane 1000 mg cp B/8 1 2,l7",
    )
    items = extract_line_items(lines)
    assert [i.amount for i in items] == ["17.50", "17.50", "2740.00", "17.03", "2.17"]
    plain = items[1].confidence
    assert all(i.confidence < plain for i in (items[0], items[2], items[3], items[4]))


def test_a_time_or_a_count_ending_a_row_is_no_amount():
    lines = lines_of("Rendez-vous à 09:30", "Séances prescrites 12", "Édité le 30.04.24 à 09:27")
    assert extract_line_items(lines) == ()


def test_a_row_number_read_as_thousands_is_settled_by_the_bill_s_own_sum():
    rows = (
        "Bilan orthodontique 110,00 €",
        "Traitement - semestre 1 690,00 €",
        "Traitement - semestre 2 580,00 €",
        "Total TTC 1 380,00 €",
    )
    lines = lines_of(*rows)
    gross = extract_shares(lines, extract_total(lines))["gross_total"]
    assert [i.amount for i in extract_line_items(lines, gross)] == ["110.00", "690.00", "580.00"]
    assert [i.amount for i in extract_line_items(lines)] == ["110.00", "1690.00", "2580.00"]  # no sum: as printed
    thousands = lines_of("Prothèse 1 690,00 €", "Couronne 580,00 €", "Total TTC 2 270,00 €")
    gross = extract_shares(thousands, extract_total(thousands))["gross_total"]
    assert [i.amount for i in extract_line_items(thousands, gross)] == ["1690.00", "580.00"]  # it adds up as printed


def test_a_row_the_bill_adds_up_without_is_no_billed_line():
    rows = (
        "Forfait journalier 260,00 €",
        "Chambre particulière 540,00 €",
        "Lit accompagnant 384,00 €",
        "Fa ss s sdie 9 409,84 €",
    )
    lines = lines_of(*rows, "TOTAL A PAYER 1 184,00 €")
    gross = extract_shares(lines, extract_total(lines))["gross_total"]
    assert [i.amount for i in extract_line_items(lines, gross)] == ["260.00", "540.00", "384.00"]
    plain = lines_of(*rows[:3], "Fa ss s sdie 409,84 €", "TOTAL A PAYER 1 184,00 €")  # no amount with a thousands group
    gross = extract_shares(plain, extract_total(plain))["gross_total"]
    assert [i.amount for i in extract_line_items(plain, gross)] == ["260.00", "540.00", "384.00"]
    two = lines_of("Consultation 25,00 €", "Acte 25,00 €", "Total 25,00 €")
    gross = extract_shares(two, extract_total(two))["gross_total"]
    assert len(extract_line_items(two, gross)) == 2  # which of two rows is the bill's is not known: both kept


def test_a_colon_read_for_the_decimal_point_after_a_currency_code():
    lines = lines_of("Verre unifocal aminci OD indice 1,67 0,05 EUR 151:30", "Rendez-vous EUR 10:30 h")
    assert [i.amount for i in extract_line_items(lines)] == ["151.30"]
    # after a date: its year is no amount, and the code with the units alone ("EUR 18") is part of the whole
    assert [i.amount for i in extract_line_items(lines_of("Séance n°2 du 10/03/2024 EUR 18:36"))] == ["18.36"]


def test_a_till_item_priced_on_the_row_under_its_name():
    rows = (
        "CHOPPING BOARD 35.5x25.5CM 803M#",
        "8970669 1 X 19.00 19.00",
        "AIR PRESSURE SPRAYER SX-575-1 1.5L",
        "HC03-7 - 15",
        "9066468 1 X 8.02 8.02",
        "TOTAL RM 27.02",
        "27.02",
    )
    items = extract_line_items(lines_of(*rows))
    assert [(i.label, i.amount) for i in items] == [
        ("CHOPPING BOARD 35.5x25.5CM 803M#", "19.00"),
        ("AIR PRESSURE SPRAYER SX-575-1 1.5L", "8.02"),
    ]
    # figures under a row that has its own amount, or under no words at all, name no item
    assert extract_line_items(lines_of("Consultation 25,00", "25,00")) == extract_line_items(lines_of("Consultation 25,00"))
    assert extract_line_items(lines_of("12/03/2024", "1 X 8.02 8.02")) == ()


def test_a_currency_code_after_a_rows_amount_is_its_unit():
    lines = lines_of(
        "Consultation externe 5 500 XPF",
        "Radiographie 5 600 XPF",
        "Bilan sanguin 468,33 DH",
        "Doctor fee THB1,815.01",
        "Medicine 463.83 Baht",
        "Total à payer 24 000 XPF",
    )
    assert [item.amount for item in extract_line_items(lines)] == ["5500.00", "5600.00", "468.33", "1815.01", "463.83"]


def test_a_speck_between_a_rows_amount_and_its_currency_still_ends_the_row():
    lines = lines_of("Chambre particulière 1 140,00 EUR", "Télévision. / téléphone 72,00: EUR.", "Net à payer 1 212,00 EUR")
    items = extract_line_items(lines, extract_total(lines))
    assert [item.amount for item in items] == ["1140.00", "72.00"]


GOAE_BILL = (
    "Datum GOÄ-Nr. Leistung Faktor Betrag",
    "2026-04-21 651 Elektrokardiographische Untersuchung 3,5 51,63 €",
    "2026-04-24 1 Beratung, auch telefonisch 3,5 16,31 €",
    "Zwischensumme 67,94 €",
    "Übertrag 67,94 €",
    "2026-04-28 250 Blutentnahme aus der Vene 2,3 5,36 €",
    "Summe 73,30 €",
    "abzgl. Anzahlung vom 11.02.2026 -20,00 €",
    "Noch zu zahlen 53,30 €",
)


def test_a_german_fee_note_its_dated_rows_its_carry_and_its_split():
    # the day and the fee schedule's number before the label are no amount ("21 651"); the carry is no item
    lines = lines_of(*GOAE_BILL)
    assert [i.amount for i in extract_line_items(lines)] == ["51.63", "16.31", "5.36"]
    fields = extract_shares(lines, extract_total(lines))
    assert (fields["gross_total"].value, fields["remaining"].value) == ("73.30", "53.30")


def test_an_aids_bill_the_insurers_share_and_the_claimants_own():
    rows = (
        "1 Kniebandage 58,90",
        "Gesamtbetrag 58,90",
        "darin enthaltene MwSt. 19 % 9,40",
        "abzgl. Kassenanteil -48,90",
        "Eigenanteil 10,00",
    )
    lines = lines_of(*rows)
    assert [i.amount for i in extract_line_items(lines)] == ["58.90"]  # the tax the prices hold is no line
    fields = extract_shares(lines, extract_total(lines))
    assert (fields["gross_total"].value, fields["reimbursed"].value, fields["remaining"].value) == ("58.90", "48.90", "10.00")
    assert extract_total(lines).value == "10.00"


def test_a_split_label_ocr_ran_together_is_still_read():
    # a bold "Total TTC" read "TotalTTC", "Reste à charge" read "Resteà charge": the split is still printed
    lines = lines_of(
        "Monture acétate 2223342 0,05 129,99",
        "Verre OD progressif 2227038 0,05 223,90",
        "TotalTTC 353,89",
        "Part complémentaire 150,00",
        "Resteà charge 203,89",
    )
    fields = extract_shares(lines, extract_total(lines))
    assert (fields["gross_total"].value, fields["gross_total"].rule) == ("353.89", "gross.label_right")
    assert (fields["reimbursed"].value, fields["remaining"].value) == ("150.00", "203.89")
    # two words run together that are not the label stay unread: "Totalisation" is no "total ttc"
    other = lines_of("Totalisation 353,89", "Part complémentaire 150,00", "Reste à charge 203,89")
    assert extract_shares(other, extract_total(other))["gross_total"].rule == "gross_total.same_as_total"
