"""The desk's decisions told to Prefect (flows/decisions.py) by a background thread: decisions only,
in order, a failure logged by claim number and error name and the rest still told. The Prefect calls
(`announce`) are replaced by a recorder here; tests/integration/test_prefect_ui.py tells a real server."""

from __future__ import annotations

import logging

from flows import decisions
from flows.decisions import DECISIONS, PrefectDecisions, claim_resource
from models import ClaimStatus
from models.review import ReviewAction


def test_decisions_are_told_in_order_and_a_failure_does_not_stop_the_rest(monkeypatch, caplog):
    told = []

    def announce(claim_id: str, action: ReviewAction, status: ClaimStatus) -> None:
        if claim_id == "CLM-20261120-DOWN00":
            raise ConnectionError("no server")
        told.append((claim_id, action, status))

    monkeypatch.setattr(decisions, "announce", announce)
    listener = PrefectDecisions()
    with caplog.at_level(logging.WARNING, logger="flows.decisions"):
        listener("CLM-20261120-AAAAAA", ReviewAction.APPROVE, ClaimStatus.READY)
        listener("CLM-20261120-BBBBBB", ReviewAction.CORRECT_FIELD, ClaimStatus.NEEDS_REVIEW)  # not a decision
        listener("CLM-20261120-DOWN00", ReviewAction.REJECT, ClaimStatus.REJECTED)
        listener("CLM-20261120-CCCCCC", ReviewAction.REQUEST_PROOFS, ClaimStatus.NEEDS_REVIEW)
        listener.wait()
    listener.close()
    assert told == [
        ("CLM-20261120-AAAAAA", ReviewAction.APPROVE, ClaimStatus.READY),
        ("CLM-20261120-CCCCCC", ReviewAction.REQUEST_PROOFS, ClaimStatus.NEEDS_REVIEW),
    ]
    assert "decision on claim CLM-20261120-DOWN00 not told to Prefect (ConnectionError)" in caplog.text


def test_the_events_and_resource_name_the_claim_and_the_decision_only():
    assert {f"intake.claim.{d}" for d in DECISIONS.values()} == {
        "intake.claim.approved",
        "intake.claim.rejected",
        "intake.claim.asked",
    }
    assert claim_resource("CLM-20261120-AAAAAA") == {
        "prefect.resource.id": "intake.claim.CLM-20261120-AAAAAA",
        "prefect.resource.name": "CLM-20261120-AAAAAA",
    }
