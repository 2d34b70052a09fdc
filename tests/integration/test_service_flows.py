"""The service flows against a real (temporary) Prefect server and a real storage: `watch-inbox`
runs one `intake-submission` flow per submission, named after the claim id, tagged with its channel,
COMPLETED, with its summary and flags artifacts; ready claims are handed off over HTTP."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta

import pytest

from samples.generator import fakes
from samples.generator.corpus import generate
from tests.unit.intake.test_handoff import Endpoint

CARE_DAY = date.today() - timedelta(days=10)


@pytest.fixture(scope="module")
def prefect_server():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


def test_watch_inbox_flow_runs_named_after_claims_with_artifacts(tmp_path, monkeypatch, prefect_server):
    from prefect import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterName

    from flows.service import OCR_LIMIT, ensure_ocr_limit, watch_flow
    from infra.storage.local import LocalStorage

    ensure_ocr_limit(1)

    monkeypatch.setenv("INTAKE_STORAGE", "local")
    monkeypatch.setenv("INTAKE_ROOT", str(tmp_path / "store"))
    endpoint = Endpoint()
    monkeypatch.setenv("INTAKE_ADJUDICATION_URL", endpoint.url)
    storage = LocalStorage(tmp_path / "store")
    who = fakes.person(random.Random(31), 1970, 1990)
    generate("pharmacy_invoice", "pdf_text", "clean", 7101, tmp_path / "facture.pdf", patient=who, day=CARE_DAY, third_party=False)
    generate("prescription", "pdf_text", "clean", 7102, tmp_path / "ordonnance.pdf", patient=who, day=CARE_DAY)
    for name in ("facture.pdf", "ordonnance.pdf"):
        storage.put_bytes(f"inbox/extranet/S-9/{name}", (tmp_path / name).read_bytes())
    storage.put_bytes("inbox/extranet/S-9/manifest.json", b'{"care_types": ["pharmacy"]}')
    try:
        (claim_id,) = watch_flow(quiet_seconds=120)
        assert watch_flow(quiet_seconds=120) == []  # exactly once
    finally:
        endpoint.close()
    assert json.loads(storage.get_bytes(f"claims/{claim_id}/claim.json"))["status"] == "ready"
    assert [body["claim_id"] for _, body in endpoint.received] == [claim_id]

    import asyncio

    async def runs_and_artifacts():
        async with get_client() as client:
            runs = await client.read_flow_runs(flow_run_filter=FlowRunFilter(name=FlowRunFilterName(any_=[claim_id])))
            artifacts = await client.read_artifacts()
            limit = await client.read_global_concurrency_limit_by_name(OCR_LIMIT)
            return runs, artifacts, limit

    runs, artifacts, limit = asyncio.run(runs_and_artifacts())
    assert limit.limit == 1 and limit.active_slots == 0  # the limit exists, and no slot is left held after the runs
    assert len(runs) == 1 and runs[0].state.is_completed() and "extranet" in runs[0].tags
    keys = {a.key for a in artifacts if a.flow_run_id == runs[0].id}
    assert {f"{claim_id.lower()}-summary", f"{claim_id.lower()}-flags"} <= keys
