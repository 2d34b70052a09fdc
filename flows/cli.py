"""The `intake` command line: `intake process` (one request -> one claim), `extract`, `watch`, `serve`,
`review`, `review-account`. Errors are translated to exit codes and messages here, at one boundary
(`run`): an `IntakeError` by its class's exit code, anything else as an internal error without a
traceback (INTAKE_DEBUG=1 shows it)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from flows.cli_declaration import add_options, declaration
from flows.terminal import safe_text
from infra.tools.check import check_tools
from intake.declaration import MANIFEST_NAME, quoted_claim, request_language
from models import Claim, Document, RejectedFile
from models.errors import ExitCode, IntakeError, UsageError
from models.manifest import CLAIM_ID
from validators.rules_file import Rules, load_rules

if TYPE_CHECKING:
    from collections.abc import Callable

    from intake.claim_store import ClaimStore, ReceivedFile
    from intake.request import Received
    from models import ClaimStatus
    from models.review import ReviewAction

log = logging.getLogger("intake")


def _fmt_field(doc: Document, name: str) -> str:
    field = doc.fields.get(name)
    return f"{field.value} ({field.confidence:.0%})" if field else "-"


def summary(claim: Claim) -> str:
    """A readable summary of a claim for the terminal (every line made safe: `shown`)."""
    return "\n".join(safe_text(line) for line in _summary_lines(claim))


def _in_euros(doc: Document) -> str:
    """', 21.35 EUR at 178.49 (ECB 2026-10-01)' for a foreign bill converted; empty otherwise."""
    field, conversion = doc.fields.get("total_eur"), doc.conversion
    if field is None or conversion is None:
        return ""
    return f", {field.value} EUR at {conversion.rate} (ECB {conversion.rate_date})"


def _summary_lines(claim: Claim) -> list[str]:
    out = [f"Claim {claim.claim_id}: {claim.status.value}" + (f" ({claim.status_reason})" if claim.status_reason else "")]
    for doc in claim.documents:
        out.append(
            f"  {doc.file}: {doc.doc_type.value} ({doc.doc_type_score:.0%}), {len(doc.pages)} page(s), "
            f"date {_fmt_field(doc, 'date')}, total {_fmt_field(doc, 'total')}, currency {_fmt_field(doc, 'currency')}"
            + _in_euros(doc)
        )
    for rejected in claim.rejected_files:
        out.append(f"  {rejected.file}: rejected")
    if (
        claim.total_eur is not None
        and claim.total_eur.amount is not None
        and any("total_eur" in d.fields for d in claim.documents)
    ):
        out.append(f"  bills in EUR: {claim.total_eur.amount} (ECB rates of the dates of care)")
    flags = claim.all_flags()
    out.append(f"  flags ({len(flags)}):" if flags else "  flags: none")
    for flag in flags:
        out.append(f"    [{flag.severity.value}] {flag.code.value}: {flag.message}")
    return out


def _documents(names: list[str], recursive: bool, leave_out: tuple[str, ...] = ()) -> list[Path]:
    """The files named, and the documents (PDF, JPG, PNG) of each folder named; a folder's other files
    are named on stderr as skipped."""
    from intake.batch import expand

    try:
        files, skipped = expand(names, recursive, leave_out)
    except FileNotFoundError as missing:
        raise UsageError(f"no such file or folder: {missing}") from None
    for path in skipped:
        print(f"intake: skipped (not a PDF, JPG or PNG by its name): {safe_text(str(path))}", file=sys.stderr)
    return files


def _input_files(names: list[str]) -> list[Path]:
    """The request's files: the files named, and the documents of each folder named (its manifest.json
    is the declaration, not a document)."""
    files = _documents(names, recursive=False, leave_out=(MANIFEST_NAME,))
    if not files:
        raise UsageError("no file to process")
    return [f.resolve() for f in files]


def _received_files(files: list[Path]) -> tuple[ReceivedFile, ...]:
    from intake.claim_store import ReceivedFile

    try:
        return tuple(ReceivedFile(f.name, f.read_bytes()) for f in files)
    except OSError as exc:
        raise UsageError(f"cannot read a file ({exc.strerror})") from None


def _body(args: argparse.Namespace) -> str | None:
    try:
        return Path(args.body).read_text(encoding="utf-8") if args.body else None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"--body: cannot read the file ({type(exc).__name__})") from None


def _process(received: Received, store: ClaimStore, rules: Rules, record: str) -> Claim:
    """The request processed as a recorded Prefect flow run (`--record always`, or `auto` with a Prefect
    server configured and answering), else directly: a one-off run does not pay for a temporary server."""
    from flows.prefect_server import prefect_server_answers
    from intake.request import process_request

    wanted = record == "always" or (record == "auto" and prefect_server_answers())
    if not wanted:
        return process_request(received, store, rules)
    from flows.process_claim import run_process_claim

    try:
        return run_process_claim(received, store, rules)
    except Exception as error:
        if not type(error).__module__.startswith("prefect") and "Prefect" not in str(error):
            raise
        print(f"intake: Prefect could not record the run ({type(error).__name__}): processing without it", file=sys.stderr)
        return process_request(received, store, rules)  # the store is idempotent: what was stored stays as is


def cmd_process(args: argparse.Namespace) -> int:
    from infra.storage.local import LocalStorage
    from intake.claim_ids import new_claim_id
    from intake.claim_store import ClaimStore
    from intake.request import Received

    if args.claim_id is not None and not CLAIM_ID.fullmatch(args.claim_id):
        raise UsageError("--claim-id: not a claim number (CLM-YYYYMMDD-XXXXXX)")
    files = _input_files(args.files)
    manifest, body = declaration(args, files), _body(args)
    rules = load_rules(args.rules)
    with tempfile.TemporaryDirectory(prefix="intake-claims-") as scratch:
        store = ClaimStore(LocalStorage(Path(args.out) if args.out else Path(scratch)), indexed=bool(args.out))
        claim_id = args.claim_id or new_claim_id(store.storage)
        received = Received(
            claim_id,
            _received_files(files),
            manifest,
            quoted_claim(manifest, args.subject, body),
            request_language(manifest, args.subject, body),
        )
        claim = _process(received, store, rules, args.record)
    print(claim.model_dump_json(indent=2) if args.json else summary(claim))
    return ExitCode.OK


def _doc_line(item: Document | RejectedFile) -> str:
    if isinstance(item, RejectedFile):
        return safe_text(f"{item.file}: rejected - " + "; ".join(f.code.value for f in item.flags))
    return safe_text(
        f"{item.file}: {item.doc_type.value}, date {_fmt_field(item, 'date')}, total {_fmt_field(item, 'total')}, "
        f"currency {_fmt_field(item, 'currency')}"
        + (f", flags {', '.join(f.code.value for f in item.flags)}" if item.flags else "")
    )


def cmd_extract(args: argparse.Namespace) -> int:
    """Each file (or each document of each folder) read as its own document(s), streamed in input order."""
    from flows.progress import Progress
    from intake.batch import extract_files

    files = _documents(args.files, recursive=True)
    progress = Progress(len(files))
    try:
        for result in extract_files(files, args.workers):
            progress.clear()
            for item in result.items:
                print(item.model_dump_json() if args.jsonl else _doc_line(item), flush=True)
            progress.advance(result.pages)
    finally:
        progress.clear()
    return ExitCode.OK


DEFAULT_OCR_SLOTS = 2


def cmd_watch(args: argparse.Namespace) -> int:
    """Process the inbox in this process, each submission an `intake-submission` flow run named after its
    claim: `--once` everything pending (a full sweep, both layouts), else a reconciliation pass every
    `--interval` seconds (at once after a bucket notification, MinIO) that lists only what is new
    (intake/reconcile.py). No run is made while nothing arrives."""
    from datetime import timedelta

    from flows.service import ensure_ocr_limit, run_here
    from infra.storage.notifications import inbox_signal
    from infra.storage.settings import open_storage
    from intake.dispatch import Dispatcher
    from intake.reconcile import Reconciler

    storage = open_storage()
    print(f"watching {storage.describe()}", file=sys.stderr)
    ensure_ocr_limit(DEFAULT_OCR_SLOTS, resize=False)  # the one `intake serve` set, else a default
    reconciler = Reconciler(sweep_every=timedelta(0)) if args.once else Reconciler()
    dispatcher = Dispatcher(storage, run_here, quiet=timedelta(seconds=args.quiet), reconciler=reconciler, strict=args.once)
    signal = None if args.once else inbox_signal(storage)
    try:
        while True:
            try:
                claims = dispatcher.reconcile()
            except Exception as error:  # a failed pass (the storage down...): a watcher keeps watching, --once reports it
                if signal is None:
                    raise
                print(
                    f"intake watch: pass failed ({type(error).__name__}); next pass in {args.interval:g} s",
                    file=sys.stderr,
                    flush=True,
                )
            else:
                print(f"{len(claims)} submission(s) processed" + (f": {', '.join(claims)}" if claims else ""), flush=True)
                if signal is None:
                    return ExitCode.OK
            signal.wait(args.interval)
    finally:
        if signal is not None:
            signal.close()


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the `intake-submission` deployment (one run per submission, named after its claim, started by
    the dispatcher: MinIO's events on the webhook, and a reconciliation pass every `--interval` seconds
    that lists only what is new) and `intake-monitor` (every `--monitor-interval` seconds: the review
    backlog and the outbox, for the automations). Nothing runs in Prefect while nothing arrives."""
    import asyncio
    from datetime import timedelta

    from prefect.exceptions import TerminationSignal
    from prefect.runner import Runner

    from flows.prefect_server import require_prefect_server

    require_prefect_server("serve")  # a temporary server would have no UI and vanish with the service
    from flows import warm_start
    from flows.monitor import monitor_flow
    from flows.service import DEPLOYMENT_NAME, SUBMISSION_DEPLOYMENT, ensure_ocr_limit, start_service, submission_flow

    ensure_ocr_limit(args.ocr_slots)
    warm_start.install()  # each run forked from a process that imported Prefect and the pipeline already
    # the runner looks for new runs every second (a run starts within ~1 s of its event), at most --runs
    # at once, each in a process of its own; added as flows (not `serve(to_deployment(...))`), the runner
    # holds the flow objects and starts a run from them instead of a `python -m prefect.engine` that
    # imports the deployment's code again ("Downloading flow code from storage", ~1 s)
    runner = Runner(limit=args.runs, query_seconds=1, pause_on_shutdown=True)
    runner.add_flow(submission_flow, name=DEPLOYMENT_NAME, tags=["intake"])  # applied before the dispatcher's first pass
    runner.add_flow(
        monitor_flow,
        name=DEPLOYMENT_NAME,
        interval=timedelta(seconds=args.monitor_interval),
        tags=["intake"],
        parameters={"backlog_limit": args.backlog, "outbox_minutes": args.outbox_minutes},
    )
    service = start_service(args.interval, args.quiet, args.events_port, args.events_host)
    print(f"serving {SUBMISSION_DEPLOYMENT} and {monitor_flow.name}/{DEPLOYMENT_NAME}", flush=True)
    try:
        asyncio.run(runner.start())
    except (KeyboardInterrupt, TerminationSignal):
        pass  # stopped: the runner has paused its schedules and cancelled or handed back its runs
    finally:
        service.close()
    return ExitCode.OK


