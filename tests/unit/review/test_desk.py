"""review.desk: each manager's action as one audit event and its effect on a real local storage
(labelled corrections, messages to the claimant, the adjudication outbox)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from infra.storage import LocalStorage
from models import Claim, ClaimStatus
from models.review import Decision, ReviewAction
from review.desk import BadRequest, Desk, NotAllowed, Unchanged
from review.field_values import InvalidValue
from review.store import Conflict, UnknownClaim
from tests.unit.review.review_claims import (
    CLAIM_ID,
    MANAGER,
    NOW,
    OPERATOR,
    OTHER_ID,
    OTHER_MANAGER,
    RULES,
    event,
    pharmacy_claim,
    put_claim,
    read_json,
    ready_claim,
)

INVOICE = "facture.pdf#0"
# words of the French wording that no English message holds
FRENCH_WORDS = re.compile(r"\b(Bonjour|Votre|demande|Merci|Cordialement|ordonnance|remboursement|nous|pièces?)\b", re.IGNORECASE)
PRESCRIPTION = "ordonnance.pdf#0"
MISSING_PRESCRIPTION = "missing_prescription:-:0:1"


class Clock:
    def __init__(self) -> None:
        self.now = NOW + timedelta(hours=2)

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


@pytest.fixture
def storage(tmp_path) -> LocalStorage:
    storage = LocalStorage(tmp_path)
    put_claim(storage, pharmacy_claim())
    storage.put_bytes(f"claims/{CLAIM_ID}/originals/facture.pdf", b"%PDF-1.7 facture")
    storage.put_bytes(f"claims/{CLAIM_ID}/originals/ordonnance.pdf", b"%PDF-1.7 ordonnance")
    return storage


@pytest.fixture
def desk(storage) -> Desk:
    return Desk(storage, RULES, clock=Clock())


def version(desk: Desk, claim_id: str = CLAIM_ID) -> str:
    return desk.load(claim_id).version


def keys(storage: LocalStorage, prefix: str) -> list[str]:
    return [info.key for info in storage.list(prefix)]


def written(storage: LocalStorage) -> list[str]:
    """Everything the desk may write (the audit trail, labels, outboxes)."""
    return keys(storage, f"claims/{CLAIM_ID}/review/") + keys(storage, "labels/") + keys(storage, "outbox/")


# -- who may act ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "act",
    [
        lambda d, v: d.correct_field(OPERATOR, CLAIM_ID, v, INVOICE, "total", "54,30"),
        lambda d, v: d.set_doc_type(OPERATOR, CLAIM_ID, v, PRESCRIPTION, "prescription"),
        lambda d, v: d.dismiss_flag(OPERATOR, CLAIM_ID, v, MISSING_PRESCRIPTION, "vue"),
        lambda d, v: d.request_proofs(OPERATOR, CLAIM_ID, v, "Votre demande", "Envoyez l'ordonnance"),
        lambda d, v: d.approve(OPERATOR, CLAIM_ID, v),
        lambda d, v: d.reject(OPERATOR, CLAIM_ID, v, "hors délai"),
    ],
    ids=["correct_field", "set_doc_type", "dismiss_flag", "request_proofs", "approve", "reject"],
)
def test_an_operator_may_not_act(desk, storage, act):
    with pytest.raises(NotAllowed, match="read_only"):
        act(desk, version(desk))
    assert written(storage) == []


def test_an_operator_may_read(desk):
    assert desk.load(CLAIM_ID).machine.claim_id == CLAIM_ID


def test_acting_on_an_unknown_claim(desk):
    with pytest.raises(UnknownClaim):
        desk.approve(MANAGER, OTHER_ID, "x.0")


# -- correcting fields ----------------------------------------------------------------------------
def test_correct_field_writes_a_labelled_example(desk, storage):
    record = desk.correct_field(MANAGER, CLAIM_ID, version(desk), INVOICE, "total", "54,30")
    [event] = record.events
    assert (event.seq, event.action, event.by, event.document, event.field, event.before, event.after) == (
        1,
        ReviewAction.CORRECT_FIELD,
        "marie",
        INVOICE,
        "total",
        "45.30",
        "54.30",
    )
    label = read_json(storage, f"labels/corrections/{CLAIM_ID}/000001.json")
    assert label["machine_value"] == "45.30"
    assert label["corrected_value"] == "54.30"
    assert (label["claim_id"], label["document"], label["file"], label["field"], label["seq"], label["by"]) == (
        CLAIM_ID,
        INVOICE,
        "facture.pdf",
        "total",
        1,
        "marie",
    )
    assert label["machine_doc_type"] == "invoice" and label["machine_raw"] == "45.30" and label["machine_confidence"] == 0.99
    assert label["original"] == f"claims/{CLAIM_ID}/originals/facture.pdf"
    assert storage.get_bytes(label["original"]) == b"%PDF-1.7 facture"  # the label points at the received file
    assert label["sha256"] == desk.load(CLAIM_ID).machine.documents[0].sha256
    current = record.current.documents[0].fields["total"]
    assert (current.value, current.confidence, current.rule) == ("54.30", 1.0, "review")


def test_correcting_a_field_the_machine_missed_labels_it_with_no_machine_value(desk, storage):
    desk.correct_field(MANAGER, CLAIM_ID, version(desk), INVOICE, "practitioner", "Dr Martin")
    label = read_json(storage, f"labels/corrections/{CLAIM_ID}/000001.json")
    assert (label["field"], label["machine_value"], label["machine_raw"], label["corrected_value"]) == (
        "practitioner",
        None,
        None,
        "Dr Martin",
    )


def test_an_invalid_value_raises_and_writes_nothing(desk, storage):
    seen = version(desk)
    with pytest.raises(InvalidValue) as caught:
        desk.correct_field(MANAGER, CLAIM_ID, seen, INVOICE, "date", "31/02/2026")
    assert (caught.value.code, caught.value.value) == ("impossible_date", "31/02/2026")  # the form is right, the day is not
    with pytest.raises(InvalidValue) as caught:
        desk.correct_field(MANAGER, CLAIM_ID, seen, INVOICE, "date", "hier")
    assert (caught.value.code, caught.value.value) == ("invalid_date", "hier")
    assert written(storage) == []
    assert version(desk) == seen


def test_the_same_value_is_unchanged_and_adds_no_event(desk, storage):
    seen = version(desk)
    with pytest.raises(Unchanged):
        desk.correct_field(MANAGER, CLAIM_ID, seen, INVOICE, "total", "45,30")  # the value read, typed again
    assert version(desk) == seen and desk.load(CLAIM_ID).events == ()
    assert written(storage) == []


@pytest.mark.parametrize(
    "document, field, error",
    [
        ("absent.pdf#0", "total", "unknown_document"),
        (INVOICE, "", "unknown_field"),
        (INVOICE, "../total", "unknown_field"),
        (INVOICE, "to tal", "unknown_field"),
    ],
)
def test_correcting_nothing_on_the_claim_is_a_bad_request(desk, storage, document, field, error):
    with pytest.raises(BadRequest, match=error):
        desk.correct_field(MANAGER, CLAIM_ID, version(desk), document, field, "45,30")
    assert written(storage) == []


def test_correcting_from_a_stale_form_is_a_conflict(desk):
    seen = version(desk)
    desk.correct_field(OTHER_MANAGER, CLAIM_ID, seen, INVOICE, "total", "50,00")
    with pytest.raises(Conflict):
        desk.correct_field(MANAGER, CLAIM_ID, seen, INVOICE, "date", "11/11/2026")


def test_set_doc_type_labels_the_type_and_clears_the_missing_proof(desk, storage):
    record = desk.set_doc_type(MANAGER, CLAIM_ID, version(desk), PRESCRIPTION, "prescription")
    label = read_json(storage, f"labels/corrections/{CLAIM_ID}/000001.json")
    assert (label["field"], label["machine_value"], label["corrected_value"]) == ("doc_type", "other", "prescription")
    assert record.current.all_flags() == []
    assert record.current.status is ClaimStatus.READY


def test_set_doc_type_refuses_an_unknown_type_and_ignores_the_same_type(desk, storage):
    with pytest.raises(BadRequest, match="unknown_doc_type"):
        desk.set_doc_type(MANAGER, CLAIM_ID, version(desk), PRESCRIPTION, "ordonnance")
    with pytest.raises(Unchanged):
        desk.set_doc_type(MANAGER, CLAIM_ID, version(desk), PRESCRIPTION, "other")
    assert desk.load(CLAIM_ID).events == ()
    assert written(storage) == []


# -- flags ----------------------------------------------------------------------------------------
def test_dismiss_flag(desk):
    record = desk.dismiss_flag(MANAGER, CLAIM_ID, version(desk), MISSING_PRESCRIPTION, "  ordonnance au dos de la facture ")
    [event] = record.events
    assert (event.flag, event.reason) == (MISSING_PRESCRIPTION, "ordonnance au dos de la facture")
    assert event.before.startswith("Pièce manquante")  # the flag's message, as the manager saw it
    assert record.current.all_flags() == []
    assert record.current.review.dismissed_flags[0].key == MISSING_PRESCRIPTION


def test_dismiss_flag_with_an_unknown_key_is_a_bad_request(desk, storage):
    with pytest.raises(BadRequest, match="unknown_flag"):
        desk.dismiss_flag(MANAGER, CLAIM_ID, version(desk), "missing_prescription:-:0:2", "vue")
    assert written(storage) == []


def test_dismiss_flag_needs_a_reason(desk, storage):
    with pytest.raises(BadRequest, match="reason_required"):
        desk.dismiss_flag(MANAGER, CLAIM_ID, version(desk), MISSING_PRESCRIPTION, "   ")
    assert written(storage) == []


def test_a_dismissed_flag_cannot_be_dismissed_twice(desk):
    desk.dismiss_flag(MANAGER, CLAIM_ID, version(desk), MISSING_PRESCRIPTION, "vue")
    with pytest.raises(BadRequest, match="unknown_flag"):
        desk.dismiss_flag(MANAGER, CLAIM_ID, version(desk), MISSING_PRESCRIPTION, "vue")


# -- asking for proofs ----------------------------------------------------------------------------
def test_draft_request_names_the_missing_prescription(desk):
    subject, text = desk.draft_request(desk.load(CLAIM_ID))
    assert CLAIM_ID in subject
    assert text.strip()
    assert "ordonnance" in text and CLAIM_ID in text


def test_draft_request_is_in_the_claimants_language_only_and_the_other_on_request(storage):
    from models.manifest import Manifest

    put_claim(storage, pharmacy_claim(claim_id=OTHER_ID, declared=Manifest(language="en")))
    desk = Desk(storage, RULES, clock=Clock())
    subject, text = desk.draft_request(desk.load(OTHER_ID))
    assert subject == f"Your reimbursement request {OTHER_ID}: documents needed"
    assert text.startswith("Hello,") and "prescription" in text and text.rstrip().endswith("The reimbursement department")
    assert not FRENCH_WORDS.search(subject + text), FRENCH_WORDS.findall(subject + text)  # no French at all
    subject, text = desk.draft_request(desk.load(OTHER_ID), both=True)
    assert subject.startswith("Your reimbursement request") and " / Votre demande de remboursement" in subject
    assert text.index("Hello,") < text.index("Bonjour,") and "ordonnance" in text


def test_an_email_claimants_language_is_the_one_their_email_is_written_in(storage):
    from models.claim import ReceivedMessage

    message = ReceivedMessage.of(
        "A. Smith", "a@example.org", "My prescription", "Hello, please find attached my invoice. Thank you"
    )
    put_claim(storage, pharmacy_claim(claim_id=OTHER_ID).model_copy(update={"received_message": message}))
    desk = Desk(storage, RULES, clock=Clock())
    subject, text = desk.draft_request(desk.load(OTHER_ID))
    assert subject.startswith("Your reimbursement request") and text.startswith("Hello,")
    subject, text = desk.draft_request(desk.load(CLAIM_ID))  # a form without a language: French
    assert subject.startswith("Votre demande de remboursement") and text.startswith("Bonjour,")


def test_a_claim_with_nothing_to_ask_has_no_draft_text_but_its_subject(storage):
    """Regression: a ready claim's draft said "nous devons vérifier les points suivants :" over an empty list."""
    put_claim(storage, ready_claim())
    desk = Desk(storage, RULES, clock=Clock())
    assert desk.draft_request(desk.load(OTHER_ID)) == (f"Votre demande de remboursement {OTHER_ID} : pièces à compléter", "")


