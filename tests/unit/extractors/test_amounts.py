"""Amount parsing and the choice of the total paid."""

from decimal import Decimal

import pytest

from extractors.fields.amounts import amounts_in, extract_total, looks_alike, parse_amount, rank_total
from extractors.layout import make_line
from models import BBox, Word
from tests.conftest import line_of, lines_of


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("1 234,56 €", "1234.56"),
        ("1\u202f234,56 €", "1234.56"),
        ("1\u00a0234,56", "1234.56"),
        ("45€30", "45.30"),
        ("EUR 45.30", "45.30"),
        ("RM 9.00", "9.00"),
        ("¥2,220", "2220.00"),
        ("$1,234.56", "1234.56"),
        ("3 038,14", "3038.14"),
    ],
)
def test_parse_amount(raw, expected):
    assert parse_amount(raw) == Decimal(expected)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Total TTC : 1 234,56 €", ["1234.56"]),
        ("MONTANT 45,30 EUR", ["45.30"]),
        ("Net à payer 45€30", ["45.30"]),
        ("31 Bridge 3 éléments (HBLD031) 279,50 1 400€50", ["279.50", "1400.50"]),
        ("Acompte 1.254€30", ["1254.30"]),
        ("TOTAL RM 9.00", ["9.00"]),
        ("Total ¥2,220", ["2220.00"]),
        ("Doliprane 2 x 3,50 7,00", ["3.50", "7.00"]),
        ("Tel 01 23 45 67 89", []),
        # a glyph OCR printed for a digit it could not read: the amount has lost its leading digits
        ("Montant du prélèvemen?9.99 €", []),
        ("TOTAL §9,54", []),
        ("TOTAL ? 9,54", ["9.54"]),
    ],
)
def test_amounts_in_line(text, expected):
    assert [str(a.value) for a in amounts_in(line_of(text))] == expected


def test_a_total_glued_to_a_misread_digit_gives_way_to_the_total_printed_elsewhere():
    lines = lines_of(
        "Total facture 24.99 5.00 29.99",
        "Somme à payer 29.99 € TTC",
        "Montant du prélèvemen?9.99 € Prélèvement à partir du : 05 Juillet 2015",
    )
    assert extract_total(lines).value == "29.99"


@pytest.mark.parametrize(("row", "expected"), [("TOTAL AMOUNT $52 76", "52.76"), ("Total 52 76", "52.76")])
def test_a_decimal_point_ocr_lost_after_a_currency_sign_is_restored(row, expected):
    total = extract_total(lines_of("CREDIT CARD SALE", row, "APPROVED"))
    assert (total.value, total.rule) == (expected, "total.label_right_spaced_decimal")


def test_a_whole_amount_or_a_thousands_group_keeps_its_value():
    assert extract_total(lines_of("TOTAL $52")).value == "52.00"
    assert extract_total(lines_of("Total $1 234")).value == "1234.00"
    assert extract_total(lines_of("Total 45 €")).value == "45.00"


def test_what_is_left_of_a_misread_total_is_a_weak_candidate_when_nothing_else_is_labelled():
    weak, sure = extract_total(lines_of("TOTAL §9,54")), extract_total(lines_of("TOTAL 59,54"))
    assert (weak.value, weak.rule) == ("9.54", "total.label_right+misread_digit")
    assert weak.confidence < sure.confidence


def test_total_from_label_not_subtotal_or_tax():
    lines = lines_of("Doliprane 3,50", "Sous-total 10,00", "TVA 2,00", "Total TTC 12,00 €", "Espèces 20,00", "Rendu 8,00")
    field = extract_total(lines)
    assert field.value == "12.00" and field.rule == "total.label_right+tender_check" and field.raw == "12,00 €"


def test_total_read_below_its_label():
    lines = [line_of("Net à payer", 0), line_of("45,30", 1)]
    assert extract_total(lines).value == "45.30"


def test_no_label_falls_back_with_low_confidence():
    field = extract_total(lines_of("Doliprane 3,50", "Spasfon 4,20"))
    assert field.value == "4.20" and field.confidence < 0.5


def test_no_amount():
    assert extract_total(lines_of("Ordonnance", "Doliprane 1000 mg")) is None


def test_third_party_payment_total_is_the_patients_share():
    lines = lines_of("Total TTC 19,41 €", "Part AMO 11,65 €", "Reste à charge 7,76 €")
    assert extract_total(lines).value == "7.76"


