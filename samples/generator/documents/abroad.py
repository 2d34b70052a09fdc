"""Invoices abroad, in English: a clinic in Japan (JPY) and a clinic or pharmacy in the USA (USD).

Traps: `$` alone (not necessarily USD elsewhere), `¥`/`JPY`/`yen`, year-first Japanese dates and
month-first US dates (`12/10/2021` is December 10), cash received and change given (JPY), a payment
line and a zero balance due (USD), the patient's date of birth.
"""

from __future__ import annotations

import random
from decimal import Decimal

from samples.generator import catalog, fakes, formats
from samples.generator.documents import common
from samples.generator.layout import Cell, Doc, Row, gap, pair, random_style, rule, text


def jp_items(rng: random.Random, count: int) -> list[tuple[str, Decimal]]:
    return [(label, Decimal(rng.randint(low, high) // 10 * 10)) for label, low, high in rng.sample(catalog.JP_ITEMS, count)]


def us_items(rng: random.Random, count: int) -> list[tuple[str, Decimal]]:
    items = [(label, catalog.price(rng, low, high)) for label, low, high in rng.sample(catalog.US_ITEMS, count)]
    if rng.random() < 0.3:
        items.append(("Sales tax", (sum(a for _, a in items) * Decimal("0.0625")).quantize(Decimal("0.01"))))
    return items


def header_rows(
    rng: random.Random, name: str, address: fakes.Address, title: str, shown_date: str, who: fakes.Person, born: str
) -> list[Row]:
    rows = [
        text(name, size=rng.choice([14, 15, 16]), bold=True),
        text(address.street, size=8.5),
        text(address.city_line, size=8.5),
        text(f"{rng.choice(['Tel', 'Phone', 'TEL'])}: {address.phone}", size=8.5),
        gap(),
        common.heading(title, rng),
    ]
    rows += [
        text(f"{rng.choice(['Date:', 'Date of service:', 'Invoice date:', 'Issued:'])} {shown_date}"),
        text(
            f"{rng.choice(['Patient:', 'Patient name:', 'Name:'])} {who.first} {who.last.upper() if rng.random() < 0.5 else who.last}"
        ),
    ]
    if rng.random() < 0.6:
        rows.append(text(f"{rng.choice(['Date of birth:', 'DOB:'])} {born}", size=9))
    return rows


def build_jpy(
    rng: random.Random, pages: int = 1, patient: fakes.Person | None = None, day=None, issuer: str | None = None, **_
) -> Doc:
    day = day or common.care_day(rng)
    who = patient or fakes.person(rng)
    address = fakes.jp_address(rng)
    name = issuer or rng.choice(fakes.JP_CLINICS)
    items = jp_items(rng, min(len(catalog.JP_ITEMS), rng.randint(1, 4) + 3 * (pages - 1)))
    total = sum((a for _, a in items), Decimal("0"))
    style = rng.choice(["yen_sign", "yen_sign", "code", "word"])
    money = lambda v: formats.jpy(v, style)  # noqa: E731
    record = common.truth(
        "invoice_jpy",
        "invoice",
        "general_practitioner",
        day,
        currency="JPY",
        total=f"{total:.2f}",
        gross_total=f"{total:.2f}",
        language="en",
        country="JP",
        issuer=name,
        beneficiary=who.name,
        beneficiary_birth_date=who.born.isoformat(),
        lines=[common.line_truth(label, amount) for label, amount in items],
    )
    date_style = rng.choice(["iso_slash", "iso_slash", "day_month"])
    title = rng.choice(["INVOICE", "RECEIPT", "Medical Fee Receipt", "Statement of Medical Fees"])
    header = header_rows(rng, name, address, title, formats.en_date(day, date_style), who, formats.en_date(who.born, date_style))
    header += [gap(), Row([Cell("Description"), Cell("Amount", 1.0, "r")], bold=True), rule()]
    body = [Row([Cell(label), Cell(money(amount), 1.0, "r")], amount=amount) for label, amount in items]
    totals = [
        rule(),
        pair(
            rng.choice(["Total", "Total amount", "Amount due", "Total paid"]), money(total), bold=True, boxed=rng.random() < 0.3
        ),
    ]
    if rng.random() < 0.5:
        received = (total // 1000 + 1) * 1000 + (5000 if rng.random() < 0.3 else 0)
        totals += [pair("Cash received", money(received)), pair("Change", money(received - total))]
        common.add_trap(record, "cash_change")
    totals += [
        gap(),
        text("Medical services are exempt from consumption tax.", size=8),
        text("Thank you for your visit.", size=9),
    ]
    footer = common.print_footer(rng, day, record, "en") if rng.random() < 0.5 else []
    continuation = [text(f"{name} - {title} (continued)", size=9, bold=True), gap()]
    return Doc(
        "invoice_jpy",
        record,
        random_style(rng, ("sans", "serif", "condensed")),
        header,
        body,
        totals,
        footer,
        continuation,
        ("Carried forward", "Brought forward"),
        money,
    )


def build_usd(
    rng: random.Random, pages: int = 1, patient: fakes.Person | None = None, day=None, issuer: str | None = None, **_
) -> Doc:
    day = day or common.care_day(rng)
    who = patient or fakes.person(rng)
    address = fakes.us_address(rng)
    name = issuer or rng.choice(fakes.US_CLINICS)
    care = "pharmacy" if any(word in name for word in ("Pharmacy", "Drugstore")) else "general_practitioner"
    items = us_items(rng, min(len(catalog.US_ITEMS), rng.randint(1, 4) + 3 * (pages - 1)))
    total = sum((a for _, a in items), Decimal("0"))
    style = rng.choice(["dollar_sign", "dollar_sign", "code"])
    money = lambda v: formats.usd(v, style)  # noqa: E731
    record = common.truth(
        "invoice_usd",
        "invoice",
        care,
        day,
        currency="USD",
        total=common.money_truth(total),
        gross_total=common.money_truth(total),
        language="en",
        country="US",
        issuer=name,
        beneficiary=who.name,
        beneficiary_birth_date=who.born.isoformat(),
        lines=[common.line_truth(label, amount) for label, amount in items],
    )
    if day.day <= 12 and day.month != day.day:
        common.add_trap(record, "ambiguous_us_date")
    date_style = rng.choice(["us_slash", "us_slash", "us_long"])
    title = rng.choice(["INVOICE", "Patient Statement", "RECEIPT", "Itemized Bill"])
    header = header_rows(rng, name, address, title, formats.en_date(day, date_style), who, formats.en_date(who.born, "us_slash"))
    header += [
        text(f"Account #: {fakes.digits(rng, 8)}", size=8.5),
        gap(),
        Row([Cell("Description"), Cell("Charge", 1.0, "r")], bold=True),
        rule(),
    ]
    body = [Row([Cell(label), Cell(money(amount), 1.0, "r")], amount=amount) for label, amount in items]
    totals = [rule()]
    if rng.random() < 0.5:
        totals += [
            pair("Total charges", money(total), bold=True),
            pair(f"Payment - {rng.choice(['Visa', 'Mastercard', 'Amex'])} ****{fakes.digits(rng, 4)}", "-" + money(total)),
            pair("Balance due", money(Decimal("0"))),
        ]
        common.add_trap(record, "zero_balance")
    else:
        totals.append(
            pair(rng.choice(["Total", "Total paid", "Amount paid", "TOTAL"]), money(total), bold=True, boxed=rng.random() < 0.3)
        )
    totals += [gap(), text("Thank you. Please keep this receipt for your insurance.", size=9)]
    footer = common.print_footer(rng, day, record, "en") if rng.random() < 0.5 else []
    continuation = [text(f"{name} - {title} (continued)", size=9, bold=True), gap()]
    return Doc(
        "invoice_usd",
        record,
        random_style(rng, ("sans", "serif", "condensed")),
        header,
        body,
        totals,
        footer,
        continuation,
        ("Subtotal carried forward", "Brought forward"),
        money,
    )