def test_request_proofs_writes_the_message_for_the_claimant(desk, storage):
    record = desk.request_proofs(MANAGER, CLAIM_ID, version(desk), " Votre demande ", " Merci d'envoyer l'ordonnance. ")
    [event] = record.events
    assert (event.action, event.reason) == (ReviewAction.REQUEST_PROOFS, "Merci d'envoyer l'ordonnance.")
    message = read_json(storage, f"outbox/claimant/{CLAIM_ID}/000001.json")
    assert message == {
        "claim_id": CLAIM_ID,
        "kind": "request_proofs",
        "subject": "Votre demande",
        "text": "Merci d'envoyer l'ordonnance.",
        "written_at": event.at.isoformat(),
        "by": "marie",
    }
    assert record.current.review.proofs_requested_at == (event.at,)
    assert not record.decided  # still open: the claimant has the next move


@pytest.mark.parametrize("subject, text", [("", "texte"), ("sujet", "  "), ("", "")])
def test_request_proofs_needs_a_subject_and_a_text(desk, storage, subject, text):
    with pytest.raises(BadRequest, match="message_required"):
        desk.request_proofs(MANAGER, CLAIM_ID, version(desk), subject, text)
    assert written(storage) == []


# -- deciding -------------------------------------------------------------------------------------
def test_approve_hands_the_reviewed_claim_to_adjudication(desk, storage):
    record = desk.correct_field(MANAGER, CLAIM_ID, version(desk), INVOICE, "total", "54,30")
    record = desk.approve(MANAGER, CLAIM_ID, record.version, note="  ordonnance vue en agence ", confirm="yes")
    assert record.decided
    claim = Claim.model_validate_json(storage.get_bytes(f"outbox/adjudication/{CLAIM_ID}.json"))
    assert claim.review.decision is Decision.APPROVED
    assert claim.review.decided_by == "marie"
    assert claim.status is ClaimStatus.READY
    assert claim.status_reason == "approuvée par marie : ordonnance vue en agence"
    assert claim.documents[0].fields["total"].value == "54.30"
    [correction] = claim.review.corrections
    assert (correction.field, correction.machine_value, correction.corrected_value) == ("total", "45.30", "54.30")
    assert claim == record.current


