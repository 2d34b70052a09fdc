"""An insurer's volume (issue 23): what a pass, an event, a desk page, the monitor and `intake reindex`
cost against a history of N past submissions and N claims, for the new code (the index database and
the reconciliation pass that lists only recent hours) side by side with today's (as of d5e1278:
every pass listed all of `inbox/` and `state/done/`; every queue page, claim page and monitor run read
every claim.json).

Usage: python bench/scale.py [--sizes 10000,100000] [--backend local|s3] [--json PATH] [--keep DIR [--reuse]]
                             [--baseline-max 100000] [--reindex-max 1000000] [--full-max 100000]
                             [--phases new-service,...] [--repeat 3] [--workers 2]
For each size, bench/scale_data.py writes the history straight into a storage (a local folder, with
the index beside it; or, with --backend s3, a bucket of the moto S3-protocol server this process
starts: tests/s3_server.py), then each role runs in a process of its own, so that its peak memory is
its own (sampled by bench/throughput's PeakRss):
  new-service   the reconciliation pass when nothing is new (intake/reconcile.py, after the sweep the
                generation stands for), a new submission's event until its run is started
                (Dispatcher.on_event with MinIO's event JSON, tests/minio_events.py), and a pass that
                finds a new submission without an event
  new-sweep     the new service's full sweep (every 24 h, or after a long stop): every folder of the
                inbox listed one at a time, each decided with the index
  new-desk      queue pages through the desk's HTTP app (FastAPI's TestClient, signed in; rendered,
                without page images) over views, filters, searches, sorts and pages; claim pages; the
                same queries on the index alone (review.queue.build_queue, ReviewStore.load + neighbours)
  new-monitor   flows.health.health
  new-reindex   intake.reindex.Reindex into an empty index database (claims/s)
  old-service   today's pass: intake.inbox.pending (all of inbox/ and state/done/ listed; the same
                function the new code's daily full sweep runs)
  old-desk      today's queue and claim pages without rendering: every claim read (ReviewStore.load, as
                d5e1278's review/queue.all_entries did) and filtered in memory (its build_queue, with the
                page cut the new desk adds); a claim page's neighbours from the same scan
  old-monitor   d5e1278's flows/health.py: every claim read, the outbox and its receipts listed
Storage requests are counted by a wrapper around the storage: GET, PUT, HEAD (exists), DELETE, and a
LIST counted as S3 sends it, one request per 1,000 keys returned. Today's code is run up to
--baseline-max claims; beyond, its figures are extrapolated linearly from the two largest sizes it ran.
A history larger than --full-max is written sparse (bench/scale_data.py): the new code's service, desk
and monitor read all they would read, today's code and reindex are not run on it. moto scans its whole
bucket for every LIST page: on --backend s3 the request counts carry over to MinIO, the times of
listings do not. Prints a Markdown table (the command line first); --json PATH writes every figure
(after each phase, so that an interrupted run keeps what it measured).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from infra.storage.base import Level, ObjectInfo, Storage  # noqa: E402

PHASES_NEW = ("new-service", "new-sweep", "new-desk", "new-monitor", "new-reindex")
PHASES_OLD = ("old-service", "old-desk", "old-monitor")
LIST_PAGE = 1000  # keys per S3 LIST request
EVENTS = 10  # new submissions announced by an event
MANAGER, PASSWORD = "bench-manager", "bench-manager-password"
NEW_EMAIL = (
    b"From: Assure <assure@example.org>\r\nTo: remboursements@example.org\r\nSubject: Demande de remboursement\r\n"
    b"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nBonjour, voici ma demande.\r\n"
)
GOALS = {
    "idle_s": 0.5,
    "idle_requests": 5,
    "event_s": 2.0,
    "queue_p95_ms": 150.0,
    "claim_p95_ms": 300.0,
    "monitor_s": 0.5,
    "reindex_rate": 500.0,
}


# -- counting requests ---------------------------------------------------------------------------------
class Counted:
    """A storage that counts the requests made through it (a LIST as S3 pages it: one per 1,000 keys)."""

    def __init__(self, inner: Storage) -> None:
        self.inner = inner
        self.calls: Counter[str] = Counter()
        self.listed = 0
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)  # root, bucket...

    def _count(self, kind: str, n: int = 1) -> None:
        with self._lock:
            self.calls[kind] += n

    def reset(self) -> None:
        with self._lock:
            self.calls.clear()
            self.listed = 0

    @property
    def requests(self) -> int:
        return sum(self.calls.values())

    def put_bytes(self, key: str, data: bytes, content_type: str | None = None, if_absent: bool = False) -> bool:
        self._count("put")
        return self.inner.put_bytes(key, data, content_type, if_absent)

    def get_bytes(self, key: str) -> bytes:
        self._count("get")
        return self.inner.get_bytes(key)

    def exists(self, key: str) -> bool:
        self._count("head")
        return self.inner.exists(key)

    def list(self, prefix: str = "") -> list[ObjectInfo]:
        found = self.inner.list(prefix)
        self._count("list", max(1, math.ceil(len(found) / LIST_PAGE)))
        with self._lock:
            self.listed += len(found)
        return found

    def list_level(self, prefix: str) -> Level:
        folders, objects = self.inner.list_level(prefix)
        self._count("list", max(1, math.ceil((len(folders) + len(objects)) / LIST_PAGE)))
        with self._lock:
            self.listed += len(folders) + len(objects)
        return folders, objects

    def copy(self, src: str, dst: str) -> None:
        self._count("get")
        self._count("put")
        self.inner.copy(src, dst)

    def delete(self, key: str) -> None:
        self._count("delete")
        self.inner.delete(key)

    def describe(self) -> str:
        return self.inner.describe()


def open_storage(spec: dict[str, Any]) -> Storage:
    if spec["backend"] == "local":
        from infra.storage import LocalStorage

        return LocalStorage(spec["root"])
    from infra.storage import S3Storage
    from tests.s3_server import ACCESS_KEY, SECRET_KEY

    # moto lists by scanning the whole bucket for every page: a generous read timeout
    return S3Storage(spec["endpoint"], ACCESS_KEY, SECRET_KEY, spec["bucket"], secure=False, read_timeout=600.0, retries=0)


def rss_mib() -> float:
    return psutil.Process().memory_info().rss / 1024 / 1024


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (p95 of 20 values: the 19th smallest)."""
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)] if ordered else float("nan")


