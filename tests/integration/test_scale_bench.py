"""bench/scale.py (issue 23) at a small volume, as a subprocess: the structural facts its figures rest
on - the new reconciliation pass costs a few storage requests whatever the history while today's pass
grows with it, a queue page holds a page of claims, an event starts its submission, reindex indexes
every claim - on a local storage at two sizes and on the S3-protocol test server (moto) at one."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BENCH = REPO / "bench" / "scale.py"
SIZES = (2000, 10000)


def bench(tmp_path: Path, *args: str) -> dict:
    out = tmp_path / "scale.json"
    run = subprocess.run(
        [sys.executable, str(BENCH), *args, "--repeat", "1", "--json", str(out)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.stdout.startswith("`.venv/bin/python bench/scale.py"), run.stdout[:300]  # the command line, then the table
    assert "| idle reconciliation pass" in run.stdout
    return json.loads(out.read_text())


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> dict:
    return bench(tmp_path_factory.mktemp("scale-local"), "--sizes", ",".join(map(str, SIZES)), "--backend", "local")


def sized(result: dict, n: int) -> dict:
    return result["sizes"][str(n)]


def test_the_idle_pass_costs_a_few_requests_whatever_the_history(local):
    for n in SIZES:
        new, today = sized(local, n)["new-service"]["idle"], sized(local, n)["old-service"]["idle"]
        assert new["found"] == 0 and today["found"] == 0  # the history is all done: nothing to start
        assert new["requests"] <= 5
        assert new["requests"] < today["requests"]
        assert sized(local, n)["new-sweep"]["sweep"]["found"] == 0  # the daily sweep agrees with the index
    small, large = (sized(local, n) for n in SIZES)
    assert large["new-service"]["idle"]["requests"] <= small["new-service"]["idle"]["requests"] + 1  # an hour may turn
    assert large["old-service"]["idle"]["requests"] >= 3 * small["old-service"]["idle"]["requests"]  # every key listed


def test_the_generated_history_is_what_the_service_writes(local):
    for n in SIZES:
        generation = sized(local, n)["generation"]
        assert generation["views"]["all"] == n
        assert generation["checked_rows"] >= 50  # queue rows compared with review.claim_row.row_of's


def test_a_new_submission_is_started_by_its_event_and_by_a_pass(local):
    for n in SIZES:
        service = sized(local, n)["new-service"]
        assert service["event"]["started"] == service["event"]["sent"]
        assert service["no_event"]["started"] == service["no_event"]["sent"]


def test_queue_pages_hold_a_page_of_claims(local):
    for n in SIZES:
        desk = sized(local, n)["new-desk"]
        pages = {json.dumps(q["query"], sort_keys=True): q for q in desk["queries"]}
        assert pages["{}"]["rows"] == min(50, pages["{}"]["total"])
        assert pages['{"view": "all"}']["rows"] == 50
        assert pages['{"view": "all"}']["total"] == n
        assert all(q["rows"] == min(50, q["total"]) for q in desk["queries"] if q["query"].get("page", "1") == "1")
        assert desk["queue_http_ms"]["requests"] < 10  # the session, not the claims
    assert sized(local, SIZES[-1])["old-desk"]["queue_ms"]["requests"] > SIZES[-1]  # today: every claim read


def test_the_monitor_reads_the_index_only(local):
    for n in SIZES:
        assert sized(local, n)["new-monitor"]["monitor"]["requests"] == 0
        assert sized(local, n)["new-monitor"]["backlog"] == sized(local, n)["old-monitor"]["backlog"]


def test_reindex_indexes_every_claim(local):
    for n in SIZES:
        reindex = sized(local, n)["new-reindex"]["reindex"]
        assert reindex["claims"] == n
        assert reindex["unreadable"] == 0
        assert reindex["submissions"] == n
        assert reindex["same_views"]  # the counts per view rebuilt from the bucket are the generated index's


def test_on_the_s3_protocol_server(tmp_path):
    # today's desk and monitor left out: moto scans the whole bucket for every LIST, one per claim (minutes)
    result = bench(tmp_path, "--sizes", "2000", "--backend", "s3", "--phases", "new-service,new-reindex,old-service")
    size = sized(result, 2000)
    assert size["new-service"]["idle"]["requests"] <= 5
    assert size["new-service"]["idle"]["requests"] < size["old-service"]["idle"]["requests"]
    assert size["new-service"]["idle"]["found"] == 0 == size["old-service"]["idle"]["found"]
    assert size["new-service"]["event"]["started"] == size["new-service"]["event"]["sent"]
    assert size["new-reindex"]["reindex"]["claims"] == 2000