def cmd_automations(args: argparse.Namespace) -> int:
    """Install (or replace) the operators' alerts on the Prefect server (PREFECT_API_URL)."""
    from flows.prefect_server import require_prefect_server

    url = require_prefect_server("automations")  # installed into a temporary server, they would vanish at once
    from flows.automations import install

    print(f"Prefect server {url}")
    for name in install(args.notify):
        print(f"installed: {name}")
    return ExitCode.OK


def cmd_review(args: argparse.Namespace) -> int:
    """Start the managers' review desk (a web app) on the service's storage."""
    import uvicorn

    from infra.storage.settings import open_storage
    from review.accounts import AccountsFile
    from review.app import DeskConfig, create_app
    from review.settings import ReviewSettings

    settings = ReviewSettings()
    if settings.accounts is None:
        raise UsageError("INTAKE_REVIEW_ACCOUNTS must name the accounts file (make entries with `intake review-account`)")
    accounts = AccountsFile(settings.accounts)  # validated whole now (exit 3), re-read when it changes
    secret, configured = settings.signing_secret()
    if not configured:
        print(
            "intake review: INTAKE_REVIEW_SECRET not set (32+ characters): sessions end when the desk restarts", file=sys.stderr
        )
    storage = open_storage()
    config = DeskConfig(
        storage=storage,
        accounts=accounts,
        secret=secret,
        rules=load_rules(args.rules),
        secure_cookies=settings.secure_cookies,
        on_decision=_decisions_to_prefect(),
        prerender=True,
    )
    print(
        f"review desk on http://{args.host}:{args.port}/ over {storage.describe()}, {len(accounts.current())} account(s)",
        file=sys.stderr,
    )
    uvicorn.run(create_app(config), host=args.host, port=args.port, log_level="warning", access_log=False)
    return ExitCode.OK


