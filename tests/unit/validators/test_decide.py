"""The status policy and the claim assembly."""

from datetime import UTC, datetime

from intake.claim_ids import new_claim_id
from intake.pipeline import build_claim
from models import ClaimStatus, DocType, Document, Flag, FlagCode, MediaType, RejectedFile, Severity, UploadReport
from validators.decide import decide_status


def document(*flags: Flag) -> Document:
    return Document(
        file="a.pdf",
        sha256="0" * 64,
        media_type=MediaType.PDF,
        size=10,
        doc_type=DocType.INVOICE,
        doc_type_score=0.9,
        flags=flags,
    )


def flag(severity: Severity) -> Flag:
    return Flag(code=FlagCode.NOT_A4_PORTRAIT, severity=severity, message="m", file="a.pdf", page=1)


def test_policy():
    assert decide_status([], [])[0] is ClaimStatus.REJECTED
    assert decide_status([document()], []) == (ClaimStatus.READY, None)
    assert decide_status([document()], [flag(Severity.INFO)])[0] is ClaimStatus.READY
    assert decide_status([document()], [flag(Severity.WARNING)])[0] is ClaimStatus.NEEDS_REVIEW
    assert decide_status([document()], [flag(Severity.ERROR)])[0] is ClaimStatus.NEEDS_REVIEW
    status, reason = decide_status([document()], [flag(Severity.ERROR)], nothing_covered=True)
    assert status is ClaimStatus.REJECTED and reason.startswith("non pris en charge")


def test_rejected_file_flags_count_for_the_status():
    rejected = RejectedFile(
        index=1,
        file="b.gif",
        size=3,
        sha256=None,
        detected_type="image/gif",
        flags=(Flag(code=FlagCode.UNSUPPORTED_FORMAT, severity=Severity.ERROR, message="b.gif", file="b.gif"),),
    )
    claim = build_claim("CLM-1", UploadReport(rejected=(rejected,)), [document()], datetime(2026, 1, 1, tzinfo=UTC))
    assert claim.status is ClaimStatus.NEEDS_REVIEW and [f.code for f in claim.all_flags()] == [FlagCode.UNSUPPORTED_FORMAT]


def test_nothing_usable_is_rejected_with_a_claim_flag():
    claim = build_claim("CLM-2", UploadReport(), [])
    assert claim.status is ClaimStatus.REJECTED and claim.flags[0].code is FlagCode.NO_DOCUMENT


def test_claim_id_format(tmp_path):
    from infra.storage.local import LocalStorage

    claim_id = new_claim_id(LocalStorage(tmp_path), datetime(2026, 11, 22, tzinfo=UTC))
    assert claim_id.startswith("CLM-20261122-") and len(claim_id) == 19
