"""German shop receipt (Kassenbon) on a narrow thermal strip: a pharmacy (Apotheke), a drugstore, a
medical-supply shop, an optician or a supermarket - what a claimant living in Germany sends.

Traps: the cash tendered and the change (`Geg. BAR EUR 20,00`, `Rückgeld`), a VAT table whose gross
column repeats the total while its net and tax columns and its `Gesamtbetrag` row's first figure are no
total, a subtotal before a discount (`Zwischensumme`, `Rabatt -10%`), deposits and returned bottles
(`Pfand`, a negative `Leergut` line), tax-class letters after the amounts (`1,99 A`), the card block's
own date and a card expiry (`gültig bis 12/27`), the fiscal unit's ISO timestamps (`TSE-Start:
2024-03-14T10:31:55`), a prescription's earlier date on a pharmacy's receipt (`Rezept vom 10.03.2024`), a
loyalty programme's later date (`Punkte gültig bis 31.12.2025`), register and receipt numbers.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from samples.generator import fakes
from samples.generator.documents import common
from samples.generator.formats import de_number
from samples.generator.layout import Cell, Doc, Row, Style, gap, text

VAT = {"A": Decimal("0.19"), "B": Decimal("0.07")}
FIRST = ["Anna", "Lena", "Julia", "Sabine", "Katrin", "Thomas", "Michael", "Stefan", "Jürgen", "Andreas", "Petra", "Klaus"]
LAST = [
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Hoffmann",
    "Schäfer",
    "Koch",
    "Krüger",
]
STREETS = ["Hauptstraße", "Bahnhofstraße", "Schillerstr.", "Goethestraße", "Marktplatz", "Lindenallee", "Kirchweg", "Am Rathaus"]
CITIES = [
    ("10115", "Berlin", "030"),
    ("20095", "Hamburg", "040"),
    ("80331", "München", "089"),
    ("50667", "Köln", "0221"),
    ("60311", "Frankfurt am Main", "069"),
    ("70173", "Stuttgart", "0711"),
    ("40213", "Düsseldorf", "0211"),
    ("04109", "Leipzig", "0341"),
    ("69117", "Heidelberg", "06221"),
    ("79098", "Freiburg im Breisgau", "0761"),
    ("48143", "Münster", "0251"),
    ("90402", "Nürnberg", "0911"),
]


@dataclass(frozen=True)
class Shop:
    """A kind of shop: its care type (None: not a health shop), names, and the goods it sells."""

    care: str | None
    names: tuple[str, ...]
    goods: tuple[tuple[str, float, float, str], ...]  # label, lowest, highest price, VAT class


SHOPS = {
    "pharmacy": Shop(
        "pharmacy",
        (
            "{animal}-Apotheke",
            "Apotheke am {place}",
            "{animal} Apotheke {city}",
            "Apotheke im {place}",
            "{animal}-Apotheke am {place}",
        ),
        (
            ("Ibuprofen 400 akut 20 St", 3.5, 6.9, "A"),
            ("Paracetamol 500mg 20 Tabl.", 1.9, 3.5, "A"),
            ("Nasenspray E 10ml", 2.9, 5.9, "A"),
            ("Bepanthen Wund- u. Heilsalbe 20g", 4.9, 7.9, "A"),
            ("Hustensaft 100ml", 6.5, 11.9, "A"),
            ("Voltaren Schmerzgel 100g", 9.9, 16.9, "A"),
            ("Magnesium 400 Brausetabl.", 4.5, 8.9, "A"),
            ("Zuzahlung Rezept", 5.0, 10.0, "A"),
            ("Fieberthermometer digital", 6.9, 14.9, "A"),
            ("Pflaster Sortiment", 2.5, 4.9, "A"),
        ),
    ),
    "drugstore": Shop(
        "pharmacy",
        ("Drogerie {last}", "DROGERIEMARKT {last}", "Vital Drogerie {city}", "Drogerie am {place}"),
        (
            ("Zahnpasta 75ml", 0.65, 2.95, "A"),
            ("Duschgel 250ml", 0.95, 2.45, "A"),
            ("Vitamin C Kapseln", 1.95, 4.95, "A"),
            ("Wundpflaster 20St", 1.25, 2.95, "A"),
            ("Babynahrung Glas", 0.85, 1.65, "B"),
            ("Tee Erkältung 20Btl", 1.45, 2.95, "B"),
            ("Taschentücher 10x10", 0.95, 1.95, "A"),
            ("Sonnencreme LSF 50", 3.95, 7.95, "A"),
        ),
    ),
    "medical_equipment": Shop(
        "medical_equipment",
        ("Sanitätshaus {last} GmbH", "Sanitätshaus am {place}", "Orthopädie-Technik {last}"),
        (
            ("Kompressionsstrümpfe Kl. 2", 39.0, 89.0, "A"),
            ("Bandage Knie", 24.9, 59.9, "A"),
            ("Gehstock verstellbar", 19.9, 34.9, "A"),
            ("Einlagen nach Maß", 49.0, 129.0, "A"),
            ("Blutdruckmessgerät", 29.9, 69.9, "A"),
        ),
    ),
    "optical": Shop(
        "optical",
        ("Optik {last}", "Augenoptik {last} am {place}", "Brillen {last}"),
        (
            ("Kontaktlinsen Monatslinsen 6er", 24.9, 49.9, "A"),
            ("Pflegemittel 360ml", 7.9, 14.9, "A"),
            ("Brillenglas Einstärke", 39.0, 119.0, "A"),
            ("Brillenfassung", 59.0, 189.0, "A"),
            ("Lesebrille +2,0", 9.9, 24.9, "A"),
        ),
    ),
    "supermarket": Shop(
        None,
        ("Frischmarkt {last}", "Supermarkt {last} oHG", "Markt am {place}", "{last} Lebensmittel e.K."),
        (
            ("Vollmilch 3,5% 1L", 0.99, 1.29, "B"),
            ("Bananen", 1.19, 2.49, "B"),
            ("Vollkornbrot 500g", 1.49, 2.99, "B"),
            ("Mineralwasser 1,5L", 0.19, 0.69, "A"),
            ("Kaffee gemahlen 500g", 4.99, 7.99, "B"),
            ("Butter 250g", 1.79, 2.49, "B"),
            ("Spülmittel 500ml", 0.79, 1.99, "A"),
            ("Äpfel lose", 1.29, 3.49, "B"),
            ("Käse Gouda Scheiben", 1.49, 2.79, "B"),
        ),
    ),
}
ANIMALS = ["Löwen", "Adler", "Hirsch", "Stern", "Einhorn", "Rathaus", "Markt", "Sonnen", "Linden", "Schwanen"]
PLACES = ["Markt", "Rathaus", "Bahnhof", "Dom", "Stadtpark", "Schillerplatz", "Tor", "Ring"]
SHOP_DRAW = ["pharmacy"] * 3 + ["drugstore"] * 2 + ["medical_equipment", "optical"] + ["supermarket"] * 2
THANKS = ["Vielen Dank für Ihren Einkauf!", "Danke und auf Wiedersehen", "Bitte beehren Sie uns wieder"]
TOTAL_LABELS = [
    "SUMME EUR",
    "SUMME",
    "Summe",
    "Summe EUR",
    "Zu zahlen",
    "ZU ZAHLEN EUR",
    "Gesamt",
    "Gesamtsumme",
    "Total EUR",
    "BETRAG EUR",
]


def umlauts(value: str, keep: bool) -> str:
    """Some register printers have no umlauts: `Rückgeld` -> `Rueckgeld`."""
    if keep:
        return value
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("Ä", "Ae"), ("Ö", "Oe"), ("Ü", "Ue"), ("ß", "ss")):
        value = value.replace(a, b)
    return value


def shop_name(rng: random.Random, shop: Shop, city: str) -> str:
    return rng.choice(shop.names).format(animal=rng.choice(ANIMALS), place=rng.choice(PLACES), city=city, last=rng.choice(LAST))


def goods(rng: random.Random, shop: Shop) -> list[tuple[str, Decimal, str, int]]:
    """(label, unit price, VAT class, quantity) for 1-7 items."""
    picked = rng.sample(shop.goods, min(len(shop.goods), rng.choice([1, 2, 2, 3, 3, 4, 5, 7])))
    out = []
    for label, low, high, vat in picked:
        price = Decimal(f"{rng.uniform(low, high):.2f}")
        if shop.care is None or rng.random() < 0.7:  # shops price to the ..9 or ..5 cent
            price = price.quantize(Decimal("0.1")) - Decimal(rng.choice(["0.01", "0.05"]))
        out.append((label, max(price, Decimal("0.19")), vat, rng.choice([1, 1, 1, 1, 2, 3])))
    return out


def item_rows(rng: random.Random, items, keep: bool, letters: bool) -> tuple[list[Row], list[tuple[Decimal, str]]]:
    """Item rows (a quantity row above a line of several), and the (amount, VAT class) they charge."""
    rows, charged = [], []
    below = rng.random() < 0.6  # the quantity row under its item (most registers) or above it
    for label, price, vat, count in items:
        amount = price * count
        quantity = text(f"  {count} {rng.choice(['x', 'Stk x', 'St. x'])} {de_number(price)}")
        if count > 1 and not below:
            rows.append(quantity)
        rows.append(text(Cell(umlauts(label, keep)), Cell(de_number(amount), 0.9, "r"), Cell(vat if letters else "", 1.0, "r")))
        if count > 1 and below:
            rows.append(quantity)
        charged.append((amount, vat))
        if "wasser" in label and rng.random() < 0.8:
            deposit = Decimal("0.25") * count
            rows.append(text(Cell("  Pfand"), Cell(de_number(deposit), 0.9, "r"), Cell("A" if letters else "", 1.0, "r")))
            charged.append((deposit, "A"))
    return rows, charged


def vat_table(charged: list[tuple[Decimal, str]], rng: random.Random) -> list[Row]:
    """`Steuer % Netto Steuer Brutto`, one row per class, and sometimes a `Gesamtbetrag` row."""
    rows = [text(Cell("MwSt"), Cell("Netto", 0.45, "r"), Cell("Steuer", 0.7, "r"), Cell("Brutto", 1.0, "r"), size=8.5)]
    nets, taxes = Decimal("0"), Decimal("0")
    for vat in sorted({v for _, v in charged}):
        gross = sum((a for a, v in charged if v == vat), Decimal("0"))
        net = (gross / (1 + VAT[vat])).quantize(Decimal("0.01"))
        nets, taxes = nets + net, taxes + gross - net
        rate = f"{VAT[vat] * 100:.0f}%" if rng.random() < 0.5 else f"{VAT[vat] * 100:.1f}%".replace(".", ",")
        rows.append(
            text(
                f"{vat}= {rate}",
                Cell(de_number(net), 0.45, "r"),
                Cell(de_number(gross - net), 0.7, "r"),
                Cell(de_number(gross), 1.0, "r"),
                size=8.5,
            )
        )
    if rng.random() < 0.5:
        rows.append(
            text(
                "Gesamtbetrag",
                Cell(de_number(nets), 0.45, "r"),
                Cell(de_number(taxes), 0.7, "r"),
                Cell(de_number(nets + taxes), 1.0, "r"),
                size=8.5,
            )
        )
    return rows


def payment_rows(rng: random.Random, total: Decimal, keep: bool) -> tuple[list[Row], str]:
    """Cash (tendered, change) or card; returns the rows and the means ("cash" / "card")."""
    if rng.random() < 0.45:
        notes = [Decimal(n) for n in (5, 10, 20, 50, 100, 200, 500) if Decimal(n) >= total]
        tendered = notes[0] if notes else (total / 10).to_integral_value(rounding="ROUND_CEILING") * 10
        if rng.random() < 0.3:
            tendered = total.quantize(Decimal("1")) + (1 if total.quantize(Decimal("1")) < total else 0)
        rows = [
            text(Cell(rng.choice(["Geg. BAR EUR", "Gegeben Bar", "BAR", "Bar EUR"])), Cell(de_number(tendered), 1.0, "r")),
            text(
                Cell(umlauts(rng.choice(["Rückgeld BAR EUR", "Rückgeld", "Zurück", "Rückgeld EUR"]), keep)),
                Cell(de_number(tendered - total), 1.0, "r"),
            ),
        ]
        return rows, "cash"
    label = rng.choice(["Geg. EC-Karte EUR", "EC-Cash", "Kartenzahlung", "girocard EUR", "VISA EUR", "Mastercard"])
    return [text(Cell(label), Cell(de_number(total), 1.0, "r"))], "card"


def card_slip(rng: random.Random, day: date, hour: str, total: Decimal, keep: bool) -> list[Row]:
    rows = [
        gap(),
        text(Cell(rng.choice(["Kundenbeleg", "** Kundenbeleg **", "KUNDENBELEG"]), 0.5, "c")),
        text(Cell(rng.choice(["Kartenzahlung", "girocard", "Debit Mastercard", "VISA"]), 0.5, "c")),
        text(
            rng.choice([f"Datum {day:%d.%m.%Y}  Uhrzeit {hour}", f"Datum: {day:%d.%m.%y} {hour} Uhr", f"{day:%d.%m.%Y} {hour}"])
        ),
        text(f"Terminal-ID {fakes.digits(rng, 8)}"),
        text(f"TA-Nr. {fakes.digits(rng, 6)}  BNr. {fakes.digits(rng, 4)}"),
        text(f"Kartennr. ############{fakes.digits(rng, 4)}"),
    ]
    if rng.random() < 0.4:
        expiry = date(min(day.year + rng.randint(1, 4), 2030), rng.randint(1, 12), 1)
        rows.append(text(umlauts(f"gültig bis {expiry:%m/%y}", keep)))
    rows += [
        text(Cell("Betrag EUR"), Cell(de_number(total), 1.0, "r"), bold=True),
        text(Cell(rng.choice(["Zahlung erfolgt", "Transaktion erfolgreich", "GENEHMIGT"]), 0.5, "c")),
    ]
    return rows


def fiscal_rows(rng: random.Random, day: date, hour: str) -> list[Row]:
    """The bill number, register, cashier, and the fiscal unit's (TSE) block."""
    seconds = f"{rng.randint(0, 59):02d}"
    start = f"{day.isoformat()}T{hour}:{seconds}.000"
    rows = [text(f"Bon-Nr. {rng.randint(100, 9999)}  Kasse {rng.randint(1, 9)}  Bed. {rng.randint(1, 99):02d}", size=8.5)]
    if rng.random() < 0.6:
        rows += [
            text(f"TSE-Transaktion: {rng.randint(10000, 999999)}", size=8),
            text(f"TSE-Start: {start}", size=8),
            text(f"TSE-Stop: {day.isoformat()}T{hour}:{min(59, int(seconds) + rng.randint(5, 30)):02d}.000", size=8),
            text(f"TSE-Seriennr.: {rng.randbytes(12).hex()}", size=8),
        ]
    return rows


