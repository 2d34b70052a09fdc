"""Pharmacy invoice (facture de pharmacie): medicines with quantities and prices, varied total labels.

Traps: the prescription date and the print date beside the invoice date, a VAT line, a third-party
payment variant where the amount paid ("Part assuré") is smaller than the gross total, not-covered
hygiene products, several amount styles and thousands separators.
"""

from __future__ import annotations

import random
from decimal import Decimal

from samples.generator import catalog, fakes, formats
from samples.generator.documents import common
from samples.generator.layout import Cell, Doc, Row, gap, pair, random_style, rule, text

TOTAL_LABELS = ["Total TTC", "Net à payer", "Montant réglé", "Total à payer", "TOTAL", "Total facture", "Montant total TTC"]
TITLES = ["FACTURE", "FACTURE ACQUITTÉE", "Facture n° {n}", "FACTURE N° {n}", "Duplicata de facture n° {n}"]
DATE_LABELS = ["Date de facture :", "Date :", "Délivrance du", "Facture du", "Date de délivrance :"]


def line_rows(rng: random.Random, items: list[tuple[str, int, Decimal]], money, layout: str) -> list[Row]:
    rows = []
    for label, qty, unit in items:
        amount = unit * qty
        if layout == "table":
            rows.append(
                Row(
                    [
                        Cell(label),
                        Cell(str(qty), 0.62, "r"),
                        Cell(formats.fr_number(unit), 0.8, "r"),
                        Cell(money(amount), 1.0, "r"),
                    ],
                    amount=amount,
                )
            )
        elif layout == "base":
            base = (amount * Decimal("0.9")).quantize(Decimal("0.01"))
            rows.append(
                Row(
                    [
                        Cell(label),
                        Cell(str(qty), 0.56, "r"),
                        Cell(formats.fr_number(base), 0.72, "r"),
                        Cell(rng.choice(["65 %", "30 %", "100 %", "15 %"]), 0.82, "r"),
                        Cell(money(amount), 1.0, "r"),
                    ],
                    amount=amount,
                )
            )
        else:
            rows.append(Row([Cell(f"{qty} x {label}"), Cell(money(amount), 1.0, "r")], amount=amount))
    return rows


def table_head(layout: str) -> Row:
    if layout == "table":
        return Row([Cell("Désignation"), Cell("Qté", 0.62, "r"), Cell("P.U.", 0.8, "r"), Cell("Montant", 1.0, "r")], bold=True)
    if layout == "base":
        return Row(
            [
                Cell("Produit"),
                Cell("Qté", 0.56, "r"),
                Cell("Base", 0.72, "r"),
                Cell("Taux", 0.82, "r"),
                Cell("Prix TTC", 1.0, "r"),
            ],
            bold=True,
        )
    return Row([Cell("Article"), Cell("Montant", 1.0, "r")], bold=True)


def totals_rows(rng: random.Random, gross: Decimal, money, record: dict, third_party: bool | None) -> tuple[list[Row], Decimal]:
    """The totals block; returns it with the amount paid by the patient."""
    rows = [rule()]
    if rng.random() < 0.35:
        rows.append(
            pair("dont TVA 2,10 %", money((gross * Decimal("0.021") / Decimal("1.021")).quantize(Decimal("0.01"))), size=8.5)
        )
        common.add_trap(record, "vat_line")
    wanted = rng.random() < 0.25 if third_party is None else third_party
    if wanted:  # third-party payment: the insurers pay part, the patient pays the rest
        amo = (gross * Decimal(rng.choice(["0.65", "0.60", "0.30"]))).quantize(Decimal("0.01"))
        amc = ((gross - amo) * Decimal(rng.choice(["0", "0.5", "1"]))).quantize(Decimal("0.01"))
        paid = gross - amo - amc
        if paid > 0:
            rows += [
                pair("Total TTC", money(gross)),
                pair("Part AMO (tiers payant)", money(amo)),
                pair("Part AMC", money(amc)),
                pair(
                    rng.choice(["Part assuré", "Reste à charge", "Net à payer assuré"]),
                    money(paid),
                    bold=True,
                    boxed=rng.random() < 0.3,
                ),
            ]
            common.add_trap(record, "third_party_payment")
            return rows, paid
    rows.append(
        pair(rng.choice(TOTAL_LABELS), money(gross), size=rng.choice([0, 11.5, 12.5]), bold=True, boxed=rng.random() < 0.3)
    )
    return rows, gross


