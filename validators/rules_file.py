"""The insurer's rules file (validators/rules/default.toml, or INTAKE_RULES / --rules): loaded once,
validated into typed models so that a mistake in it is reported at start-up, never ignored."""

from __future__ import annotations

import os
from decimal import Decimal
from functools import cache
from pathlib import Path

from pydantic import Field as PydanticField
from pydantic import model_validator

from models.base import Model, invariant
from models.document import DocType
from models.errors import ConfigError
from models.manifest import CareRelation, CareType
from models.toml_file import parse_toml, read_toml

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

    _satisfiable = invariant(
        lambda proof: bool(proof.doc_types or (proof.field_doc_types and (proof.fields_all or proof.fields_any))),
        "a proof needs doc_types, or field_doc_types with fields_all / fields_any",
    )


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


class StraightThrough(Model):
    """The confidence each decisive value needs for its claim to go to adjudication without a person
    (`ready`); a field given no threshold is not checked."""

    date: float | None = PydanticField(default=None, ge=0, le=1)
    total: float | None = PydanticField(default=None, ge=0, le=1)
    currency: float | None = PydanticField(default=None, ge=0, le=1)
    care_type: float | None = PydanticField(default=None, ge=0, le=1)
    beneficiary: float | None = PydanticField(default=None, ge=0, le=1)

    def thresholds(self) -> dict[str, float]:
        """Field name -> threshold, for the fields checked."""
        return {name: value for name, value in self.model_dump().items() if value is not None}


class Rules(Model):
    """The whole rules file."""

    limits: Limits
    proofs: dict[str, Proof]
    requirements: tuple[Requirement, ...]
    not_covered: NotCovered
    straight_through: StraightThrough = StraightThrough()

    @model_validator(mode="after")
    def _known_proofs(self) -> Rules:
        for index, requirement in enumerate(self.requirements):
            unknown = [p for p in (*requirement.requires, *requirement.when.lacking) if p not in self.proofs]
            if unknown:
                raise ValueError(f"requirements[{index}] names unknown proofs: {', '.join(unknown)}")
        return self


def parse_rules(text: str, source: str = "rules") -> Rules:
    """Rules from TOML text; RulesError naming the source and the faulty entry otherwise."""
    return parse_toml(Rules, text, source, RulesError)


@cache
def load_rules(path: str | None = None) -> Rules:
    """The rules in force: `path`, else $INTAKE_RULES, else the bundled default."""
    return read_toml(Rules, Path(path or os.environ.get("INTAKE_RULES") or DEFAULT_RULES), RulesError)