def _decisions_to_prefect() -> Callable[[str, ReviewAction, ClaimStatus], None] | None:
    """The desk's decisions told to Prefect (events, the claim's runs retagged) when PREFECT_API_URL is
    set (flows/decisions.py); else None: the desk needs no Prefect server."""
    url = os.environ.get("PREFECT_API_URL")
    if not url:
        print("intake review: PREFECT_API_URL not set: decisions are not shown in Prefect", file=sys.stderr)
        return None
    from flows.decisions import PrefectDecisions

    print(f"intake review: decisions told to the Prefect server at {url}", file=sys.stderr)
    return PrefectDecisions()


def cmd_review_account(args: argparse.Namespace) -> int:
    """Print the accounts-file entry of one account (the password is read from the terminal or stdin)."""
    import getpass

    from review.accounts import ACCOUNT_NAME, Role, account_entry

    if not ACCOUNT_NAME.fullmatch(args.name):
        raise UsageError("account names are 1-64 ASCII letters, digits, '.', '-' and '_'")
    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass("password: ")
    try:
        print(account_entry(args.name, Role(args.role), password))
    except ValueError as error:
        raise UsageError(str(error)) from None
    return ExitCode.OK


def cmd_reindex(args: argparse.Namespace) -> int:
    """Rebuild the index (infra/index: the queue, the outbox, the submissions) from the storage."""
    from infra.storage.settings import open_storage
    from intake.reindex import reindex_command

    return reindex_command(open_storage(), load_rules(args.rules), keep=args.keep, every=args.progress)


