"""Does password guessing stall the review desk? Another request's latency while clients try passwords.

Usage: python bench/desk_signin.py [--attackers 3] [--seconds 5] [--no-rate-limit] [--checks N] [--json]

Serves the desk (uvicorn, one process, an empty local storage, one account) on 127.0.0.1, measures
the latency of a cheap page (GET /login, one request at a time) with nobody signing in, then while
`--attackers` clients post wrong passwords as fast as they can (each with a fresh sign-in form). It
prints the median / 95th percentile / max latency of both phases and what the attackers got (401:
checked and refused, 429: rate-limited). `--no-rate-limit` lifts the per-address and per-name limits
so that every attempt costs an Argon2 check: what is left then is the cost of the checks themselves
(run in worker threads, at most 2 at once). A figure, not a test: it depends on the machine.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
import uvicorn

from infra.storage import LocalStorage
from review import app as desk_app
from review.accounts import Account, Role, hash_password
from tests.s3_server import free_port
from validators.rules_file import load_rules

TOKEN = re.compile(r'name="csrf" value="([^"]+)"')


def serve(root: Path, rate_limits: bool, checks: int | None) -> tuple[uvicorn.Server, threading.Thread, str]:
    accounts = {"marie": Account("marie", Role.MANAGER, hash_password("marie-manager-pw"))}
    options = {}
    if hasattr(desk_app, "SignInLimits"):  # (the bench also runs against the desk before it had them)
        limits = desk_app.SignInLimits()
        if not rate_limits:
            limits = dataclasses.replace(limits, per_address=10**9, per_name=10**9)
        if checks:
            limits = dataclasses.replace(limits, concurrent_checks=checks)
        options["limits"] = limits
    config = desk_app.DeskConfig(storage=LocalStorage(root), accounts=accounts, secret="b" * 40, rules=load_rules(), **options)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(desk_app.create_app(config), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise SystemExit("the desk did not start")
        time.sleep(0.05)
    return server, thread, f"http://127.0.0.1:{port}"


def latencies(url: str, seconds: float) -> list[float]:
    """GET /login one at a time for `seconds`: each request's latency in ms."""
    found = []
    with httpx.Client(timeout=30) as client:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            start = time.perf_counter()
            client.get(url + "/login").raise_for_status()
            found.append((time.perf_counter() - start) * 1000)
            time.sleep(0.02)
    return found


def attacker(url: str, stop: threading.Event, answers: Counter, number: int) -> None:
    with httpx.Client(timeout=60) as client:
        attempt = 0
        while not stop.is_set():
            attempt += 1
            token = TOKEN.search(client.get(url + "/login").text)
            answer = client.post(
                url + "/login",
                data={
                    "account": f"guess-{number}-{attempt % 50}",
                    "password": f"password-{attempt}",
                    "csrf": token.group(1) if token else "",
                },
            )
            answers[answer.status_code] += 1


def figures(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "requests": len(ordered),
        "median_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 1),
        "max_ms": round(ordered[-1], 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attackers", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument(
        "--no-rate-limit", action="store_true", help="lift the per-address / per-name limits (every attempt hashed)"
    )
    parser.add_argument("--checks", type=int, default=None, help="Argon2 checks at once (default: the desk's)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="desk-signin-") as root:
        server, thread, url = serve(Path(root), rate_limits=not args.no_rate_limit, checks=args.checks)
        try:
            quiet = latencies(url, args.seconds)
            stop, answers = threading.Event(), Counter()
            clients = [
                threading.Thread(target=attacker, args=(url, stop, answers, n), daemon=True) for n in range(args.attackers)
            ]
            for client in clients:
                client.start()
            time.sleep(0.5)
            loaded = latencies(url, args.seconds)
            stop.set()
            for client in clients:
                client.join(timeout=60)
        finally:
            server.should_exit = True
            thread.join(timeout=10)
    result = {
        "quiet": figures(quiet),
        "under_attack": figures(loaded),
        "attackers": args.attackers,
        "attempts": dict(sorted(answers.items())),
        "rate_limits": not args.no_rate_limit and hasattr(desk_app, "SignInLimits"),
    }
    if args.json:
        print(json.dumps(result))
    else:
        q, a = result["quiet"], result["under_attack"]
        print(
            f"GET /login, nobody signing in:      median {q['median_ms']} ms, p95 {q['p95_ms']} ms, max {q['max_ms']} ms ({q['requests']} requests)"
        )
        print(
            f"GET /login, {args.attackers} clients guessing:    median {a['median_ms']} ms, p95 {a['p95_ms']} ms, max {a['max_ms']} ms "
            f"({a['requests']} requests)"
        )
        print(f"attempts by status: {result['attempts']} (rate limits {'on' if result['rate_limits'] else 'off'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
