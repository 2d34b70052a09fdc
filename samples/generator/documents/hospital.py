"""Hospital bulletin (bulletin de situation / d'hospitalisation, bordereau de facturation).

`date` is the date care began (the entry date: the date of care, not the bulletin's issue date, which is
printed too as a trap); `stay` holds the entry and exit dates. Traps: three dates close
together, an informational amount covered by the national insurance that is larger than the total
and is not part of it, a total above 1 000 € with a (no-break / narrow no-break) space separator.
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from samples.generator import catalog, fakes, formats
from samples.generator.documents import common
from samples.generator.layout import Cell, Doc, Row, gap, pair, random_style, rule, text

TITLES = [
    "BULLETIN DE SITUATION",
    "BULLETIN D'HOSPITALISATION",
    "Bulletin de situation",
    "BORDEREAU DE FACTURATION",
    "Avis des sommes à payer - Hospitalisation",
]
TOTAL_LABELS = [
    "Total à votre charge",
    "Reste à charge patient",
    "Montant total dû",
    "Total à régler",
    "TOTAL A PAYER",
    "Net à payer",
]


def charge_lines(rng: random.Random, nights: int) -> list[tuple[str, Decimal]]:
    """The billed lines of a stay (what the patient pays)."""
    lines = [(f"Forfait journalier ({nights + 1} j x 20,00 €)", Decimal("20.00") * (nights + 1))]
    if rng.random() < 0.8:
        rate = Decimal(rng.choice(["45.00", "65.00", "80.00", "95.00", "120.00"]))
        lines.append((f"Chambre particulière ({nights} nuits x {formats.fr_number(rate)} €)", rate * nights))
    if rng.random() < 0.5:
        lines.append(("Télévision / téléphone", Decimal(rng.choice(["4.50", "5.00", "6.00"])) * nights))
    if rng.random() < 0.4:
        lines.append(("Lit et repas accompagnant", Decimal(rng.choice(["25.00", "32.00", "38.50"])) * nights))
    if rng.random() < 0.7:
        lines.append(("Dépassements d'honoraires", catalog.price(rng, 150, 1800)))
    if rng.random() < 0.3:
        lines.append(("Ticket modérateur", catalog.price(rng, 20, 400)))
    return lines


def establishment_rows(rng: random.Random, name: str, address: fakes.Address, ids: dict) -> list[Row]:
    rows = [text(name.upper() if rng.random() < 0.6 else name, size=rng.choice([14, 15, 16]), bold=True)]
    if rng.random() < 0.5:
        rows.append(text(rng.choice(["Service des admissions", "Bureau des entrées", "Service facturation"]), size=9))
    rows += common.address_rows(address, "Standard :")
    rows.append(text(f"FINESS {ids['finess']}" + (f" - SIRET {ids['siret']}" if rng.random() < 0.5 else ""), size=8))
    return rows


def stay_rows(rng: random.Random, entry, exit_, reason: str) -> list[Row]:
    style = rng.choice(["slash", "slash", "long", "dot_short"])
    rows = [text(f"N° de séjour : {fakes.digits(rng, 9)}    N° IPP : {fakes.digits(rng, 8)}", size=8.5)]
    if rng.random() < 0.5:
        rows.append(text(f"Date d'entrée : {formats.fr_date(entry, style)}    Date de sortie : {formats.fr_date(exit_, style)}"))
    else:
        rows.append(text(f"Hospitalisé(e) du {formats.fr_date(entry, style)} au {formats.fr_date(exit_, style)}"))
    label = rng.choice(["Motif :", "Motif d'hospitalisation :", "Nature du séjour :"])
    rows.append(text(f"{label} {reason}"))
    rows.append(
        text(
            f"Service : {rng.choice(['Chirurgie orthopédique', 'Médecine interne', 'Maternité', 'Chirurgie viscérale', 'Pneumologie'])}",
            size=9,
        )
    )
    return rows


def build(rng: random.Random, pages: int = 1, patient: fakes.Person | None = None, day=None, **_) -> Doc:
    who = patient or fakes.person(rng)
    entry = day or common.care_day(rng)
    exit_ = min(entry + timedelta(days=rng.randint(1, 12)), common.LAST_CARE_DAY + timedelta(days=20))
    issued = common.later(rng, exit_, 0, 10)
    nights = max(1, (exit_ - entry).days)
    address = fakes.fr_address(rng)
    name = fakes.shop_name(rng, fakes.HOSPITAL_NAMES, address)
    ids = {"finess": fakes.finess(rng, address.department), "siret": fakes.siret(rng)}
    amount_style, sep = (
        rng.choice(["euro_sign", "euro_sign", "eur_suffix", "bare"]),
        rng.choice([" ", "\u00a0", "\u202f", " ", "."]),
    )
    money = lambda v: formats.fr_amount(v, amount_style, sep)  # noqa: E731
    lines = charge_lines(rng, nights)
    total = sum((a for _, a in lines), Decimal("0"))
    reason = rng.choice(catalog.HOSPITAL_REASONS)
    record = common.truth(
        "hospital_bulletin",
        "hospital_bulletin",
        "hospitalisation",
        entry,
        currency="EUR",
        total=common.money_truth(total),
        gross_total=common.money_truth(total),
        issuer=name,
        identifiers=ids,
        lines=[common.line_truth(label, amount) for label, amount in lines],
        stay={"from": entry.isoformat(), "to": exit_.isoformat(), "reason": reason},
    )
    common.add_trap(record, "stay_dates")
    if total >= 1000 and sep != ".":
        common.add_trap(record, "thousands_nbsp" if sep != " " else "thousands_space")
    issue_label = rng.choice(["Édité le", "Date d'édition :", "Fait le", f"{address.city}, le"])
    header = [
        *establishment_rows(rng, name, address, ids),
        gap(),
        common.heading(rng.choice(TITLES), rng),
        text(f"{issue_label} {formats.fr_date(issued, rng.choice(formats.FR_DATE_STYLES))}"),
        gap(),
    ]
    header += common.patient_rows(rng, who, record, rng.choice(["Patient :", "Nom de naissance :", "Hospitalisé(e) :"]))
    header += [
        *stay_rows(rng, entry, exit_, reason),
        gap(),
        Row([Cell("Désignation"), Cell("Montant", 1.0, "r")], bold=True),
        rule(),
    ]
    body = [Row([Cell(label), Cell(money(amount), 1.0, "r")], amount=amount) for label, amount in lines]
    totals = [rule()]
    if rng.random() < 0.6:
        covered = catalog.price(rng, 1500, 14000)
        totals.append(pair("Frais de séjour pris en charge par l'Assurance Maladie", money(covered), size=8.5))
        common.add_trap(record, "covered_amount_not_total")
    totals.append(
        pair(rng.choice(TOTAL_LABELS), money(total), bold=True, boxed=rng.random() < 0.4, size=rng.choice([0, 11.5, 12]))
    )
    totals += [gap(), text("Document à conserver - à joindre à votre demande de remboursement auprès de votre mutuelle.", size=8)]
    footer = [text(f"{name} - {address.street} - {address.city_line}", size=7)]
    continuation = [text(f"{name} - {rng.choice(TITLES).lower().capitalize()} (suite)", size=9, bold=True), gap()]
    return Doc("hospital_bulletin", record, random_style(rng), header, body, totals, footer, continuation, money=money)