def version() -> str:
    """The installed intake's version."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("claim-intake")
    except PackageNotFoundError:
        return "unknown (not installed)"


def parser() -> argparse.ArgumentParser:
    """The `intake` argument parser."""
    root = argparse.ArgumentParser(prog="intake", description="Claim document intake: OCR, classify, extract, flag.")
    root.add_argument("--version", action="version", version=f"intake {version()}")
    sub = root.add_subparsers(dest="command", required=True)
    process = sub.add_parser(
        "process", help="process the files of ONE request into one claim (a Prefect flow run when a server answers)"
    )
    process.add_argument("files", nargs="+", metavar="FILE", help="the request's files, or its folder")
    process.add_argument("--claim-id", help="claim number to use (default: a new CLM-YYYYMMDD-XXXXXX)")
    process.add_argument(
        "--out",
        help="a claim store folder: writes OUT/claims/<claim_id>/ (originals, claim.json, message, history/), OUT/quarantine/, OUT/outbox/, OUT/state/index/",
    )
    process.add_argument("--rules", help="the insurer's rules file (default: $INTAKE_RULES or the bundled rules)")
    process.add_argument("--json", action="store_true", help="print the claim JSON instead of a summary")
    process.add_argument(
        "--record",
        choices=("auto", "always", "never"),
        default="auto",
        help="record the run as a Prefect flow run: auto = when PREFECT_API_URL names a server that answers",
    )
    add_options(process)
    process.set_defaults(needs_tools=True, handler=cmd_process)
    extract = sub.add_parser("extract", help="extract each file as its own document (no claim rules, no file limit)")
    extract.add_argument("files", nargs="+", metavar="FILE_OR_FOLDER", help="files, or folders (their PDF, JPG and PNG files)")
    extract.add_argument("--jsonl", action="store_true", help="one Document JSON per line, in input order")
    extract.add_argument("--workers", type=int, default=None, help="concurrent pages (default: one per core)")
    extract.set_defaults(needs_tools=True, handler=cmd_extract)
    watcher = sub.add_parser("watch", help="process the storage inbox (INTAKE_STORAGE, INTAKE_ROOT / INTAKE_S3_*)")
    watcher.add_argument("--once", action="store_true", help="process everything pending, then exit")
    watcher.add_argument("--interval", type=float, default=10.0, help="seconds between passes (polling)")
    watcher.add_argument(
        "--quiet", type=float, default=120.0, help="seconds without change after which a manifest-less upload is complete"
    )
    watcher.set_defaults(needs_tools=True, handler=cmd_watch)
    serve = sub.add_parser(
        "serve",
        help="serve the intake-submission and intake-monitor deployments and dispatch submissions (needs PREFECT_API_URL)",
    )
    serve.add_argument(
        "--interval", type=float, default=30.0, help="seconds between reconciliation passes (what no event announced)"
    )
    serve.add_argument(
        "--events-port", type=int, default=None, help="serve MinIO's webhook on this port (token: INTAKE_EVENTS_TOKEN)"
    )
    serve.add_argument("--events-host", default="0.0.0.0", help="the webhook's address (default all interfaces)")
    serve.add_argument("--runs", type=int, default=2, help="submission runs at once in this process's runner")
    serve.add_argument(
        "--quiet", type=float, default=120.0, help="seconds without change after which a manifest-less upload is complete"
    )
    serve.add_argument(
        "--ocr-slots",
        type=int,
        default=DEFAULT_OCR_SLOTS,
        help="submissions read at once across all workers (Prefect concurrency limit)",
    )
    serve.add_argument("--monitor-interval", type=float, default=300.0, help="seconds between intake-monitor runs")
    serve.add_argument("--backlog", type=int, default=50, help="claims waiting for review above which the backlog alert fires")
    serve.add_argument(
        "--outbox-minutes", type=float, default=60.0, help="minutes an outbox claim may wait before the outbox alert fires"
    )
    serve.set_defaults(needs_tools=True, handler=cmd_serve)
    automation = sub.add_parser(
        "automations", help="install the operators' alerts (failed runs, review backlog, outbox) on the Prefect server"
    )
    automation.add_argument(
        "--notify",
        metavar="BLOCK",
        help="a Prefect notification block, as type/name (e.g. slack-webhook/ops); "
        "without it the alerts are only recorded in the UI",
    )
    automation.set_defaults(handler=cmd_automations)
    review = sub.add_parser("review", help="the managers' review desk, a web app (INTAKE_REVIEW_ACCOUNTS, INTAKE_REVIEW_SECRET)")
    review.add_argument("--host", default="127.0.0.1")
    review.add_argument("--port", type=int, default=8000)
    review.add_argument("--rules", help="the insurer's rules file (default: $INTAKE_RULES or the bundled rules)")
    review.set_defaults(needs_tools=True, handler=cmd_review)
    account = sub.add_parser("review-account", help="print an accounts-file entry (hashed password) for the review desk")
    account.add_argument("name")
    account.add_argument("--role", choices=["manager", "operator"], required=True)
    account.add_argument("--password-stdin", action="store_true", help="read the password from stdin instead of the terminal")
    account.set_defaults(handler=cmd_review_account)
    reindex = sub.add_parser(
        "reindex", help="rebuild the index database (INTAKE_INDEX_URL) from the storage: claims, outbox, submissions"
    )
    reindex.add_argument(
        "--keep", action="store_true", help="only upsert (safe beside a running service) instead of emptying the claims first"
    )
    reindex.add_argument("--progress", type=int, default=1000, metavar="N", help="a progress line every N claims")
    reindex.add_argument("--rules", help="the insurer's rules file (default: $INTAKE_RULES or the bundled rules)")
    reindex.set_defaults(handler=cmd_reindex)
    return root


def run(args: argparse.Namespace) -> int:
    """Run the chosen command; every error becomes a message and an exit code here."""
    try:
        if getattr(args, "needs_tools", False):
            check_tools()  # Tesseract and its languages, poppler, qpdf: a clear message now, not a traceback mid-run
        return int(args.handler(args))
    except IntakeError as error:
        print(f"intake: error [{error.code}]: {error.message}", file=sys.stderr)
        return int(error.exit_code)
    except KeyboardInterrupt:
        print("intake: interrupted", file=sys.stderr)
        return int(ExitCode.INTERRUPTED)
    except Exception as error:  # the boundary: no traceback for users (INTAKE_DEBUG=1 shows it)
        log.debug("internal error", exc_info=True)
        print(f"intake: internal error ({type(error).__name__}); run again with INTAKE_DEBUG=1 for details", file=sys.stderr)
        return int(ExitCode.INTERNAL)


def main(argv: list[str] | None = None) -> int:
    debug = os.environ.get("INTAKE_DEBUG") == "1"
    logging.basicConfig(
        level=logging.DEBUG if debug else logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s"
    )
    arguments = sys.argv[1:] if argv is None else argv
    if not arguments:  # no command: the help, not an error
        parser().print_help()
        return int(ExitCode.OK)
    return run(parser().parse_args(arguments))


if __name__ == "__main__":
    sys.exit(main())
