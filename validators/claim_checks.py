"""Every claim-level check together: required proofs, coverage, consistency, duplicates; then the
status. Pure: the rules, the declaration, today's date and the earlier documents are given."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from models import Document, Flag, FlagCode
from models.manifest import Manifest
from validators.consistency import beneficiary_flags, date_flags, declared_flags, payment_flags
from validators.coverage import coverage_flags
from validators.duplicates import Seen, duplicate_flags
from validators.proofs import missing_proof_flags
from validators.request_facts import request_facts
from validators.rules_file import Rules
from validators.straight_through import doubtful_flags


@dataclass(frozen=True)
class CheckContext:
    """What the checks need besides the documents."""

    rules: Rules
    today: date
    manifest: Manifest | None = None
    earlier: Sequence[Seen] = field(default_factory=tuple)
    quoted_claim: str | None = None  # the claim number the request quotes (a reply)


@dataclass(frozen=True)
class ClaimFindings:
    """The claim-level flags, and whether nothing in the request is covered."""

    flags: list[Flag]
    nothing_covered: bool


def claim_flags(claim_id: str, documents: Sequence[Document], context: CheckContext) -> ClaimFindings:
    """Flags about the request as a whole (document-level flags stay on their documents)."""
    rules = context.rules
    coverage, nothing_covered = coverage_flags(documents, rules.not_covered)
    flags: list[Flag] = [*coverage]
    if not nothing_covered:  # nothing to reimburse: do not ask for more proofs
        flags += missing_proof_flags(request_facts(documents, context.manifest), rules)
    flags += payment_flags(documents, rules.limits)
    flags += declared_flags(documents, context.manifest, rules.limits)
    flags += date_flags(documents, context.manifest, rules.limits, context.today)
    flags += beneficiary_flags(documents, context.manifest, rules.limits)
    flags += duplicate_flags(claim_id, documents, context.earlier, rules.limits.phash_distance)
    flags += doubtful_flags(documents, rules.straight_through.thresholds(), context.manifest, rules.limits)
    return ClaimFindings(flags, nothing_covered)


def missing_codes(flags: Iterable[Flag]) -> list[str]:
    """The `missing_*` codes among flags (for summaries and tests)."""
    return [
        f.code.value
        for f in flags
        if f.code.value.startswith("missing_")
        and f.code is not FlagCode.MISSING_DATE
        and f.code is not FlagCode.MISSING_TOTAL
        and f.code is not FlagCode.MISSING_CURRENCY
    ]
