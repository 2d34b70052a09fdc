"""Currency: ISO 4217 from codes, symbols and words, preferring the marker beside the total;
ambiguous symbols ($, ¥, kr, Rs, DH, FCFA) are settled by country hints - at 0.85 by a country named on
the page, under 0.8 by a weak hint (a company suffix) -, else kept with a low confidence. A currency is
read only from evidence: a weak hint alone never makes a confident one; with no currency printed, the
country of the bank account printed (IBAN) gives its currency at a modest confidence - before a country
named on the page, which may be the customer's address on an invoice sent abroad."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache

from babel.numbers import get_territory_currencies

from extractors.data_files import fold, phrase_pattern
from extractors.fields.locale_hints import LocaleHint, marker_countries
from extractors.keywords import CURRENCIES
from extractors.layout import Line
from models import Field

AFTER_AN_AMOUNT = re.compile(r"\d\s?$")  # the text before a marker ends with a digit (currencies.toml `after_amount`)
STRONG_HINT_CERTAINTY = 0.85
WEAK_HINT_CERTAINTY = 0.6
NO_MARKER_CERTAINTY = 0.6
NO_MARKER_WEAK_CERTAINTY = 0.4
NO_MARKER_GUESS = 0.5  # a language alone says the currency (currencies.toml `language_defaults`)


@dataclass(frozen=True)
class Marker:
    """A currency marker found on a line."""

    code: str
    raw: str
    line: Line
    start: int
    end: int
    ambiguous: bool
    strength: float


@cache
def _pattern(marker: str, letters: str, escape: bool) -> re.Pattern[str]:
    """A marker as a whole word (a symbol that starts with a letter too: "Fr."), compiled once."""
    body = re.escape(marker) if escape else marker
    return re.compile(rf"(?<![{letters}]){body}(?![{letters}])" if marker[0].isalpha() else body)


def _markers(line: Line) -> list[Marker]:
    """Every currency marker of a line, by kind (codes, symbols, words, ambiguous symbols) in the data
    file's order; a marker absent from the text is not searched for (a line holds one or two at most)."""
    found: list[Marker] = []
    text = line.text
    for code, iso in CURRENCIES.codes.items():
        for m in _pattern(code, "A-Za-z", False).finditer(text) if code in text else ():
            found.append(Marker(iso, m.group(0), line, m.start(), m.end(), False, 0.95))
    for symbol, iso in CURRENCIES.symbols.items():
        for m in _pattern(symbol, "A-Za-z", True).finditer(text) if symbol in text else ():
            if not _province_code(text, m.start(), m.end()):
                found.append(Marker(iso, m.group(0), line, m.start(), m.end(), False, 0.9))
    folded = fold(text)
    for word, iso in CURRENCIES.words.items():
        for m in _pattern(word, "a-z", False).finditer(folded) if word in folded else ():
            found.append(Marker(iso, text[m.start() : m.end()], line, m.start(), m.end(), word.startswith("dollar"), 0.8))
    for symbol, iso in CURRENCIES.ambiguous.items():
        for m in _pattern(symbol, "A-Za-z", True).finditer(text) if symbol in text else ():
            if any(k.start <= m.start() < k.end for k in found):
                continue  # part of US$, S$...
            if _inside_a_word(text, m.start(), m.end()):
                continue  # a letter OCR misread ("Hauptstra$e", "Grü$en": the ß), not a currency
            if symbol in CURRENCIES.after_amount and not AFTER_AN_AMOUNT.search(text, 0, m.start()):
                continue  # the 元 of a name, not of a price
            found.append(Marker(iso, m.group(0), line, m.start(), m.end(), True, 0.5))
    return found


# an Italian address's province in brackets after its postcode and city ("00185 Roma (RM)", "20121 Milano (MI)")
PROVINCE_BEFORE = re.compile(r"(?<!\d)\d{5}\s+[A-ZÀ-Ý][A-Za-zÀ-ÿ' .\-]*\(\s*$")


def _province_code(text: str, start: int, end: int) -> bool:
    """Whether a symbol of letters ("RM", the ringgit's) is a province's code closing an address."""
    return text[end : end + 1] == ")" and bool(PROVINCE_BEFORE.search(text, 0, start))


def _inside_a_word(text: str, start: int, end: int) -> bool:
    """Whether a symbol that is no letter has letters right against it on both sides."""
    if text[start].isalpha():
        return False
    return start > 0 and end < len(text) and text[start - 1].isalpha() and text[end].isalpha()


