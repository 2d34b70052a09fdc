"""GP care sheet (feuille de soins): the insurer's form filled in by a doctor who gives no invoice.

Traps: the NIR (with a valid key, whose digits encode the birth year and month), the form number
(cerfa 12541*02), the birth date, tick boxes, an extra fee line (majoration) to add to the consultation.
"""

from __future__ import annotations

import random
from decimal import Decimal

from samples.generator import catalog, fakes, formats
from samples.generator.documents import common
from samples.generator.layout import Cell, Doc, Row, gap, pair, random_style, rule, text


def section(title: str) -> list[Row]:
    return [gap(4), text(title, size=9.5, bold=True), rule()]


def acts(rng: random.Random) -> list[tuple[str, str, Decimal]]:
    code, label, fee = rng.choice(catalog.GP_ACTS)
    chosen = [(code, label, Decimal(fee))]
    for code, label, fee in rng.sample(catalog.GP_EXTRAS, rng.choice([0, 0, 1, 1, 2])):
        chosen.append((code, label, Decimal(fee)))
    if rng.random() < 0.25:
        chosen.append(("DE", "Dépassement exceptionnel", Decimal(rng.choice(["5.00", "10.00", "15.00", "20.00"]))))
    return chosen


def build(rng: random.Random, pages: int = 1, patient: fakes.Person | None = None, day=None, **_) -> Doc:
    day = day or common.care_day(rng)
    who = patient or fakes.person(rng)
    doctor, address = fakes.person(rng, 1950, 1992), fakes.fr_address(rng)
    number = fakes.nir(rng, who)
    ids = {"rpps": fakes.rpps(rng), "am": f"{address.department}1{fakes.digits(rng, 6)}", "nir": number}
    chosen = acts(rng)
    total = sum((fee for _, _, fee in chosen), Decimal("0"))
    doctor_name = f"Dr {doctor.first} {doctor.last}"
    record = common.truth(
        "care_sheet",
        "care_sheet",
        "general_practitioner",
        day,
        currency="EUR",
        total=common.money_truth(total),
        gross_total=common.money_truth(total),
        issuer=doctor_name,
        practitioner=doctor_name,
        identifiers=ids,
        lines=[common.line_truth(f"{code} {label}", fee) for code, label, fee in chosen],
    )
    common.add_trap(record, "nir", "form_number")
    amount_style = rng.choice(["bare", "euro_sign", "euro_sign", "eur_suffix"])
    money = lambda v: formats.fr_amount(v, amount_style, "")  # noqa: E731
    date_style = rng.choice(["slash", "slash", "dot_short", "dash", "long"])
    header = [
        Row([Cell("FEUILLE DE SOINS", 0.0), Cell("cerfa N° 12541*02", 1.0, "r")], size=rng.choice([14, 15, 16]), bold=True),
        text("Art. L 161-33 du Code de la sécurité sociale - à remplir par le médecin", size=7.5),
    ]
    header += section("PERSONNE RECEVANT LES SOINS ET ASSURÉ(E)")
    header += [
        text(f"Nom et prénom : {who.last.upper()} {who.first}"),
        text(f"Numéro d'immatriculation : {fakes.spaced_nir(number) if rng.random() < 0.7 else number}"),
        text(f"Date de naissance : {who.born:%d/%m/%Y}"),
        text(f"Adresse : {fakes.fr_address(rng).street}", size=9),
    ]
    record.update(beneficiary=who.name, beneficiary_birth_date=who.born.isoformat())
    common.add_trap(record, "birth_date")
    header += section("IDENTIFICATION DU PRATICIEN")
    header += [
        text(f"{doctor_name.upper() if rng.random() < 0.5 else doctor_name} - Médecin généraliste"),
        text(f"Identifiant : {ids['am']}    RPPS : {ids['rpps']}", size=9),
        text(f"{address.street}, {address.city_line}", size=9),
    ]
    header += section("CONDITIONS DE PRISE EN CHARGE")
    header += [text(f"Maladie [{'X'}]   Maternité [ ]   AT/MP [ ]   Médecin traitant : {rng.choice(['oui', 'non'])}", size=9)]
    header += section("ACTES EFFECTUÉS")
    header.append(Row([Cell("Date"), Cell("Code", 0.25), Cell("Libellé", 0.38), Cell("Montant", 1.0, "r")], bold=True, size=9.5))
    shown = formats.fr_date(day, date_style)
    body = [
        Row([Cell(shown if i == 0 else ""), Cell(code, 0.25), Cell(label, 0.38), Cell(money(fee), 1.0, "r")], amount=fee)
        for i, (code, label, fee) in enumerate(chosen)
    ]
    totals = [
        rule(),
        pair(
            rng.choice(["Montant total", "MONTANT TOTAL", "Montant total des honoraires"]),
            money(total),
            bold=True,
            boxed=rng.random() < 0.5,
        ),
    ]
    totals += [
        text(
            f"L'assuré n'a pas payé la part obligatoire [ ]   L'assuré a payé : [X]   Date des soins : {shown}"
            if rng.random() < 0.5
            else "Paiement : l'assuré a réglé la totalité des honoraires",
            size=8.5,
        ),
        gap(12),
        Row([Cell("Signature du praticien : ......................"), Cell("Signature de l'assuré(e)", 0.62)], size=9),
        gap(20),
    ]
    footer = [text("Les informations sont transmises à votre caisse d'assurance maladie. Loi 78-17 du 6 janvier 1978.", size=6.5)]
    return Doc("care_sheet", record, random_style(rng, ("sans", "condensed")), header, body, totals, footer, [], money=money)