def summary(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50": statistics.median(values),
        "p95": percentile(values, 0.95),
        "max": max(values),
    }


def timed(run: Callable[[], Any], storage: Counted) -> tuple[Any, float, int]:
    """(what `run` returned, seconds, storage requests)."""
    storage.reset()
    started = time.perf_counter()
    result = run()
    return result, time.perf_counter() - started, storage.requests


# -- new submissions (measured, then taken away again) -------------------------------------------------
class Arrivals:
    """Submissions written now in the current hour (straight into the storage, not counted), and
    forgotten after the phase: their objects, claim-number reservations and index rows."""

    def __init__(self, storage: Storage, tag: str) -> None:
        self.storage, self.tag = storage, tag
        self.keys: list[str] = []
        self.count = 0

    def new(self, channel: str) -> str:
        """A new submission's last key (its e-mail, or its extranet upload's manifest)."""
        from intake.inbox import INBOX, partition_of

        self.count += 1
        top = f"{INBOX}{partition_of(datetime.now(UTC))}"
        name = f"bench-new-{self.tag}-{self.count:03d}"
        if channel == "email":
            written = [(f"{top}/email/{name}.eml", NEW_EMAIL)]
        else:
            written = [
                (f"{top}/extranet/{name}/facture.pdf", b"%PDF-1.4\n%%EOF\n"),
                (f"{top}/extranet/{name}/manifest.json", json.dumps({"care_types": ["pharmacy"]}).encode()),
            ]
        for key, data in written:
            self.storage.put_bytes(key, data)
            self.keys.append(key)
        return written[-1][0]

    def forget(self, claim_ids: Iterable[str]) -> None:
        from sqlalchemy import delete

        from infra.index.store import open_index
        from infra.index.tables import submissions
        from intake.claim_ids import reservation_key

        for key in self.keys:
            self.storage.delete(key)
        for claim_id in claim_ids:
            self.storage.delete(reservation_key(claim_id))
        index = open_index(self.storage)
        with index.writer.begin() as connection:
            connection.execute(delete(submissions).where(submissions.c.name.like(f"bench-new-{self.tag}-%")))


# -- the phases (each in its own process) --------------------------------------------------------------
def phase_new_service(spec: dict[str, Any]) -> dict[str, Any]:
    from infra.index.store import open_index
    from intake.dispatch import Dispatcher
    from intake.reconcile import LAST_SWEEP, Reconciler
    from tests.minio_events import created_event

    storage = Counted(open_storage(spec))
    index = open_index(storage)
    rss_start = rss_mib()
    reconciler = Reconciler(index=index)
    swept_before = index.cursor(LAST_SWEEP)
    first, first_s, first_requests = timed(lambda: reconciler.pending(storage, datetime.now(UTC)), storage)
    result: dict[str, Any] = {
        "first_pass": {
            "s": first_s,
            "requests": first_requests,
            "found": len(first),
            "swept": index.cursor(LAST_SWEEP) != swept_before,
        }
    }
    idle_s, idle_requests, found = [], [], 0
    for _ in range(spec["repeat"] * 3):
        pending, seconds, requests = timed(lambda: reconciler.pending(storage, datetime.now(UTC)), storage)
        idle_s.append(seconds)
        idle_requests.append(requests)
        found += len(pending)
    result["idle"] = {**summary(idle_s), "requests": max(idle_requests), "found": found, "calls": dict(storage.calls)}
    result["rss_after_idle"] = rss_mib()

    started: dict[str, float] = {}
    claims: list[str] = []

    def start(submission: Any, claim_id: str) -> None:
        started[submission.key] = time.perf_counter()
        claims.append(claim_id)

    dispatcher = Dispatcher(storage, start, index=index, bucket=spec.get("bucket"), reconciler=reconciler)
    arrivals = Arrivals(storage.inner, uuid.uuid4().hex[:8])
    event_s, event_requests, announced = [], [], 0
    try:
        for k in range(EVENTS):
            key = arrivals.new("email" if k % 2 else "extranet")
            body = created_event(spec.get("bucket") or "intake", key)
            before = len(started)
            runs, seconds, requests = timed(partial(dispatcher.on_event, body), storage)
            announced += len(runs)
            if len(started) == before + 1:
                event_s.append(seconds)
                event_requests.append(requests)
        result["event"] = {**summary(event_s), "requests": max(event_requests, default=0), "started": announced, "sent": EVENTS}
        pass_s, pass_requests, found = [], [], 0
        for k in range(spec["repeat"]):
            arrivals.new("email" if k % 2 else "extranet")
            runs, seconds, requests = timed(dispatcher.reconcile, storage)
            found += len(runs)
            pass_s.append(seconds)
            pass_requests.append(requests)
        result["no_event"] = {**summary(pass_s), "requests": max(pass_requests), "started": found, "sent": spec["repeat"]}
    finally:
        arrivals.forget(claims)
    result["rss_start"], result["rss_end"] = rss_start, rss_mib()
    return result