def test_reject_needs_a_reason(desk, storage):
    with pytest.raises(BadRequest, match="reason_required"):
        desk.reject(MANAGER, CLAIM_ID, version(desk), "  ")
    assert written(storage) == []


def test_reject_tells_the_claimant_why(desk, storage):
    record = desk.reject(MANAGER, CLAIM_ID, version(desk), " soins hors délai ")
    assert (record.current.status, record.current.status_reason) == (ClaimStatus.REJECTED, "soins hors délai")
    message = read_json(storage, f"outbox/claimant/{CLAIM_ID}/000001.json")
    assert (message["kind"], message["subject"], message["by"]) == (
        "rejection",
        f"Votre demande de remboursement {CLAIM_ID}",
        "marie",
    )
    assert message["text"] == (
        "Bonjour,\n\nAprès examen, nous ne pouvons pas donner une suite favorable à votre demande de remboursement "
        f"n° {CLAIM_ID}, pour la raison suivante :\n\nsoins hors délai\n\nCordialement,\nLe service des remboursements\n"
    )
    assert not storage.exists(f"outbox/adjudication/{CLAIM_ID}.json")  # nothing for adjudication


def test_an_english_claimants_rejection_is_in_english_only(storage):
    from models.manifest import Manifest

    put_claim(storage, pharmacy_claim(claim_id=OTHER_ID, declared=Manifest(language="en")))
    desk = Desk(storage, RULES, clock=Clock())
    desk.reject(MANAGER, OTHER_ID, version(desk, OTHER_ID), "care received after the policy ended")
    message = read_json(storage, f"outbox/claimant/{OTHER_ID}/000001.json")
    assert message["subject"] == f"Your reimbursement request {OTHER_ID}"
    assert message["text"].startswith("Hello,\n\nAfter review, we cannot accept your reimbursement request")
    assert "care received after the policy ended" in message["text"] and not FRENCH_WORDS.search(message["text"])


