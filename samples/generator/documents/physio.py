"""Physiotherapy invoice (masseur-kinésithérapeute): one row per session with its date, act and fee.

The ground-truth `sessions` lists every session date; `date` is the invoice date (after the last
session). Traps: the prescription date, the payment date ("Acquittée le"), a session count, carry
rows ("A reporter") on multi-page invoices, a home-visit allowance (IFD) inside the session fee.
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from samples.generator import catalog, fakes, formats
from samples.generator.documents import common
from samples.generator.layout import Cell, Doc, Row, gap, pair, random_style, rule, text

TITLES = ["NOTE D'HONORAIRES", "FACTURE", "Facture acquittée", "Note d'honoraires n° {n}", "RELEVÉ DE SÉANCES - FACTURE"]
TOTAL_LABELS = ["Total honoraires", "Total des honoraires", "Montant total", "Net à payer", "Total perçu", "TOTAL TTC"]


def session_days(rng: random.Random, count: int, start=None) -> list:
    day = start or common.care_day(rng)
    days = [day]
    while len(days) < count:
        day += timedelta(days=rng.choice([1, 2, 2, 3, 3, 4, 7]))
        days.append(day)
    shift = max(timedelta(0), days[-1] - common.LAST_CARE_DAY)
    return [d - shift for d in days]


def session_rows(rng: random.Random, days, act: str, fee: Decimal, money, layout: str, date_style: str) -> list[Row]:
    rows = []
    for n, day in enumerate(days, start=1):
        shown = formats.fr_date(day, date_style)
        if layout == "table":
            rows.append(Row([Cell(shown), Cell(act, 0.35), Cell(money(fee), 1.0, "r")], amount=fee))
        elif layout == "numbered":
            rows.append(Row([Cell(f"Séance n° {n} du {shown}"), Cell(money(fee), 1.0, "r")], amount=fee))
        else:
            rows.append(
                Row(
                    [Cell(f"{n}"), Cell(shown, 0.08), Cell(act, 0.4), Cell("1", 0.7, "r"), Cell(money(fee), 1.0, "r")], amount=fee
                )
            )
    return rows


def head_row(layout: str) -> Row:
    if layout == "table":
        return Row([Cell("Date de la séance"), Cell("Acte", 0.35), Cell("Honoraires", 1.0, "r")], bold=True)
    if layout == "numbered":
        return Row([Cell("Séances"), Cell("Montant", 1.0, "r")], bold=True)
    return Row(
        [Cell("N°"), Cell("Date", 0.08), Cell("Cotation", 0.4), Cell("Qté", 0.7, "r"), Cell("Montant", 1.0, "r")], bold=True
    )


def build(rng: random.Random, pages: int = 1, patient: fakes.Person | None = None, day=None, **_) -> Doc:
    """A physiotherapy invoice; `pages` > 1 gives enough sessions to continue on the next pages."""
    who = patient or fakes.person(rng)
    therapist, address = fakes.person(rng, 1955, 1998), fakes.fr_address(rng)
    ids = {"adeli": fakes.adeli(rng, address.department, "70"), "rpps": fakes.rpps(rng)}
    days = session_days(rng, rng.randint(14, 22) * pages // 2 if pages > 1 else rng.randint(4, 12), day)
    issued = common.later(rng, days[-1], 0, 6)
    act, base_fee = rng.choice(catalog.PHYSIO_ACTS)
    fee = Decimal(base_fee) + (Decimal("2.50") if rng.random() < 0.2 else 0)
    style, sep = formats.random_fr_amount_style(rng)
    money = lambda v: formats.fr_amount(v, style, sep)  # noqa: E731
    total = fee * len(days)
    name = f"{therapist.first} {therapist.last}"
    record = common.truth(
        "physio_invoice",
        "invoice",
        "physiotherapy",
        issued,
        currency="EUR",
        total=common.money_truth(total),
        gross_total=common.money_truth(total),
        issuer=name,
        practitioner=name,
        identifiers=ids,
        sessions=[d.isoformat() for d in days],
        lines=[common.line_truth(f"Séance du {d:%d/%m/%Y}", fee) for d in days],
    )
    layout = rng.choice(["table", "numbered", "columns"])
    header = [
        text(
            rng.choice([name, name.upper(), f"M. {name}" if therapist.sex == 1 else f"Mme {name}"]),
            size=rng.choice([13, 14, 15]),
            bold=True,
        ),
        text(rng.choice(["Masseur-Kinésithérapeute D.E.", "Masseur-kinésithérapeute", "Kinésithérapie - Rééducation"]), size=9),
        text(
            f"N° ADELI {fakes.group_digits(ids['adeli']) if rng.random() < 0.3 else ids['adeli']}   RPPS {ids['rpps']}", size=8.5
        ),
    ]
    header += [*common.address_rows(address), gap()]
    title = rng.choice(TITLES).format(n=f"{issued.year}-{rng.randint(1, 999):03d}")
    header += [
        common.heading(title, rng),
        text(
            f"{rng.choice(['Date :', 'Date de facture :', 'Le', 'Facturé le'])} {formats.fr_date(issued, rng.choice(formats.FR_DATE_STYLES))}"
        ),
    ]
    header += common.patient_rows(rng, who, record)
    if rng.random() < 0.7:
        prescribed = days[0] - timedelta(days=rng.randint(2, 25))
        header.append(
            text(f"Sur prescription du Dr {fakes.person(rng).last.upper()} du {formats.fr_date(prescribed, 'slash')}", size=9)
        )
        common.add_trap(record, "prescription_date")
    header += [gap(), head_row(layout), rule()]
    totals = [
        rule(),
        text(f"Nombre de séances : {len(days)}", size=9),
        pair(rng.choice(TOTAL_LABELS), money(total), bold=True, boxed=rng.random() < 0.3),
    ]
    if rng.random() < 0.6:
        paid = common.later(rng, issued, 0, 3)
        totals.append(
            text(
                f"Acquittée le {formats.fr_date(paid, 'slash')} - {rng.choice(['chèque', 'carte bancaire', 'espèces', 'virement'])}",
                size=9,
            )
        )
        common.add_trap(record, "payment_date")
    totals += [gap(), text(Cell("Signature et cachet", 0.65), size=8.5)]
    footer = common.print_footer(rng, issued, record) if rng.random() < 0.7 else []
    footer += (
        [text("Membre d'une association agréée, le règlement par chèque est accepté.", size=7)] if rng.random() < 0.4 else []
    )
    date_style = rng.choice(["slash", "slash", "dot_short", "slash_short", "abbrev"])
    continuation = [text(f"{name} - {title} (suite)", size=9, bold=True), gap(), head_row(layout), rule()]
    return Doc(
        "physio_invoice",
        record,
        random_style(rng),
        header,
        session_rows(rng, days, act, fee, money, layout, date_style),
        totals,
        footer,
        continuation,
        rng.choice([("A reporter", "Report"), ("Sous-total", "Report")]),
        money,
    )