def test_a_split_that_adds_up_outweighs_a_gross_printed_twice():
    # a one-item bill repeats its gross on the item row; the patient's share + the payers' parts = the gross
    lines = lines_of(
        "1 x Spasfon lyoc 80 mg B/10 3€92",
        "dont TVA 2,10 % 0€08",
        "Total TTC 3€92",
        "Part AMO (tiers payant) 2€35",
        "Part AMC 0€00",
        "Part assuré 1€57",
    )
    total = extract_total(lines)
    assert (total.value, total.rule) == ("1.57", "total.label_right+split_check")


def test_a_quotes_forecast_share_is_no_amount_paid_even_when_the_split_adds_up():
    lines = lines_of(
        "Montant total 190€00",
        "Montant remboursé par l'Assurance Maladie (estimation) 114€00",
        "Reste à charge estimé (avant mutuelle) 76€00",
    )
    assert extract_total(lines).value == "190.00"


@pytest.mark.parametrize(
    "row, expected", [("Total TTC 1O,5O €", "10.50"), ("TOTAL l2.00", "12.00"), ("Net à payer S,90", "5.90")]
)
def test_letters_read_for_digits_right_of_a_total_label(row, expected):
    field = extract_total(lines_of(row))
    assert field.value == expected and "ocr_repaired" in field.rule and field.confidence < 0.8


def test_a_clean_amount_needs_no_repair():
    field = extract_total(lines_of("Total TTC 10,50 €"))
    assert field.value == "10.50" and field.rule == "total.label_right"


def test_letters_alone_are_not_an_amount():
    assert extract_total(lines_of("Total SO.OO")) is None


def test_rounding_adjustment_selects_the_rounded_total():
    lines = lines_of("Total Sales (Inclusive GST) RM 28.31", "Rounding Adjustment: -0.01", "TOTAL : 28.30", "SR 0.00 28.31")
    field = extract_total(lines)
    assert field.value == "28.30" and "rounding_check" in field.rule


def test_rounding_row_holding_the_rounded_total():
    lines = lines_of("Total Sales (Inclusive GST) RM 14.38", "Rounding RM 14.40", "CASH RM 20.00")
    assert extract_total(lines).value == "14.40"


def test_zero_rounding_changes_nothing():
    lines = lines_of("Total Sales (Inclusive of GST) : 6.36", "Total Rounding: 0.00", "CASH : 6.36")
    assert extract_total(lines).value == "6.36"


def test_a_trailing_zero_on_the_total_row_is_no_total():
    # "Total: 63.80 63.80 0.00": the zero is a balance or a tax column
    assert (
        extract_total(lines_of("Description Qty Price Amount", "Total: 63.80 63.80 0.00", "Master Card 63.80")).value == "63.80"
    )


def test_a_currency_code_read_in_mixed_case_still_marks_the_amount():
    assert [a.value for a in amounts_in(line_of("Grand Total Rm29.30"))] == [Decimal("29.30")]


def test_the_tax_row_below_a_total_label_holds_the_tax_not_the_total():
    lines = lines_of("Grand Total", "(Bill Inclusive of 6% GST : RM2.21)", "Cash RM50.00", "Change RM11.00")
    total = extract_total(lines)
    assert total is None or total.value != "2.21"


def test_a_tender_row_of_columns_run_together_proves_nothing():
    # labels and amounts of several columns on one row: which is the cash tendered is unknown
    lines = lines_of(
        "Total Qty. : 18 144.68",
        "ROUNDING TOTAL SUB-TOTAL TOTAL CASH TAX 153.35 153.35 144.68 -0.01 8.68",
        "CHANGE 0.00",
    )
    total = extract_total(lines)
    assert total is not None and total.rule != "total.tendered_minus_change" and total.value != "8.68"


def test_a_rate_is_no_amount():
    # "Total Sales Inclusive GST @6.00% 1200": 6.00 is the tax rate
    assert [a.value for a in amounts_in(line_of("Total Sales Inclusive GST @6.00% 12.00"))] == [Decimal("12.00")]
    assert extract_total(lines_of("Total 12.00", "Total Sales Inclusive GST @6.00% 1200", "Cash Received 50.00")).value == "12.00"


def test_the_change_row_is_not_the_cash_tendered():
    # "CASH CHANGE 71.40" carries the word cash: the tendered amount is the row before
    lines = lines_of("SUBTOTAL: 28.60", "TL:RM 28.60", "6% GST 0.07", "CASH 100.00", "CASH CHANGE 71.40")
    assert extract_total(lines).value == "28.60"


