"""The inbox service end to end: `intake watch --once` on a local storage root, against a real Prefect server.

Usage: python bench/service.py [--submissions 8] [--seed 21] [--keep]

Starts a dedicated `prefect server start` (loopback, its own PREFECT_HOME and SQLite database), builds
SUBMISSIONS extranet submissions (each a scanned pharmacy invoice and its prescription for the same
patient, image-only PDFs, then `manifest.json` written last), and measures:
  - run A: one `intake watch --once` process draining the inbox,
  - run B: the same inbox on a fresh root, drained by TWO `watch --once` processes started together
           (scale-out: each submission must be processed exactly once),
timing wall seconds (cold processes: imports, model loads and Prefect client included) and the peak
memory (RSS of the process trees, summed). Each run is checked: one claim.json per submission, every
marker under state/submissions `done`, and (run B) no submission processed by both workers.
Tesseract is single-threaded (OMP_THREAD_LIMIT=1). --keep keeps the temporary folder.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from samples.generator import fakes  # noqa: E402
from samples.generator.corpus import generate  # noqa: E402
from tests.prefect_server import start_prefect_server, stop  # noqa: E402

MANIFEST = {"care_types": ["pharmacy"]}
WATCH = [sys.executable, "-m", "flows.cli", "watch", "--once"]
PROCESSED = re.compile(r"(\d+) submission\(s\) processed(?:: (.*))?")


@dataclass
class Run:
    name: str
    submissions: int
    pages: int
    seconds: float
    peak_mib: float
    statuses: Counter
    double: int | None = None


def care_day(index: int) -> date:
    """A different recent day per submission: prescriptions carry no amount, so two of the same day look
    like near-duplicates to validators/duplicates.py (same date, look-alike pages)."""
    return date.today() - timedelta(days=3 + index % 60)


def build_inbox(folder: Path, count: int, seed: int) -> int:
    """`count` submissions under folder/inbox/extranet/; returns their number of pages."""
    rng = random.Random(seed)
    pages = 0
    for index in range(count):
        submission = folder / "inbox" / "extranet" / f"BENCH-{index + 1:03d}"
        submission.mkdir(parents=True)
        who, day = fakes.person(rng, 1950, 2000), care_day(index)
        invoice = generate(
            "pharmacy_invoice",
            "pdf_scan",
            "clean",
            rng.randrange(10**9),
            submission / "facture.pdf",
            patient=who,
            day=day,
            third_party=False,
        )
        prescription = generate(
            "prescription", "pdf_scan", "clean", rng.randrange(10**9), submission / "ordonnance.pdf", patient=who, day=day
        )
        pages += invoice["pages"] + prescription["pages"]
        (submission / "manifest.json").write_text(json.dumps(MANIFEST))  # last: the submission is complete
    return pages


def copy_inbox(source: Path, target: Path) -> None:
    shutil.copytree(source / "inbox", target / "inbox")


def tree_rss(processes: list[psutil.Popen]) -> int:
    total = 0
    for process in processes:
        try:
            tree = [process, *process.children(recursive=True)]
        except psutil.Error:
            continue
        for member in tree:
            with contextlib.suppress(psutil.Error):
                total += member.memory_info().rss
    return total


def spawn(out: Path, err: Path, env: dict[str, str]) -> psutil.Popen:
    with out.open("w") as stdout, err.open("w") as stderr:
        return psutil.Popen(WATCH, env=env, cwd=REPO, stdout=stdout, stderr=stderr)


def run_watchers(workers: int, env: dict[str, str], logs: Path) -> tuple[float, float, list[str]]:
    """(wall seconds until all exit, peak RSS MiB of all their trees, each one's stdout) of `workers`
    `watch --once` processes started together; their output goes to files in `logs` (no pipe to fill)."""
    logs.mkdir(parents=True, exist_ok=True)
    outs = [(logs / f"worker{i + 1}.out", logs / f"worker{i + 1}.err") for i in range(workers)]
    started = time.monotonic()
    processes = [spawn(out, err, env) for out, err in outs]
    peak = 0
    while any(p.poll() is None for p in processes):
        peak = max(peak, tree_rss([p for p in processes if p.poll() is None]))
        time.sleep(0.05)
    elapsed = time.monotonic() - started
    for process, (_, err) in zip(processes, outs, strict=True):
        if process.returncode != 0:
            raise SystemExit(f"watch --once failed ({process.returncode}):\n{err.read_text()[-3000:]}")
    return elapsed, peak / 1024 / 1024, [out.read_text() for out, _ in outs]


def processed_ids(stdout: str) -> list[str]:
    """The claim ids a `watch --once` reported (its last 'N submission(s) processed: ...' line)."""
    for line in reversed(stdout.splitlines()):
        found = PROCESSED.fullmatch(line.strip())
        if found:
            return [c.strip() for c in (found.group(2) or "").split(",") if c.strip()]
    raise SystemExit(f"no 'submission(s) processed' line in:\n{stdout[-2000:]}")


def verify(root: Path, count: int, outputs: list[str]) -> tuple[Counter, int]:
    """(claim statuses, submissions processed more than once); exits when a submission is missing."""
    claims = sorted(root.glob("claims/*/claim.json"))
    statuses = Counter(json.loads(c.read_text())["status"] for c in claims)
    markers = [json.loads(m.read_text()) for m in root.glob("state/submissions/extranet/*.json")]
    reported = Counter(c for out in outputs for c in processed_ids(out))
    problems = []
    if len(claims) != count:
        problems.append(f"{len(claims)} claim.json for {count} submissions")
    if len(markers) != count or any(m["state"] != "done" for m in markers):
        problems.append(f"markers: {Counter(m['state'] for m in markers)} for {count} submissions")
    if len({m["claim_id"] for m in markers}) != count or set(reported) != {m["claim_id"] for m in markers}:
        problems.append(f"claim ids: markers {sorted(m['claim_id'] for m in markers)}, reported {sorted(reported)}")
    if problems:
        raise SystemExit(f"{root}: " + "; ".join(problems))
    return statuses, sum(n - 1 for n in reported.values() if n > 1)


def measure(name: str, root: Path, count: int, pages: int, workers: int, base_env: dict[str, str]) -> Run:
    seconds, peak, outputs = run_watchers(workers, {**base_env, "INTAKE_ROOT": str(root)}, root.parent / f"logs-{root.name}")
    statuses, double = verify(root, count, outputs)
    if workers > 1:
        print(f"run {name}: submissions per worker {[len(processed_ids(o)) for o in outputs]}")
    return Run(name, count, pages, seconds, peak, statuses, double if workers > 1 else None)


def report(runs: list[Run]) -> None:
    print(f"{'run':<28}{'subm.':>6}{'pages':>7}{'wall s':>9}{'s/subm.':>9}{'pages/min':>11}{'peak MiB':>10}")
    for r in runs:
        print(
            f"{r.name:<28}{r.submissions:>6}{r.pages:>7}{r.seconds:>9.1f}{r.seconds / r.submissions:>9.1f}"
            f"{r.pages / r.seconds * 60:>11.1f}{r.peak_mib:>10.0f}"
        )
    for r in runs:
        line = f"{r.name}: statuses " + ", ".join(f"{k} {v}" for k, v in sorted(r.statuses.items()))
        print(line + (f"; double-processed: {r.double}" if r.double is not None else ""))


def main() -> int:
    parser = argparse.ArgumentParser(description="the inbox service end to end (intake watch --once)")
    parser.add_argument("--submissions", type=int, default=8)
    parser.add_argument("--seed", type=int, default=21)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-service-"))
    home = tmp / "prefect-home"
    home.mkdir()
    try:
        server, url = start_prefect_server(home)
    except RuntimeError as error:
        raise SystemExit(str(error)) from None
    try:
        pages = build_inbox(tmp / "run-a", args.submissions, args.seed)
        copy_inbox(tmp / "run-a", tmp / "run-b")
        env = {
            **os.environ,
            "OMP_THREAD_LIMIT": "1",
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_API_URL": url,
            "PREFECT_HOME": str(home),
            "INTAKE_STORAGE": "local",
        }
        env.pop("INTAKE_ADJUDICATION_URL", None)
        cores = len(os.sched_getaffinity(0))
        print(f"bench: python {' '.join(sys.argv)}")
        print(f"each worker: python {' '.join(WATCH[1:])}  (INTAKE_STORAGE=local OMP_THREAD_LIMIT=1, Prefect server {url})")
        print(f"{args.submissions} submissions x (scanned invoice + prescription) = {pages} pages, {cores} cores")
        runs = [
            measure("A: 1 worker", tmp / "run-a", args.submissions, pages, 1, env),
            measure("B: 2 workers, same root", tmp / "run-b", args.submissions, pages, 2, env),
        ]
    finally:
        stop(server)
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    report(runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
