"""A claim run's tags: one value per aspect (`status:`, `handoff:`, `decision:`), others kept in order."""

from __future__ import annotations

from flows.run_tags import retagged


def test_an_aspects_tag_is_replaced_and_other_tags_are_kept_in_order():
    tags = ["extranet", "status:needs_review", "reply", "handoff:failed"]
    assert retagged(tags, {"status": "ready", "decision": "approved"}) == [
        "extranet",
        "reply",
        "handoff:failed",
        "status:ready",
        "decision:approved",
    ]
    assert retagged(tags, {"handoff": "delivered"}) == ["extranet", "status:needs_review", "reply", "handoff:delivered"]


def test_a_tag_without_a_colon_is_never_taken_for_an_aspect():
    assert retagged(["status", "email"], {"status": "rejected"}) == ["status", "email", "status:rejected"]
    assert retagged([], {"status": "ready"}) == ["status:ready"]