@pytest.mark.parametrize(
    "decide",
    [
        lambda d, v: d.approve(MANAGER, CLAIM_ID, v, note="vue en agence", confirm="yes"),
        lambda d, v: d.reject(MANAGER, CLAIM_ID, v, "hors délai"),
    ],
    ids=["approved", "rejected"],
)
@pytest.mark.parametrize(
    "act",
    [
        lambda d, v: d.correct_field(MANAGER, CLAIM_ID, v, INVOICE, "total", "54,30"),
        lambda d, v: d.set_doc_type(MANAGER, CLAIM_ID, v, PRESCRIPTION, "prescription"),
        lambda d, v: d.dismiss_flag(OTHER_MANAGER, CLAIM_ID, v, MISSING_PRESCRIPTION, "vue"),
        lambda d, v: d.request_proofs(MANAGER, CLAIM_ID, v, "Votre demande", "Envoyez l'ordonnance"),
        lambda d, v: d.approve(OTHER_MANAGER, CLAIM_ID, v, note="vue en agence", confirm="yes"),
        lambda d, v: d.reject(MANAGER, CLAIM_ID, v, "hors délai"),
    ],
    ids=["correct_field", "set_doc_type", "dismiss_flag", "request_proofs", "approve", "reject"],
)
def test_a_decided_claim_is_closed(desk, storage, decide, act):
    decide(desk, version(desk))
    before = written(storage)
    with pytest.raises(NotAllowed, match="claim_closed"):
        act(desk, version(desk))
    assert written(storage) == before
    assert len(desk.load(CLAIM_ID).events) == 1


