"""The insurer's rules file (validators/rules/default.toml, or INTAKE_RULES / --rules): loaded once,
validated into typed models so that a mistake in it is reported at start-up, never ignored."""

from __future__ import annotations

import os
import tomllib
from decimal import Decimal
from functools import cache
from pathlib import Path

from pydantic import Field as PydanticField
from pydantic import ValidationError, model_validator

from models.base import Model
from models.document import DocType
from models.errors import ConfigError
from models.manifest import CareRelation, CareType

DEFAULT_RULES = Path(__file__).parent / "rules" / "default.toml"


class RulesError(ConfigError, ValueError):
    """The rules file cannot be used; the message says where and why."""

    code = "invalid_rules"


class Limits(Model):
    """Tolerances and limits of the consistency checks."""

    max_age_days: int = PydanticField(ge=1)
    future_tolerance_days: int = PydanticField(default=1, ge=0)
    amount_tolerance: Decimal = PydanticField(default=Decimal("0.01"), ge=0)
    amount_tolerance_ratio: Decimal = PydanticField(default=Decimal("0.01"), ge=0)
    name_similarity: float = PydanticField(default=0.75, ge=0, le=1)
    phash_distance: int = PydanticField(default=6, ge=0, le=64)


class Proof(Model):
    """What satisfies one proof, and how it is named to the claimant."""

    doc_types: tuple[DocType, ...] = ()
    count: int = PydanticField(default=1, ge=1)
    field_doc_types: tuple[DocType, ...] = ()
    fields_all: tuple[str, ...] = ()
    fields_any: tuple[tuple[str, ...], ...] = ()
    label_fr: str
    label_en: str
    send_fr: str
    send_en: str

    @model_validator(mode="after")
    def _satisfiable(self) -> Proof:
        if not self.doc_types and not (self.field_doc_types and (self.fields_all or self.fields_any)):
            raise ValueError("a proof needs doc_types, or field_doc_types with fields_all / fields_any")
        return self


class Condition(Model):
    """When a requirement applies: every condition given must hold."""

    care_types: tuple[CareType, ...] = ()
    relates_to: tuple[CareRelation, ...] = ()
    lacking: tuple[str, ...] = ()  # proofs none of whose documents is present
    abroad: bool | None = None
    planned: bool | None = None
    posted: bool | None = None
    renewal: bool | None = None
    first_request: bool | None = None
    student: bool | None = None
    hospitalisation: bool | None = None


class Requirement(Model):
    """Proofs required when a condition holds."""

    when: Condition
    requires: tuple[str, ...]


class NotCovered(Model):
    """Billed items the insurer never reimburses."""

    words: tuple[str, ...]
    reason_fr: str
    reason_en: str


class Rules(Model):
    """The whole rules file."""

    limits: Limits
    proofs: dict[str, Proof]
    requirements: tuple[Requirement, ...]
    not_covered: NotCovered

    @model_validator(mode="after")
    def _known_proofs(self) -> Rules:
        for index, requirement in enumerate(self.requirements):
            unknown = [p for p in (*requirement.requires, *requirement.when.lacking) if p not in self.proofs]
            if unknown:
                raise ValueError(f"requirements[{index}] names unknown proofs: {', '.join(unknown)}")
        return self


def parse_rules(text: str, source: str = "rules") -> Rules:
    """Rules from TOML text; RulesError naming the source and the faulty entry otherwise."""
    try:
        return Rules.model_validate(tomllib.loads(text))
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"{source}: not valid TOML ({exc})") from exc
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise RulesError(f"{source}: {problems}") from exc


@cache
def load_rules(path: str | None = None) -> Rules:
    """The rules in force: `path`, else $INTAKE_RULES, else the bundled default."""
    chosen = Path(path or os.environ.get("INTAKE_RULES") or DEFAULT_RULES)
    try:
        text = chosen.read_text(encoding="utf-8")
    except OSError as exc:
        raise RulesError(f"{chosen}: cannot be read ({exc.strerror})") from exc
    return parse_rules(text, str(chosen))
