"""The wording of every flag, as data: validators/rules/flag_messages.toml gives each `FlagCode` its
default severity and its French and English message templates (with variants where a code is worded
differently in some cases). The file is loaded and checked once, at import: a missing or unknown
code, a template without its other language or with an unknown placeholder stops the start with a
`FlagMessagesError` naming the entry. `make_flag` is the one way to build a flag."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from string import Formatter
from typing import Any

from pydantic import Field as PydanticField
from pydantic import field_validator, model_validator

from models.base import Model
from models.errors import ConfigError
from models.flags import Flag, FlagCode, Severity
from models.toml_file import parse_toml, read_toml

FLAG_MESSAGES = Path(__file__).parent / "rules" / "flag_messages.toml"

# Every name a template may use: where the flag points, then the details and values checks pass.
PLACEHOLDERS = frozenset(
    {
        "file",
        "page",
        "reason",
        "error",
        "confidence",  # upload rejection (French), page read failure, OCR confidence
        "quoted_claim_id",
        "earlier_file",
        "earlier_claim_id",  # unknown claim, duplicates
        "label_fr",
        "label_en",
        "illegible",  # required proofs
        "count",
        "lines",
        "reason_fr",
        "reason_en",  # not covered
        "paid",
        "declared",
        "read",
        "currencies",
        "files",  # consistency
        "care_date",
        "stay_start",
        "stay_end",
        "max_age_days",  # dates
        "pages",
        "max_pages",
        "max_request_pages",
        "max_megapixels",
        "kinds",
        "max_parts",  # upload bounds, active content, e-mail parts
        "seconds",
        "size",  # a page stopped or of an absurd size
        "currency",
        "first_date",
        "last_date",
        "declared_eur",
        "read_eur",
        "package",  # amounts in euros (validators/exchange.py)
        "xml",  # the page against an e-invoice's XML (validators/structured_data.py)
        "value",
        "threshold",  # a doubtful value (validators/straight_through.py)
    }
)


class FlagMessagesError(ConfigError, ValueError):
    """The flag wording file cannot be used; the message names the entry and the problem."""

    code = "invalid_flag_messages"


def placeholders(template: str) -> set[str]:
    """The names a str.format template uses ('{page}' -> page); ValueError on bad syntax."""
    return {name for _, name, _, _ in Formatter().parse(template) if name is not None}


def known_placeholders(template: str) -> str:
    """The template, once its placeholders are checked to be plain known names; ValueError otherwise."""
    names = placeholders(template)
    if "" in names or any(not name.isidentifier() for name in names):
        raise ValueError(f"placeholders must be plain names, as {{file}}: {template!r}")
    unknown = sorted(names - PLACEHOLDERS)
    if unknown:
        raise ValueError(f"unknown placeholder(s) {', '.join(unknown)} in {template!r}")
    return template


class Wording(Model):
    """One message in both languages."""

    fr: str
    en: str

    @field_validator("fr", "en")
    @classmethod
    def _placeholders_known(cls, template: str) -> str:
        return known_placeholders(template)

    def render(self, values: Mapping[str, object]) -> tuple[str, str]:
        """(French, English) with the values filled in; KeyError names a missing value (ValueError: a
        format spec that does not suit its value)."""
        return self.fr.format_map(values), self.en.format_map(values)


class FlagWording(Model):
    """A code's default severity, its wording, and its variants' wordings."""

    severity: Severity
    fr: str | None = None
    en: str | None = None
    variants: dict[str, Wording] = PydanticField(default_factory=dict)

    @field_validator("fr", "en")
    @classmethod
    def _placeholders_known(cls, template: str | None) -> str | None:
        return template if template is None else known_placeholders(template)

    @model_validator(mode="after")
    def _worded(self) -> FlagWording:
        if (self.fr is None) != (self.en is None):
            raise ValueError("fr and en go together: one is missing")
        if self.fr is None and not self.variants:
            raise ValueError("needs fr and en, or variants")
        return self

    def wording(self, variant: str | None) -> Wording:
        """The default wording, or the named variant's; ValueError when there is no such wording."""
        if variant is not None:
            if variant not in self.variants:
                raise ValueError(f"no variant {variant!r} (variants: {', '.join(self.variants) or 'none'})")
            return self.variants[variant]
        if self.fr is None or self.en is None:
            raise ValueError(f"a variant must be given ({', '.join(self.variants)})")
        return Wording(fr=self.fr, en=self.en)


class FlagMessages(Model):
    """The whole file: one entry per flag code, no more, no less."""

    flags: dict[FlagCode, FlagWording]

    @model_validator(mode="before")
    @classmethod
    def _every_code(cls, data: Any) -> Any:
        given = set(data.get("flags", {})) if isinstance(data, dict) else set()
        codes = {c.value for c in FlagCode}
        problems = [
            f"{what}: {', '.join(sorted(names))}"
            for what, names in (("unknown flag codes", given - codes), ("flag codes without wording", codes - given))
            if names
        ]
        if problems:
            raise ValueError("; ".join(problems))
        return data


def parse_flag_messages(text: str, source: str = "flag messages") -> FlagMessages:
    """The wording from TOML text; FlagMessagesError naming the source and the faulty entry otherwise."""
    return parse_toml(FlagMessages, text, source, FlagMessagesError, root="flags")


@cache
def load_flag_messages(path: Path = FLAG_MESSAGES) -> FlagMessages:
    """The wording file, read and checked once."""
    return read_toml(FlagMessages, path, FlagMessagesError, root="flags")


MESSAGES = load_flag_messages()  # checked at import: a broken file stops the start


def default_severity(code: str) -> Severity | None:
    """A flag code's default severity (the wording file's), None for a code it does not know."""
    try:
        return MESSAGES.flags[FlagCode(code)].severity
    except ValueError:
        return None


def make_flag(
    code: FlagCode,
    *,
    file: str | None = None,
    page: int | None = None,
    severity: Severity | None = None,
    details: Mapping[str, str] | None = None,
    variant: str | None = None,
    **values: object,
) -> Flag:
    """A flag worded from the data file: severity defaults to the file's; the templates are filled with
    `file`, `page`, `details` and `values`. ValueError when the variant or a value is missing."""
    entry = MESSAGES.flags[code]
    where = {name: value for name, value in (("file", file), ("page", page)) if value is not None}
    try:
        message, message_en = entry.wording(variant).render({**where, **(details or {}), **values})
    except ValueError as exc:
        raise ValueError(f"flag {code.value}: {exc}") from exc
    except KeyError as exc:
        raise ValueError(f"flag {code.value}{f' ({variant})' if variant else ''}: no value for {{{exc.args[0]}}}") from exc
    return Flag(
        code=code,
        severity=severity or entry.severity,
        message=message,
        message_en=message_en,
        file=file,
        page=page,
        details=dict(details or {}),
    )
