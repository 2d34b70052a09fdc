"""French invoice for a medical aid (facture d'optique, d'audioprothèse): an optician's glasses - a frame and
two lenses - or an audiologist's hearing aids, itemised with their LPP codes, the price the social security
reimburses on (its "base"), the VAT the prices hold, and often the split between the compulsory scheme
(AMO), the top-up insurer (AMC) and the patient - what a French insurer is sent for each pair of glasses.

The truth's `total` is what the patient paid (the "reste à charge" under third-party payment, else the
invoice's total), `gross_total` the invoice's total, as on the pharmacy's invoice. Traps: the base column's
small amounts (a class B lens is reimbursed on 0,05 €), the quote the invoice follows ("Devis n° D2024-055 du
10/01/2024"), the prescription's date, the patient's birth date and social security number, a deposit paid
before ("Acompte versé le ... : 100,00 €", then "Solde"), the VAT included, the 100 % Santé class.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from samples.generator import fakes, formats
from samples.generator.documents import common
from samples.generator.layout import Cell, Doc, Row, gap, pair, random_style, rule, text

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Aid:
    """A kind of aid: its care type, shop names, trade, ADELI profession code, VAT and priced items
    (label, LPP code, lowest, highest price, the base the social security reimburses on)."""

    care: str
    names: tuple[str, ...]
    trades: tuple[str, ...]
    profession: str
    vat: Decimal
    items: tuple[tuple[str, str, int, int, str], ...]


AIDS = {
    "optical": Aid(
        "optical",
        ("Optique {last}", "Les Opticiens de {city}", "Vision {city}", "Optique du Centre", "Atelier d'optique {last}"),
        ("Opticien diplômé", "Opticien-lunetier", "Opticien optométriste - Contactologie"),
        "28",
        Decimal("0.20"),
        (
            ("Monture métal réf. {ref} - classe B", "2223342", 89, 249, "0,05"),
            ("Monture acétate réf. {ref} - classe B", "2223342", 69, 199, "0,05"),
            ("Verre OD unifocal 1.6 durci antireflet - classe B", "2203240", 45, 180, "0,05"),
            ("Verre OG unifocal 1.6 durci antireflet - classe B", "2203240", 45, 180, "0,05"),
            ("Verre OD progressif 1.6 - classe B", "2227038", 150, 390, "0,05"),
            ("Verre OG progressif 1.6 - classe B", "2227038", 150, 390, "0,05"),
            ("Supplément filtre lumière bleue", "", 20, 45, ""),
        ),
    ),
    "hearing": Aid(
        "hearing",
        ("Audition {last}", "Centre auditif de {city}", "Centre de l'audition {last}", "Laboratoire d'audioprothèse {last}"),
        ("Audioprothésiste D.E.", "Audioprothésiste diplômé d'État", "Correction auditive - Audioprothèse"),
        "26",
        Decimal("0.055"),
        (
            ("Aide auditive droite contour d'oreille - classe II", "2355084", 950, 1950, "400,00"),
            ("Aide auditive gauche contour d'oreille - classe II", "2355084", 950, 1950, "400,00"),
            ("Écouteur et embout sur mesure", "", 40, 90, ""),
            ("Piles (boîte de 6)", "", 6, 12, ""),
        ),
    ),
}
TITLES = ["FACTURE", "Facture n° {n}", "FACTURE N° {n}", "FACTURE ACQUITTÉE"]
TOTAL_LABELS = ["Total TTC", "Montant total TTC", "Net à payer", "Total facture"]
GROSS_LABELS = ["Total TTC", "Montant total TTC", "Total facture"]
REST_LABELS = ["Reste à charge", "Reste à payer", "Part assuré", "Net à payer assuré"]


def priced_items(rng: random.Random, aid: Aid) -> list[tuple[str, str, Decimal, str]]:
    """(label, LPP code, price, base) of a pair of glasses (a frame, two lenses of a kind) or of hearing aids."""
    if aid.care == "optical":
        frame = rng.choice(aid.items[:2])
        lenses = aid.items[2:4] if rng.random() < 0.6 else aid.items[4:6]
        chosen = [frame, *lenses] + ([aid.items[6]] if rng.random() < 0.3 else [])
    else:
        chosen = list(aid.items[:2]) if rng.random() < 0.7 else [rng.choice(aid.items[:2])]
        chosen += [item for item in aid.items[2:] if rng.random() < 0.4]
    out = []
    for label, code, low, high, base in chosen:
        price = Decimal(rng.randint(low, high)) - Decimal(rng.choice(["0.00", "0.00", "0.10", "0.01"]))
        if label.startswith("Verre OG") and out and out[-1][0].startswith("Verre OD") and rng.random() < 0.8:
            price = out[-1][2]  # the two lenses of a pair, priced alike
        out.append((label.format(ref=fakes.digits(rng, 4)), code, price, base))
    return out


def item_rows(items, money, base_column: bool) -> list[Row]:
    rows = []
    for label, code, price, base in items:
        cells = [Cell(label), Cell(code, 0.58)]
        if base_column:
            cells.append(Cell(base, 0.76, "r"))
        cells.append(Cell(money(price), 1.0, "r"))
        rows.append(Row(cells, amount=price))
    return rows


def head_row(base_column: bool) -> Row:
    cells = [Cell("Désignation"), Cell("LPP", 0.56)]
    if base_column:
        cells.append(Cell("Base", 0.8, "r"))
    return Row([*cells, Cell("Montant TTC", 1.0, "r")], bold=True)


def split_rows(rng: random.Random, aid: Aid, gross: Decimal, items, money, record: dict) -> tuple[list[Row], Decimal]:
    """The totals and, under third-party payment, the AMO / AMC / patient split; returns the rows and what the
    patient paid."""
    vat = (gross - gross / (1 + aid.vat)).quantize(CENT, ROUND_HALF_UP)
    rate = f"{aid.vat * 100:.1f}".replace(".", ",").replace(",0", "")
    split = rng.random() < 0.55
    label = rng.choice(GROSS_LABELS if split else TOTAL_LABELS)  # "Net à payer" only where the patient pays it all
    rows = [rule(), pair(label, money(gross), bold=True), pair(f"dont TVA {rate} %", money(vat), size=8.5)]
    common.add_trap(record, "vat_line")
    if split:
        bases = sum((Decimal(base.replace(",", ".")) for *_, base in items if base), Decimal("0"))
        amo = (bases * Decimal("0.6")).quantize(CENT)
        amc = min(gross - amo - Decimal("1"), Decimal(rng.choice(["100", "150", "200", "250", "350", "500", "700"])))
        paid = gross - amo - amc
        if amo > 0 and amc > 0 and paid > 0:
            rows += [
                pair(
                    rng.choice(["Part AMO (tiers payant)", "Prise en charge Assurance Maladie", "Part Sécurité sociale"]),
                    money(amo),
                ),
                pair(rng.choice(["Part AMC (tiers payant)", "Prise en charge mutuelle", "Part complémentaire"]), money(amc)),
                pair(rng.choice(REST_LABELS), money(paid), bold=True, boxed=rng.random() < 0.3),
            ]
            common.add_trap(record, "third_party_payment")
            return rows, paid
    return rows, gross


def deposit_rows(rng: random.Random, day, gross: Decimal, money, record: dict) -> list[Row]:
    """Sometimes a deposit paid when the glasses were ordered, and the balance paid on delivery."""
    if rng.random() >= 0.25 or gross < 150:
        return []
    deposit = Decimal(rng.choice([50, 100, 150]))
    ordered = day - timedelta(days=rng.randint(7, 21))
    common.add_trap(record, "already_paid")
    return [
        text(f"Acompte versé le {formats.fr_date(ordered, 'slash')} : {money(deposit)}", size=9),
        text(f"Solde réglé le {formats.fr_date(day, 'slash')} par {rng.choice(['carte bancaire', 'chèque', 'espèces'])}", size=9),
    ]


def build(rng: random.Random, pages: int = 1, patient: fakes.Person | None = None, day=None, **_) -> Doc:
    aid = AIDS[rng.choice(["optical", "optical", "hearing"])]
    who = patient or fakes.person(rng)
    address = fakes.fr_address(rng)
    owner = fakes.person(rng, 1955, 1995)
    name = rng.choice(aid.names).format(last=owner.last.upper() if rng.random() < 0.5 else owner.last, city=address.city)
    day = day or common.care_day(rng)
    ids = {"siret": fakes.siret(rng), "adeli": fakes.adeli(rng, address.department, aid.profession)}
    style, sep = formats.random_fr_amount_style(rng)
    money = lambda v: formats.fr_amount(v, style, sep)  # noqa: E731
    items = priced_items(rng, aid)
    gross = sum((price for _, _, price, _ in items), Decimal("0"))
    record = common.truth(
        "invoice_equipment",
        "invoice",
        aid.care,
        day,
        currency="EUR",
        issuer=name,
        identifiers=dict(ids),
        lines=[common.line_truth(label, price) for label, _, price, _ in items],
    )
    header = [
        text(Cell(name), size=rng.choice([14, 15, 16]), bold=True),
        text(rng.choice(aid.trades), size=9),
        *common.address_rows(address, rng.choice(["Tél.", "Tél :"])),
        text(f"SIRET {ids['siret']}   N° ADELI {ids['adeli']}", size=8),
        gap(),
    ]
    number = f"{day.year}-{rng.randint(1, 9999):04d}"
    header += [
        common.heading(rng.choice(TITLES).format(n=number), rng),
        text(
            f"{rng.choice(['Date :', 'Date de facture :', 'Facture du', 'Délivré le'])} {formats.fr_date(day, rng.choice(formats.FR_DATE_STYLES))}"
        ),
    ]
    header += common.patient_rows(rng, who, record)
    if rng.random() < 0.5:
        number_ss = fakes.nir(rng, who)
        record["identifiers"]["nir"] = number_ss
        header.append(text(f"N° de sécurité sociale : {fakes.spaced_nir(number_ss)}", size=9))
    prescribed = day - timedelta(days=rng.randint(10, 120))
    prescriber = fakes.person(rng, 1950, 1990).last.upper()
    header.append(text(f"Ordonnance du Dr {prescriber} du {formats.fr_date(prescribed, 'slash')}", size=9))
    common.add_trap(record, "prescription_date")
    if rng.random() < 0.5:
        quoted = day - timedelta(days=rng.randint(5, 30))
        header.append(
            text(f"Selon devis n° D{quoted.year}-{rng.randint(1, 999):03d} du {formats.fr_date(quoted, 'slash')}", size=9)
        )
        common.add_trap(record, "quote_reference")
    base_column = rng.random() < 0.6
    header += [gap(), head_row(base_column), rule()]
    totals, paid = split_rows(rng, aid, gross, items, money, record)
    totals += deposit_rows(rng, day, gross, money, record)
    record.update(total=common.money_truth(paid), gross_total=common.money_truth(gross))
    totals += [
        gap(),
        text(rng.choice(["Garantie 2 ans pièces et main d'œuvre.", "Équipement conforme à la prescription."]), size=8),
    ]
    footer = common.print_footer(rng, day, record) if rng.random() < 0.5 else []
    footer += common.legal_footer(rng, ids["siret"] if rng.random() < 0.5 else None)
    return Doc(
        "invoice_equipment",
        record,
        random_style(rng),
        header,
        item_rows(items, money, base_column),
        totals,
        footer,
        [text(name, bold=True), text(f"Facture {number} (suite)", size=9), gap(), head_row(base_column), rule()],
        ("A reporter", "Report"),
        money,
    )
