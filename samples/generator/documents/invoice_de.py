"""German care invoice (Rechnung) on A4: a doctor's or dentist's private fee note (GOÄ / GOZ), a
physiotherapy practice's, or an optician's, hearing-aid shop's or medical-supply shop's invoice - what a
claimant living in Germany, or treated there, sends.

Laid out the German way (DIN 5008): a small sender line above the addressee's window, an information
block beside it (`Rechnungsnummer`, `Rechnungsdatum`, `Kundennummer`), a salutation, a table of services
and the totals. Traps: the patient's birth date (`geb. 12.05.1968`), the treatment dates in the table and
the treatment period (`Behandlungszeitraum 01.03.2024 - 10.03.2024`), the fee schedule's numbers and
multipliers (`GOÄ 3 ... 2,3`), a net amount and the VAT before the gross (`zzgl. 19 % MwSt.`), the statutory
insurer's share deducted before the claimant's own (`abzgl. Anteil Krankenkasse`, `Ihr Eigenanteil`), a
down payment deducted (`abzgl. Anzahlung vom ...`, `Restbetrag`), a cash discount's amount and date
(`2 % Skonto (3,50 €) bei Zahlung bis ...`), the due date, the IBAN, the tax numbers, page numbers.

The truth's `total` is what is left to pay (the amount due), `gross_total` the invoice's total before an
insurer's share or a down payment, as in the e-invoices' XML.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from stdnum import iban as iban_check

from samples.generator import fakes
from samples.generator.documents import common
from samples.generator.documents.receipt_de import CITIES, FIRST, LAST, STREETS
from samples.generator.formats import de_date, de_number
from samples.generator.layout import Cell, Doc, Row, gap, random_style, rule, text

CENT = Decimal("0.01")
WOMEN = [name for name in FIRST if name in ("Anna", "Lena", "Julia", "Sabine", "Katrin", "Petra")]
MEN = [name for name in FIRST if name not in WOMEN]


@dataclass(frozen=True)
class Practice:
    """A kind of issuer: its care type, names, trade lines, services and how they are billed.

    `items`: (code, label, lowest, highest) - a fee schedule's single rate (GOÄ / GOZ, multiplied by
    `factors`) or a price range; `vat`: None for care exempt from VAT (§ 4 Nr. 14 UStG), else the rate
    of goods; `dated`: one table row per treatment day; `insurer_share`: the statutory insurer pays a
    part of the goods."""

    care: str
    names: tuple[str, ...]
    trades: tuple[str, ...]
    items: tuple[tuple[str, str, float, float], ...]
    factors: tuple[str, ...] = ()
    vat: Decimal | None = None
    dated: bool = True
    insurer_share: bool = False
    doctor: bool = False


PRACTICES = {
    "gp": Practice(
        "general_practitioner",
        ("Dr. med. {first} {last}", "Praxis Dr. med. {last}", "Hausarztpraxis {last}", "Gemeinschaftspraxis {last} & {last2}"),
        ("Facharzt für Allgemeinmedizin", "Fachärztin für Innere Medizin - Hausärztliche Versorgung", "Allgemeinmedizin"),
        (
            ("1", "Beratung, auch telefonisch", 4.66, 4.66),
            ("3", "Eingehende Beratung", 8.74, 8.74),
            ("5", "Symptombezogene Untersuchung", 4.66, 4.66),
            ("7", "Vollständige Untersuchung eines Organsystems", 9.33, 9.33),
            ("250", "Blutentnahme aus der Vene", 2.33, 2.33),
            ("651", "Elektrokardiographische Untersuchung", 14.75, 14.75),
            ("75", "Ausführlicher schriftlicher Befundbericht", 7.58, 7.58),
        ),
        ("2,3", "2,3", "1,8", "3,5"),
        doctor=True,
    ),
    "specialist": Practice(
        "specialist",
        ("Dr. med. {first} {last}", "Praxis für Orthopädie Dr. {last}", "Hautarztpraxis Dr. {last}", "HNO-Praxis {last}"),
        ("Facharzt für Orthopädie", "Fachärztin für Dermatologie", "Facharzt für Hals-Nasen-Ohren-Heilkunde", "Kardiologie"),
        (
            ("1", "Beratung, auch telefonisch", 4.66, 4.66),
            ("7", "Vollständige Untersuchung eines Organsystems", 9.33, 9.33),
            ("410", "Ultraschalluntersuchung eines Organs", 11.66, 11.66),
            ("5000", "Röntgen Finger oder Zehen", 8.74, 8.74),
            ("745", "Auskratzen von Wärzchen", 5.54, 5.54),
            ("1415", "Binokularmikroskopische Untersuchung des Trommelfells", 5.25, 5.25),
        ),
        ("2,3", "1,8", "2,3"),
        doctor=True,
    ),
    "dental": Practice(
        "dental",
        ("Zahnarztpraxis Dr. {last}", "Dr. med. dent. {first} {last}", "Zahnärzte am {place}"),
        ("Zahnarzt", "Zahnärztin - Implantologie", "Praxis für Zahnheilkunde"),
        (
            ("0010", "Eingehende Untersuchung", 12.94, 12.94),
            ("1040", "Professionelle Zahnreinigung", 3.62, 3.62),
            ("2060", "Präparieren einer Kavität und Restauration", 30.35, 30.35),
            ("4050", "Entfernung harter Zahnbeläge", 0.62, 0.62),
            ("Ä5000", "Röntgenaufnahme Zahn", 8.74, 8.74),
        ),
        ("2,3", "2,3", "3,5"),
        doctor=True,
    ),
    "physio": Practice(
        "physiotherapy",
        ("Praxis für Physiotherapie {last}", "Physiotherapie am {place}", "Krankengymnastik {first} {last}"),
        ("Physiotherapeutin", "Krankengymnastik - Manuelle Therapie - Massage", "Praxis für Physiotherapie"),
        (
            ("KG", "Krankengymnastik", 22.0, 38.0),
            ("MT", "Manuelle Therapie", 26.0, 45.0),
            ("MLD45", "Manuelle Lymphdrainage 45 Min.", 30.0, 55.0),
            ("KMT", "Klassische Massagetherapie", 18.0, 30.0),
        ),
    ),
    "optical": Practice(
        "optical",
        ("Augenoptik {last}", "Optik {last} GmbH", "Brillenstudio am {place}"),
        ("Augenoptikermeister", "Brillen - Kontaktlinsen - Sehtest", "Augenoptik und Optometrie"),
        (
            ("", "Brillenfassung Metall", 89.0, 249.0),
            ("", "Gleitsichtgläser (2 Stück)", 198.0, 598.0),
            ("", "Einstärkengläser (2 Stück)", 58.0, 178.0),
            ("", "Entspiegelung und Hartschicht", 29.0, 69.0),
            ("", "Sehtest und Refraktion", 10.0, 25.0),
        ),
        vat=Decimal("0.19"),
        dated=False,
    ),
    "hearing": Practice(
        "hearing",
        ("Hörakustik {last}", "Hörgeräte {last} GmbH", "Hörzentrum am {place}"),
        ("Hörakustikermeister", "Hörsysteme - Gehörschutz", "Ihr Fachgeschäft für gutes Hören"),
        (
            ("", "Hörsystem HdO rechts", 890.0, 2490.0),
            ("", "Hörsystem HdO links", 890.0, 2490.0),
            ("", "Otoplastik", 40.0, 80.0),
            ("", "Anpassung und Service-Paket", 120.0, 290.0),
        ),
        vat=Decimal("0.19"),
        dated=False,
        insurer_share=True,
    ),
    "medical_equipment": Practice(
        "medical_equipment",
        ("Sanitätshaus {last} GmbH", "Orthopädie-Technik {last}", "Sanitätshaus am {place}"),
        ("Orthopädietechnik - Reha - Pflege", "Sanitätsfachhandel", "Meisterbetrieb der Orthopädie-Technik"),
        (
            ("", "Rollator leicht faltbar", 89.0, 299.0),
            ("", "Kompressionsstrümpfe Kl. 2 (1 Paar)", 59.0, 129.0),
            ("", "Kniebandage", 39.0, 89.0),
            ("", "Einlagen nach Maß (1 Paar)", 69.0, 149.0),
        ),
        vat=Decimal("0.19"),
        dated=False,
        insurer_share=True,
    ),
}
PLACES = ["Markt", "Rathaus", "Bahnhof", "Dom", "Stadtpark", "Schillerplatz", "Ring"]
TITLES = ["Rechnung", "RECHNUNG", "Rechnung Nr. {n}"]
DOCTOR_TITLES = ["Privatrechnung", "Honorarrechnung", "Liquidation", "Rechnung für ärztliche Leistungen"]
INTROS = [
    "wir berechnen Ihnen wie folgt:",
    "vielen Dank für Ihren Auftrag. Wir berechnen:",
    "für unsere Leistungen berechnen wir:",
]
DOCTOR_INTROS = ["für meine ärztlichen Leistungen erlaube ich mir zu berechnen:", "für die Behandlung berechne ich:"]
DUE_LABELS = ["Gesamtbetrag", "Rechnungsbetrag", "Summe", "Endbetrag", "Gesamtsumme"]
REST_LABELS = ["Zahlbetrag", "Restbetrag", "Noch zu zahlen", "Zu zahlender Betrag", "Offener Betrag"]
OWN_LABELS = ["Ihr Eigenanteil", "Eigenanteil", "Zu zahlender Betrag", "Zahlbetrag"]


def euro(value: Decimal, style: str) -> str:
    shown = de_number(value)
    return {"sign": f"{shown} €", "code": f"{shown} EUR", "bare": shown}[style]


def german_person(rng: random.Random, born_from: int = 1940, born_to: int = 2016) -> fakes.Person:
    sex = rng.choice([1, 2])
    first = rng.choice(MEN if sex == 1 else WOMEN)
    born = date(rng.randint(born_from, born_to), rng.randint(1, 12), rng.randint(1, 28))
    return fakes.Person(first, rng.choice(LAST), sex, born)


def de_iban(rng: random.Random) -> str:
    bban = fakes.digits(rng, 8) + fakes.digits(rng, 10)
    return "DE" + iban_check.calc_check_digits(f"DE00{bban}") + bban


def services(rng: random.Random, practice: Practice, days: list[date]) -> list[tuple[date, str, str, str, int, Decimal]]:
    """(day, code, label, factor, count, amount) rows: per day for dated care, else the goods bought."""
    out = []
    if practice.dated:
        for day in days:
            for code, label, low, high in rng.sample(practice.items, rng.choice([1, 1, 2, 2, 3]) if practice.doctor else 1):
                factor = rng.choice(practice.factors) if practice.factors else ""
                count = rng.choice([1, 1, 1, 2]) if practice.doctor else 1
                rate = Decimal(f"{rng.uniform(low, high):.2f}") if not factor else Decimal(str(low))
                if not factor:
                    rate = rate.quantize(Decimal("1")) + Decimal(rng.choice(["0.00", "0.50"]))
                unit = (rate * Decimal(factor.replace(",", ".")) if factor else rate).quantize(CENT, ROUND_HALF_UP)
                out.append((day, code, label, factor, count, unit * count))
        return out
    for code, label, low, high in rng.sample(practice.items, rng.randint(1, min(3, len(practice.items)))):
        price = Decimal(f"{rng.uniform(low, high):.0f}") - Decimal(rng.choice(["0.00", "0.10", "0.01"]))
        out.append((days[0], code, label, "", 1, price))
    return out


def service_rows(rng: random.Random, practice: Practice, rows, money, date_style: str) -> list[Row]:
    body = []
    for day, code, label, factor, count, amount in rows:
        cells = [Cell(de_date(day, date_style))] if practice.dated else [Cell(str(len(body) + 1))]
        if code:
            cells.append(Cell(code, 0.14))
        cells.append(Cell(label, 0.24 if code else 0.1))
        if factor:
            cells.append(Cell(f"{count} x {factor}" if count > 1 else factor, 0.8, "r"))
        cells.append(Cell(money(amount), 1.0, "r"))
        body.append(Row(cells, amount=amount))
    return body


def head_row(practice: Practice) -> Row:
    cells = [Cell("Datum" if practice.dated else "Pos.")]
    if practice.doctor:
        cells.append(Cell("GOZ-Nr." if practice.care == "dental" else "GOÄ-Nr.", 0.14))
    elif practice.dated:
        cells.append(Cell("Pos.-Nr.", 0.14))
    cells.append(Cell("Leistung" if practice.dated else "Artikel", 0.24 if practice.dated else 0.1))
    if practice.factors:
        cells.append(Cell("Faktor", 0.8, "r"))
    cells.append(Cell("Betrag", 1.0, "r"))
    return Row(cells, bold=True)


def info_block(rng: random.Random, invoice_no: str, issued: date, date_style: str) -> list[tuple[str, str]]:
    rows = [("Rechnungsnummer:", invoice_no), ("Rechnungsdatum:", de_date(issued, date_style))]
    if rng.random() < 0.5:
        rows.insert(1, ("Kundennummer:", fakes.digits(rng, rng.choice([5, 6]))))
    if rng.random() < 0.3:
        rows.append(("Steuernummer:", f"{fakes.digits(rng, 3)}/{fakes.digits(rng, 3)}/{fakes.digits(rng, 5)}"))
    return rows


def address_window(rng: random.Random, issuer: str, street: str, city: str, payer: fakes.Person, info) -> list[Row]:
    """The sender line, then the addressee's lines with the information block beside them."""
    postcode, town, _ = rng.choice(CITIES)
    lines = ["Herrn" if payer.sex == 1 else "Frau", f"{payer.first} {payer.last}", f"{rng.choice(STREETS)} {rng.randint(1, 99)}"]
    lines.append(f"{postcode} {town}")
    rows = [text(f"{issuer} · {street} · {city}", size=7), gap(2)]
    for n in range(max(len(lines), len(info))):
        cells = [Cell(lines[n])] if n < len(lines) else [Cell("")]
        if n < len(info):
            cells += [Cell(info[n][0], 0.58), Cell(info[n][1], 1.0, "r")]
        rows.append(text(*cells))
    return rows


