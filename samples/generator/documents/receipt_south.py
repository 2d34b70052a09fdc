"""A pharmacy's or optician's till receipt from Italy, Spain or Portugal: what a student or a posted worker
in southern Europe sends (Italy's "documento commerciale", Spain's "factura simplificada", Portugal's
"fatura simplificada").

Traps: the tax the prices hold printed after the total (`di cui IVA`, `IVA incluido`, `IVA incluído`), the
cash tendered and the change (`Contante` / `Resto`, `Entregado` / `Cambio`, `Numerário` / `Troco`), a
discount after a subtotal (`Subtotale`, `Sconto`), a medicine's batch expiry printed on its row (`Scad.
05/2026`, `Cad. 11/2027`), the prescription's earlier date (`Ricetta del`, `Receta de`), the buyer's tax
code for the tax return (`C.F.`, the codice fiscale - no name), the fiscal register's serial and document
numbers (`RT 99MEX012345`, `DOC.N. 0045-0012`, `ATCUD`), a VAT table (`Base imponible`), and every date in
the country's own order (day first, Portugal's receipts year first).
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


@dataclass(frozen=True)
class Country:
    """How one country's tills print a receipt."""

    code: str
    language: str
    shops: tuple[str, ...]  # "{last}", "{saint}", "{city}"
    opticians: tuple[str, ...]
    lasts: tuple[str, ...]
    streets: tuple[str, ...]
    cities: tuple[tuple[str, str], ...]  # (postcode line, city)
    tax_id: str  # "{n9}" / "{n11}": the shop's VAT number
    titles: tuple[str, ...]
    number: str  # the document's number, "{n}"
    medicines: tuple[tuple[str, float, float], ...]
    optics: tuple[tuple[str, float, float], ...]
    expiry: str  # a batch expiry on a medicine's row, "{m}/{y}"
    prescription: str  # the prescription's date, "{d}"
    totals: tuple[str, ...]
    included_tax: str  # "{rate}", "{tax}"
    cash: tuple[str, str]  # tendered, change
    card: tuple[str, ...]
    subtotal: tuple[str, str]  # subtotal, discount
    thanks: tuple[str, ...]
    vat: Decimal
    year_first: bool = False