def phase_new_sweep(spec: dict[str, Any]) -> dict[str, Any]:
    """The new service's full sweep (every 24 h, after a stop of over 48 h, on a new index): both layouts,
    one folder at a time, each decided with the index."""
    from infra.index.store import open_index
    from intake.inbox import QUIET
    from intake.reconcile import Reconciler

    storage = Counted(open_storage(spec))
    index = open_index(storage)
    rss_start = rss_mib()
    reconciler = Reconciler(index=index)
    found, seconds, requests = timed(lambda: reconciler.sweep(storage, index, datetime.now(UTC), QUIET), storage)
    return {
        "sweep": {**summary([seconds]), "requests": requests, "found": len(found), "listed": storage.listed},
        "rss_start": rss_start,
        "rss_end": rss_mib(),
    }


def queue_queries(spec: dict[str, Any]) -> list[dict[str, str]]:
    """The desk's queue requests measured: views, filters, searches, sorts and pages."""
    views = spec["views"]
    last = max(math.ceil(views.get("to_review", 0) / 50), 1)
    some = spec["sample_ids"].get("to_review", [""])[0]
    year = spec["now"][:4]
    surname = "Garnier"
    queries = [
        {},
        {"page": "2"},
        {"page": str(last)},
        {"sort": "-age"},
        {"sort": "amount"},
        {"sort": "-amount"},
        {"sort": "status"},
        {"view": "waiting"},
        {"view": "decided"},
        {"view": "decided", "sort": "amount"},
        {"view": "decided", "care": "physiotherapy", "sort": "-age"},
        {"view": "all"},
        {"view": "all", "sort": "-age", "page": "20"},
        {"view": "all", "sort": "amount"},
        {"flag": "missing_prescription"},
        {"view": "all", "flag": "not_covered"},
        {"care": "pharmacy"},
        {"view": "all", "channel": "email"},
        {"q": surname},
        {"view": "all", "q": surname},
        {"view": "all", "q": f"CLM-{year}"},
        {"view": "all", "q": some},
        {"view": "all", "q": "facture"},
        {"view": "all", "flag": "missing_prescription", "channel": "extranet", "sort": "amount", "q": surname},
    ]
    return queries


def claim_samples(spec: dict[str, Any], per_view: int) -> list[tuple[str, str]]:
    """(claim number, view) of a few claims of each view: the claim pages opened."""
    found = []
    for view, ids in sorted(spec["sample_ids"].items()):
        step = max(len(ids) // per_view, 1)
        found += [(claim_id, view if view != "done" else "all") for claim_id in ids[::step][:per_view]]
    return found


def phase_new_desk(spec: dict[str, Any]) -> dict[str, Any]:
    from fastapi.testclient import TestClient

    from infra.index.store import open_index
    from review.accounts import Account, Role, hash_password
    from review.app import DeskConfig, create_app
    from review.queue import build_queue, page_number
    from review.store import ReviewStore
    from validators.rules_file import load_rules

    storage = Counted(open_storage(spec))
    rules = load_rules()
    index = open_index(storage)
    accounts = {MANAGER: Account(MANAGER, Role.MANAGER, hash_password(PASSWORD))}
    client = TestClient(create_app(DeskConfig(storage=storage, accounts=accounts, secret="s" * 40, rules=rules)))
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)
    signed = client.post(
        "/login",
        data={"account": MANAGER, "password": PASSWORD, "csrf": token.group(1) if token else "", "next": "/"},
        follow_redirects=False,
    )
    if signed.status_code != 303:
        raise RuntimeError(f"sign-in refused ({signed.status_code})")
    rss_start = rss_mib()
    queries = queue_queries(spec)
    result: dict[str, Any] = {"queries": []}
    for query in queries:  # warm-up: each once (templates compiled, the database's pages read)
        client.get("/?" + urlencode(query))
    http_ms: list[float] = []
    index_ms: list[float] = []
    page_requests: list[int] = []
    for query in queries:
        params: dict[str, Any] = {
            "view": query.get("view", "to_review"),
            "flag": query.get("flag", ""),
            "care": query.get("care", ""),
            "channel": query.get("channel", ""),
            "search": query.get("q", ""),
            "sort": query.get("sort", "age"),
            "page": page_number(query.get("page", "1")),
        }
        mine_http, mine_index, rows, total = [], [], 0, 0
        for _ in range(spec["repeat"]):
            answer, seconds, requests = timed(partial(client.get, "/?" + urlencode(query)), storage)
            if answer.status_code != 200:
                raise RuntimeError(f"queue page {query} answered {answer.status_code}")
            rows = len(set(re.findall(r'href="/claims/(CLM-[0-9]{8}-[0-9A-Z]{6})\?', answer.text)))
            mine_http.append(seconds * 1000)
            page_requests.append(requests)
            queue, seconds, _ = timed(partial(build_queue, index, **params), storage)
            mine_index.append(seconds * 1000)
            total = queue.total
            if len(queue.entries) != rows:
                raise RuntimeError(f"queue page {query}: {rows} rows shown, the index gave {len(queue.entries)}")
        http_ms += mine_http
        index_ms += mine_index
        result["queries"].append(
            {"query": query, "rows": rows, "total": total, "http_ms": max(mine_http), "index_ms": max(mine_index)}
        )
    result["queue_http_ms"] = {**summary(http_ms), "requests": max(page_requests)}
    result["queue_index_ms"] = summary(index_ms)
    store = ReviewStore(storage, rules, index)

    def opened(claim_id: str, view: str) -> tuple[Any, tuple[str | None, str | None]]:
        return store.load(claim_id).current, index.neighbours(claim_id, view)

    claim_http, claim_index, claim_requests = [], [], []
    samples = claim_samples(spec, 5)
    client.get(f"/claims/{samples[0][0]}?view={samples[0][1]}")  # warm-up: the template compiled
    for claim_id, view in samples:
        for _ in range(spec["repeat"]):
            answer, seconds, requests = timed(partial(client.get, f"/claims/{claim_id}?view={view}"), storage)
            if answer.status_code != 200:
                raise RuntimeError(f"claim page answered {answer.status_code}")
            claim_http.append(seconds * 1000)
            claim_requests.append(requests)
            _, seconds, _ = timed(partial(opened, claim_id, view), storage)
            claim_index.append(seconds * 1000)
    result["claim_http_ms"] = {**summary(claim_http), "requests": max(claim_requests)}
    result["claim_index_ms"] = summary(claim_index)
    result["rss_start"], result["rss_end"] = rss_start, rss_mib()
    return result


