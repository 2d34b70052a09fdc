"""Golden check of the claim checks: each bundled sample request, read through the pipeline with its
manifest.json when it has one, ends with the status and flags its claim.expected.json states."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from intake.pipeline import build_claim, documents_from_outcomes, read_page_outcome
from models.manifest import Manifest
from validators.claim_checks import CheckContext
from validators.claimant_message import claimant_message
from validators.rules_file import load_rules
from validators.upload import check_uploads

REQUESTS = Path(__file__).resolve().parents[2] / "samples" / "requests"
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)  # the samples' care is dated autumn 2026


@pytest.mark.parametrize("request_dir", sorted(p.name for p in REQUESTS.iterdir() if p.is_dir()))
def test_sample_request_claim(request_dir):
    folder = REQUESTS / request_dir
    expected = json.loads((folder / "claim.expected.json").read_text(encoding="utf-8"))
    manifest_file = folder / "manifest.json"
    manifest = Manifest.model_validate_json(manifest_file.read_text(encoding="utf-8")) if manifest_file.exists() else None
    report = check_uploads(sorted(p for p in folder.iterdir() if p.suffix != ".json"))
    documents = [d for u in report.accepted for d in documents_from_outcomes(u, [read_page_outcome(u, n) for n in range(1, u.page_count + 1)])]
    rules = load_rules()
    claim = build_claim(f"CLM-20261123-SAMPL{len(request_dir) % 10}", report, documents, NOW, CheckContext(rules, NOW.date(), manifest))
    codes = {f.code.value for f in claim.all_flags()}
    assert claim.status.value == expected["status"], (claim.status_reason, sorted(codes))
    assert set(expected["flags"]) <= codes, sorted(codes)
    message = claimant_message(claim, rules)
    assert (message is None) == (expected["status"] == "ready")