def test_a_count_before_an_amount_is_not_its_thousands():
    assert [str(a.value) for a in amounts_in(lines_of("Total Qty. : 18 144.68")[0])] == ["144.68"]
    assert [str(a.value) for a in amounts_in(lines_of("Quantité 2 125,00 €")[0])] == ["125.00"]
    assert [str(a.value) for a in amounts_in(lines_of("Total TTC 1 234,56 €")[0])] == ["1234.56"]  # a real thousands group
    words = [("Quantité", 0), ("2\u202f125,00", 100)]  # a text layer's word holding a narrow no-break space
    row = make_line(
        1, [Word(text=t, confidence=1.0, bbox=BBox(x0=x, y0=0, x1=x + 90, y1=20), block=1, line=1) for t, x in words], 0
    )
    assert [str(a.value) for a in amounts_in(row)] == ["125.00"]


SESSIONS = tuple(f"{day:02d}/10/2019 AMS 7,5 17,03 EUR" for day in range(1, 12))  # 11 x 17,03 = 187,33


def test_a_count_a_merged_row_put_before_the_total_is_cut_off_where_the_rows_add_up():
    # a photo's skew merged "Nombre de séances : 11" with "Total : 187,33 EUR"
    field = extract_total(lines_of("Date de la séance Acte Honoraires", *SESSIONS, "séances total : 11 187,33 EUR"))
    assert (field.value, field.raw) == ("187.33", "187,33 EUR") and field.rule.endswith("+count_apart")


def test_a_real_thousands_group_stays_whole():
    # the rows add up to the whole amount: "1 187,33" is one thousand one hundred...
    rows = ("Chambre 1 000,00", "Repas 187,33")
    assert extract_total(lines_of(*rows, "Total : 1 187,33 EUR")).value == "1187.33"
    # ...and where no rows add up to the part after the first group, nothing is cut
    assert extract_total(lines_of("Forfait hospitalier", "Total : 11 187,33 EUR")).value == "11187.33"
    # one row equal to the part after the group is no sum of rows ("Sous-total 187,33" then shipping)
    assert extract_total(lines_of("Libellé", "Sous-total 187,33", "Total : 11 187,33 EUR")).value == "11187.33"
    # the last rows of the run adding up to the part after the group is chance: the whole run counts (one
    # row misread, "840;00", the run does not add up to the whole either)
    rows = ("Désignation Montant", "Forfait 160,00 €", "Chambre 840;00 €", "Télévision 35,00 €", "Repas 269,50 €")
    assert extract_total(lines_of(*rows, "Reste à charge 1 304,50 €")).value == "1304.50"


@pytest.mark.parametrize(
    "row, value",
    [("Consultation externe 470,97DH", "470.97"), ("Total 1 234,50 Dhs", "1234.50"), ("Total 244 600 F CFP", "244600.00")],
)
def test_an_amount_glued_to_a_dirham_or_cfa_franc_marker_is_read(row, value):
    assert [str(a.value) for a in amounts_in(lines_of(row)[0])] == [value]


def test_a_total_below_an_unreadable_rounding_row_is_the_rounded_one():
    # the adjustment misread ('200' for '0.02'): the total below it a few cents from the one above is paid
    lines = lines_of("Grand Total : 87.08", "Rounding Adjustment: 200", "Net Total : 87.10", "Cash 100.00")
    field = extract_total(lines)
    assert field.value == "87.10" and "rounded_below" in field.rule
    # without a rounding row the grand total stays
    assert extract_total(lines_of("Grand Total : 87.08", "Net Total : 87.10", "Cash 100.00")).value == "87.08"


def test_totals_that_a_zero_rounding_says_are_equal_are_rivals_settled_by_the_repeated_one():
    lines = lines_of("Total Inc. GST 6%: 758.70", "Rounding Adjustment: 0.00", "Final Total 753.70", "GST Summary", "758.70")
    field = extract_total(lines)
    assert field.value == "758.70" and "rounding_rival" in field.rule


def test_net_plus_tax_printed_where_the_total_label_is_garbled_is_the_total():
    lines = lines_of(
        "9555017370017 1 28.00 7.14 26.00",
        "SUB-TOTAL (EX) 26.00",
        "TOTAL TAX 1.56",
        "ROUNDING -0.01",
        "TO CASH CHANGE DAI5 27.55",  # 'TOTAL' garbled, read together with the tender's labels
    )
    field = extract_total(lines)
    assert field.value == "27.55" and field.rule == "total.net_plus_tax_printed"