def _resolve(marker: Marker, hint: LocaleHint, countries: dict[str, str] | None = None) -> tuple[str, float, str]:
    if not marker.ambiguous:
        return marker.code, marker.strength, "currency.marker"
    if hint.currency is not None and hint.currency in CURRENCIES.meanings.get(marker.raw, (hint.currency,)):
        if hint.weak:
            return hint.currency, WEAK_HINT_CERTAINTY, f"currency.ambiguous_symbol+weak_hint:{hint.hint}"
        return hint.currency, STRONG_HINT_CERTAINTY, f"currency.ambiguous_symbol+hint:{hint.hint}"
    for currency in CURRENCIES.meanings.get(marker.raw, ()):
        if countries and currency in countries:
            return currency, STRONG_HINT_CERTAINTY, f"currency.ambiguous_symbol+hint:{countries[currency]}"
    return marker.code, marker.strength, "currency.ambiguous_symbol"


def extract_currency(
    lines: Sequence[Line], hint: LocaleHint, total: Field | None, iban: Field | None = None, when: Field | None = None
) -> Field | None:
    """The document's currency as a Field, or None when nothing tells it (`iban`: the bank account
    printed, whose country's currency stands in when no currency is printed at all; `when`: the
    document's date, to take the currency the country had then)."""
    markers = [m for line in lines for m in _markers(line)]
    if hint.currency is not None and _only_stray_symbols(markers, hint.currency):
        # the account paid into is the issuer's; a country named may be the customer's address
        return _account_currency(iban, when) or _hinted_currency(lines, hint)
    if not markers:
        return _account_currency(iban, when) or _default_currency(lines)
    near_total = [
        m for m in markers if total is not None and m.line.page == total.page and total.raw and total.raw in m.line.text
    ]
    countries = marker_countries(lines) if any(m.ambiguous for m in markers) else {}
    resolved = {id(m): _resolve(m, hint, countries) for m in markers}
    counts: dict[str, int] = {}
    for m in markers:
        counts[resolved[id(m)][0]] = counts.get(resolved[id(m)][0], 0) + 1
    chosen = near_total[0] if near_total else max(markers, key=lambda m: (counts[resolved[id(m)][0]], m.strength))
    code, strength, rule = resolved[id(chosen)]
    if len(counts) > 1 and not near_total:
        strength *= 0.7  # several currencies and none beside the total
    bbox, ocr_conf = chosen.line.locate(chosen.start, chosen.end)
    return Field(
        value=code,
        raw=chosen.raw,
        confidence=round(strength * max(ocr_conf, 0.5), 3),
        page=chosen.line.page,
        bbox=bbox,
        rule=rule,
    )


def _only_stray_symbols(markers: list[Marker], hinted: str) -> bool:
    """No marker, or a single one-character symbol at odds with the country and printed with no figure on
    its line: OCR noise, not a currency. A symbol beside an amount ("TOTAL 12,00 €") is the currency, whatever
    country the page names ("née au Canada")."""
    if not markers:
        return True
    only = markers[0]
    stray = len(markers) == 1 and len(only.raw) == 1 and not only.ambiguous and only.code != hinted
    return stray and not any(ch.isdigit() for ch in only.line.text)


def _hinted_currency(lines: Sequence[Line], hint: LocaleHint) -> Field:
    """The country's currency when the document shows where it comes from but prints no currency."""
    found = next((line for line in lines if hint.hint and hint.hint in fold(line.text)), lines[0])
    certainty, kind = (NO_MARKER_WEAK_CERTAINTY, "weak_hint") if hint.weak else (NO_MARKER_CERTAINTY, "country_hint")
    return Field(
        value=hint.currency or "", raw="", confidence=certainty, page=found.page, bbox=None, rule=f"currency.{kind}:{hint.hint}"
    )


def _account_currency(iban: Field | None, when: Field | None) -> Field | None:
    """No currency printed, a bank account given: its country's legal tender on the document's date
    (CLDR's history through babel: a Croatian account is in kuna before 2023, in euros after), said
    with a modest confidence - an account can be held in another currency."""
    if iban is None or len(iban.value) < 2 or "invalid" in (iban.rule or ""):
        return None
    try:
        on = date.fromisoformat(when.value) if when is not None else None
        currencies = get_territory_currencies(iban.value[:2], start_date=on)
    except ValueError:
        return None
    if len(currencies) != 1:
        return None
    return Field(
        value=currencies[0],
        raw=iban.raw,
        confidence=NO_MARKER_CERTAINTY,
        page=iban.page,
        bbox=iban.bbox,
        rule=f"currency.account_country:{iban.value[:2]}",
    )


def _default_currency(lines: Sequence[Line]) -> Field | None:
    """A document in a language whose bills are most likely in one currency (currencies.toml
    `language_defaults`: French, German... in euros) and no currency marker: that currency, said with a
    modest confidence."""
    folded = [fold(line.text) for line in lines]
    for language, default in CURRENCIES.language_defaults.items():
        pattern = phrase_pattern(default.words)
        for line, text in zip(lines, folded, strict=True):
            if pattern.search(text):
                return Field(
                    value=default.currency,
                    raw="",
                    confidence=NO_MARKER_GUESS,
                    page=line.page,
                    bbox=None,
                    rule=f"currency.default_{language}",
                )
    return None