def test_two_managers_deciding_from_the_same_page_one_wins(desk, storage):
    seen = version(desk)
    desk.approve(MANAGER, CLAIM_ID, seen, note="vue en agence", confirm="yes")
    with pytest.raises(NotAllowed):  # the second sees a closed claim
        desk.reject(OTHER_MANAGER, CLAIM_ID, seen, "hors délai")
    assert not storage.list(f"outbox/claimant/{CLAIM_ID}/")


def test_the_events_carry_the_clock_time(desk):
    record = desk.dismiss_flag(MANAGER, CLAIM_ID, version(desk), MISSING_PRESCRIPTION, "vue")
    assert record.events[0].at == NOW + timedelta(hours=2, minutes=1)
    assert record.events[0].at.tzinfo is not None


def test_default_clock_is_utc(storage):
    desk = Desk(storage, RULES)
    record = desk.dismiss_flag(MANAGER, CLAIM_ID, desk.load(CLAIM_ID).version, MISSING_PRESCRIPTION, "vue")
    assert record.events[0].at.utcoffset() == UTC.utcoffset(None)


# -- the queue's index ----------------------------------------------------------------------------
def test_each_action_rewrites_the_claims_row_in_the_index(desk):
    index = desk.store.index
    record = desk.correct_field(MANAGER, CLAIM_ID, version(desk), INVOICE, "total", "54,30")
    row = index.claim(CLAIM_ID)
    assert (row.version, row.updated_at, row.view) == (record.version, record.events[-1].at, "to_review")
    assert row.totals == (("54.30", "EUR"),) and row.flag_codes == ("missing_prescription",)
    record = desk.request_proofs(MANAGER, CLAIM_ID, record.version, "Votre demande", "Envoyez l'ordonnance")
    assert (index.claim(CLAIM_ID).version, index.claim(CLAIM_ID).view) == (record.version, "waiting")
    assert index.counts()["views"]["waiting"] == 1 and index.backlog() == 0