def test_a_partial_gross_does_not_beat_the_labelled_total():
    lines = lines_of(
        "Total 6% supplies (excl. GST): 15.84",
        "GST: 0.95",
        "Total 6% supplies (Inc. GST): 16.79",
        "Total 0% supplies: 22.99",
        "Total Payable: 39.78",
    )
    assert extract_total(lines).value == "39.78"


def test_a_net_above_a_zero_rounding_is_no_rival_of_the_gross_below_it():
    lines = lines_of("Total 9.43", "GST 6% 0.57", "Rounding Adj 0.00", "Total Incl. GST 10.00", "GST Summary", "SR 9.43 0.57")
    assert extract_total(lines).value == "10.00"


def test_a_total_label_whose_words_ocr_ran_together():
    lines = lines_of("NOTE D'HONORAIRES", "Séance n°1 du 31.05.21 17,50", "Séance n°2 du 07.06.21 17,50", "TOTALTTC 35,00")
    field = extract_total(lines)
    assert (field.value, field.rule) == ("35.00", "total.label_right")
    assert extract_total(lines_of("Article 17,50", "SOUSTOTAL 35,00", "Article 2,00")).rule != "total.label_right"


def test_a_euro_sign_read_as_a_letter_where_the_total_label_says_an_amount_is():
    below = extract_total(lines_of("Séance n°1 du 31.05.21", "17C50", "Séance n°2 du 07.06.21", "17E50", "TOTAL TTC", "35C50"))
    assert (below.value, below.rule) == ("35.50", "total.label_below+ocr_repaired")
    right = extract_total(lines_of("Consultation 25,00", "Total : 25E00"))
    assert (right.value, right.rule) == ("25.00", "total.label_right+ocr_repaired")
    yen = extract_total(lines_of("X-ray examination Y2,740", "Re-consultation Y860", "Total amount Y6,090"))
    assert (yen.value, yen.rule) == ("6090.00", "total.label_right+ocr_repaired")
    assert "17C50" not in {a.raw for line in lines_of("17C50") for a in amounts_in(line)}  # no amount outside a label's reach


def test_an_item_row_under_an_amount_column_head_is_not_the_total_below_a_label():
    lines = lines_of(
        "BORDEREAU DE FACTURATION", "Désignation Montant", "Forfait journalier (8 j x 20,00 €) 160,00 EUR", "Lit accompagnant"
    )
    found = extract_total(lines)
    assert found is None or found.rule != "total.label_below"
    assert extract_total(lines_of("Facture", "Montant", "160,00 EUR")).rule == "total.label_below"


def test_a_card_ticket_amount_printed_flush_right_under_its_label():
    amount = Word(text="8,79EUR", confidence=0.9, bbox=BBox(x0=800, y0=70, x1=950, y1=95), block=1, line=2)
    rows = [line_of("TICKET CLIENT", 0), line_of("MONTANT", 1), make_line(1, [amount], 2), line_of("DEBIT", 3)]
    field = extract_total(rows)
    assert (field.value, field.rule) == ("8.79", "total.label_below_right")
    far = Word(text="8,79EUR", confidence=0.9, bbox=BBox(x0=800, y0=200, x1=950, y1=225), block=1, line=2)
    apart = [line_of("TICKET CLIENT", 0), line_of("MONTANT", 1), make_line(1, [far], 2)]
    assert extract_total(apart).rule != "total.label_below_right"  # rows apart: not the label's amount


def test_the_amount_due_outranks_a_net_total_and_an_amount_already_paid_is_no_total():
    english = extract_total(lines_of("Net total 100.00", "VAT 20% 20.00", "Due payable 120.00"))
    assert english.value == "120.00"
    french = lines_of("Total TTC 300,00", "Montant déjà versé 100,00", "Montant total restant 200,00")
    assert extract_total(french).value != "100.00"
    deposit = lines_of("Total à payer 300,00", "Montant de l'acompte 90,00")
    assert extract_total(deposit).value == "300.00"


def test_a_total_with_a_rival_one_confusable_digit_away_looks_alike():
    # a card slip's AMOUNT and TOTAL are one sum: read 11,670 and 11,676, one of them is misread
    _, evidence = rank_total(lines_of("CREDIT CARD SALE", "AMOUNT ¥11,670", "TOTAL ¥11,676"))
    assert evidence.lookalike
    _, evidence = rank_total(lines_of("Sous-total 45,50", "Total 48,50"))  # 5 and 8: no OCR confusion
    assert not evidence.lookalike
    assert looks_alike(Decimal("160.52"), Decimal("166.52")) and not looks_alike(Decimal("12.40"), Decimal("12.41"))