def phase_new_monitor(spec: dict[str, Any]) -> dict[str, Any]:
    from flows.health import health
    from infra.index.store import open_index
    from validators.rules_file import load_rules

    storage = Counted(open_storage(spec))
    rules, index = load_rules(), open_index(storage)
    rss_start = rss_mib()
    health(storage, rules, datetime.now(UTC), index)
    seconds_all, requests_all, seen = [], [], None
    for _ in range(spec["repeat"] * 5):
        seen, seconds, requests = timed(lambda: health(storage, rules, datetime.now(UTC), index), storage)
        seconds_all.append(seconds)
        requests_all.append(requests)
    assert seen is not None
    return {
        "monitor": {**summary(seconds_all), "requests": max(requests_all)},
        "backlog": seen.backlog,
        "undelivered": seen.undelivered,
        "rss_start": rss_start,
        "rss_end": rss_mib(),
    }


def phase_new_reindex(spec: dict[str, Any]) -> dict[str, Any]:
    from infra.index.engine import engine_for
    from infra.index.store import ClaimIndex, open_index
    from intake.reindex import Reindex
    from validators.rules_file import load_rules

    storage = Counted(open_storage(spec))
    target = Path(spec["work"]) / "reindexed.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    fresh = ClaimIndex(engine_for(f"sqlite:///{target}"))
    rss_start = rss_mib()
    job = Reindex(storage, index=fresh, rules=load_rules())
    stages: dict[str, float] = {}
    stop = threading.Event()

    def watch() -> None:
        begun = time.perf_counter()
        while not stop.is_set():
            stages.setdefault(job.progress.stage, time.perf_counter() - begun)
            time.sleep(0.01)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    progress, seconds, requests = timed(job.run, storage)
    stop.set()
    watcher.join()
    claims_s = stages.get("outbox", seconds) - stages.get("claims", 0.0)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    return {
        "reindex": {
            "s": seconds,
            "claims": progress.claims,
            "unreadable": len(progress.unreadable),
            "outbox": progress.outbox,
            "submissions": progress.submissions,
            "rate": progress.claims / seconds,
            "claims_stage_s": claims_s,
            "claims_stage_rate": progress.claims / max(claims_s, 1e-9),
            "requests": requests,
            "same_views": fresh.counts("all")["views"] == open_index(storage).counts("all")["views"],
        },
        "rss_start": rss_start,
        "rss_end": rss_mib(),
    }


def phase_old_service(spec: dict[str, Any]) -> dict[str, Any]:
    from intake import inbox

    storage = Counted(open_storage(spec))
    rss_start = rss_mib()
    idle_s, idle_requests, found = [], [], 0
    for _ in range(spec["old_repeat"]):
        pending, seconds, requests = timed(lambda: inbox.pending(storage, datetime.now(UTC)), storage)
        idle_s.append(seconds)
        idle_requests.append(requests)
        found += len(pending)
    result: dict[str, Any] = {
        "idle": {**summary(idle_s), "requests": max(idle_requests), "found": found, "listed": storage.listed},
        "rss_after_idle": rss_mib(),
    }
    arrivals = Arrivals(storage.inner, uuid.uuid4().hex[:8])
    try:
        arrivals.new("email")
        pending, seconds, requests = timed(lambda: inbox.pending(storage, datetime.now(UTC)), storage)
        result["no_event"] = {**summary([seconds]), "requests": requests, "started": len(pending), "sent": 1}
    finally:
        arrivals.forget(())
    result["rss_start"], result["rss_end"] = rss_start, rss_mib()
    return result