def test_dismissing_the_last_flag_takes_the_claim_out_of_the_queue(desk):
    record = desk.dismiss_flag(MANAGER, CLAIM_ID, version(desk), MISSING_PRESCRIPTION, "vue")
    row = desk.store.index.claim(CLAIM_ID)
    assert (row.version, row.view, row.status, row.flag_codes) == (record.version, "done", "ready", ())
    assert desk.store.index.undelivered()[0][0] == CLAIM_ID  # ready: in the adjudication outbox


def test_a_decision_leaves_the_queue_and_the_next_claim_is_the_first_to_review(desk, storage):
    put_claim(storage, pharmacy_claim(OTHER_ID, created_at=NOW + timedelta(days=1)))
    desk.read(OTHER_ID)  # written behind the index's back: opening it indexes it
    desk.read(CLAIM_ID)
    assert desk.store.index.backlog() == 2 and desk.neighbours(CLAIM_ID) == (None, OTHER_ID)
    record = desk.approve(MANAGER, CLAIM_ID, version(desk), note="vue en agence", confirm="yes")
    row = desk.store.index.claim(CLAIM_ID)
    assert (row.view, row.status, row.decision, row.version) == ("decided", "ready", "approved", record.version)
    assert desk.store.index.backlog() == 1
    assert desk.neighbours(CLAIM_ID) == (None, OTHER_ID)  # no longer to review: the queue's first
    assert desk.neighbours(CLAIM_ID, "decided") == (None, None)


def test_reading_repairs_a_row_an_interrupted_action_left_behind(desk):
    desk.read(CLAIM_ID)
    before = desk.store.index.claim(CLAIM_ID)
    # the audit event written, the index not (a crash between the two)
    record = desk.store.append(CLAIM_ID, before.version, event(0, ReviewAction.REJECT, reason="hors délai"))
    assert desk.store.index.claim(CLAIM_ID).version == before.version
    assert desk.read(CLAIM_ID).version == record.version
    assert (desk.store.index.claim(CLAIM_ID).view, desk.store.index.backlog()) == ("decided", 0)


# -- decisions told to a listener (flows/decisions.py tells Prefect) ---------------------------------
def test_each_decision_is_told_to_the_listener_after_it_is_recorded_and_nothing_else_is(storage):
    told: list[tuple[str, ReviewAction, ClaimStatus]] = []
    desk = Desk(storage, RULES, clock=Clock(), on_decision=lambda *decision: told.append(decision))
    record = desk.correct_field(MANAGER, CLAIM_ID, version(desk), INVOICE, "total", "54,30")
    assert told == []  # a correction is no decision
    record = desk.request_proofs(MANAGER, CLAIM_ID, record.version, "Votre demande", "Merci d'envoyer l'ordonnance.")
    record = desk.dismiss_flag(MANAGER, CLAIM_ID, record.version, MISSING_PRESCRIPTION, "vue en agence")
    assert len(told) == 1  # nor is a dismissed flag
    desk.approve(MANAGER, CLAIM_ID, record.version)  # no blocking flag left: no reason needed
    assert told == [
        (CLAIM_ID, ReviewAction.REQUEST_PROOFS, ClaimStatus.NEEDS_REVIEW),
        (CLAIM_ID, ReviewAction.APPROVE, ClaimStatus.READY),
    ]
    put_claim(storage, pharmacy_claim(claim_id=OTHER_ID))
    desk.reject(MANAGER, OTHER_ID, version(desk, OTHER_ID), "hors garantie")
    assert told[-1] == (OTHER_ID, ReviewAction.REJECT, ClaimStatus.REJECTED)


