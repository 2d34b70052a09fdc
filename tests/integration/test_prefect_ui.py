"""What an operator sees in the Prefect UI (Debian's Chromium, headless, Playwright): the runs list of a
real `prefect server start` after a pass over an inbox of two submissions shows each claim's run by its
claim number with its outcome tag. The screenshot goes to test-output/prefect/ (and, with
INTAKE_REVIEW_SCREENSHOTS=docs, to docs/prefect-runs.png for the README)."""

from __future__ import annotations

import os
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.documents import pharmacy_pair

CHROMIUM = os.environ.get("INTAKE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
REPO = Path(__file__).resolve().parents[2]
CARE_DAY = date.today() - timedelta(days=10)


def test_the_runs_list_shows_each_claims_run_with_its_outcome(tmp_path, monkeypatch, prefect_server):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: `make setup` installs Debian's chromium package")
    from playwright.sync_api import sync_playwright

    from flows.service import watch_flow
    from infra.storage.local import LocalStorage

    monkeypatch.setenv("INTAKE_STORAGE", "local")
    monkeypatch.setenv("INTAKE_ROOT", str(tmp_path / "store"))
    monkeypatch.delenv("INTAKE_ADJUDICATION_URL", raising=False)
    storage = LocalStorage(tmp_path / "store")
    pharmacy_pair(tmp_path, 61, 7201, CARE_DAY)
    for name in ("facture.pdf", "ordonnance.pdf"):
        storage.put_bytes(f"inbox/extranet/U-1/{name}", (tmp_path / name).read_bytes())
    storage.put_bytes("inbox/extranet/U-1/manifest.json", b'{"care_types": ["pharmacy"]}')
    storage.put_bytes("inbox/extranet/U-2/facture.pdf", (tmp_path / "facture.pdf").read_bytes())
    storage.put_bytes("inbox/extranet/U-2/manifest.json", b'{"care_types": ["pharmacy"]}')
    claims = watch_flow(quiet_seconds=120)
    assert len(claims) == 2

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
        page.get_by_text("status:needs_review").first.wait_for(timeout=30_000)
        shots = REPO / "test-output" / "prefect"
        shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shots / "prefect-runs.png"))
        if os.environ.get("INTAKE_REVIEW_SCREENSHOTS") == "docs":
            page.screenshot(path=str(REPO / "docs" / "prefect-runs.png"))
        browser.close()
