"""Card-payment ticket (ticket CB): a narrow thermal receipt in a monospaced font, glued on an A4 sheet.

Traps: long digit runs (terminal, merchant, authorisation numbers, masked card number), a two-digit
year with the time ("12/10/21 14:32"), the amount in upper-case wording ("MONTANT 45,30 EUR").
"""

from __future__ import annotations

import random
from decimal import Decimal

from samples.generator import fakes, formats
from samples.generator.documents import common
from samples.generator.layout import Cell, Doc, Style, gap, text

MERCHANTS = [
    ("pharmacy", fakes.PHARMACY_NAMES),
    ("physiotherapy", ["Cabinet de kinésithérapie {last}", "Kiné {city} Centre"]),
    ("general_practitioner", ["Cabinet médical {last}", "Maison de santé de {city}", "Dr {last} {first}"]),
]


def strip_text(value: str) -> str:
    """Thermal printers often drop accents."""
    table = str.maketrans("ÉÈÊËÀÂÎÏÔÛÙÇéèêëàâîïôûùç", "EEEEAAIIOUUCeeeeaaiiouuc")
    return value.translate(table)


def amount_rows(rng: random.Random, total: Decimal, currency: str) -> list:
    shown = formats.fr_number(total)
    style = rng.randrange(4)
    if style == 0:
        return [text("MONTANT :"), text(Cell(f"{shown} {currency}", 1.0, "r"), bold=True, size=11)]
    if style == 1:
        return [text(f"MONTANT {shown} {currency}", bold=True)]
    if style == 2:
        return [text(f"MONTANT= {shown} €", bold=True)]
    return [text(Cell("MONTANT REEL"), Cell(f"{shown} EUR", 1.0, "r"), bold=True)]


def build(
    rng: random.Random, pages: int = 1, patient: fakes.Person | None = None, day=None, total: Decimal | None = None, **_
) -> Doc:
    day = day or common.care_day(rng)
    care, patterns = rng.choice(MERCHANTS[:1] * 3 + MERCHANTS[1:])
    address = fakes.fr_address(rng)
    merchant = fakes.shop_name(rng, patterns, address)
    total = total or Decimal(f"{rng.uniform(3, 95) if rng.random() < 0.85 else rng.uniform(95, 480):.2f}")
    record = common.truth(
        "card_ticket",
        "receipt",
        care,
        day,
        currency="EUR",
        total=common.money_truth(total),
        gross_total=common.money_truth(total),
        issuer=merchant,
    )
    common.add_trap(record, "digit_runs")
    hour = f"{rng.randint(8, 19):02d}:{rng.randint(0, 59):02d}"
    when = rng.choice(
        [f"LE {day:%d/%m/%y} A {hour}:{rng.randint(0, 59):02d}", f"{day:%d/%m/%y} {hour}", f"{day:%d/%m/%Y}  {hour}"]
    )
    rows = [text(Cell("CARTE BANCAIRE", 0.5, "c"), bold=True)]
    if rng.random() < 0.6:
        rows.append(text(Cell("SANS CONTACT", 0.5, "c")))
    rows += [
        text(f"A000000{rng.choice(['0421010', '0041010', '0031010'])}"),
        text(rng.choice(["CB", "VISA", "MASTERCARD", "CB DEBIT"])),
        text(when),
        text(strip_text(merchant.upper())),
        text(strip_text(address.city_line.upper())),
        text(f"{fakes.digits(rng, 7)}{rng.choice(['', ' ' + fakes.digits(rng, 2)])}"),
        text(f"{fakes.digits(rng, 8)} {rng.randint(0, 9)} {rng.randint(1, 9)} {fakes.digits(rng, 3)}"),
        text(f"############{fakes.digits(rng, 4)}"),
        text(f"{rng.randbytes(8).hex().upper()}"),
        text(f"{fakes.digits(rng, 3)} {fakes.digits(rng, 3)} {fakes.digits(rng, 6)}"),
        text("C @"),
        text(f"NO AUTO : {fakes.digits(rng, 6)}"),
        gap(),
    ]
    rows += amount_rows(rng, total, rng.choice(["EUR", "EUR", "€"]))
    rows += [text("DEBIT"), gap(), text("TICKET CLIENT"), text("A CONSERVER")]
    if rng.random() < 0.5:
        rows.append(text(rng.choice(["MERCI AU REVOIR", "MERCI DE VOTRE VISITE", "BONNE JOURNEE"])))
    style = Style("mono", rng.choice([9.5, 10, 10.5]), rng.uniform(1.3, 1.5), rng.uniform(60, 140), rng.uniform(190, 230), True)
    return Doc("card_ticket", record, style, rows, [], [], [], page_numbers=None)