ITALY = Country(
    "IT",
    "it",
    ("FARMACIA {last}", "Farmacia {saint} S.n.c.", "FARMACIA COMUNALE {city}", "Farmacia Dr. {last}", "PARAFARMACIA {last}"),
    ("OTTICA {last}", "Ottica {saint} S.r.l."),
    ("ROSSI", "BIANCHI", "COLOMBO", "RICCI", "MARINO", "GRECO", "BRUNO", "GALLI", "CONTI", "FERRARA"),
    ("Via Roma", "Corso Italia", "Piazza Garibaldi", "Via Mazzini", "Viale dei Mille", "Via Dante"),
    (
        ("20121 Milano (MI)", "Milano"),
        ("00185 Roma (RM)", "Roma"),
        ("50123 Firenze (FI)", "Firenze"),
        ("40126 Bologna (BO)", "Bologna"),
    ),
    "P.IVA {n11}",
    ("DOCUMENTO COMMERCIALE di vendita o prestazione", "DOCUMENTO COMMERCIALE", "SCONTRINO"),
    "DOC.N. {n}",
    (
        ("TACHIPIRINA 500MG 20CPR", 3.9, 5.9),
        ("MOMENT 200MG 12CPR RIV", 5.5, 8.9),
        ("ENTEROGERMINA 2MLD 10FL", 9.9, 14.9),
        ("AUGMENTIN 875MG 12CPR", 8.5, 12.9),
        ("BENTELAN 1MG 10CPR EFF", 6.2, 9.9),
        ("VOLTAREN EMULGEL 1% 100G", 8.9, 13.9),
        ("CEROTTI ASSORTITI 20PZ", 2.5, 4.9),
        ("TICKET RICETTA SSN", 2.0, 4.0),
    ),
    (
        ("LENTI A CONTATTO MENSILI 6PZ", 24.9, 49.9),
        ("SOLUZIONE UNICA 360ML", 7.9, 14.9),
        ("OCCHIALI DA LETTURA +2,0", 14.9, 29.9),
    ),
    "Scad. {m}/{y}",
    "Ricetta del {d}",
    ("TOTALE COMPLESSIVO", "TOTALE EURO", "TOTALE"),
    "di cui IVA {tax}",
    ("Pagamento contante", "Resto"),
    ("Pagamento elettronico", "PAGAMENTO CARTA", "Bancomat"),
    ("Subtotale", "Sconto"),
    ("Grazie e arrivederci", "Conservare lo scontrino per la detrazione fiscale"),
    Decimal("0.10"),
)
SPAIN = Country(
    "ES",
    "es",
    ("FARMACIA LDO. {first} {last}", "Farmacia {last} C.B.", "FARMACIA {saint}", "Farmacia Lda. {first} {last}"),
    ("ÓPTICA {last}", "Óptica {saint} S.L."),
    ("GARCÍA", "MARTÍNEZ", "LÓPEZ", "SÁNCHEZ", "PÉREZ", "GÓMEZ", "RUIZ", "DÍAZ", "MORENO", "NAVARRO"),
    ("C/ Mayor", "Avda. de la Constitución", "Calle Alcalá", "Plaza España", "C/ San Vicente", "Paseo de Gracia"),
    (("28013 Madrid", "Madrid"), ("08007 Barcelona", "Barcelona"), ("46002 Valencia", "Valencia"), ("41001 Sevilla", "Sevilla")),
    "NIF: B{n8}",
    ("FACTURA SIMPLIFICADA", "TICKET", "Factura simplificada"),
    "Nº: T{y}/{n}",
    (
        ("IBUPROFENO CINFA 600MG 40 COMP", 2.5, 4.5),
        ("PARACETAMOL KERN 1G 40 COMP", 1.9, 3.5),
        ("FRENADOL COMPLEX 10 SOBRES", 7.9, 10.9),
        ("ENANTYUM 25MG 20 COMP", 3.2, 5.9),
        ("AMOXICILINA NORMON 500MG", 2.4, 4.9),
        ("APORTACIÓN RECETA", 1.0, 4.2),
        ("TIRITAS SURTIDAS 20U", 2.5, 4.5),
    ),
    (("LENTILLAS MENSUALES 6U", 24.9, 44.9), ("SOLUCIÓN ÚNICA 360ML", 7.9, 13.9), ("GAFAS DE LECTURA +2,0", 12.9, 29.9)),
    "Cad. {m}/{y}",
    "Receta de {d}",
    ("TOTAL", "TOTAL EUR", "TOTAL A PAGAR", "IMPORTE TOTAL"),
    "IVA incluido ({rate}) {tax}",
    ("Entregado", "Cambio"),
    ("TARJETA", "Tarjeta crédito", "Pago con tarjeta"),
    ("Subtotal", "Descuento"),
    ("Gracias por su visita", "Le atendió: {first}"),
    Decimal("0.04"),
)
PORTUGAL = Country(
    "PT",
    "pt",
    ("FARMÁCIA {last}", "Farmácia {saint}", "FARMÁCIA CENTRAL DE {city}", "Farmácia {last} Lda."),
    ("ÓPTICA {last}", "Óptica {saint} Lda."),
    ("SILVA", "SANTOS", "FERREIRA", "PEREIRA", "OLIVEIRA", "COSTA", "RODRIGUES", "MARTINS", "SOUSA", "FERNANDES"),
    ("Rua Augusta", "Avenida da Liberdade", "Rua de Santa Catarina", "Praça do Comércio", "Rua do Carmo"),
    (("1100-048 Lisboa", "Lisboa"), ("4000-443 Porto", "Porto"), ("3000-150 Coimbra", "Coimbra"), ("8000-138 Faro", "Faro")),
    "NIF {n9}",
    ("Fatura Simplificada", "FATURA-RECIBO", "Fatura simplificada"),
    "FS {y}/{n}",
    (
        ("BEN-U-RON 500MG 20 COMP", 2.5, 4.2),
        ("BRUFEN 400MG 20 COMP", 3.1, 5.4),
        ("ASPIRINA C 10 COMP EFERV", 4.5, 6.9),
        ("VOLTAREN EMULGELEX 100G", 8.9, 12.9),
        ("PENSO RÁPIDO 20 UN", 2.2, 3.9),
    ),
    (("LENTES DE CONTACTO MENSAIS 6", 24.9, 44.9), ("SOLUÇÃO ÚNICA 360ML", 7.9, 12.9)),
    "Val. {m}/{y}",
    "Receita de {d}",
    ("TOTAL", "Total a pagar", "TOTAL EUR"),
    "IVA incluído ({rate}) {tax}",
    ("Numerário", "Troco"),
    ("Multibanco", "Cartão", "MB WAY"),
    ("Subtotal", "Desconto"),
    ("Obrigado pela sua visita", "Processado por programa certificado n.º {n4}/AT"),
    Decimal("0.06"),
    year_first=True,
)
COUNTRIES = (ITALY, SPAIN, PORTUGAL)
SAINTS = ("San Marco", "Santa Maria", "San Giorgio", "Santa Ana", "São João", "del Carmen", "Santo António")
FIRST = ("MARÍA", "JOSÉ", "ANA", "LUIS", "CARMEN", "ANTONIO")
LABEL_WIDTH = 19  # a till cuts an item's description to the strip's width


