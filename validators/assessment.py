"""The one claim assessment, used by the intake (a new claim, a reply completing one) and by the review
desk (a claim re-checked after a correction): every claim-level flag recomputed from everything the
claim holds, the flags no re-check can recompute carried over, the bills summed in euros once, and
the status.

Carried flags are what happened on *receiving* the claim's submissions (a file over its size cap or
with an unusable name, an invalid declaration, an unexpected object, a failure of the intake itself, a
quoted claim number not on file) and what depends on the service's history at the time (a duplicate
of an earlier claim's document). A later submission or a correction never erases them: two received
files that were never read keep a claim from going to adjudication unseen.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from models import ClaimStatus, Document, Flag, FlagCode, RejectedFile
from models.money import EuroTotal
from validators.claim_checks import CheckContext, claim_flags
from validators.consistency import claim_bills
from validators.decide import decide_status
from validators.exchange import euro_total
from validators.flag_wording import make_flag

CARRIED = frozenset(
    {
        FlagCode.FILE_TOO_LARGE,
        FlagCode.INVALID_NAME,
        FlagCode.INVALID_MANIFEST,
        FlagCode.UNEXPECTED_OBJECT,
        FlagCode.PROCESSING_FAILED,
        FlagCode.UNKNOWN_CLAIM,
        FlagCode.DUPLICATE_DOCUMENT,
    }
)


@dataclass(frozen=True)
class Assessment:
    """The claim-level flags, whether nothing received is covered, and the bills' total in euros."""

    flags: tuple[Flag, ...]
    nothing_covered: bool
    total_eur: EuroTotal | None


def carried_flags(*groups: Iterable[Flag]) -> list[Flag]:
    """The carried flags among `groups` (earlier versions' flags, the new submission's receiving flags),
    in order, each once."""
    kept: list[Flag] = []
    for flag in (f for group in groups for f in group):
        if flag.code in CARRIED and flag not in kept:
            kept.append(flag)
    return kept


def assess(claim_id: str, documents: Sequence[Document], carried: Sequence[Flag], context: CheckContext) -> Assessment:
    """Every claim-level check over `documents` (already in euros), after the `carried` flags."""
    flags = list(carried)
    nothing_covered = False
    if not documents:
        if not any(f.code is FlagCode.PROCESSING_FAILED for f in flags):  # not the claimant's doing: no "nothing usable"
            flags.append(make_flag(FlagCode.NO_DOCUMENT))
    else:
        findings = claim_flags(claim_id, documents, context)
        flags += [f for f in findings.flags if f not in flags]
        nothing_covered = findings.nothing_covered
    return Assessment(tuple(flags), nothing_covered, euro_total(claim_bills(documents)))


def status_of(
    documents: Sequence[Document],
    claim_level: Sequence[Flag],
    rejected: Sequence[RejectedFile],
    nothing_covered: bool,
    context: CheckContext,
) -> tuple[ClaimStatus, str | None]:
    """The status from every flag of the claim: claim-level, each document's, each refused file's."""
    every_flag = [*claim_level, *(f for d in documents for f in d.flags), *(f for r in rejected for f in r.flags)]
    return decide_status(documents, every_flag, nothing_covered, context.rules.not_covered)
