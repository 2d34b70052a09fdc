"""The review desk in a real headless browser: Debian's Chromium driven by Playwright (never a
downloaded browser), against `uvicorn` serving the desk over claims the service made from the sample
requests. A manager signs in, resolves a low-confidence total (correct it, dismiss the missing
prescription with a reason, approve) and a missing_prescription claim (ask the claimant, then approve
once the proof is accounted for); the adjudication outbox holds both with the corrections.
Screenshots of the queue and of a claim page go to test-output/review/."""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

import pytest
import uvicorn

from models import Claim
from review.app import DeskConfig, create_app
from tests.review_data import PASSWORDS, accounts
from tests.s3_server import free_port
from validators.rules_file import load_rules

CHROMIUM = os.environ.get("INTAKE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "review"


@pytest.fixture
def desk_url(desk_storage):
    port = free_port()
    app = create_app(DeskConfig(storage=desk_storage, accounts=accounts(), secret="b" * 40, rules=load_rules()))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the desk did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def page():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: `make setup` installs Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="fr-FR")
        yield context.new_page()
        browser.close()


def test_a_manager_resolves_two_flagged_claims_in_the_browser(desk_url, desk_storage, page):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(desk_url + "/")
    assert page.url.startswith(desk_url + "/login")
    page.fill("input[name=account]", "marie")
    page.fill("input[name=password]", PASSWORDS["marie"])
    page.click("button[type=submit]")
    page.wait_for_selector("#queue")
    links = page.locator("a.claim-link")
    assert links.count() == 2
    page.screenshot(path=str(SHOTS / "queue.png"), full_page=True)

    # 1. the claim whose receipt total was read with low confidence
    page.locator("tr", has_text="2").locator("a.claim-link").last.click()
    page.wait_for_selector("figure.page img")
    claim_id = page.inner_text("#claim-id")
    low = page.locator("tr.field-row.low", has=page.locator("th", has_text="total")).first
    assert low.count() == 1
    page.wait_for_load_state("networkidle")  # the page images (rendered on first view)
    page.check("#toggle-words")
    page.wait_for_selector(".box.word")
    page.screenshot(path=str(SHOTS / "claim.png"))
    low.locator("input[name=value]").fill("648,00")
    low.locator("button[type=submit]").click()
    page.wait_for_selector("text=Champ corrigé.")
    assert page.locator("tr.audit-row").count() == 1
    flag = page.locator("tr.flag", has_text="missing_prescription")
    flag.locator("input[name=reason]").fill("Ordonnance reçue par courrier, vue au dossier.")
    flag.locator("button").click()
    page.wait_for_selector("text=Alerte écartée.")
    page.click("#approve")
    page.wait_for_selector("text=Demande approuvée et transmise à la liquidation.")

    handed = Claim.model_validate_json(desk_storage.get_bytes(f"outbox/adjudication/{claim_id}.json"))
    assert handed.status.value == "ready" and handed.review.decision.value == "approved"
    assert any(d.fields["total"].value == "648.00" and d.fields["total"].rule == "review" for d in handed.documents)
    assert [c.corrected_value for c in handed.review.corrections] == ["648.00"]

    # 2. the missing_prescription claim: the approval moved us on to it
    other = page.inner_text("#claim-id")
    assert other != claim_id
    page.fill("#request textarea[name=text]", page.input_value("#request textarea[name=text]") + "\nMerci.")
    page.click("#request button[type=submit]")
    page.wait_for_selector("text=Message déposé pour envoi au demandeur.")
    assert len(desk_storage.list(f"outbox/claimant/{other}/")) == 1
    flag = page.locator("tr.flag", has_text="missing_prescription")
    flag.locator("input[name=reason]").fill("Ordonnance transmise par le pharmacien.")
    flag.locator("button").click()
    page.wait_for_selector("text=Alerte écartée.")
    page.keyboard.press("q")  # keyboard: back to the queue, then the claim again
    page.wait_for_selector("nav[aria-label=views]")
    page.goto(f"{desk_url}/claims/{other}")
    page.click("#approve")
    page.wait_for_selector("text=Demande approuvée et transmise à la liquidation.")
    handed = Claim.model_validate_json(desk_storage.get_bytes(f"outbox/adjudication/{other}.json"))
    assert handed.status.value == "ready" and [d.code for d in handed.review.dismissed_flags] == ["missing_prescription"]
    assert "Aucune demande dans cette vue." in page.content()
