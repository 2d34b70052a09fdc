"""The drawable model of a document: rows of positioned text cells, a style, and pagination.

A builder fills a `Doc`: `header` rows (page 1 only), `body` rows (the lines, splittable across pages),
`totals` rows (last page only), `footer` rows (bottom of every page: print date, page number).
`paginate` cuts the body into the requested number of pages and writes "A reporter" / "Report" carry
rows at the breaks, the way invoicing software does (a trap: a subtotal that is not the total).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

FAMILIES = ("sans", "serif", "condensed", "mono")


@dataclass(frozen=True)
class Cell:
    """Text placed at `x` (fraction of the content width), aligned left, right or centre."""

    text: str
    x: float = 0.0
    align: str = "l"


@dataclass
class Row:
    """One printed row. kind: text | rule (horizontal line) | gap (blank) | box (text in a frame)."""

    cells: list[Cell] = field(default_factory=list)
    size: float = 0.0  # 0: the style's base size
    bold: bool = False
    kind: str = "text"
    amount: Decimal | None = None  # money carried by a body row, for the carry rows at page breaks
    family: str | None = None  # override of the style's family


@dataclass(frozen=True)
class Style:
    """Fonts, sizes and geometry of one document (chosen by the RNG)."""

    family: str = "sans"
    size: float = 10.5
    leading: float = 1.55
    margin: float = 50.0  # points
    strip_width: float | None = None  # a narrow column (thermal ticket) centred on the sheet
    frame: bool = False  # a grey outline around the strip (the ticket's paper edge)


@dataclass
class Doc:
    """A document ready to draw, with its ground truth."""

    kind: str
    truth: dict
    style: Style
    header: list[Row] = field(default_factory=list)
    body: list[Row] = field(default_factory=list)
    totals: list[Row] = field(default_factory=list)
    footer: list[Row] = field(default_factory=list)
    continuation: list[Row] = field(default_factory=list)  # small header repeated on pages 2+
    carry: tuple[str, str] = ("A reporter", "Report")
    money: Callable[[Decimal], str] | None = None
    page_numbers: str | None = "Page {i}/{n}"
    attachments: list[Doc] = field(default_factory=list)


def text(
    *cells: Cell | str, size: float = 0.0, bold: bool = False, amount: Decimal | None = None, family: str | None = None
) -> Row:
    """A text row; bare strings become left-aligned cells at x=0."""
    return Row([c if isinstance(c, Cell) else Cell(c) for c in cells], size, bold, "text", amount, family)


def pair(label: str, value: str, x: float = 1.0, size: float = 0.0, bold: bool = False, boxed: bool = False) -> Row:
    """A label on the left and a value right-aligned at `x`."""
    return Row([Cell(label), Cell(value, x, "r")], size, bold, "box" if boxed else "text")


def rule() -> Row:
    return Row(kind="rule")


def gap(size: float = 0.0) -> Row:
    return Row(kind="gap", size=size)


def random_style(rng: random.Random, families: tuple[str, ...] = FAMILIES[:3]) -> Style:
    return Style(rng.choice(families), rng.choice([9.5, 10, 10.5, 11, 11.5]), rng.uniform(1.4, 1.75), rng.uniform(40, 62))


def split(rows: list[Row], parts: int) -> list[list[Row]]:
    """Cut rows into `parts` non-empty chunks of nearly equal size."""
    size, extra = divmod(len(rows), parts)
    chunks, start = [], 0
    for i in range(parts):
        end = start + size + (1 if i < extra else 0)
        chunks.append(rows[start:end])
        start = end
    return chunks


def carried(doc: Doc, rows: list[Row]) -> Decimal:
    return sum((r.amount for r in rows if r.amount is not None), Decimal("0"))


def paginate(doc: Doc, pages: int) -> list[tuple[list[Row], list[Row]]]:
    """(top rows, bottom rows) for each page; pages beyond the body length are not created."""
    pages = max(1, min(pages, len(doc.body)))
    chunks, running, out = split(doc.body, pages), Decimal("0"), []
    for i, chunk in enumerate(chunks, start=1):
        top = list(doc.header) if i == 1 else list(doc.continuation)
        if i > 1 and doc.money and running:
            top.append(pair(f"{doc.carry[1]}", doc.money(running), bold=True))
        top.extend(chunk)
        running += carried(doc, chunk)
        if i < pages:
            if doc.money and running:
                top.append(pair(f"{doc.carry[0]}", doc.money(running), bold=True))
            top.append(
                text(
                    Cell("(suite page suivante)" if doc.truth.get("language") == "fr" else "(continued overleaf)", 1.0, "r"),
                    size=8,
                )
            )
        else:
            top.extend(doc.totals)
        bottom = list(doc.footer)
        if doc.page_numbers and pages > 1:
            bottom.append(text(Cell(doc.page_numbers.format(i=i, n=pages), 1.0, "r"), size=7.5))
        out.append((top, bottom))
    return out
