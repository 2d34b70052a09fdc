"""Hostile files (samples/generator/hostile.py) through the real pipeline, each in a process of its
own (tests/integration/hostile_case.py), two at a time: no exception escapes, the outcome is the
expected one, the case takes under 60 s per page (or its own budget: a case bounded by the time budget
of a file) and its process tree stays under 1 GiB.

Memory is the process tree's resident size sampled every 50 ms (psutil), and never less than the
process's own high-water mark (`VmHWM`) or what `getrusage` says of its waited-for children (poppler,
Tesseract). A case that runs
away is killed at 1.5 GiB or at its time limit plus a margin (so that the module can be pointed at
older code: `HOSTILE_CODE_ROOT=/path/to/checkout` runs the cases against that code instead).
A summary table is written to `HOSTILE_REPORT` when set.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil
import pytest

from samples.generator.hostile import CASES, Case, write_all

ROOT = Path(__file__).resolve().parents[2]
RUNNER = Path(__file__).with_name("hostile_case.py")
SECONDS_PER_PAGE = 60
CASE_SECONDS = 90  # issue 22: every hostile case handled in under 90 s (and under 1 GiB), accurate mode included
MAX_RSS_MIB = 1024
KILL_RSS_MIB = 1536
PARALLEL = 2


def not_yet_exec(member: psutil.Process) -> bool:
    """True for a child that has not exec'd its program yet: started with vfork (subprocess does), it
    shares its parent's whole memory until then, and its RSS is its parent's, counted once already."""
    parent = member.parent()
    return parent is not None and member.exe() == parent.exe() and member.cmdline() == parent.cmdline()


def tree_rss(process: psutil.Process) -> int:
    """Resident bytes of a process and all its descendants (0 for those gone meanwhile; a child not yet
    exec'd counts 0: a 900 MB worker starting Tesseract read as 1.8 GB for a few milliseconds)."""
    total = 0
    for member in [process, *process.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            if member is process or not not_yet_exec(member):
                total += member.memory_info().rss
    return total


def time_limit(case: Case) -> float:
    """The seconds a case may take: issue 22's goal, under 90 s whatever it holds (its own budget, or 60 s
    per page it reads, when that is less)."""
    return min(CASE_SECONDS, case.expect.seconds or SECONDS_PER_PAGE * case.expect.pages)


def run_case(name: str, path: Path) -> dict:
    """One case in its own process: its JSON answer plus the measured wall time, peak and any kill."""
    case = CASES[name]
    limit = time_limit(case)
    env = {**os.environ, "PYTHONPATH": os.environ.get("HOSTILE_CODE_ROOT", str(ROOT)), "OMP_THREAD_LIMIT": "1"}
    started = time.monotonic()
    child = subprocess.Popen(
        [sys.executable, str(RUNNER), str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        start_new_session=True,
    )
    watched = psutil.Process(child.pid)
    peak, killed = 0, None
    while child.poll() is None:
        with contextlib.suppress(psutil.Error):
            peak = max(peak, tree_rss(watched))
        elapsed = time.monotonic() - started
        if peak > KILL_RSS_MIB * 2**20 or elapsed > limit + 20:
            killed = f"killed at {elapsed:.0f} s, {peak / 2**20:.0f} MiB"
            os.killpg(child.pid, 9)
            child.wait()
            break
        time.sleep(0.05)
    wall = time.monotonic() - started
    out = child.stdout.read().decode() if child.stdout else ""
    child.stdout and child.stdout.close()
    said = json.loads(out.strip().splitlines()[-1]) if out.strip() and not killed else {"error": killed or "no answer"}
    rusage = said.get("max_rss_mib", {})
    peak_mib = max(peak / 2**20, rusage.get("self", 0), rusage.get("children", 0))
    return {**said, "wall": wall, "peak_mib": peak_mib, "killed": killed}


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    """Every case, run once, two at a time."""
    paths = write_all(tmp_path_factory.mktemp("hostile"))
    selected = [name for name in CASES if os.environ.get("HOSTILE_ONLY") in (None, "", *CASES[name].tags, name)]
    # the slowest first, so that the two workers finish together
    selected.sort(key=lambda name: -time_limit(CASES[name]) - SECONDS_PER_PAGE * (name in ("drawing-ops", "scan-20k")))
    with ThreadPoolExecutor(PARALLEL) as pool:
        results = dict(zip(selected, pool.map(lambda name: run_case(name, paths[name]), selected), strict=True))
    if os.environ.get("HOSTILE_REPORT"):
        lines = ["| case | wall s | peak MiB | outcome |", "|---|---|---|---|"]
        for name, said in results.items():
            shown = said.get("error", "").strip().splitlines()[-1:] or [json.dumps(said.get("results"))]
            lines.append(f"| {name} | {said['wall']:.1f} | {said['peak_mib']:.0f} | {shown[0][:160]} |")
        Path(os.environ["HOSTILE_REPORT"]).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return results


def check_outcome(case: Case, said: dict) -> None:
    assert "error" not in said, said.get("error")
    (result,) = said["results"] if case.expect.rejected else said["results"][:1]
    codes = {code for r in said["results"] for code in r["codes"]}
    assert all(r["file"] == case.file for r in said["results"])
    if case.expect.rejected:
        assert result["kind"] == "rejected", said
        assert result["codes"] == [case.expect.rejected], said
        return
    assert all(r["kind"] == "document" for r in said["results"]), said
    assert case.expect.flags <= codes, said
    assert not case.expect.absent & codes, said
    assert case.expect.causes <= {cause for r in said["results"] for cause in r.get("causes", [])}, said
    if case.expect.media_type:
        assert result["media_type"] == case.expect.media_type, said


@pytest.mark.timeout(900)
@pytest.mark.parametrize("name", list(CASES))
def test_hostile_file(outcomes, name):
    if name not in outcomes:
        pytest.skip("not selected (HOSTILE_ONLY)")
    case, said = CASES[name], outcomes[name]
    check_outcome(case, said)
    assert said["wall"] < time_limit(case), f"{said['wall']:.0f} s"
    assert said["peak_mib"] < MAX_RSS_MIB, f"{said['peak_mib']:.0f} MiB"
