"""What an operator sees in the Prefect UI (Debian's Chromium, headless, Playwright): the runs list of a
real `prefect server start` after a pass over an inbox of two submissions, with the adjudication service
down, shows each claim's run by its claim number with its outcome: the ready claim's run Failed (its
hand-off failed: `handoff:failed`), not Completed; and the other claim, approved on the review desk
afterwards, tagged `decision:approved` / `status:ready`. The screenshot goes to test-output/prefect/
(and, with INTAKE_REVIEW_SCREENSHOTS=docs, to docs/prefect-runs.png for the README)."""

from __future__ import annotations

import json
import os
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

from models import ClaimStatus
from tests.documents import pharmacy_pair

CHROMIUM = os.environ.get("INTAKE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
REPO = Path(__file__).resolve().parents[2]
CARE_DAY = date.today() - timedelta(days=10)


def test_the_runs_list_shows_a_failed_hand_off_as_failed_and_a_desk_approval(tmp_path, monkeypatch, prefect_server):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: `make setup` installs Debian's chromium package")
    from playwright.sync_api import sync_playwright

    from flows.decisions import PrefectDecisions
    from infra.storage.local import LocalStorage
    from models.review import ReviewAction
    from review.accounts import Account, Role
    from review.desk import Desk
    from tests.integration.test_service_flows import watch_once
    from tests.unit.intake.test_handoff import Endpoint
    from validators.rules_file import load_rules

    monkeypatch.setenv("INTAKE_STORAGE", "local")
    monkeypatch.setenv("INTAKE_ROOT", str(tmp_path / "store"))
    monkeypatch.setattr("intake.handoff.BACKOFF_SECONDS", 0.01)
    adjudication = Endpoint(status=503)  # down
    monkeypatch.setenv("INTAKE_ADJUDICATION_URL", adjudication.url)
    storage = LocalStorage(tmp_path / "store")
    pharmacy_pair(tmp_path, 61, 7201, CARE_DAY)
    for name in ("facture.pdf", "ordonnance.pdf"):
        storage.put_bytes(f"inbox/extranet/U-1/{name}", (tmp_path / name).read_bytes())
    storage.put_bytes("inbox/extranet/U-1/manifest.json", b'{"care_types": ["pharmacy"]}')
    storage.put_bytes("inbox/extranet/U-2/facture.pdf", (tmp_path / "facture.pdf").read_bytes())
    storage.put_bytes("inbox/extranet/U-2/manifest.json", b'{"care_types": ["pharmacy"]}')
    try:
        claims = watch_once(storage)
    finally:
        adjudication.close()
    assert len(claims) == 2
    status = {c: json.loads(storage.get_bytes(f"claims/{c}/claim.json"))["status"] for c in claims}
    undelivered = next(c for c in claims if status[c] == "ready")
    to_review = next(c for c in claims if status[c] == "needs_review")

    decisions = PrefectDecisions()  # what `intake review` gives the desk when PREFECT_API_URL is set
    told = []
    desk = Desk(storage, load_rules(), on_decision=lambda *decision: (told.append(decision), decisions(*decision)))
    manager = Account("marie", Role.MANAGER, "$argon2id$unused")
    desk.approve(manager, to_review, desk.load(to_review).version, note="ordonnance vue en agence", confirm="yes")
    decisions.wait()
    decisions.close()
    assert told == [(to_review, ReviewAction.APPROVE, ClaimStatus.READY)]

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
        page.goto(prefect_server.removesuffix("/api") + "/runs", wait_until="domcontentloaded")
        for claim_id in claims:
            page.get_by_text(claim_id).first.wait_for(timeout=60_000)
        page.get_by_text("handoff:failed").first.wait_for(timeout=30_000)
        page.get_by_text("decision:approved").first.wait_for(timeout=30_000)
        failed_row = page.locator(".flow-run-list-item, [class*=flow-run]").filter(has_text=undelivered).first
        failed_row.get_by_text("Failed").first.wait_for(timeout=30_000)  # the run's state, not Completed
        approved_row = page.locator(".flow-run-list-item, [class*=flow-run]").filter(has_text="decision:approved").first
        assert to_review in approved_row.inner_text()
        shots = REPO / "test-output" / "prefect"
        shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shots / "prefect-runs.png"))
        if os.environ.get("INTAKE_REVIEW_SCREENSHOTS") == "docs":
            page.screenshot(path=str(REPO / "docs" / "prefect-runs.png"))
        browser.close()