def when_row(rng: random.Random, day: date, hour: str) -> Row:
    return text(
        rng.choice(
            [
                f"{day:%d.%m.%Y}  {hour}",
                f"{day:%d.%m.%y} {hour}",
                f"Datum: {day:%d.%m.%Y} Uhrzeit: {hour}:{rng.randint(0, 59):02d}",
                f"{day:%d.%m.%Y} {hour} Bon-Nr.:{rng.randint(100, 9999)}",
            ]
        )
    )


def header_rows(rng: random.Random, name: str, street: str, city_line: str, phone: str, keep: bool) -> list[Row]:
    rows = [text(Cell(umlauts(name, keep), 0.5, "c"), bold=True, size=11)]
    if "Apotheke" in name and rng.random() < 0.6:
        owner = f"Inh. {rng.choice(['Apotheker', 'Apothekerin', 'Dr.'])} {rng.choice(FIRST)} {rng.choice(LAST)} e.K."
        rows.append(text(Cell(owner, 0.5, "c"), size=8.5))
    rows += [
        text(Cell(umlauts(street, keep), 0.5, "c"), size=8.5),
        text(Cell(umlauts(city_line, keep), 0.5, "c"), size=8.5),
        text(Cell(f"Tel. {phone}", 0.5, "c"), size=8.5),
    ]
    if rng.random() < 0.6:
        rows.append(text(Cell(f"USt-IdNr.: DE{fakes.digits(rng, 9)}", 0.5, "c"), size=8))
    return [*rows, gap(), text(Cell("EUR", 0.9, "r"), size=8.5)]