def foreign_amount(total: Decimal, currency: str, rng: random.Random) -> str:
    if currency == "JPY":
        return formats.jpy(total, rng.choice(["yen_sign", "code"]))
    return formats.usd(total, rng.choice(["dollar_sign", "dollar_sign", "code"]))


def build_foreign(
    rng: random.Random, currency: str, pages: int = 1, day=None, total: Decimal | None = None, merchant: str | None = None, **_
) -> Doc:
    """An English card-terminal receipt from a clinic or pharmacy in Japan (JPY) or the USA (USD)."""
    day = day or common.care_day(rng)
    japan = currency == "JPY"
    address = fakes.jp_address(rng) if japan else fakes.us_address(rng)
    merchant = merchant or rng.choice(fakes.JP_CLINICS if japan else fakes.US_CLINICS)
    total = total or (Decimal(rng.randint(50, 3000) * 10) if japan else Decimal(f"{rng.uniform(8, 600):.2f}"))
    care = "pharmacy" if any(word in merchant for word in ("Pharmacy", "Drugstore")) else "general_practitioner"
    record = common.truth(
        f"card_ticket_{currency.lower()}",
        "receipt",
        care,
        day,
        currency=currency,
        total=f"{total:.2f}",
        gross_total=f"{total:.2f}",
        language="en",
        country="JP" if japan else "US",
        issuer=merchant,
    )
    common.add_trap(record, "digit_runs")
    hour, minute = rng.randint(8, 19), rng.randint(0, 59)
    when = (
        f"{day:%Y/%m/%d} {hour:02d}:{minute:02d}"
        if japan
        else f"{day:%m/%d/%Y} {(hour - 1) % 12 + 1:02d}:{minute:02d} {'PM' if hour >= 12 else 'AM'}"
    )
    if not japan and day.day <= 12 and day.day != day.month:
        common.add_trap(record, "ambiguous_us_date")
    shown = foreign_amount(total, currency, rng)
    rows = [
        text(Cell(merchant.upper(), 0.5, "c"), bold=True),
        text(Cell(address.street, 0.5, "c"), size=8.5),
        text(Cell(address.city_line, 0.5, "c"), size=8.5),
        text(Cell(f"TEL {address.phone}", 0.5, "c"), size=8.5),
        gap(),
        text(rng.choice(["CREDIT CARD SALE", "SALE", "PURCHASE"]), bold=True),
        text(f"DATE: {when}"),
        text(f"CARD: {rng.choice(['VISA', 'MASTERCARD', 'AMEX', 'JCB'])} ************{fakes.digits(rng, 4)}"),
        text(f"ENTRY: {rng.choice(['CONTACTLESS', 'CHIP', 'SWIPED'])}"),
        text(f"AUTH CODE: {fakes.digits(rng, 6)}"),
        text(f"TERMINAL ID: {fakes.digits(rng, 8)}"),
        text(f"REF NO: {fakes.digits(rng, 12)}"),
        gap(),
        text(Cell("AMOUNT"), Cell(shown, 1.0, "r")),
        text(Cell("TOTAL"), Cell(shown, 1.0, "r"), bold=True),
        gap(),
        text("APPROVED"),
        text("CUSTOMER COPY"),
        text(rng.choice(["THANK YOU", "PLEASE RETAIN FOR YOUR RECORDS"])),
    ]
    style = Style("mono", rng.choice([9.5, 10]), rng.uniform(1.3, 1.5), rng.uniform(60, 140), rng.uniform(200, 240), True)
    return Doc(record["kind"], record, style, rows, [], [], [], page_numbers=None)


def build_jpy(rng: random.Random, **options) -> Doc:
    return build_foreign(rng, "JPY", **options)


def build_usd(rng: random.Random, **options) -> Doc:
    return build_foreign(rng, "USD", **options)