def test_a_failing_listener_never_undoes_nor_fails_a_recorded_decision(storage, caplog):
    def down(*_decision: object) -> None:
        raise ConnectionError("Prefect is down")

    desk = Desk(storage, RULES, clock=Clock(), on_decision=down)
    record = desk.approve(MANAGER, CLAIM_ID, version(desk), note="vue en agence", confirm="yes")
    assert record.decided and storage.exists(f"outbox/adjudication/{CLAIM_ID}.json")
    assert f"decision on claim {CLAIM_ID} not announced (ConnectionError)" in caplog.text


# -- approving over a blocking flag ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("note", "confirm"), [("", ""), ("ordonnance vue en agence", ""), ("", "yes"), ("   ", "yes"), ("vue", "on")]
)
def test_a_blocking_flag_is_not_approved_over_without_confirmation_and_a_reason(desk, storage, note, confirm):
    with pytest.raises(BadRequest, match="blocking_flags"):
        desk.approve(MANAGER, CLAIM_ID, version(desk), note=note, confirm=confirm)
    assert written(storage) == [] and not desk.load(CLAIM_ID).decided


def test_approving_over_a_blocking_flag_keeps_the_reason_and_the_flags_in_the_audit(desk):
    record = desk.approve(MANAGER, CLAIM_ID, version(desk), note="ordonnance vue en agence", confirm="yes")
    event = record.events[-1]
    assert (event.action, event.reason, event.flag) == (ReviewAction.APPROVE, "ordonnance vue en agence", MISSING_PRESCRIPTION)
    assert record.current.review.reason == "ordonnance vue en agence"


def test_a_claim_without_blocking_flags_is_approved_without_a_reason(storage):
    desk = Desk(storage, RULES, clock=Clock())
    put_claim(storage, ready_claim())
    record = desk.approve(MANAGER, OTHER_ID, version(desk, OTHER_ID))
    assert record.decided and record.events[-1].flag is None


# -- a document's fields corrected in one form -----------------------------------------------------
def test_a_documents_form_records_one_correction_per_changed_field(desk, storage):
    record = desk.load(CLAIM_ID)
    invoice_fields = next(d for d in record.current.documents if d.file == "facture.pdf").fields
    values = {name: field.value for name, field in invoice_fields.items()}  # everything as shown...
    values |= {"total": "54,30", "date": "01/10/2026", "total_eur": "999", "practitioner": ""}  # ...two changes
    updated = desk.correct_fields(MANAGER, CLAIM_ID, record.version, INVOICE, values)
    changed = sorted((e.field, e.after) for e in updated.events)
    assert changed == [("date", "2026-10-01"), ("total", "54.30")]  # the derived euro total and an empty new field ignored
    assert len(storage.list("labels/")) == 2
    with pytest.raises(Unchanged):
        desk.correct_fields(MANAGER, CLAIM_ID, updated.version, INVOICE, {"total": "54.30"})


def test_one_value_that_does_not_fit_records_nothing_and_names_its_field(desk, storage):
    with pytest.raises(InvalidValue) as raised:
        desk.correct_fields(MANAGER, CLAIM_ID, version(desk), INVOICE, {"total": "54,30", "date": "31/02/2026"})
    assert (raised.value.field, raised.value.value) == ("date", "31/02/2026")
    assert written(storage) == []