def discount(rng: random.Random, charged: list[tuple[Decimal, str]], keep: bool) -> list[Row]:
    """`Zwischensumme` and a percentage off (the charged amounts get the discount as a negative line)."""
    subtotal = sum((a for a, _ in charged), Decimal("0"))
    off = (subtotal * Decimal(rng.choice([5, 10, 15])) / 100).quantize(Decimal("0.01"))
    if off <= 0 or off >= subtotal:
        return []
    charged.append((-off, charged[0][1]))
    return [
        text(Cell("Zwischensumme"), Cell(de_number(subtotal), 0.9, "r")),
        text(Cell(umlauts(rng.choice(["Rabatt", "Kundenrabatt", "Aktionsrabatt"]), keep)), Cell(de_number(-off), 0.9, "r")),
    ]


def footer_rows(rng: random.Random, day: date, shop: Shop, keep: bool) -> list[Row]:
    rows = [gap(), text(Cell(umlauts(rng.choice(THANKS), keep), 0.5, "c"))]
    if rng.random() < 0.35:
        points = umlauts(f"Punkte gültig bis 31.12.{min(day.year + 1, 2026)}", keep)
        rows.append(text(Cell(points, 0.5, "c"), size=8.5))
    if shop.care is None and rng.random() < 0.4:
        rows.append(text(Cell(umlauts("Öffnungszeiten Mo-Sa 7-22 Uhr", keep), 0.5, "c"), size=8.5))
    return rows


