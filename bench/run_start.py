"""How soon a submission's run starts after MinIO announces its manifest, through the real parts: a
dedicated Prefect server, `intake serve --events-port` (the dispatcher and the runner of the
`intake-submission/intake` deployment), a local store, and MinIO's event JSON POSTed to the webhook
(the S3-protocol test server sends none). For each new submission (an e-mail in the current hour of the
dated layout): the seconds from the POST to the run's creation (the dispatcher's decision + one API
call) and to its start (RUNNING: the runner's poll, a process started, the flow's imports), and to the
claim written.

    .venv/bin/python bench/run_start.py [--submissions 6] [--history 2000]

`--history` e-mails already done in past hours (the pass and the event must not cost what is past).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx

from intake.inbox import partition_of
from tests.minio_events import created_event
from tests.prefect_server import start_prefect_server, stop
from tests.s3_server import free_port

TOKEN = "bench-token"


def _mail(n: int) -> bytes:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = "a@example.org", "b@example.org", f"Demande {n}"
    mail.set_content("Bonjour, ci-joint ma facture.")
    return bytes(mail)


def _history(store: Path, count: int) -> None:
    """`count` e-mails in past hours, already done (as the service leaves them): written through the
    inbox's own take/finish so markers, done entries and the index agree."""
    from infra.storage.local import LocalStorage
    from intake import inbox

    storage = LocalStorage(store)
    now = datetime.now(UTC)
    for n in range(count):
        storage.put_bytes(f"inbox/{partition_of(now - timedelta(hours=2 + n % 500))}/email/old-{n}.eml", b"x")
    for submission in inbox.pending(storage, now):
        inbox.finish(storage, submission, inbox.take(storage, submission, now), now)


async def _runs(url: str, names: list[str]) -> dict[str, tuple[datetime | None, datetime | None]]:
    from prefect.client.orchestration import PrefectClient
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterName

    async with PrefectClient(url) as client:
        runs = await client.read_flow_runs(flow_run_filter=FlowRunFilter(name=FlowRunFilterName(any_=names)))
    return {r.name: (r.created, r.start_time) for r in runs}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submissions", type=int, default=6)
    parser.add_argument("--history", type=int, default=2000)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="run-start-"))
    home, store = root / "prefect-home", root / "store"
    home.mkdir()
    _history(store, args.history)
    server, url = start_prefect_server(home, log_file=root / "server.log")
    port = free_port()
    env = {
        **os.environ,
        "PREFECT_API_URL": url,
        "PREFECT_HOME": str(home),
        "INTAKE_STORAGE": "local",
        "INTAKE_ROOT": str(store),
        "INTAKE_EVENTS_TOKEN": TOKEN,
    }
    command = [sys.executable, "-m", "flows.cli", "serve", "--interval", "3600", "--events-port", str(port)]
    with (root / "serve.log").open("ab") as log:
        serve = subprocess.Popen([*command, "--events-host", "127.0.0.1"], env=env, stdout=log, stderr=subprocess.STDOUT)
    posted: dict[str, float] = {}
    answered: dict[str, float] = {}  # the webhook's answer: the event handled (run created) or refused
    claims: dict[str, float] = {}
    try:
        time.sleep(15)  # the first pass (a sweep of the history) and the runner's start
        for n in range(args.submissions):
            key = f"inbox/{partition_of(datetime.now(UTC))}/email/new-{n}.eml"
            (store / key).parent.mkdir(parents=True, exist_ok=True)
            (store / key).write_bytes(_mail(n))
            before = {p.parent.name for p in (store / "claims").glob("*/claim.json")}
            sent = time.time()
            answer = httpx.post(
                f"http://127.0.0.1:{port}/minio/events",
                content=created_event("intake", key),
                headers={"Authorization": f"Bearer {TOKEN}"},
            )
            answer.raise_for_status()
            answered[key] = time.time() - sent
            deadline = time.monotonic() + 120
            while not (new := {p.parent.name for p in (store / "claims").glob("*/claim.json")} - before):
                if time.monotonic() > deadline:
                    raise SystemExit(f"no claim for submission {n}: see {root}/serve.log")
                time.sleep(0.1)
            claim_id = new.pop()
            posted[claim_id], claims[claim_id] = sent, time.time()
        time.sleep(3)
        runs = asyncio.run(_runs(url, sorted(posted)))
    finally:
        stop(serve)
        stop(server)
    created = [runs[c][0].timestamp() - posted[c] for c in posted if runs.get(c) and runs[c][0]]
    started = [runs[c][1].timestamp() - posted[c] for c in posted if runs.get(c) and runs[c][1]]
    written = [claims[c] - posted[c] for c in posted]
    print(f"`{' '.join(['bench/run_start.py', *sys.argv[1:]])}` ({args.history} submissions already done)\n")
    print("| from the event to | median s | max s |\n|---|---|---|")
    for label, values in (
        ("webhook answered (run created)", list(answered.values())),
        ("run created (server's time)", created),
        ("run started (RUNNING)", started),
        ("claim written", written),
    ):
        print(f"| {label} | {statistics.median(values):.2f} | {max(values):.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