def patient_rows(rng: random.Random, who: fakes.Person, payer: fakes.Person, record: dict) -> list[Row]:
    record.update(beneficiary=who.name, beneficiary_birth_date=who.born.isoformat())
    common.add_trap(record, "birth_date")
    born = rng.choice([f"geb. {who.born:%d.%m.%Y}", f"geb. am {who.born:%d.%m.%Y}", f"Geburtsdatum: {who.born:%d.%m.%Y}"])
    label = rng.choice(["Patient:", "Patientin:" if who.sex == 2 else "Patient:", "Behandelte Person:", "Für:"])
    if who is payer and rng.random() < 0.3:
        return [text(f"{born}", size=9)]
    return [text(f"{label} {who.first} {who.last}, {born}")]


def totals_rows(rng: random.Random, practice: Practice, amount: Decimal, money, issued: date, record: dict):
    """The totals, with VAT for goods, an insurer's share or a down payment; returns (rows, due, gross)."""
    rows: list[Row] = [rule()]
    gross = amount
    if practice.vat is not None:
        rate = f"{practice.vat * 100:.0f}"
        if rng.random() < 0.5:  # prices before VAT, the tax added
            net = amount
            tax = (net * practice.vat).quantize(CENT, ROUND_HALF_UP)
            gross = net + tax
            added = f"zzgl. {rate} % MwSt."
            record["lines"].append(common.line_truth(added, tax))  # a tax added is billed, as invoice_usd's sales tax
            rows += [
                text(Cell(rng.choice(["Nettobetrag", "Summe netto", "Zwischensumme netto"])), Cell(money(net), 1.0, "r")),
                text(Cell(added), Cell(money(tax), 1.0, "r")),
                text(
                    Cell(rng.choice(["Gesamtbetrag", "Bruttobetrag", "Rechnungsbetrag"])), Cell(money(gross), 1.0, "r"), bold=True
                ),
            ]
        else:  # gross prices, the tax they hold
            tax = (gross - gross / (1 + practice.vat)).quantize(CENT, ROUND_HALF_UP)
            rows += [
                text(Cell(rng.choice(DUE_LABELS)), Cell(money(gross), 1.0, "r"), bold=True),
                text(Cell(f"darin enthaltene MwSt. {rate} %"), Cell(money(tax), 0.8, "r"), size=9),
            ]
        common.add_trap(record, "tax_lines")
    else:
        rows.append(text(Cell(rng.choice(DUE_LABELS)), Cell(money(gross), 1.0, "r"), bold=True))
        if rng.random() < 0.6:
            rows.append(
                text(rng.choice(["Gemäß § 4 Nr. 14 UStG umsatzsteuerfrei.", "Umsatzsteuerfreie Heilbehandlung"]), size=8.5)
            )
    due = gross
    if practice.insurer_share and rng.random() < 0.7:
        share = min(gross - Decimal("10.00"), Decimal(rng.choice(["685.02", "733.59", "120.00", "45.50", "96.30"])))
        if share > 0:
            due = gross - share
            rows += [
                text(
                    Cell(rng.choice(["abzgl. Anteil Krankenkasse", "abzgl. Kassenanteil", "Leistung Ihrer Krankenkasse"])),
                    Cell(money(-share), 1.0, "r"),
                ),
                text(Cell(rng.choice(OWN_LABELS)), Cell(money(due), 1.0, "r"), bold=True),
            ]
            common.add_trap(record, "third_party_payment")
    elif rng.random() < 0.2 and gross > 50:
        down = (gross * Decimal(rng.choice(["0.2", "0.3", "0.5"]))).quantize(Decimal("1"))
        paid_on = issued - timedelta(days=rng.randint(5, 40))
        due = gross - down
        rows += [
            text(Cell(f"abzgl. Anzahlung vom {de_date(paid_on, 'dot')}"), Cell(money(-down), 1.0, "r")),
            text(Cell(rng.choice(REST_LABELS)), Cell(money(due), 1.0, "r"), bold=True),
        ]
        common.add_trap(record, "already_paid")
    return rows, due, gross