def test_a_space_ocr_put_before_the_decimal_comma():
    lines = lines_of("PHARMACIE CENTRALE", "DOLIPRANE 1000 2,18", "Net à payer : 12 ,50 €")
    assert extract_total(lines).value == "12.50"


def test_a_thousands_space_read_as_a_colon_before_cents():
    assert parse_amount("2:996,71 EUR") == Decimal("2996.71")
    assert [a.value for a in amounts_in(line_of("Net à payer 2:996,71 EUR"))] == [Decimal("2996.71")]
    assert [a.value for a in amounts_in(line_of("Caisse 2 14:30 Total 12,50"))] == [Decimal("12.50")]  # a time is no amount


def test_the_same_glyph_misread_twice_looks_alike_two_different_confusions_do_not():
    assert looks_alike(Decimal("18300"), Decimal("18366"))  # a bold 0 read as a 6, twice
    assert not looks_alike(Decimal("18300"), Decimal("18368"))  # 0/6 and 0/8: two misreadings
    assert not looks_alike(Decimal("10000"), Decimal("16666"))  # more than twice: another amount


@pytest.mark.parametrize(
    ("row", "expected"), [("MONTANT32,06 EUR", "32.06"), ("TOTAL12.50", "12.50"), ("Net à payer1 234,56 €", "1234.56")]
)
def test_an_amount_ocr_ran_into_its_label_is_the_labels(row, expected):
    # a card slip's "MONTANT32,06 EUR": not a word's tail, not lost to a transaction number's "362 300"
    total = extract_total(lines_of("CARTE BANCAIRE", "362 300 592109", row, "TICKET CLIENT"))
    assert (total.value, total.rule) == (expected, "total.label_right+glued")


def test_a_code_glued_to_a_label_is_no_amount():
    assert extract_total(lines_of("TOTAL2024", "Total 12,00 €")).value == "12.00"


@pytest.mark.parametrize(
    ("rows", "unread"),
    [
        (("AMOUNT USD 64", "TOTAL USD 64."), True),  # the cents blurred away after the point
        (("MONTANT EUR 64", "TOTAL EUR 64,"), True),
        (("AMOUNT USD 64", "TOTAL USD 64"), False),  # a whole amount printed whole
        (("TOTAL USD 64.00", "AMOUNT USD 64."), False),  # the cents read on the chosen row
        (("Total 45 €", "12, rue de la Paix"), False),  # another figure's separator
        (("AMOUNT USD 495.42", "TOTAL USD 495"), True),  # another print of the sum with its cents
        (("Total 45 €", "Dont TVA 45,50 €"), True),
        (("Total 45 €", "Dont TVA 4,50 €"), False),  # cents of another whole part
        (("Total 45 €", "Acompte 45 €"), False),  # another whole print
    ],
)
def test_a_whole_total_printed_with_a_dangling_separator_has_lost_its_cents(rows, unread):
    field, _ = rank_total(lines_of("VISA", *rows, "APPROVED"))
    assert field.rule.endswith("+cents_unread") is unread


def test_a_total_label_rows_column_is_no_total_when_the_till_row_says_otherwise():
    # a VAT table's "Gesamtbetrag" row (net, tax, gross) with its gross misread: the tax is no total; the cash
    # handed over ("BAR" opening its row) less the change confirms the "Gesamt" row
    lines = lines_of("Gesamt 7,23", "BAR 8,00", "Rückgeld EUR 0,77", "MwSt Netto Steuer Brutto", "Gesamtbetrag 6,31 0,92 7:23")
    total = extract_total(lines)
    assert (total.value, total.rule) == ("7.23", "total.label_right+tender_check")


def test_a_table_rows_column_read_alone_is_marked_and_less_sure():
    # the gross column lost: the tax is all there is, chosen, marked and far from sure
    field, evidence = rank_total(lines_of("MwSt Netto Steuer Brutto", "Gesamtbetrag 30,16 5,73"))
    assert (field.value, field.rule) == ("5.73", "total.label_right+table_row")
    assert evidence.certainty < 0.8
    # a row repeating its total, or ending with it, is no table's column
    assert extract_total(lines_of("Total: 63.80 63.80 0.00")).rule == "total.label_right"
    assert extract_total(lines_of("Gesamtbetrag 6,31 0,92 7,23")).value == "7.23"