def money(value: Decimal) -> str:
    """Amounts as the three countries' tills print them: a decimal comma, no thousands separator."""
    return de_number(value).replace(".", "")


def shown(day: date, country: Country, hour: str) -> str:
    if country.year_first:
        return f"{day:%Y-%m-%d} {hour}"
    return f"{day:%d-%m-%Y} {hour}" if country is ITALY else f"{day:%d/%m/%Y} {hour}"


def fill(pattern: str, rng: random.Random, country: Country, city: str, day: date) -> str:
    return pattern.format(
        last=rng.choice(country.lasts),
        saint=rng.choice(SAINTS),
        city=city.upper(),
        first=rng.choice(FIRST),
        n=f"{rng.randint(1, 9999):04d}-{rng.randint(1, 9999):04d}",
        n4=fakes.digits(rng, 4),
        n8=fakes.digits(rng, 8),
        n9=fakes.digits(rng, 9),
        n11=fakes.digits(rng, 11),
        y=day.year,
    )


def items(rng: random.Random, country: Country, optician: bool, day: date) -> tuple[list[Row], Decimal]:
    """The item rows (a batch expiry on some medicines' rows) and what they charge."""
    goods = country.optics if optician else country.medicines
    picked = rng.sample(goods, min(len(goods), rng.choice([1, 2, 2, 3, 3, 4])))
    rows, charged = [], Decimal("0")
    for label, low, high in picked:
        count = rng.choice([1, 1, 1, 2])
        price = Decimal(f"{rng.uniform(low, high):.2f}")
        amount = price * count
        if count > 1:
            rows.append(text(f"  {count} x {money(price)}"))
        rate = f"{country.vat * 100:.0f}%"
        rows.append(text(Cell(label[:LABEL_WIDTH]), Cell(rate, 0.74, "r"), Cell(money(amount), 1.0, "r")))
        if not optician and rng.random() < 0.3:
            expiry = country.expiry.format(m=f"{rng.randint(1, 12):02d}", y=min(day.year + rng.randint(1, 3), 2029))
            rows.append(text(f"  Lotto {fakes.digits(rng, 6)} {expiry}" if country is ITALY else f"  {expiry}", size=8))
        charged += amount
    return rows, charged


def payment(rng: random.Random, country: Country, total: Decimal) -> list[Row]:
    if rng.random() < 0.5:
        notes = [Decimal(n) for n in (5, 10, 20, 50, 100) if Decimal(n) >= total] or [total.to_integral_value() + 10]
        tendered = notes[0]
        return [
            text(Cell(country.cash[0]), Cell(money(tendered), 1.0, "r")),
            text(Cell(country.cash[1]), Cell(money(tendered - total), 1.0, "r")),
        ]
    return [text(Cell(rng.choice(country.card)), Cell(money(total), 1.0, "r"))]


