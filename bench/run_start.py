"""How soon a submission's run starts after MinIO announces its manifest, through the real parts: a
dedicated Prefect server, `intake serve --events-port` (the dispatcher and the runner of the
`intake-submission/intake` deployment), a local store, and MinIO's event JSON POSTed to the webhook
(the S3-protocol test server sends none). For each new submission (an e-mail in the current hour of the
dated layout): the seconds from the POST to the run's creation (the dispatcher's decision + one API
call) and to its start (RUNNING: the runner's poll, a process started, the flow's imports), and to the
claim written. Each event is sent once the run before it has finished (a new submission on an idle
service). The Prefect server keeps its database in PostgreSQL, as in production (Debian's `postgresql`,
started in a temporary folder), or in SQLite (`--prefect-db sqlite`, where a finishing run's writes hold
the database's lock and delay the next run's creation by up to ~2.5 s here).

    .venv/bin/python bench/run_start.py [--submissions 6] [--history 2000] [--prefect-db postgresql|sqlite]

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


async def _runs(url: str, names: list[str]) -> dict[str, tuple[datetime | None, datetime | None, bool]]:
    """Each run's creation, start and whether it is over, by name."""
    from prefect.client.orchestration import PrefectClient
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterName

    async with PrefectClient(url) as client:
        runs = await client.read_flow_runs(flow_run_filter=FlowRunFilter(name=FlowRunFilterName(any_=names)))
    return {r.name: (r.created, r.start_time, bool(r.state and r.state.is_final())) for r in runs}


def _finished(url: str, name: str, seconds: float = 60) -> None:
    """Wait until the run `name` is over (its last writes done): the next event finds an idle service."""
    deadline = time.monotonic() + seconds
    while not asyncio.run(_runs(url, [name])).get(name, (None, None, False))[2]:
        if time.monotonic() > deadline:
            raise SystemExit(f"run {name} did not finish")
        time.sleep(0.2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submissions", type=int, default=6)
    parser.add_argument("--history", type=int, default=2000)
    parser.add_argument("--prefect-db", choices=("postgresql", "sqlite"), default="postgresql")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="run-start-"))
    home, store = root / "prefect-home", root / "store"
    home.mkdir()
    _history(store, args.history)
    database = None
    if args.prefect_db == "postgresql":
        from tests.postgres import PostgresServer, binaries

        folder = binaries()
        if folder is None:
            raise SystemExit("PostgreSQL is not installed (apt-get install postgresql), or use --prefect-db sqlite")
        database = PostgresServer(folder).start()
    server, url = start_prefect_server(
        home, log_file=root / "server.log", database_url=database.database("prefect") if database else None
    )
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
            _finished(url, claim_id)
        runs = asyncio.run(_runs(url, sorted(posted)))
    finally:
        stop(serve)
        stop(server)
        if database is not None:
            database.stop()
    created = [runs[c][0].timestamp() - posted[c] for c in posted if runs.get(c) and runs[c][0]]
    started = [runs[c][1].timestamp() - posted[c] for c in posted if runs.get(c) and runs[c][1]]
    written = [claims[c] - posted[c] for c in posted]
    print(
        f"`{' '.join(['bench/run_start.py', *sys.argv[1:]])}` ({args.history} submissions already done; "
        f"Prefect's database: {args.prefect_db}; runs forked warm: {os.environ.get('INTAKE_WARM_START', '1') != '0'})\n"
    )
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
