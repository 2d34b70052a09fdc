"""Country hints read from the text: they settle ambiguous currency symbols and US date order."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

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


@dataclass(frozen=True)
class LocaleHint:
    """What the document says about where it comes from."""

    currency: str | None  # currency an ambiguous symbol means here, when a hint decides it
    hint: str | None  # the word that decided
    month_first: bool  # American date order (12/31/2021)
    weak: bool = False  # the hint only suggests a country (a company suffix): never a confident currency


def _has_word(folded: str, word: str) -> bool:
    return re.search(rf"(?<![a-z]){re.escape(word)}(?![a-z])", folded) is not None


def locale_hint(lines: Sequence[Line]) -> LocaleHint:
    """Country hints from the whole text."""
    text = "\n".join(line.text for line in lines)
    folded = fold(text)
    for word, currency in CURRENCIES.hints.items():
        if _has_word(folded, word):
            return LocaleHint(currency, word, month_first=currency == "USD")
    if US_ADDRESS.search(text):
        return LocaleHint("USD", "us_address", month_first=True)
    for word, currency in CURRENCIES.weak_hints.items():
        if _has_word(folded, word):
            return LocaleHint(currency, word, month_first=False, weak=True)
    return LocaleHint(None, None, month_first=False)
