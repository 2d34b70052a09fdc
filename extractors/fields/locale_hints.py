"""Country hints read from the text: they settle ambiguous currency symbols and US date order."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from extractors.data_files import fold
from extractors.keywords import CURRENCIES
from extractors.layout import Line

_STATES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK"
    "|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY"
)
# "Boston, MA 02115" or "Boston MA 02115" (USA): a state code and its ZIP code ending the address (the
# line, or before "USA"; after a comma, anything but a word may follow); not "teststr, DE 55232
# Teststadt" (a German postcode, the town after it)
US_ADDRESS = re.compile(
    rf",\s*(?:{_STATES})\s+\d{{5}}(?:-\d{{4}})?(?![\w-])(?![ \t]+(?!USA\b|U\.S\.A\b|United States\b)[^\W\d_])"
    rf"|\b(?:{_STATES})[ \t]+\d{{5}}(?:-\d{{4}})?[ \t]*(?:USA|U\.S\.A\.?|United States)?[ \t]*$",
    re.MULTILINE,
)


# "(586) 555-0138", "TEL 212-555-0123": a North American (NANP) phone number - the United States or Canada,
# where a Canadian document names its country or province (`hints`, read first)
NANP_PHONE = re.compile(
    r"(?<![\d(])(?:\+?1[ .-]?)?\(\d{3}\)[ .-]?\d{3}-\d{4}(?!\d)"
    r"|(?:\btel|\bphone|\bph|\bfax|\bcall)\b\W{0,3}(?:\+?1[ .-])?\d{3}[-.]\d{3}[-.]\d{4}(?![\d-])",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class LocaleHint:
    """What the document says about where it comes from."""

    currency: str | None  # currency an ambiguous symbol means here, when a hint decides it
    hint: str | None  # the word that decided
    month_first: bool  # American date order (12/31/2021)
    weak: bool = False  # the hint only suggests a country (a company suffix): never a confident currency


@cache
def _street_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(a street word ending the text before a hint, a street word opening the text after it) - on the hint's
    own row: "Oxford Street" ending the row above does not make the "London" under it a street's name."""
    words = "|".join(re.escape(w) for w in sorted(CURRENCIES.street_words, key=len, reverse=True))
    before = re.compile(rf"(?<![a-z])(?:{words})\.?[ \t]+(?:(?:de la|de|du|des|of|the)[ \t]+|d['’][ \t]*)?$")
    after = re.compile(rf"^\.?[ \t]+(?:{words})(?![a-z])")
    return before, after


def _has_word(folded: str, word: str) -> bool:
    """Whether `word` is named on the page other than as a street's name ("12 rue du Canada", "Tokyo Street")."""
    before, after = _street_patterns()
    for m in re.finditer(rf"(?<![a-z]){re.escape(word)}(?![a-z])", folded):
        if not before.search(folded[max(0, m.start() - 30) : m.start()]) and not after.match(folded[m.end() : m.end() + 20]):
            return True
    return False


def locale_hint(lines: Sequence[Line]) -> LocaleHint:
    """Country hints from the whole text."""
    text = "\n".join(line.text for line in lines)
    folded = fold(text)
    for word, currency in CURRENCIES.hints.items():
        if _has_word(folded, word):
            return LocaleHint(currency, word, month_first=currency == "USD")
    if US_ADDRESS.search(text):
        return LocaleHint("USD", "us_address", month_first=True)
    if NANP_PHONE.search(text) and "CAD" not in marker_countries(lines):
        return LocaleHint("USD", "nanp_phone", month_first=True, weak=True)
    for word, currency in CURRENCIES.weak_hints.items():
        if _has_word(folded, word):
            return LocaleHint(currency, word, month_first=False, weak=True)
    return LocaleHint(None, None, month_first=False)


def marker_countries(lines: Sequence[Line]) -> dict[str, str]:
    """The currencies `marker_hints` name on the page (a country named other than in a street), each with
    its word: they settle an ambiguous marker printed with them (a dirham's "DH"), nothing else."""
    folded = fold("\n".join(line.text for line in lines))
    found: dict[str, str] = {}
    for word, currency in CURRENCIES.marker_hints.items():
        if currency not in found and _has_word(folded, word):
            found[currency] = word
    return found