def payment_rows(rng: random.Random, issued: date, due: Decimal, money, record: dict) -> list[Row]:
    roll = rng.random()
    if roll < 0.35:
        until = common.later(rng, issued, 14, 30)
        record["due_date"] = until.isoformat()
        common.add_trap(record, "due_date")
        return [text(f"Bitte überweisen Sie den Betrag bis zum {de_date(until, 'dot')} auf das unten genannte Konto.", size=9)]
    if roll < 0.55:
        until = common.later(rng, issued, 7, 10)
        discount = (due * Decimal("0.02")).quantize(CENT, ROUND_HALF_UP)
        common.add_trap(record, "cash_discount")
        return [
            text(f"Zahlbar innerhalb von 30 Tagen ohne Abzug. Bei Zahlung bis {de_date(until, 'dot')}", size=9),
            text(f"gewähren wir 2 % Skonto ({money(discount)}).", size=9),
        ]
    if roll < 0.75:
        return [text(rng.choice(["Zahlbar innerhalb von 14 Tagen ohne Abzug.", "Zahlungsziel: 30 Tage netto."]), size=9)]
    return [text(rng.choice(["Betrag dankend erhalten.", "Betrag bar erhalten."]), size=9)]


def build(rng: random.Random, pages: int = 1, day=None, **_) -> Doc:
    kind = rng.choice(["gp", "gp", "specialist", "dental", "physio", "physio", "optical", "hearing", "medical_equipment"])
    practice = PRACTICES[kind]
    owner, partner = german_person(rng, 1950, 1992), german_person(rng, 1950, 1992)
    postcode, city, prefix = rng.choice(CITIES)
    name = rng.choice(practice.names).format(first=owner.first, last=owner.last, last2=partner.last, place=rng.choice(PLACES))
    street = f"{rng.choice(STREETS)} {rng.randint(1, 120)}"
    first_day = day or common.care_day(rng)
    count = (rng.randint(6, 10) * pages) if pages > 1 else (rng.randint(1, 4) if practice.doctor else rng.randint(1, 8))
    days = [first_day + timedelta(days=3 * n + rng.randint(0, 2)) for n in range(count if practice.dated else 1)]
    shift = max(timedelta(0), days[-1] - common.LAST_CARE_DAY)
    days = [d - shift for d in days]
    issued = common.later(rng, days[-1], 0, 12)
    money_style = rng.choice(["sign", "code", "bare", "bare"])
    money = lambda v: euro(v, money_style)  # noqa: E731
    rows = services(rng, practice, days)
    amount = sum((r[5] for r in rows), Decimal("0"))
    who = german_person(rng)
    payer = who if who.born.year < 2006 or rng.random() < 0.2 else german_person(rng, 1960, 1990)
    date_style = rng.choice(["dot", "dot", "dot", "short", "long", "iso"])
    record = common.truth(
        "invoice_de", "invoice", practice.care, issued, currency="EUR", language="de", country="DE", issuer=name
    )
    if practice.doctor:
        record["practitioner"] = f"{owner.first} {owner.last}"
    if practice.dated and kind == "physio":
        record["sessions"] = [d.isoformat() for d in days]
    record["lines"] = [common.line_truth(r[2], r[5]) for r in rows]
    iban = de_iban(rng)
    record["identifiers"] = {"iban": iban}
    header = [
        text(Cell(name, *rng.choice([(0.0, "l"), (1.0, "r")])), size=rng.choice([13, 14, 15]), bold=True),
        text(Cell(rng.choice(practice.trades), 0.0), size=9),
        text(f"{street} · {postcode} {city} · Tel. {prefix} {fakes.digits(rng, 6)}", size=8.5),
        gap(),
    ]
    invoice_no = rng.choice(
        [f"{issued.year}-{rng.randint(1, 9999):04d}", f"R{fakes.digits(rng, 6)}", f"{rng.randint(100, 99999)}"]
    )
    info = info_block(rng, invoice_no, issued, date_style)
    if rng.random() < 0.3:  # the place and date on their own row instead
        info = [row for row in info if row[0] != "Rechnungsdatum:"]
    header += address_window(rng, name, street, f"{postcode} {city}", payer, info)
    if not any(row[0] == "Rechnungsdatum:" for row in info):
        header += [gap(), text(Cell(f"{city}, {rng.choice(['den ', ''])}{de_date(issued, date_style)}", 1.0, "r"))]
    header += [gap(), common.heading(rng.choice(TITLES + (DOCTOR_TITLES if practice.doctor else [])).format(n=invoice_no), rng)]
    header += patient_rows(rng, who, payer, record)
    if practice.doctor and rng.random() < 0.7:
        header.append(
            text(
                f"Diagnose: {rng.choice(['Lumbago (M54.5)', 'Akute Bronchitis (J20.9)', 'Hypertonie (I10.90)', 'Karies (K02.1)'])}",
                size=9,
            )
        )
    if practice.dated and len(days) > 1 and rng.random() < 0.6:
        header.append(text(f"Behandlungszeitraum: {de_date(days[0], 'dot')} - {de_date(days[-1], 'dot')}", size=9))
        common.add_trap(record, "period")
    elif not practice.dated and rng.random() < 0.5:
        header.append(text(f"Lieferdatum: {de_date(days[0], 'dot')}", size=9))
    salutation = "Sehr geehrter Herr" if payer.sex == 1 else "Sehr geehrte Frau"
    header += [
        gap(),
        text(f"{salutation} {payer.last},"),
        text(rng.choice(DOCTOR_INTROS if practice.doctor else INTROS)),
        gap(),
        head_row(practice),
        rule(),
    ]
    totals, due, gross = totals_rows(rng, practice, amount, money, issued, record)
    record.update(total=common.money_truth(due), gross_total=common.money_truth(gross))
    totals += [gap(), *payment_rows(rng, issued, due, money, record), gap(), text("Mit freundlichen Grüßen", size=9)]
    bank = rng.choice(["Sparkasse", "Volksbank", "Deutsche Apotheker- und Ärztebank", "Commerzbank"])
    shown_iban = fakes.spaced_iban(iban) if rng.random() < 0.7 else iban
    footer = [text(f"Bankverbindung: {bank} · IBAN {shown_iban}", size=7)]
    if practice.vat is not None:
        footer.append(text(f"USt-IdNr. DE{fakes.digits(rng, 9)} · Amtsgericht {city} HRB {rng.randint(1000, 99999)}", size=7))
    continuation = [
        text(name, bold=True),
        text(f"Rechnung {invoice_no} (Fortsetzung)", size=9),
        gap(),
        head_row(practice),
        rule(),
    ]
    return Doc(
        "invoice_de",
        record,
        random_style(rng),
        header,
        service_rows(rng, practice, rows, money, date_style if date_style != "long" else "dot"),
        totals,
        footer,
        continuation,
        ("Zwischensumme", "Übertrag"),
        money,
        page_numbers="Seite {i} von {n}",
    )
