"""Golden check: `intake extract` reads the bundled sample requests as their expected.json says."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from intake.pipeline import extract_report
from models import Document, RejectedFile
from validators.upload import check_uploads

REQUESTS = Path(__file__).resolve().parents[2] / "samples" / "requests"


@pytest.mark.parametrize("request_dir", sorted(p.name for p in REQUESTS.iterdir() if p.is_dir()))
def test_sample_request_fields(request_dir):
    folder = REQUESTS / request_dir
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    results = extract_report(check_uploads([folder / name for name in expected]))
    for (name, want), got in zip(expected.items(), results, strict=True):
        assert got.file == name
        flag_codes = {f.code.value for f in got.flags}
        assert set(want.get("flags", [])) <= flag_codes, name
        if "doc_type" not in want:
            assert isinstance(got, RejectedFile) or want["flags"] == ["not_a4_portrait"], name
            continue
        assert isinstance(got, Document) and got.doc_type.value == want["doc_type"], name
        for key in ("date", "total", "currency"):
            if want.get(key) is not None:
                assert key in got.fields and got.fields[key].value == want[key], (name, key)
