"""bench/corrections.py on real labels: claims processed by the service (tests/review_data.py), fields
corrected by a manager on the review desk, then the benchmark replayed as a subprocess on that storage."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

from models import Document
from review.apply import document_key
from review.desk import Desk
from tests.review_data import accounts, build_storage
from validators.rules_file import load_rules

REPO = Path(__file__).resolve().parents[2]
BENCH = REPO / "bench" / "corrections.py"


def dated_document(desk: Desk, storage) -> tuple[str, Document]:
    """A claim (sorted by number) and its first document with a date and a total."""
    claim_ids = sorted(info.key.split("/")[1] for info in storage.list("claims/") if info.key.endswith("/claim.json"))
    for claim_id in claim_ids:
        for document in desk.load(claim_id).current.documents:
            if {"date", "total"} <= document.fields.keys():
                return claim_id, document
    raise AssertionError("no processed claim has a document with a date and a total")


def test_corrections_replayed_against_the_current_code(tmp_path):
    storage = build_storage(tmp_path / "s")
    desk, marie = Desk(storage, load_rules()), accounts()["marie"]
    claim_id, document = dated_document(desk, storage)
    key = document_key(document)
    next_day = (date.fromisoformat(document.fields["date"].value) + timedelta(days=1)).isoformat()
    record = desk.load(claim_id)
    record = desk.correct_field(marie, claim_id, record.version, key, "total", "2.00")
    record = desk.correct_field(marie, claim_id, record.version, key, "total", "1.00")  # corrected twice: the latest counts
    record = desk.correct_field(marie, claim_id, record.version, key, "date", next_day)
    assert len(storage.list(f"labels/corrections/{claim_id}/")) == 3

    run = subprocess.run(
        [sys.executable, str(BENCH), "--root", str(tmp_path / "s"), "--json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr
    stats = json.loads(run.stdout)
    assert (stats["examples"], stats["now_right"], stats["as_machine"], stats["other"], stats["missing"]) == (2, 0, 2, 0, 0)
    assert (stats["fixed"], stats["corrected"], stats["unavailable"]) == (0, 2, 0)
    assert {name: c["as_machine"] for name, c in stats["fields"].items()} == {"date": 1, "total": 1}
