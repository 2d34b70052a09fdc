"""What the claimant declared with a request (the extranet form), as `manifest.json` beside the files
or as options of `intake process`. An e-mail request has none: the checks then rely on the documents.

Every field is optional: a claimant may leave the form half-filled, and the checks use what is there.
The published JSON Schema is `models/manifest.schema.json` (`python -m models.schema manifest`).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from enum import StrEnum

from pydantic import Field as PydanticField
from pydantic import field_validator

from models.base import Model, invariant

CLAIM_ID = re.compile(r"\bCLM-[0-9]{8}-[0-9A-HJKMNP-TV-Z]{6}\b")  # ASCII digits: \d would take any script's digits


class CareType(StrEnum):
    """The fixed care taxonomy (the same values the extraction reads from documents)."""

    PHARMACY = "pharmacy"
    LABORATORY = "laboratory"
    PHYSIOTHERAPY = "physiotherapy"
    IMAGING = "imaging"
    HOSPITALISATION = "hospitalisation"
    GENERAL_PRACTITIONER = "general_practitioner"
    SPECIALIST = "specialist"
    DENTAL = "dental"
    OPTICAL = "optical"
    HEARING = "hearing"
    NURSING = "nursing"
    ALTERNATIVE_MEDICINE = "alternative_medicine"
    SPA_CURE = "spa_cure"
    MEDICAL_EQUIPMENT = "medical_equipment"
    TRANSPORT = "transport"
    OTHER = "other"


class Situation(StrEnum):
    """Where the care was received."""

    FRANCE = "france"
    ABROAD = "abroad"


class CareRelation(StrEnum):
    """What the care relates to."""

    ILLNESS = "illness"  # illness or non-work accident
    LONG_TERM_ILLNESS = "long_term_illness"
    MATERNITY = "maternity"
    WORK_ACCIDENT = "work_accident"  # or occupational disease
    THIRD_PARTY_ACCIDENT = "third_party_accident"


class Channel(StrEnum):
    """How the request arrived."""

    EXTRANET = "extranet"
    EMAIL = "email"


class Period(Model):
    """A period of days, both ends included."""

    start: date
    end: date

    _ordered = invariant(lambda period: period.start <= period.end, "the period ends before it starts")

    def holds(self, day: date) -> bool:
        return self.start <= day <= self.end


class Beneficiary(Model):
    """The person who received the care (one per request)."""

    name: str | None = None
    birth_date: date | None = None


class Manifest(Model):
    """The request as declared by the claimant."""

    claim_id: str | None = PydanticField(default=None, description="set when the request answers a request for proofs")
    channel: Channel | None = None
    language: str = PydanticField(default="fr", pattern="^(fr|en)$", description="language of the claimant's messages")
    beneficiary: Beneficiary | None = None
    care_types: tuple[CareType, ...] = ()
    renewal: bool = PydanticField(default=False, description="renewed pharmacy prescription (long-term treatment)")
    situation: Situation | None = None
    planned: bool = PydanticField(default=False, description="care abroad planned before departure")
    posted: bool = PydanticField(default=False, description="professional posting / mission abroad")
    country: str | None = PydanticField(default=None, pattern="^[A-Z]{2}$", description="ISO 3166-1 alpha-2")
    stay: Period | None = None
    stay_motive: str | None = None
    hospitalisation: bool | None = None
    total_declared: Decimal | None = PydanticField(default=None, ge=0)
    currency: str | None = PydanticField(default=None, pattern="^[A-Z]{3}$", description="ISO 4217")
    relates_to: CareRelation | None = None
    first_request: bool = False
    student: bool = False

    @field_validator("claim_id")
    @classmethod
    def _claim_id(cls, value: str | None) -> str | None:
        if value is not None and not CLAIM_ID.fullmatch(value):
            raise ValueError("a claim number reads CLM-YYYYMMDD-XXXXXX")
        return value

    @property
    def abroad(self) -> bool:
        return self.situation is Situation.ABROAD or (self.country is not None and self.country != "FR")


def quoted_claim_id(text: str) -> str | None:
    """The first claim number quoted in a text (an e-mail subject or body), if any."""
    match = CLAIM_ID.search(text or "")
    return match.group(0) if match else None
