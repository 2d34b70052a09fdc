"""Quote (devis) for a dental prosthesis (orthodontic treatment for a child), glasses or hearing aids: the
practice or shop, the patient, the priced items, the total, a validity date and a "Bon pour accord" box.

`date` is the date the quote was drawn up, `total` (= `gross_total`) its total price, `stay` its validity
period (official.period). Traps: the validity date ("valable jusqu'au", later than the quote date), a
planned-care or prescription date, a base-of-reimbursement column and its total, an estimated national
insurance reimbursement, an estimated out-of-pocket amount ("Reste à charge estimé"), a deposit
("Acompte"), the quote number, correction values on glasses, carry rows on multi-page quotes.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from samples.generator import catalog, fakes, formats
from samples.generator.documents import common, official
from samples.generator.layout import Cell, Doc, Row, Style, gap, pair, random_style, rule, text

# (code, label, low, high, base of reimbursement or None when not reimbursed)
DENTAL = [
    ("HBLD634", "Couronne céramo-métallique", 480, 850, "120.00"),
    ("HBLD680", "Couronne céramique zircone", 420, 800, "120.00"),
    ("HBLD090", "Inlay-core", 180, 350, "90.00"),
    ("HBLD038", "Couronne transitoire", 40, 90, "10.00"),
    ("HBLD031", "Bridge 3 éléments céramo-métallique", 1300, 2400, "279.50"),
    ("HBLD131", "Prothèse amovible résine 1 à 3 dents", 350, 700, "182.75"),
    ("HBLD040", "Prothèse complète résine maxillaire", 800, 1400, "182.75"),
    ("HN", "Implant dentaire titane", 900, 1600, None),
    ("HN", "Pilier implantaire", 250, 500, None),
    ("HBLD745", "Couronne métallique", 250, 420, "107.50"),
]
ORTHODONTICS = [("HBQK002", "Bilan orthodontique (examen et moulages)", 80, 150, "46.80")] + [
    ("TO90", f"Traitement d'orthopédie dento-faciale - semestre {n}", 550, 900, "193.50") for n in range(1, 7)
]
OPTICAL = [
    ("Monture {brand} réf. {ref}", 45, 260),
    ("Verre unifocal {eye} indice 1,6 antireflet", 55, 210),
    ("Verre progressif {eye} indice 1,5 antireflet", 170, 420),
    ("Verre unifocal aminci {eye} indice 1,67", 90, 260),
]
OPTICAL_EXTRAS = [
    ("Traitement anti-lumière bleue (2 verres)", 20, 60),
    ("Étui et chiffonnette", 0, 0),
    ("Teinte solaire (2 verres)", 25, 70),
]
HEARING = [
    ("Aide auditive contour {model} - oreille {ear}", 950, 1990),
    ("Aide auditive intra-auriculaire {model} - oreille {ear}", 1100, 2100),
]
HEARING_EXTRAS = [
    ("Kit d'entretien", 15, 45),
    ("Piles (lot de 60)", 18, 35),
    ("Chargeur de nuit", 90, 180),
    ("Télécommande", 80, 200),
]
BRANDS = ["Lindberg", "Oxibis", "Morel", "Lafont", "Silhouette", "Ray-Ban", "Vuarnet"]
MODELS = ["Nova 5", "Audeo L70", "Moxi 3", "Intuis 4", "Evolv AI 1600", "Pure Charge&Go 3IX"]
ISSUERS = {
    "dental": [
        "Cabinet dentaire du Parc",
        "Centre dentaire de {city}",
        "Cabinet dentaire {last}",
        "Cabinet d'odontologie de la Gare",
        "Selarl des Docteurs {last} et {last2}",
    ],
    "optical": [
        "Optique {last}",
        "Les Opticiens du Marché",
        "Lunetterie de la Gare",
        "Optique du Centre",
        "Atelier optique {last}",
        "{city} Vision",
    ],
    "hearing": [
        "Audition {last}",
        "Centre auditif de {city}",
        "Audio Santé {city}",
        "Laboratoire d'audioprothèse {last}",
        "L'Atelier de l'Audition",
    ],
}
TITLES = {
    "dental": ["DEVIS", "Devis pour traitements et actes bucco-dentaires", "PLAN DE TRAITEMENT ET DEVIS", "Devis n° {n}"],
    "optical": ["DEVIS", "Devis normalisé - Optique médicale", "Devis équipement optique", "DEVIS N° {n}"],
    "hearing": ["DEVIS NORMALISÉ", "Devis aide(s) auditive(s)", "Proposition tarifaire - appareillage auditif", "Devis n° {n}"],
}
PROFESSIONS = {
    "dental": ["Chirurgien-dentiste", "Chirurgien-dentiste - Omnipratique", "Docteur en chirurgie dentaire"],
    "optical": ["Opticien diplômé", "Opticien-lunetier", "Opticien optométriste"],
    "hearing": ["Audioprothésiste D.E.", "Audioprothésiste diplômé d'État", "Audioprothésiste"],
}
TOTAL_LABELS = ["Montant total", "Total TTC", "Montant total TTC", "Total des honoraires", "TOTAL", "Prix total de l'équipement"]
VALIDITY = [
    "Devis valable jusqu'au",
    "Validité de l'offre : jusqu'au",
    "Ce devis est valable jusqu'au",
    "Date de fin de validité :",
]
TEETH = [11, 12, 13, 14, 15, 16, 17, 21, 22, 23, 24, 25, 26, 27, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 47]

Item = tuple[str, str, Decimal, Decimal | None]  # (code or tooth, label, price, base)


def dental_items(rng: random.Random, count: int) -> list[Item]:
    items = []
    for tooth in sorted(rng.sample(TEETH, count)):
        code, label, low, high, base = rng.choice(DENTAL)
        items.append((f"{tooth}", f"{label} ({code})", Decimal(rng.randint(low, high)), None if base is None else Decimal(base)))
    return items


def optical_items(rng: random.Random, pairs: int) -> list[Item]:
    items, full = [], rng.random() < 0.25  # 100 % Santé (class A): capped prices fully covered
    for n in range(pairs):
        suffix = f" (équipement {n + 1})" if pairs > 1 else ""
        frame, lens = OPTICAL[0], rng.choice(OPTICAL[1:])
        price = Decimal("30.00") if full else catalog.price(rng, frame[1], frame[2])
        label = frame[0].format(brand=rng.choice(BRANDS), ref=fakes.digits(rng, 4)) + suffix
        items.append(("Monture", label, price, price if full else Decimal("0.05")))
        for eye in ("OD", "OG"):
            price = Decimal("32.50") if full else catalog.price(rng, lens[1], lens[2])
            items.append(("Verre", lens[0].format(eye=eye) + suffix, price, price if full else Decimal("0.05")))
    extra = rng.choice(OPTICAL_EXTRAS)
    if extra[2] and not full and rng.random() < 0.6:
        items.append(("Option", extra[0], catalog.price(rng, extra[1], extra[2]), None))
    return items


def hearing_items(rng: random.Random, extras: int) -> list[Item]:
    label, low, high = rng.choice(HEARING)
    model, full = rng.choice(MODELS), rng.random() < 0.25
    price = Decimal("950.00") if full else Decimal(rng.randint(low, high))
    ears = ["droite", "gauche"] if rng.random() < 0.8 else [rng.choice(["droite", "gauche"])]
    base = Decimal("240.00" if full else "400.00")
    items = [("Classe I" if full else "Classe II", label.format(model=model, ear=ear), price, base) for ear in ears]
    for extra, low, high in rng.sample(HEARING_EXTRAS, extras):
        items.append(("Accessoire", extra, catalog.price(rng, low, high), None))
    return items


def orthodontic_items(rng: random.Random, pages: int) -> list[Item]:
    """A child's orthodontic treatment: the assessment, then one line per semester."""
    rows = ORTHODONTICS[: 7 if pages > 1 else rng.randint(2, 7)]
    return [("ODF", label, Decimal(rng.randint(low, high) // 10 * 10), Decimal(base)) for _, label, low, high, base in rows]


def items_for(rng: random.Random, care: str, pages: int, child: bool) -> list[Item]:
    if care == "dental" and child:
        return orthodontic_items(rng, pages)
    if care == "dental":
        return dental_items(rng, rng.randint(6, 9) * pages if pages > 1 else rng.randint(1, 5))
    if care == "optical":
        return optical_items(rng, 2 if pages > 1 or rng.random() < 0.2 else 1)
    return hearing_items(rng, min(len(HEARING_EXTRAS), pages + rng.randint(0, 2)))


def head_row(layout: str, care: str) -> Row:
    first = {"dental": "Dent", "optical": "Type", "hearing": "Type"}[care]
    if layout == "base":
        price = "Prix TTC" if care != "dental" else "Honoraires"
        return Row([Cell(first), Cell("Désignation", 0.14), Cell("Base remb.", 0.8, "r"), Cell(price, 1.0, "r")], bold=True)
    if layout == "qty":
        return Row([Cell("Désignation"), Cell("Qté", 0.66, "r"), Cell("P.U.", 0.8, "r"), Cell("Montant", 1.0, "r")], bold=True)
    return Row([Cell("Désignation"), Cell("Montant", 1.0, "r")], bold=True)


MATERIALS = {
    "Couronne céramo-métallique": "céramo-métallique",
    "Couronne céramique zircone": "zircone",
    "Couronne métallique": "métal non précieux",
    "Bridge 3 éléments céramo-métallique": "céramo-métallique",
    "Implant dentaire titane": "titane",
}
BASKETS = ["100 % Santé", "Tarifs maîtrisés", "Tarifs libres"]


def detail_row(rng: random.Random, label: str) -> Row:
    """The dental quote model's detail under an act: material and basket ('panier')."""
    material = next((m for key, m in MATERIALS.items() if label.startswith(key)), "résine")
    return text(Cell(f"Matériau : {material} - Panier : {rng.choice(BASKETS)}", 0.14), size=8)


LABEL_ROOM = {"base": (0.14, 0.52), "qty": (0.0, 0.58), "simple": (0.0, 0.7)}  # where an item's label starts, how wide it may be


def item_rows(rng: random.Random, items: list[Item], layout: str, money, details: bool, style: Style) -> list[Row]:
    """One row per item (a long label continues on the rows below it), plus the dental detail row."""
    x, width = LABEL_ROOM[layout]
    rows = []
    for code, label, price, base in items:
        shown = f"Dent {code} - {label}" if layout == "simple" and code.isdigit() else label
        first, *more = official.wrap(shown, style, style.size, width)
        if layout == "base":
            shown = formats.fr_number(base) if base is not None else "NR"
            rows.append(Row([Cell(code), Cell(first, x), Cell(shown, 0.8, "r"), Cell(money(price), 1.0, "r")], amount=price))
        elif layout == "qty":
            cells = [Cell(first), Cell("1", 0.66, "r"), Cell(formats.fr_number(price), 0.8, "r"), Cell(money(price), 1.0, "r")]
            rows.append(Row(cells, amount=price))
        else:
            rows.append(Row([Cell(first), Cell(money(price), 1.0, "r")], amount=price))
        rows += [text(Cell(line, x)) for line in more]
        if details:
            rows.append(detail_row(rng, label))
    return rows


def issuer_rows(
    rng: random.Random, care: str, name: str, person: fakes.Person, address: fakes.Address, ids: dict, style: Style
) -> list[Row]:
    rows = [official.name_row(name.upper() if rng.random() < 0.4 else name, rng, style)]
    who = f"Dr {person.first} {person.last.upper()}" if care == "dental" else f"{person.first} {person.last}"
    rows.append(text(f"{who} - {rng.choice(PROFESSIONS[care])}", size=9))
    rows += common.address_rows(address, rng.choice(["Tél.", "Tél :", "Téléphone :"]))
    numbers = [f"{key.upper()} {value}" for key, value in ids.items() if key != "nir"]
    rows.append(text("   ".join(numbers), size=8))
    return rows


def practitioner_ids(rng: random.Random, care: str, address: fakes.Address) -> dict:
    if care == "dental":
        return {"rpps": fakes.rpps(rng), "siret": fakes.siret(rng)}
    ids = {"adeli": fakes.adeli(rng, address.department, "28" if care == "optical" else "26"), "siret": fakes.siret(rng)}
    if rng.random() < 0.5:
        ids["finess"] = fakes.finess(rng, address.department)
    return ids


def validity(rng: random.Random, day: date, record: dict) -> tuple[date, Row]:
    """The end of validity and its row: a date (trap) or a duration."""
    days = rng.choice([30, 60, 90, 90, 180])
    end = common.later(rng, day, days, days)
    if rng.random() < 0.7:
        common.add_trap(record, "validity_date")
        shown = formats.fr_date(end, rng.choice(["slash", "long", "slash"]))
        return end, text(f"{rng.choice(VALIDITY)} {shown}", bold=rng.random() < 0.4)
    # the end of a validity printed as a duration is what the duration says: calendar months for "N mois"
    # (Code civil art. 641, as extractors/fields/periods.py reads it), days for "N jours"
    months = days // 30 if days >= 60 else 0
    end = day + (relativedelta(months=months) if months else timedelta(days=days))
    if end > common.LATEST:  # no date of the truth after LATEST: a recent quote is valid a month
        months, days = 0, 30
        end = day + timedelta(days=days)
    shown = f"{months} mois" if months else f"{days} jours"
    return end, text(
        rng.choice(
            [
                f"Ce devis est valable {shown}.",
                f"Durée de validité : {shown}",
                f"Validité : {shown} à compter de sa date d'émission",
            ]
        )
    )


def correction(rng: random.Random) -> str:
    """One eye's prescription: sphere (cylinder) axis, e.g. '+1,25 (-0,50) 90°'."""
    sphere = f"{rng.choice(['+', '-'])}{rng.randint(1, 24) * 0.25:.2f}".replace(".", ",")
    return f"{sphere} (-{rng.randint(1, 8) * 0.25:.2f}) {rng.randint(0, 180)}°".replace(".", ",")


def context_rows(rng: random.Random, care: str, day: date, record: dict) -> list[Row]:
    """A prescription date (glasses, hearing aids) or a planned-care date (dental), plus glasses' correction."""
    rows = []
    if care != "dental" and rng.random() < 0.7:
        prescribed = day - timedelta(days=rng.randint(3, 120))
        doctor = fakes.person(rng, 1950, 1990).last.upper()
        what = "Ordonnance" if care == "optical" else "Prescription médicale"
        rows.append(text(f"{what} du Dr {doctor} du {formats.fr_date(prescribed, 'slash')}", size=9))
        common.add_trap(record, "prescription_date")
    if care == "optical" and rng.random() < 0.7:
        rows.append(text(f"Correction : OD {correction(rng)}   OG {correction(rng)}", size=9))
        common.add_trap(record, "correction_values")
    if care == "dental" and rng.random() < 0.4:
        planned = common.later(rng, day, 7, 45)
        rows.append(text(f"Date prévue de début des soins : {formats.fr_date(planned, 'slash')}", size=9))
        common.add_trap(record, "planned_care_date")
    return rows


def totals_rows(rng: random.Random, items: list[Item], total: Decimal, money, record: dict) -> list[Row]:
    rows = [rule()]
    base = sum((b for _, _, _, b in items if b is not None), Decimal("0"))
    if rng.random() < 0.5:
        rows.append(pair("Total base de remboursement", money(base), size=9))
        common.add_trap(record, "base_total")
    size = rng.choice([0, 11.5, 12])
    rows.append(pair(rng.choice(TOTAL_LABELS), money(total), bold=True, boxed=rng.random() < 0.35, size=size))
    if rng.random() < 0.5:
        amo = (base * Decimal(rng.choice(["0.60", "0.70"]))).quantize(Decimal("0.01"))
        rows += [
            pair("Montant remboursé par l'Assurance Maladie (estimation)", money(amo), size=9),
            pair("Reste à charge estimé (avant mutuelle)", money(total - amo), size=9),
        ]
        common.add_trap(record, "estimated_reimbursement", "estimated_out_of_pocket")
    if rng.random() < 0.3:
        rows.append(text(f"Acompte à la commande (30 %) : {money((total * Decimal('0.3')).quantize(Decimal('0.01')))}", size=9))
        common.add_trap(record, "deposit")
    return rows


def agreement_rows(rng: random.Random) -> list[Row]:
    label = rng.choice(["Bon pour accord", "BON POUR ACCORD", "Accord du patient"])
    rows = [gap(), text(Cell(label, 0.0), Cell("Cachet et signature du praticien", 0.55), bold=True, size=9)]
    hint = rng.choice(["Date et signature du patient", "précédée de la mention « lu et approuvé »", "Date, nom et signature"])
    rows.append(text(hint, size=8))
    return [*rows, Row(kind="gap", size=30)]


NOTICES = {
    "dental": "Le présent devis est établi conformément à la convention nationale des chirurgiens-dentistes. Les actes "
    "hors nomenclature (HN) ne donnent lieu à aucun remboursement par l'Assurance Maladie. Le patient dispose "
    "d'un délai de réflexion avant l'acceptation du devis ; les honoraires indiqués sont fermes pendant "
    "la durée de validité.",
    "optical": "Conformément à la réglementation, votre opticien doit vous proposer au moins un équipement de classe A "
    "(100 % Santé), sans reste à charge après intervention de l'Assurance Maladie et de votre complémentaire "
    "santé responsable. Les verres et la monture peuvent être choisis dans des classes différentes.",
    "hearing": "L'essai des aides auditives est d'une durée minimale de 30 jours avant l'achat. Le prix comprend "
    "l'adaptation et le suivi pendant toute la durée d'utilisation de l'appareil. Garantie : 4 ans. "
    "Renouvellement possible tous les 4 ans au plus tôt.",
}


def quote_record(care: str, day, items: list[Item], name: str, person: fakes.Person, ids: dict, sep: str) -> dict:
    total = sum((price for _, _, price, _ in items), Decimal("0"))
    practitioner = f"Dr {person.name}" if care == "dental" else person.name
    record = common.truth(
        "quote",
        "quote",
        care,
        day,
        currency="EUR",
        total=common.money_truth(total),
        gross_total=common.money_truth(total),
        issuer=name,
        practitioner=practitioner,
        identifiers=ids,
        lines=[common.line_truth(label, price) for _, label, price, _ in items],
    )
    if total >= 1000 and sep != ".":
        common.add_trap(record, "thousands_nbsp" if sep in ("\u00a0", "\u202f") else "thousands_space")
    return record


def title_rows(rng: random.Random, care: str, day, city: str, record: dict, style: Style) -> tuple[str, list[Row]]:
    """The title (sometimes holding the quote number), the quote's date, and the number when the title has none."""
    number, template = f"{day.year}-{rng.randint(1, 9999):04d}", rng.choice(TITLES[care])
    title = template.format(n=number)
    labels = ["Le", "{city}, le", "Date du devis :", "Établi le"]
    rows = [official.heading(title, rng, style), official.issue_row(rng, day, city, labels, official.date_style(rng))]
    if "{n}" not in template or rng.random() < 0.3:
        rows.append(text(f"{rng.choice(['Devis n°', 'Référence devis :', 'N° de devis :'])} {number}", size=9))
        common.add_trap(record, "quote_number")
    return title, rows


def patient_block(rng: random.Random, care: str, who: fakes.Person, day, record: dict) -> list[Row]:
    """The patient, sometimes their NIR (dental), and the prescription / planned-care context."""
    rows = common.patient_rows(rng, who, record)
    if care == "dental" and rng.random() < 0.4:
        record["identifiers"]["nir"] = fakes.nir(rng, who)
        rows.append(text(f"N° de sécurité sociale : {official.shown_nir(rng, record['identifiers']['nir'])}", size=9))
    return rows + context_rows(rng, care, day, record)


def build(
    rng: random.Random, pages: int = 1, patient: fakes.Person | None = None, day=None, care_type: str | None = None, **_
) -> Doc:
    """A quote; `care_type` forces dental, optical or hearing (random when None)."""
    day = day or common.care_day(rng)
    who = patient or fakes.person(rng)
    care = care_type or rng.choice(["dental", "dental", "optical", "hearing"])
    person, address = fakes.person(rng, 1955, 1996), fakes.fr_address(rng)
    name, ids = official.elide(fakes.shop_name(rng, ISSUERS[care], address)), practitioner_ids(rng, care, address)
    style, (amount_style, sep) = random_style(rng), formats.random_fr_amount_style(rng)
    money = lambda v: formats.fr_amount(v, amount_style, sep)  # noqa: E731
    items = items_for(rng, care, pages, official.age(who, day) < 16)
    record = quote_record(care, day, items, name, person, ids, sep)
    title, titles = title_rows(rng, care, day, address.city, record, style)
    header = [*issuer_rows(rng, care, name, person, address, ids, style), gap(), *titles]
    header += patient_block(rng, care, who, day, record)
    end, validity_row = validity(rng, day, record)
    record["stay"] = official.period(day, end, "validité du devis")
    layout = rng.choice(["base", "base", "qty", "simple"])
    header += [gap(), head_row(layout, care), rule()]
    details = care == "dental" and items[0][0] != "ODF" and (len(items) == 1 or rng.random() < 0.5)
    body = item_rows(rng, items, layout, money, details, style)
    body += [gap(), *official.paragraph(NOTICES[care], style, 8.5)] if pages > 1 else []
    totals = [*totals_rows(rng, items, Decimal(record["total"]), money, record), gap(), validity_row, *agreement_rows(rng)]
    totals += official.paragraph(NOTICES[care], style, 7.5) if pages == 1 and rng.random() < 0.4 else []
    footer = common.legal_footer(rng, ids["siret"]) if rng.random() < 0.5 else []
    footer += common.print_footer(rng, day, record) if rng.random() < 0.3 else []
    continuation = [official.fitted(f"{name} - {title} (suite)", style, 9, True), gap(), head_row(layout, care), rule()]
    return Doc(
        "quote",
        record,
        style,
        header,
        body,
        totals,
        footer,
        continuation,
        rng.choice([("A reporter", "Report"), ("Sous-total", "Report")]),
        money,
    )