def old_entries(store: Any) -> list[Any]:
    """d5e1278's review/queue.all_entries: every claim read and made a queue entry, oldest first (the
    entry is today's ClaimRow, made from the claim as reviewed the same way)."""
    from review.claim_row import row_of_reviewed
    from review.store import UnknownClaim

    now = datetime.now(UTC)
    entries = []
    for claim_id in store.claim_ids():
        try:
            record = store.load(claim_id)
        except UnknownClaim:
            continue
        entries.append(row_of_reviewed(record.current, record.version, now))
    return sorted(entries, key=lambda e: (e.created_at, e.claim_id))


def _folded(text: str) -> str:
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def old_queue(entries: list[Any], query: dict[str, str]) -> tuple[list[Any], dict[str, Any]]:
    """d5e1278's review/queue.build_queue (filters, search by substring, counts), then the sort and page
    the new desk has (today's desk showed every entry of the view on one page)."""
    view, flag, care, channel = (
        query.get("view", "to_review"),
        query.get("flag", ""),
        query.get("care", ""),
        query.get("channel", ""),
    )
    wanted = _folded(query.get("q", "").strip())
    counts = Counter(e.view for e in entries)
    in_view = [e for e in entries if view == "all" or e.view == view]
    chosen = [
        e
        for e in in_view
        if (not flag or flag in e.flag_codes)
        and (not care or care in e.care_types)
        and (not channel or e.channel == channel)
        and (not wanted or any(wanted in _folded(t) for t in (e.claim_id, e.beneficiary, *e.files)))
    ]
    facets = {
        "views": dict(counts),
        "flags": Counter(c for e in in_view for c in e.flag_codes),
        "care": Counter(c for e in in_view for c in e.care_types),
        "channels": Counter(e.channel for e in in_view),
    }
    sort = query.get("sort", "age")
    if sort in ("amount", "-amount"):
        chosen.sort(key=lambda e: (e.total_eur is None, e.total_eur or 0), reverse=sort == "amount")
    elif sort == "-age":
        chosen.reverse()
    elif sort == "status":
        chosen.sort(key=lambda e: e.status)
    page = max(int(query.get("page", "1")), 1)
    return chosen[(page - 1) * 50 : page * 50], facets


def phase_old_desk(spec: dict[str, Any]) -> dict[str, Any]:
    from review.store import ReviewStore
    from validators.rules_file import load_rules

    storage = Counted(open_storage(spec))
    store = ReviewStore(storage, load_rules())
    rss_start = rss_mib()
    queries = queue_queries(spec)[: spec["old_repeat"]]

    def old_page(query: dict[str, str]) -> tuple[list[Any], dict[str, Any]]:
        return old_queue(old_entries(store), query)

    queue_ms, queue_requests, rows = [], [], []
    for query in queries:
        (page, _), seconds, requests = timed(partial(old_page, query), storage)
        queue_ms.append(seconds * 1000)
        queue_requests.append(requests)
        rows.append(len(page))
    claim_ms, claim_requests = [], []
    for claim_id, view in claim_samples(spec, 1)[: spec["old_repeat"]]:

        def claim_page(claim_id: str = claim_id, view: str = view) -> tuple[str | None, str | None]:
            _ = store.load(claim_id).current
            ids = [e.claim_id for e in old_entries(store) if view == "all" or e.view == view]  # d5e1278's neighbours
            if claim_id not in ids:
                return None, ids[0] if ids else None
            at = ids.index(claim_id)
            return (ids[at - 1] if at else None), (ids[at + 1] if at + 1 < len(ids) else None)

        _, seconds, requests = timed(claim_page, storage)
        claim_ms.append(seconds * 1000)
        claim_requests.append(requests)
    return {
        "queue_ms": {**summary(queue_ms), "requests": max(queue_requests), "rows": rows},
        "claim_ms": {**summary(claim_ms), "requests": max(claim_requests)},
        "rss_start": rss_start,
        "rss_end": rss_mib(),
    }


def phase_old_monitor(spec: dict[str, Any]) -> dict[str, Any]:
    from intake.claim_store import ADJUDICATION_OUTBOX
    from intake.handoff import DELIVERED
    from review.store import ReviewStore
    from validators.rules_file import load_rules

    storage = Counted(open_storage(spec))
    store = ReviewStore(storage, load_rules())
    rss_start = rss_mib()

    def old_health() -> tuple[int, int]:
        backlog = sum(e.view == "to_review" for e in old_entries(store))
        now = datetime.now(UTC)
        receipts = {i.key[len(DELIVERED) :]: i.last_modified for i in storage.list(DELIVERED)}
        ages = []
        for info in storage.list(ADJUDICATION_OUTBOX):
            name = info.key[len(ADJUDICATION_OUTBOX) :]
            if "/" in name or not name.endswith(".json"):
                continue
            delivered = receipts.get(name)
            if delivered is None or delivered < info.last_modified:
                ages.append(now - info.last_modified)
        return backlog, len(ages)

    (backlog, undelivered), seconds, requests = timed(old_health, storage)
    return {
        "monitor": {**summary([seconds]), "requests": requests},
        "backlog": backlog,
        "undelivered": undelivered,
        "rss_start": rss_start,
        "rss_end": rss_mib(),
    }


PHASES: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "new-service": phase_new_service,
    "new-sweep": phase_new_sweep,
    "new-desk": phase_new_desk,
    "new-monitor": phase_new_monitor,
    "new-reindex": phase_new_reindex,
    "old-service": phase_old_service,
    "old-desk": phase_old_desk,
    "old-monitor": phase_old_monitor,
}