def test_a_space_between_a_rows_columns_is_no_thousands_separator():
    # a tax 27,13 whose comma OCR lost, then the gross: not 13.169,95; the cash handed over confirms the gross
    row = "Gesamtbetrag 142,82 27 13 169,95"
    field, _ = rank_total(lines_of("MwSt Netto Steuer Brutto", row))
    assert (field.value, field.rule) == ("169.95", "total.label_right+table_row")
    lines = lines_of("BAR 200,00", "Rückgeld BAR EUR 30,05", "MwSt Netto Steuer Brutto", row)
    assert (extract_total(lines).value, extract_total(lines).rule) == ("169.95", "total.label_right+tender_check")
    assert extract_total(lines_of("Rechnungsbetrag 13 169,95")).value == "13169.95"  # alone on its row: thousands


def test_an_amount_glued_to_its_label_with_columns_after_it_is_a_table_rows_column():
    field, _ = rank_total(lines_of("MwSt Netto Steuer Brutto", "Gesamtbetrag16,08 05 19"))
    assert (field.value, field.rule) == ("16.08", "total.label_right+glued+table_row")
    assert extract_total(lines_of("MONTANT32,06 EUR")).rule == "total.label_right+glued"


def test_a_currency_code_run_into_its_label_still_names_the_total():
    assert extract_total(lines_of("Zuzahlung Rezept 5,00", "SUMMEEUR 19,13")).value == "19.13"
    rows = ("SUMMEEUR 19,13", "Mastercard 19,13", "MwSt Netto Steuer Brutto", "Gesamtbetrag16,08 05 19")
    assert extract_total(lines_of(*rows)).value == "19.13"  # not the VAT table's net, glued to its label


def test_bar_names_the_cash_tendered_only_where_it_opens_the_row():
    lines = lines_of("Schoko Bar 1,29", "Summe 1,29", "Rueckgeld 0,71")
    assert "tender_check" not in extract_total(lines).rule
    lines = lines_of("Summe 1,29", "Bar EUR 2,00", "Rueckgeld 0,71")
    assert extract_total(lines).rule == "total.label_right+tender_check"


def test_the_amount_left_after_a_deduction_is_due_even_where_ocr_garbled_its_label():
    # a down payment's row and the amount due's run together, their labels lost: the bill's arithmetic says it
    lines = lines_of("Rechnungsbetrag 97,69 €", "—— e stbetrag vom 23.08.2021 -29,00 68,69 € €")
    assert (extract_total(lines).value, extract_total(lines).rule) == ("68.69", "total.remainder_after_deduction")
    assert extract_total(lines_of("Total 100,00", "Remise -10,00", "Net à payer 90,00")).rule == "total.label_right"


def test_a_whole_number_after_an_amount_with_cents_is_no_total():
    assert extract_total(lines_of("MONTANT DEBIT CLIENT 54,19 190556 : 249995 €")).value == "54.19"
    assert extract_total(lines_of("Total 1 234 €")).value == "1234.00"  # alone on its row, it is the amount


def test_a_credit_notes_negative_tax_is_no_remainder():
    # a negative total's row and the negative tax under it: their difference matching is chance, not a payment
    rows = ("Total 6% supplies (excl. GST): -17.73", "GST: -1.07", "Total 6% supplies (Inc. GST): -18.80", "Total Payable: 20.21")
    assert extract_total(lines_of(*rows)).value == "20.21"


def test_the_patients_share_read_below_its_label_is_confirmed_by_the_split():
    rows = ("Total TTC 2 690,89", "dont TVA 5,5 % 140,28", "Part Sécurité sociale 480,00", "Prise en charge mutuelle 700,00")
    field = extract_total(lines_of(*rows, "Part assuré", "1 510,89"))
    assert (field.value, field.rule) == ("1510.89", "total.label_below+split_check")


def test_the_tax_an_italian_total_holds_is_no_total_even_with_the_total_unread():
    # "di cui IVA": of which VAT - the tax in the total printed above; the total's amount lost by OCR
    assert extract_total(lines_of("SCONTRINO", "TACHIPIRINA 10% 4,90", "TOTALE 4,90", "di cui IVA 0,45")).value == "4.90"
    assert extract_total(lines_of("SCONTRINO", "TACHIPIRINA 10%", "TOTALE", "di cui IVA 0,45")) is None
    assert extract_total(lines_of("TICKET", "IBUPROFENO 4%", "TOTAL", "IVA incluido (4%) 0,38")) is None
