"""Run ONE file through the real pipeline (`intake extract`'s path: the upload rules, then every page
read) and print what came out as one JSON line: each result's kind, file, type, flag codes (and the
flags' `details.cause`), or the
exception that escaped, and this process's peak memory (itself and its waited-for children: poppler,
Tesseract). Run as a script by tests/integration/test_hostile_files.py, one process per case, so that
memory and time are measured per case; `PYTHONPATH` chooses the code under test."""

from __future__ import annotations

import json
import resource
import sys
import time
import traceback
from pathlib import Path


def outcome(path: str) -> dict:
    from intake.pipeline import extract_report
    from models import Document
    from validators.upload import check_uploads

    results = []
    for item in extract_report(check_uploads([path])):
        codes = sorted({f.code.value for f in item.flags})
        if isinstance(item, Document):
            causes = sorted({f.details["cause"] for f in item.flags if "cause" in f.details})
            results.append(
                {
                    "kind": "document",
                    "file": item.file,
                    "media_type": item.media_type.value,
                    "codes": codes,
                    "causes": causes,
                    "pages": len(item.pages),
                }
            )
        else:
            results.append({"kind": "rejected", "file": item.file, "detected_type": item.detected_type, "codes": codes})
    return {"results": results}


def main(path: str) -> None:
    started = time.monotonic()
    try:
        said = outcome(path)
    except BaseException:  # what the test must never see
        said = {"error": traceback.format_exc()}
    said["seconds"] = round(time.monotonic() - started, 2)
    kib = own_peak_kib(), resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    said["max_rss_mib"] = {"self": round(kib[0] / 1024), "children": round(kib[1] / 1024)}
    print(json.dumps(said))


def own_peak_kib() -> int:
    """This process's peak resident memory since it started its program: the kernel's high-water mark of
    its own address space (`VmHWM`). `getrusage(RUSAGE_SELF).ru_maxrss` is no measure here: Linux carries
    it over from the process that forked this one (a test process that had loaded an OCR engine made
    every case look 1.2 GB)."""
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii")
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return next(
        (int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")),
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    )


if __name__ == "__main__":
    main(sys.argv[1])