# -- the run -------------------------------------------------------------------------------------------
def run_phase(name: str, spec_path: Path, env: dict[str, str]) -> dict[str, Any]:
    """One phase in its own process: its result, wall time, peak RSS of the process and the load around it."""
    from bench.throughput import PeakRss

    load = os.getloadavg()[0]
    started = time.perf_counter()
    command = [sys.executable, str(Path(__file__).resolve()), "--phase", name, "--spec", str(spec_path)]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT)
    with PeakRss(child.pid) as peak:
        out, err = child.communicate()
    if child.returncode != 0:
        raise SystemExit(f"phase {name} failed:\n{err.decode(errors='replace')[-3000:]}")
    said = [line for line in out.decode().splitlines() if line.startswith("RESULT ")]
    result: dict[str, Any] = json.loads(said[-1][len("RESULT ") :])
    result.update(wall_s=time.perf_counter() - started, peak_mib=peak.mib, load=[load, os.getloadavg()[0]])
    return result


def _big_cache(connection: Any, _record: object) -> None:
    """A 1 GiB page cache for the generation's bulk writes (SQLite's default 2 MiB makes each insert into
    a large index a few random reads)."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA cache_size=-1048576")
    cursor.close()


def reset_moto(endpoint: str) -> None:
    """Every bucket of the moto server gone (its memory handed back for the next size)."""
    from urllib.request import Request, urlopen

    with urlopen(Request(f"http://{endpoint}/moto-api/reset", method="POST"), timeout=600):
        pass


def run_size(
    n: int, args: argparse.Namespace, work: Path, endpoint: str | None, saved: Callable[[dict[str, Any]], None]
) -> dict[str, Any]:
    """Generate (or reuse) a history of `n`, then run each phase; `saved` is told the figures after each."""
    from sqlalchemy import event

    from bench.scale_data import generate
    from infra.index.engine import dispose_all, engine_for
    from infra.index.store import ClaimIndex
    from validators.rules_file import load_rules

    here = work / f"{args.backend}-{n}"
    spec_path = here / "spec.json"

    def say(line: str) -> None:
        print(f"[{n:,}] {line}", file=sys.stderr, flush=True)

    if args.reuse and spec_path.exists():
        spec = json.loads(spec_path.read_text())
        generated = spec["generation"]
        say("reusing the history kept there")
    else:
        shutil.rmtree(here, ignore_errors=True)
        here.mkdir(parents=True)
        spec = {"backend": args.backend, "work": str(here), "n": n, "repeat": args.repeat}
        if args.backend == "local":
            spec["root"] = str(here / "store")
            spec["index_url"] = f"sqlite:///{here / 'store.index.sqlite'}"
        else:
            from infra.storage import S3Storage
            from tests.s3_server import ACCESS_KEY, SECRET_KEY

            spec.update(endpoint=endpoint, bucket=f"scale-{uuid.uuid4().hex[:8]}", index_url=f"sqlite:///{here / 'index.sqlite'}")
            S3Storage(str(endpoint), ACCESS_KEY, SECRET_KEY, spec["bucket"], secure=False)  # the bucket made
        sparse = n > args.full_max
        say(f"writing {n:,} submissions and claims ({args.backend}{', sparse' if sparse else ''})")
        engine = engine_for(spec["index_url"])
        event.listen(engine, "connect", _big_cache)  # the bulk load only (the phases open the index as the code does)
        engine.dispose()
        made = generate(
            n,
            ClaimIndex(engine),
            load_rules(),
            root=Path(spec["root"]) if args.backend == "local" else None,
            bucket=spec.get("bucket"),
            workers=args.workers,
            sparse=sparse,
            report=say,
        )
        dispose_all()
        generated = {**made.to_json(), "sparse": sparse}
        spec.update(generation=generated, views=made.views, sample_ids=made.sample_ids, now=made.now.isoformat())
        say(f"written in {made.seconds['all']:.0f} s: {made.objects:,} objects, views {made.views}")
    spec["repeat"] = args.repeat
    spec["old_repeat"] = args.repeat if n <= 20_000 and args.backend == "local" else 1  # a scan of every claim per page
    spec_path.write_text(json.dumps(spec))
    env = {**os.environ, "INTAKE_INDEX_URL": spec["index_url"], "PYTHONPATH": str(ROOT)}
    results: dict[str, Any] = {"generation": generated}
    whole = not generated.get("sparse")  # the sweep and reindex read every file
    phases = [p for p in PHASES_NEW if p not in ("new-reindex", "new-sweep") or whole]
    phases = [p for p in phases if p != "new-reindex" or n <= args.reindex_max]
    phases += list(PHASES_OLD) if n <= args.baseline_max and not generated.get("sparse") else []
    phases = [p for p in phases if p in args.phases]
    for phase in phases:
        say(f"{phase}...")
        results[phase] = run_phase(phase, spec_path, env)
        saved(results)
        say(f"{phase}: {results[phase]['wall_s']:.1f} s, peak {results[phase]['peak_mib']:.0f} MiB")
    if not args.keep:
        shutil.rmtree(here, ignore_errors=True)
        if endpoint is not None:
            reset_moto(endpoint)
    return results


# -- the report ----------------------------------------------------------------------------------------
def _get(result: dict[str, Any], *path: str) -> float | None:
    value: Any = result
    for part in path:
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return float(value) if isinstance(value, (int, float)) else None


@dataclass(frozen=True)
class Measure:
    """One line of the table: where the new code's and today's figures are in a size's results, and the
    goal: at most / at least `bound` at the largest size, or `flat` (the largest size's figure within
    15 % + 10 MiB of the smallest's)."""

    label: str
    goal: str
    unit: str  # s, ms, n (a count), MiB, /s
    new: tuple[str, ...]
    old: tuple[str, ...] | None = None
    at_most: float | None = None
    at_least: float | None = None
    flat: bool = False

    def met(self, figures: list[float]) -> str:
        if not figures:
            return ""
        last = figures[-1]
        if self.at_most is not None:
            return "yes" if last <= self.at_most else "**no**"
        if self.at_least is not None:
            return "yes" if last >= self.at_least else "**no**"
        if self.flat and len(figures) > 1:
            return "yes" if last <= figures[0] * 1.15 + 10 else "**no**"
        return ""


MEASURES = [
    Measure(
        "idle reconciliation pass (max of 9)",
        "<= 0.5 s",
        "s",
        ("new-service", "idle", "max"),
        ("old-service", "idle", "max"),
        0.5,
    ),
    Measure("  its storage requests", "<= 5", "n", ("new-service", "idle", "requests"), ("old-service", "idle", "requests"), 5),
    Measure(
        "  peak RSS of the service process", "flat", "MiB", ("new-service", "peak_mib"), ("old-service", "peak_mib"), flat=True
    ),
    Measure(
        "new submission: event -> run started (p95)",
        "<= 2 s",
        "s",
        ("new-service", "event", "p95"),
        ("old-service", "no_event", "max"),
        2.0,
    ),
    Measure("  its storage requests", "", "n", ("new-service", "event", "requests"), ("old-service", "no_event", "requests")),
    Measure(
        "  no event: the pass that starts it (max)",
        "",
        "s",
        ("new-service", "no_event", "max"),
        ("old-service", "no_event", "max"),
    ),
    Measure("daily full sweep (today: every pass)", "", "s", ("new-sweep", "sweep", "max"), ("old-service", "idle", "max")),
    Measure("  its storage requests", "", "n", ("new-sweep", "sweep", "requests"), ("old-service", "idle", "requests")),
    Measure("  peak RSS of its process", "flat", "MiB", ("new-sweep", "peak_mib"), ("old-service", "peak_mib"), flat=True),
    Measure("queue page p50 (HTTP, rendered)", "", "ms", ("new-desk", "queue_http_ms", "p50"), ("old-desk", "queue_ms", "p50")),
    Measure(
        "queue page p95 (HTTP, rendered)",
        "<= 150 ms",
        "ms",
        ("new-desk", "queue_http_ms", "p95"),
        ("old-desk", "queue_ms", "p95"),
        150,
    ),
    Measure("  the index's queries alone, p95", "", "ms", ("new-desk", "queue_index_ms", "p95"), ("old-desk", "queue_ms", "p95")),
    Measure(
        "  storage requests per page", "", "n", ("new-desk", "queue_http_ms", "requests"), ("old-desk", "queue_ms", "requests")
    ),
    Measure(
        "claim page p95 (HTTP, no page images)",
        "<= 300 ms",
        "ms",
        ("new-desk", "claim_http_ms", "p95"),
        ("old-desk", "claim_ms", "p95"),
        300,
    ),
    Measure("  load + neighbours alone, p95", "", "ms", ("new-desk", "claim_index_ms", "p95"), ("old-desk", "claim_ms", "p95")),
    Measure(
        "  storage requests per page", "", "n", ("new-desk", "claim_http_ms", "requests"), ("old-desk", "claim_ms", "requests")
    ),
    Measure("  peak RSS of the desk process", "flat", "MiB", ("new-desk", "peak_mib"), ("old-desk", "peak_mib"), flat=True),
    Measure("monitor (max)", "<= 0.5 s", "s", ("new-monitor", "monitor", "max"), ("old-monitor", "monitor", "max"), 0.5),
    Measure("  its storage requests", "", "n", ("new-monitor", "monitor", "requests"), ("old-monitor", "monitor", "requests")),
    Measure(
        "  peak RSS of the monitor process", "flat", "MiB", ("new-monitor", "peak_mib"), ("old-monitor", "peak_mib"), flat=True
    ),
    Measure("intake reindex, whole run", ">= 500 claims/s", "/s", ("new-reindex", "reindex", "rate"), at_least=500),
    Measure("  its claims stage", "", "/s", ("new-reindex", "reindex", "claims_stage_rate")),
    Measure("  peak RSS of the reindex process", "flat", "MiB", ("new-reindex", "peak_mib"), flat=True),
]


def _shown(value: float | None, unit: str, estimated: bool = False) -> str:
    if value is None:
        return "-"
    if unit == "n":
        text = f"{value:,.0f}"
    elif unit == "s" or (unit == "ms" and value >= 10_000):
        value = value / 1000 if unit == "ms" else value
        text = (f"{value:.3f}" if value < 10 else f"{value:,.0f}") + (" s" if unit == "ms" else "")
    else:
        text = f"{value:,.0f}" if value >= 10 or unit in ("MiB", "/s") else f"{value:.1f}"
    return f"~{text}" if estimated else text


def _extrapolated(points: list[tuple[int, float]], n: int) -> float | None:
    """Today's figure at `n` from the line through its two largest measured sizes."""
    if len(points) < 2:
        return None
    (n1, v1), (n2, v2) = sorted(points)[-2:]
    return v1 + (v2 - v1) * (n - n1) / (n2 - n1)


def report(results: dict[int, dict[str, Any]], command: str, backend: str) -> str:
    sizes = sorted(results)
    sparse = {n for n in sizes if results[n].get("generation", {}).get("sparse")}
    header = (
        "| measure | goal | "
        + " | ".join(f"new {n:,}{' (sparse)' if n in sparse else ''} | today {n:,}" for n in sizes)
        + f" | goal met at {sizes[-1]:,} |"
    )
    lines = [
        f"`{command}`",
        "",
        f"backend: {backend}; {os.cpu_count()} cores; {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; "
        + "load average during the phases "
        + ", ".join(
            f"{n:,}: {max(max(r.get('load', [0])) for r in results[n].values() if isinstance(r, dict)):.1f}" for n in sizes
        ),
        "",
        header,
        "|" + "---|" * (header.count("|") - 1),
    ]
    for measure in MEASURES:
        cells, figures, last = [], [], sizes[-1]
        old_points = [(n, v) for n in sizes if measure.old and (v := _get(results[n], *measure.old)) is not None]
        for n in sizes:
            new = _get(results[n], *measure.new)
            old = _get(results[n], *measure.old) if measure.old else None
            estimated = old is None and bool(old_points) and n > max(p[0] for p in old_points)
            if estimated:
                old = _extrapolated(old_points, n)
            cells += [_shown(new, measure.unit), _shown(old, measure.unit, estimated)]
            if new is not None:
                figures.append(new)
                last = n
        met = measure.met(figures)
        if met and last != sizes[-1]:
            met += f" (at {last:,})"
        lines.append(f"| {measure.label} | {measure.goal} | " + " | ".join(cells) + f" | {met} |")
    lines.append("")
    lines.append(
        "today = d5e1278's algorithms (no HTML rendering for its desk: a lower bound); ~ = extrapolated linearly "
        "from the two largest sizes it ran; storage requests count a LIST as one per 1,000 keys returned."
        + (
            " sparse: only the last 3 hours' submissions and the claims whose pages are opened are files, the rest "
            "is in the index alone (what the new service, desk and monitor read)."
            if sparse
            else ""
        )
    )
    slow = _slowest_queries(results[sizes[-1]])
    if slow:
        lines.append(f"slowest queue queries at {sizes[-1]:,} (HTTP ms, max of the repeats): " + "; ".join(slow))
    return "\n".join(lines)


def _slowest_queries(result: dict[str, Any], count: int = 4) -> list[str]:
    queries = result.get("new-desk", {}).get("queries", [])
    ranked = sorted(queries, key=lambda q: -q["http_ms"])[:count]
    return [f"`?{urlencode(q['query']) or '(default)'}` {q['http_ms']:.0f} ({q['total']:,} match)" for q in ranked]


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated numbers of past submissions (and claims)")
    parser.add_argument("--backend", choices=("local", "s3"), default="local")
    parser.add_argument("--json", type=Path, help="write every figure there")
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep it (default: a temporary one, removed)")
    parser.add_argument("--reuse", action="store_true", help="with --keep: measure a history kept there by an earlier run")
    parser.add_argument("--baseline-max", type=int, default=100_000, help="run today's code up to this size")
    parser.add_argument("--reindex-max", type=int, default=1_000_000, help="run intake reindex up to this size")
    parser.add_argument(
        "--full-max",
        type=int,
        default=100_000,
        help="write histories up to this size whole; a larger one sparse: as files only the last hours' "
        "submissions and the claims whose pages are opened, the rest in the index alone (the new code's "
        "service, desk and monitor are measured; today's code, reindex and the full sweep, which read "
        "every file, are not)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="rounds of each measured request")
    parser.add_argument("--workers", type=int, default=2, help="processes writing a local history")
    parser.add_argument(
        "--phases",
        type=lambda text: [p.strip() for p in text.split(",") if p.strip() in PHASES],
        default=list(PHASES),
        help=f"the roles measured (default all: {','.join(PHASES)})",
    )
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--spec", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        result = PHASES[args.phase](json.loads(args.spec.read_text()))
        print("RESULT " + json.dumps(result, default=str), flush=True)
        return 0
    sizes = sorted({int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()})
    command = " ".join([".venv/bin/python", "bench/scale.py", *sys.argv[1:]])
    work = args.keep or Path(tempfile.mkdtemp(prefix="intake-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    server = None
    results: dict[int, dict[str, Any]] = {}

    def write(table: str | None = None) -> None:
        """The figures so far (a long run interrupted keeps what it measured), then with the table."""
        if args.json:
            document = {
                "command": command,
                "backend": args.backend,
                "cores": os.cpu_count(),
                "goals": GOALS,
                "sizes": {str(n): r for n, r in results.items()},
                "table": table,
            }
            args.json.write_text(json.dumps(document, indent=1, default=str))

    def saved(n: int, so_far: dict[str, Any]) -> None:
        results[n] = so_far
        write()

    try:
        if args.backend == "s3":
            from tests.s3_server import S3Server

            server = S3Server(work / "s3", kind="moto").start()
        for n in sizes:
            results[n] = run_size(n, args, work, server.endpoint if server else None, partial(saved, n))
    finally:
        if server is not None:
            server.stop()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    table = report(results, command, args.backend)
    print(table)
    write(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