def header_rows(rng: random.Random, name: str, address: fakes.Address, ids: dict) -> list[Row]:
    rows = [text(Cell(name.upper() if rng.random() < 0.5 else name), size=rng.choice([14, 16, 18]), bold=True)]
    if rng.random() < 0.5:
        rows.append(
            text(
                f"{rng.choice(['Docteur en pharmacie', 'Pharmacien titulaire', 'Dr'])} {fakes.person(rng, 1950, 1995).name}",
                size=8.5,
            )
        )
    rows += common.address_rows(address, rng.choice(["Tél.", "Tél :", "Téléphone :"]))
    rows.append(text(f"N° FINESS {ids['finess']}" + (f"   SIRET {ids['siret']}" if rng.random() < 0.5 else ""), size=8))
    return rows


def build(
    rng: random.Random, pages: int = 1, patient: fakes.Person | None = None, day=None, third_party: bool | None = None, **_
) -> Doc:
    """A pharmacy invoice; `pages` > 1 gives enough lines to continue on the next pages; `third_party` forces
    (True) or forbids (False) the third-party payment variant (random when None)."""
    day = day or common.care_day(rng)
    who = patient or fakes.person(rng)
    address = fakes.fr_address(rng)
    name = fakes.shop_name(rng, fakes.PHARMACY_NAMES, address)
    ids = {"finess": fakes.finess(rng, address.department), "siret": fakes.siret(rng)}
    style, sep = formats.random_fr_amount_style(rng)
    money = lambda v: formats.fr_amount(v, style, sep)  # noqa: E731
    items = catalog.pharmacy_lines(rng, rng.randint(7, 11) * pages if pages > 1 else rng.randint(1, 6))
    gross = sum((unit * qty for _, qty, unit in items), Decimal("0"))
    record = common.truth(
        "pharmacy_invoice",
        "invoice",
        "pharmacy",
        day,
        currency="EUR",
        issuer=name,
        identifiers=ids,
        lines=[common.line_truth(lab, u * q) for lab, q, u in items],
    )
    if any("(NR)" in lab for lab, _, _ in items):
        common.add_trap(record, "not_covered_line")
    if day.day == 1:
        common.add_trap(record, "first_of_month")
    layout = rng.choice(["table", "base", "leader"])
    header = [*header_rows(rng, name, address, ids), gap()]
    title = rng.choice(TITLES).format(n=f"{day.year % 100:02d}{rng.randint(1, 99999):05d}")
    date_style = rng.choice(formats.FR_DATE_STYLES)
    header += [common.heading(title, rng), text(f"{rng.choice(DATE_LABELS)} {formats.fr_date(day, date_style)}")]
    header += common.patient_rows(rng, who, record)
    if rng.random() < 0.6:
        prescribed = day - common.timedelta(days=rng.randint(0, 20))
        header.append(
            text(
                f"Prescripteur : Dr {fakes.person(rng, 1950, 1990).last.upper()} - ordonnance du {formats.fr_date(prescribed, 'slash')}",
                size=9,
            )
        )
        common.add_trap(record, "prescription_date")
    header += common.due_rows(rng, day, record, 0.15)
    header += [gap(), table_head(layout), rule()]
    totals, paid = totals_rows(rng, gross, money, record, third_party)
    if rng.random() < 0.5:
        totals.append(
            text(
                f"Réglé par {rng.choice(['carte bancaire', 'CB', 'chèque', 'espèces'])} le {formats.fr_date(day, 'slash')}",
                size=9,
            )
        )
    record.update(total=common.money_truth(paid), gross_total=common.money_truth(gross))
    if sep in ("\u00a0", "\u202f") and gross >= 1000:
        common.add_trap(record, "thousands_nbsp")
    footer = common.print_footer(rng, day, record) + common.legal_footer(rng, ids["siret"] if rng.random() < 0.5 else None)
    continuation = [text(name, bold=True), text(f"{title} (suite)", size=9), gap(), table_head(layout), rule()]
    return Doc(
        "pharmacy_invoice",
        record,
        random_style(rng),
        header,
        line_rows(rng, items, money, layout),
        totals,
        footer,
        continuation,
        rng.choice([("A reporter", "Report"), ("Sous-total page", "Report page précédente")]),
        money,
    )
