"""How long a manager waits for a claim page with its pictures: the desk served by uvicorn over the
sample claims, each claim opened as a browser would (the page, then every page picture it shows).

Usage: python bench/desk_claim_page.py [--repeat 3] [--json]

Builds the desk's sample storage (tests/review_data.py: the sample requests processed by the service,
~1 min of OCR), then measures per claim, one request at a time:
  - cold: no picture rendered yet (the cache emptied), no background job: the first open renders them;
  - ahead: the desk's background job (review/prerender.py) has rendered the queue's head, as `intake
    review` runs it;
  - warm: opened again.
It prints the median and max wall time from the page request to the last picture received. The issue's
goal: <= 500 ms with images ready. A figure, not a test: it depends on the machine.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
import uvicorn

from review import app as desk_app
from review.page_view import PageCache
from review.prerender import Prerenderer
from review.store import ReviewStore
from tests.review_data import PASSWORDS, accounts, build_storage
from tests.s3_server import free_port
from validators.rules_file import load_rules

TOKEN = re.compile(r'name="csrf" value="([^"]+)"')
PICTURE = re.compile(r'<img[^>]+src="(/claims/[^"]+\.jpg)"')
CLAIM = re.compile(r'class="claim-link">([^<]+)<')


def serve(storage) -> tuple[str, uvicorn.Server]:
    config = desk_app.DeskConfig(storage=storage, accounts=accounts(), secret="s" * 40, rules=load_rules())
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(desk_app.create_app(config), host="127.0.0.1", port=port, log_level="error"))
    threading.Thread(target=server.run, daemon=True).start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{url}/login", timeout=2)
            return url, server
        except httpx.HTTPError:
            time.sleep(0.1)
    raise SystemExit("the desk did not start")


def signed_in(url: str) -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=120, follow_redirects=True)
    token = TOKEN.search(client.get("/login").text).group(1)
    answer = client.post("/login", data={"account": "marie", "password": PASSWORDS["marie"], "csrf": token, "next": "/"})
    if "claim-link" not in answer.text and "/login" in str(answer.url):
        raise SystemExit("could not sign in to the desk")
    return client


def open_claim(client: httpx.Client, claim_id: str) -> float:
    """Seconds from the page request to the last of its pictures."""
    started = time.perf_counter()
    page = client.get(f"/claims/{claim_id}")
    for src in PICTURE.findall(page.text):
        client.get(src).raise_for_status()
    return time.perf_counter() - started


def empty_cache(storage) -> None:
    for info in storage.list("cache/pages/"):
        storage.delete(info.key)


def figures(seconds: list[float]) -> dict[str, float]:
    return {"median_ms": round(1000 * statistics.median(seconds)), "max_ms": round(1000 * max(seconds))}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-desk-") as tmp:
        storage = build_storage(Path(tmp) / "storage")
        url, server = serve(storage)
        client = signed_in(url)
        claim_ids = CLAIM.findall(client.get("/?view=all").text)
        cold, ahead, warm = [], [], []
        for _ in range(args.repeat):
            empty_cache(storage)
            cold += [open_claim(client, c) for c in claim_ids]
            warm += [open_claim(client, c) for c in claim_ids]
            empty_cache(storage)
            job = Prerenderer(ReviewStore(storage, load_rules()), PageCache(storage), interval=3600)
            for claim_id in claim_ids:  # what the job's pass does for the queue's head, one claim at a time
                job.render_claim(claim_id)
            ahead += [open_claim(client, c) for c in claim_ids]
        server.should_exit = True
    result = {
        "claims": len(claim_ids),
        "cold": figures(cold),
        "rendered_ahead": figures(ahead),
        "warm": figures(warm),
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(f"{len(claim_ids)} sample claims, {args.repeat} rounds; page + every picture, one request at a time")
        for name in ("cold", "rendered_ahead", "warm"):
            print(f"  {name:<15} median {result[name]['median_ms']:>6} ms   max {result[name]['max_ms']:>6} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