def build(rng: random.Random, pages: int = 1, day=None, total: Decimal | None = None, **_) -> Doc:
    day = day or common.care_day(rng)
    kind = rng.choice(SHOP_DRAW)
    shop = SHOPS[kind]
    keep = rng.random() < 0.7
    postcode, city, prefix = rng.choice(CITIES)
    name = shop_name(rng, shop, city)
    street = f"{rng.choice(STREETS)} {rng.randint(1, 120)}"
    phone = rng.choice(
        [f"{prefix} {fakes.digits(rng, 6)}", f"{prefix}/{fakes.digits(rng, 7)}", f"{prefix}-{fakes.digits(rng, 6)}"]
    )
    hour = f"{rng.randint(8, 19):02d}:{rng.randint(0, 59):02d}"
    letters = rng.random() < 0.7
    rows = header_rows(rng, name, street, f"{postcode} {city}", phone, keep)
    traps = ["digit_runs"]
    if kind == "pharmacy" and rng.random() < 0.4:
        prescribed = max(common.FIRST_DAY, day - timedelta(days=rng.randint(1, 20)))
        rows.append(text(f"Rezept vom {prescribed:%d.%m.%Y}"))
        traps.append("other_date")
    lines, charged = item_rows(rng, goods(rng, shop), keep, letters)
    rows += lines
    if kind == "supermarket" and rng.random() < 0.4:
        back = Decimal("0.25") * rng.randint(1, 8)
        rows.append(text(Cell("Leergut"), Cell(de_number(-back), 0.9, "r"), Cell("A" if letters else "", 1.0, "r")))
        charged.append((-back, "A"))
        traps.append("negative_line")
    label_total = rng.choice(TOTAL_LABELS)
    if kind != "pharmacy" and rng.random() < 0.25:
        rows += discount(rng, charged, keep)
        traps.append("subtotal")
    amount = sum((a for a, _ in charged), Decimal("0"))
    if amount <= 0:  # a bottle return larger than the purchase: drop the return
        charged = [c for c in charged if c[0] > 0]
        rows = [r for r in rows if not (r.cells and r.cells[0].text == "Leergut")]
        amount = sum((a for a, _ in charged), Decimal("0"))
    rows += [
        text(Cell("-" * 32, 0.0)),
        text(Cell(label_total), Cell(de_number(amount), 1.0, "r"), bold=True, size=rng.choice([10, 11, 12])),
    ]
    paid, means = payment_rows(rng, amount, keep)
    rows += [*paid, gap(), *vat_table(charged, rng), gap()]
    rows.append(when_row(rng, day, hour))
    rows += fiscal_rows(rng, day, hour)
    if means == "card" and rng.random() < 0.7:
        rows += card_slip(rng, day, hour, amount, keep)
    rows += footer_rows(rng, day, shop, keep)
    record = common.truth(
        "receipt_de",
        "receipt",
        shop.care,
        day,
        currency="EUR",
        total=common.money_truth(amount),
        gross_total=common.money_truth(amount),
        language="de",
        country="DE",
        issuer=umlauts(name, keep),  # as printed: "Schaefer" where the till has no umlauts
    )
    for trap in traps:
        common.add_trap(record, trap)
    style = Style("mono", rng.choice([9, 9.5, 10]), rng.uniform(1.3, 1.5), rng.uniform(60, 140), rng.uniform(200, 240), True)
    return Doc("receipt_de", record, style, rows, [], [], [], page_numbers=None)
