"""Machine claims built by hand for the review desk's unit tests (no OCR): documents with their fields,
and the claim's flags and status computed by the service's own checks (field presence, claim_flags,
decide_status), so the flags are the ones the intake really raises."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from infra.storage import LocalStorage
from models import BBox, Claim, DocType, Document, Field, Flag, MediaType, PageInfo, TextSource
from models.manifest import Manifest
from models.review import ReviewAction, ReviewEvent
from review.accounts import Account, Role
from validators.claim_checks import CheckContext, claim_flags
from validators.decide import decide_status
from validators.fields import field_flags
from validators.rules_file import DEFAULT_RULES, Rules, load_rules

RULES = load_rules(str(DEFAULT_RULES))
CLAIM_ID = "CLM-20261120-ABC123"
OTHER_ID = "CLM-20261121-XYZ789"
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
# The desk's tests never sign in: the accounts only need a name and a role.
MANAGER = Account("marie", Role.MANAGER, "$argon2id$unused")
OTHER_MANAGER = Account("paul", Role.MANAGER, "$argon2id$unused")
OPERATOR = Account("olivier", Role.OPERATOR, "$argon2id$unused")


def fld(value: str, confidence: float = 0.99, raw: str | None = None, page: int = 1, bbox: BBox | None = None) -> Field:
    return Field(value=value, raw=value if raw is None else raw, confidence=confidence, page=page, bbox=bbox, rule="test")


def page(number: int = 1) -> PageInfo:
    return PageInfo(
        page=number,
        width=1240,
        height=1754,
        dpi=150,
        source=TextSource.OCR,
        rotation=0,
        skew=0.0,
        word_count=120,
        mean_confidence=0.9,
        a4_portrait=True,
    )


def document(
    file: str, doc_type: DocType, part: int | None = None, flags: tuple[Flag, ...] = (), pages: int = 1, **fields: str | Field
) -> Document:
    """A read document; its field-presence flags are added as the intake adds them."""
    values = {k: v if isinstance(v, Field) else fld(v) for k, v in fields.items()}
    made = Document(
        file=file,
        sha256=file.encode().hex().ljust(64, "0")[:64],
        media_type=MediaType.PDF,
        size=1000,
        doc_type=doc_type,
        doc_type_score=0.8,
        doc_type_reasons=("test",),
        part=part,
        pages=tuple(page(n) for n in range(1, pages + 1)),
        fields=values,
    )
    return made.model_copy(update={"flags": (*flags, *field_flags(file, doc_type, values))})


def machine_claim(
    *documents: Document,
    claim_id: str = CLAIM_ID,
    created_at: datetime = NOW,
    declared: Manifest | None = None,
    history_flags: tuple[Flag, ...] = (),
    replies: tuple[str, ...] = (),
    today: datetime | None = None,
    rules: Rules = RULES,
) -> Claim:
    """The claim as the intake writes it: claim-level flags from `claim_flags`, status from `decide_status`."""
    context = CheckContext(rules=rules, today=(today or created_at).date(), manifest=declared)
    findings = claim_flags(claim_id, documents, context)
    flags = (*history_flags, *findings.flags)
    every = [*flags, *(f for d in documents for f in d.flags)]
    status, reason = decide_status(documents, every, findings.nothing_covered, rules.not_covered)
    return Claim(
        claim_id=claim_id,
        created_at=created_at,
        status=status,
        status_reason=reason,
        documents=tuple(documents),
        flags=flags,
        declared=declared,
        replies=replies,
    )


def invoice(file: str = "facture.pdf", **overrides: str) -> Document:
    fields = {"date": "2026-11-10", "total": "45.30", "currency": "EUR", "care_type": "pharmacy", "issuer": "Pharmacie du Centre"}
    fields.update(overrides)
    return document(file, DocType.INVOICE, **{k: v for k, v in fields.items() if v})


def pharmacy_claim(claim_id: str = CLAIM_ID, **kwargs) -> Claim:
    """A pharmacy request whose prescription was classified `other`: the intake raises missing_prescription."""
    prescription = document("ordonnance.pdf", DocType.OTHER, date="2026-11-09")
    return machine_claim(invoice(), prescription, claim_id=claim_id, **kwargs)


def ready_claim(claim_id: str = OTHER_ID) -> Claim:
    """A complete dental request: nothing to review."""
    return machine_claim(
        invoice(care_type="dental", issuer="Cabinet dentaire"), claim_id=claim_id, created_at=NOW + timedelta(days=1)
    )


def event(seq: int, action: ReviewAction, by: str = "marie", minutes: int = 0, **values: str) -> ReviewEvent:
    return ReviewEvent(seq=seq, action=action, by=by, at=NOW + timedelta(hours=1, minutes=minutes), claim_version="v", **values)


def claim_bytes(claim: Claim) -> bytes:
    return claim.model_dump_json(indent=2).encode("utf-8")


def put_claim(storage: LocalStorage, claim: Claim) -> str:
    """The claim written where the service writes it; returns its key."""
    key = f"claims/{claim.claim_id}/claim.json"
    storage.put_bytes(key, claim_bytes(claim), "application/json")
    return key


def read_json(storage: LocalStorage, key: str) -> dict:
    return json.loads(storage.get_bytes(key))