def build(rng: random.Random, pages: int = 1, day=None, total: Decimal | None = None, **_) -> Doc:
    day = day or common.care_day(rng)
    country = rng.choice(COUNTRIES)
    optician = rng.random() < 0.25
    postcode_line, city = rng.choice(country.cities)
    name = fill(rng.choice(country.opticians if optician else country.shops), rng, country, city, day)
    hour = f"{rng.randint(8, 20):02d}:{rng.randint(0, 59):02d}"
    rows = [
        text(Cell(name, 0.5, "c"), bold=True, size=11),
        text(Cell(f"{rng.choice(country.streets)}, {rng.randint(1, 150)}", 0.5, "c"), size=8.5),
        text(Cell(postcode_line, 0.5, "c"), size=8.5),
        text(Cell(fill(country.tax_id, rng, country, city, day), 0.5, "c"), size=8.5),
        gap(),
        text(Cell(rng.choice(country.titles), 0.5, "c"), bold=True),
    ]
    traps = ["included_tax"]
    if not optician and rng.random() < 0.35:
        prescribed = max(common.FIRST_DAY, day - timedelta(days=rng.randint(1, 15)))
        written = f"{prescribed:%Y-%m-%d}" if country.year_first else f"{prescribed:%d/%m/%Y}"
        rows.append(text(country.prescription.format(d=written)))
        traps.append("other_date")
    lines, amount = items(rng, country, optician, day)
    rows += lines
    if rng.random() < 0.25:
        off = (amount * Decimal(rng.choice([5, 10, 15])) / 100).quantize(Decimal("0.01"))
        rows += [
            text(Cell(country.subtotal[0]), Cell(money(amount), 1.0, "r")),
            text(Cell(country.subtotal[1]), Cell(money(-off), 1.0, "r")),
        ]
        amount -= off
        traps.append("subtotal")
    tax = (amount - amount / (1 + country.vat)).quantize(Decimal("0.01"))
    rows += [
        text(Cell("-" * 32, 0.0)),
        text(Cell(rng.choice(country.totals)), Cell(money(amount), 1.0, "r"), bold=True, size=rng.choice([10, 11, 12])),
        text(country.included_tax.format(rate=f"{country.vat * 100:.0f}%", tax=money(tax)), size=8.5),
        *payment(rng, country, amount),
        gap(),
        text(shown(day, country, hour)),
        text(fill(country.number, rng, country, city, day), size=8.5),
    ]
    if country is ITALY:
        rows.append(text(f"RT {rng.choice(['99MEX', '80IEB', '72MTB'])}{fakes.digits(rng, 6)}", size=8))
        if rng.random() < 0.6:
            code = "".join(rng.choice("ABCDEFGHLMNPRSTVZ") for _ in range(6)) + fakes.digits(rng, 2) + "A01H501" + "U"
            rows.append(text(f"C.F. {code}", size=8.5))
            traps.append("tax_code")
    if country is PORTUGAL:
        rows.append(
            text(
                f"ATCUD: {''.join(rng.choice('ABCDEFGHJKLMNPQRSTUVWXYZ23456789') for _ in range(8))}-{rng.randint(1, 9999)}",
                size=8,
            )
        )
    rows += [gap(), text(Cell(fill(rng.choice(country.thanks), rng, country, city, day), 0.5, "c"), size=8.5)]
    record = common.truth(
        "receipt_south",
        "receipt",
        "optical" if optician else "pharmacy",
        day,
        currency="EUR",
        total=common.money_truth(amount),
        gross_total=common.money_truth(amount),
        language=country.language,
        country=country.code,
        issuer=name,
    )
    for trap in traps:
        common.add_trap(record, trap)
    style = Style("mono", rng.choice([9, 9.5, 10]), rng.uniform(1.3, 1.5), rng.uniform(60, 140), rng.uniform(200, 240), True)
    return Doc("receipt_south", record, style, rows, [], [], [], page_numbers=None)
