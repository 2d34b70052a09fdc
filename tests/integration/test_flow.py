"""The Prefect flow against Prefect's test harness (a real temporary server), and the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from samples.generator import malformed as mf
from tests import documents as docs

REPO = Path(__file__).resolve().parents[2]


def run_flow(tmp_path: Path, files: list[Path], claim_id: str):
    """The `process_claim` flow on `files`, writing to a claim store in tmp_path/store."""
    from flows.process_claim import run_process_claim
    from infra.storage.local import LocalStorage
    from intake.claim_store import ClaimStore, ReceivedFile
    from intake.request import Received
    from validators.rules_file import load_rules

    received = Received(claim_id, tuple(ReceivedFile(f.name, f.read_bytes()) for f in files))
    return run_process_claim(received, ClaimStore(LocalStorage(tmp_path / "store")), load_rules())


def test_process_claim_flow_run_is_named_after_the_claim(tmp_path, prefect_server):
    from prefect import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterName

    from models import ClaimStatus, FlagCode

    invoice = docs.invoice_pdf(tmp_path / "invoice.pdf")
    scan = docs.scanned_pdf(invoice, tmp_path / "scan.pdf")
    claim = run_flow(tmp_path, [invoice, scan, mf.gif(tmp_path / "x.gif")], "CLM-20211012-TEST01")
    assert claim.claim_id == "CLM-20211012-TEST01"
    assert [d.file for d in claim.documents] == ["invoice.pdf", "scan.pdf"]
    assert all(d.fields["total"].value == "17.05" for d in claim.documents)
    assert [r.file for r in claim.rejected_files] == ["x.gif"]
    assert claim.rejected_files[0].flags[0].code is FlagCode.UNSUPPORTED_FORMAT
    assert claim.status is ClaimStatus.NEEDS_REVIEW

    async def runs():
        async with get_client() as client:
            return await client.read_flow_runs(
                flow_run_filter=FlowRunFilter(name=FlowRunFilterName(any_=["CLM-20211012-TEST01"]))
            )

    import asyncio

    (run,) = asyncio.run(runs())
    assert run.state.is_completed()
    assert "status:needs_review" in run.tags  # its outcome, as on the service's runs


def test_all_files_rejected_makes_a_rejected_claim(tmp_path, prefect_server):
    from models import ClaimStatus

    claim = run_flow(tmp_path, [mf.empty(tmp_path / "a.pdf")], "CLM-20211012-TEST02")
    assert claim.status is ClaimStatus.REJECTED and not claim.documents and claim.flags[0].code.value == "no_document"


def intake(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "flows.cli", *args], capture_output=True, text=True, cwd=REPO, timeout=300)


def test_cli_usage_error_exit_code():
    result = intake("process", "/no/such/file.pdf")
    assert result.returncode == 2 and "no such file" in result.stderr


def test_cli_extract_jsonl_in_input_order(tmp_path):
    invoice = docs.invoice_pdf(tmp_path / "b.pdf")
    result = intake("extract", "--jsonl", str(mf.gif(tmp_path / "a.gif")), str(invoice))
    assert result.returncode == 0, result.stderr
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert first["file"] == "a.gif" and first["flags"][0]["code"] == "unsupported_format"
    assert second["file"] == "b.pdf" and second["doc_type"] == "invoice"
    assert second["fields"]["date"]["value"] == "2021-10-12"
    assert second["fields"]["total"]["value"] == "17.05" and second["fields"]["currency"]["value"] == "EUR"
    assert set(second["fields"]["total"]) >= {"value", "raw", "confidence", "page", "bbox"}


def test_cli_process_json_and_out_dir(tmp_path):
    invoice = docs.invoice_pdf(tmp_path / "invoice.pdf")
    result = intake("process", str(invoice), "--claim-id", "CLM-20211012-TEST03", "--json", "--out", str(tmp_path / "claims"))
    assert result.returncode == 0, result.stderr
    claim = json.loads(result.stdout)
    # a 2021 pharmacy invoice alone: its prescription is missing and the care is older than two years
    assert claim["claim_id"] == "CLM-20211012-TEST03" and claim["status"] == "needs_review"
    assert claim["status_reason"] == "missing_prescription, date_out_of_range"
    folder = tmp_path / "claims" / "claims" / "CLM-20211012-TEST03"
    assert json.loads((folder / "claim.json").read_text(encoding="utf-8")) == claim
    assert "CLM-20211012-TEST03" in (folder / "message.txt").read_text(encoding="utf-8")


def test_cli_process_without_a_prefect_server_runs_directly_and_says_why_when_one_does_not_answer(tmp_path):
    import os

    invoice = docs.invoice_pdf(tmp_path / "invoice.pdf")
    env = {**os.environ, "PREFECT_API_URL": "http://127.0.0.1:9/api"}  # configured, nobody listening
    result = subprocess.run(
        [sys.executable, "-m", "flows.cli", "process", str(invoice), "--json"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
        env=env,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "does not answer: the run is not recorded" in result.stderr and "Traceback" not in result.stderr
    assert json.loads(result.stdout)["documents"][0]["fields"]["total"]["value"] == "17.05"


def test_cli_extract_takes_folders_without_a_file_limit_and_streams_in_order(tmp_path):
    folder = tmp_path / "batch"
    folder.mkdir()
    invoice = docs.invoice_pdf(folder / "f00.pdf")
    for n in range(1, 12):  # twelve documents: more than a claim's ten
        (folder / f"f{n:02d}.pdf").write_bytes(invoice.read_bytes())
    (folder / "notes.txt").write_text("not a document")
    result = intake("extract", "--jsonl", str(folder))
    assert result.returncode == 0, result.stderr[-2000:]
    files = [json.loads(line)["file"] for line in result.stdout.splitlines()]
    assert files == [f"f{n:02d}.pdf" for n in range(12)]
    assert "skipped (not a PDF, JPG or PNG by its name)" in result.stderr and "notes.txt" in result.stderr
    assert "ETA" not in result.stderr  # no progress line when stderr is not a terminal


def test_cli_refuses_a_claim_id_that_would_escape_the_out_dir(tmp_path):
    (tmp_path / "in").mkdir()
    invoice = docs.invoice_pdf(tmp_path / "in" / "invoice.pdf")
    out = tmp_path / "work" / "out"
    out.mkdir(parents=True)
    for claim_id in ("../escaped", "../../escaped-claim", "CLM-20211012-TEST03/../../x"):
        result = intake("process", str(invoice), "--claim-id", claim_id, "--out", str(out))
        assert result.returncode == 2, result.stderr
        assert "error [usage]: --claim-id: not a claim number" in result.stderr and "Traceback" not in result.stderr
    assert list(out.iterdir()) == [] and sorted(p.name for p in (tmp_path / "work").iterdir()) == ["out"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "work"]
