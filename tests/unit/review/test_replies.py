"""What each reply brought (review/replies.py), from the claim versions the claim store keeps in history."""

from __future__ import annotations

from datetime import timedelta

from infra.storage import LocalStorage
from intake.claim_store import ClaimStore
from models import DocType
from review.replies import Reply, replies_of
from tests.unit.review.review_claims import NOW, document, invoice, machine_claim


def test_each_reply_lists_the_files_it_added_even_one_named_as_an_earlier_file(tmp_path):
    storage = LocalStorage(tmp_path)
    store = ClaimStore(storage)
    first = machine_claim(invoice())
    store.write(first, None, NOW)
    reply_at = NOW + timedelta(days=2)
    answered = machine_claim(
        invoice(), document("ordonnance.pdf", DocType.PRESCRIPTION, date="2026-11-09"), created_at=NOW
    ).model_copy(update={"replies": (reply_at.isoformat(),)})
    store.write(answered, None, reply_at)
    again_at = reply_at + timedelta(hours=3)
    twice = answered.model_copy(
        update={
            "documents": (*answered.documents, invoice()),  # "facture.pdf" sent again
            "replies": (*answered.replies, again_at.isoformat()),
        }
    )
    store.write(twice, None, again_at)
    assert replies_of(storage, twice) == [Reply(reply_at, ("ordonnance.pdf",)), Reply(again_at, ("facture.pdf",))]
    assert replies_of(storage, first) == []


def test_without_one_kept_version_per_reply_the_replies_are_listed_without_files(tmp_path):
    storage = LocalStorage(tmp_path)
    claim = machine_claim(invoice()).model_copy(update={"replies": ((NOW + timedelta(days=1)).isoformat(),)})
    ClaimStore(storage).write(claim, None, NOW)  # written once: no version before the reply in history
    assert replies_of(storage, claim) == [Reply(NOW + timedelta(days=1), ())]


def test_a_reply_by_e_mail_keeps_its_message_and_the_request_keeps_its_own(tmp_path):
    from models.claim import ReceivedMessage
    from review.replies import exchange_of

    storage = LocalStorage(tmp_path)
    store = ClaimStore(storage)
    asked = ReceivedMessage.of("", "claimant@example.org", "Remboursement", "Ci-joint la facture.")
    first = machine_claim(invoice()).model_copy(update={"received_message": asked})
    store.write(first, None, NOW)
    reply_at = NOW + timedelta(days=2)
    answer = ReceivedMessage.of("", "claimant@example.org", "Re: pièces", "Voici l'ordonnance.")
    answered = machine_claim(
        invoice(), document("ordonnance.pdf", DocType.PRESCRIPTION, date="2026-11-09"), created_at=NOW
    ).model_copy(update={"replies": (reply_at.isoformat(),), "received_message": answer})
    store.write(answered, None, reply_at)
    exchange = exchange_of(storage, answered)
    assert exchange.request_message == asked
    assert exchange.replies == [Reply(reply_at, ("ordonnance.pdf",), answer)]
    uploaded = answered.model_copy(update={"replies": (*answered.replies, (reply_at + timedelta(hours=1)).isoformat())})
    store.write(uploaded, None, reply_at + timedelta(hours=1))  # an extranet reply: the message does not change
    assert exchange_of(storage, uploaded).replies[1].message is None
