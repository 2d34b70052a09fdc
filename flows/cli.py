"""The `intake` command line: `intake process` (one request -> one claim) and `intake extract`."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from flows.claim_folder import ClaimFolder
from flows.declaration import (
    MANIFEST_NAME,
    DeclarationError,
    add_options,
    declaration,
    guess_language,
    message_languages,
    quoted_claim,
)
from models import Claim, Document, RejectedFile
from validators.claimant_message import claimant_message
from validators.rules_file import RulesError, load_rules

EXIT_OK = 0
EXIT_USAGE = 2


class UsageError(Exception):
    """Bad command-line input: exit code 2 with this message."""


def _existing_files(names: list[str]) -> list[str]:
    missing = [n for n in names if not Path(n).is_file()]
    if missing:
        raise UsageError(f"no such file: {', '.join(missing)}")
    return names


def _fmt_field(doc: Document, name: str) -> str:
    field = doc.fields.get(name)
    return f"{field.value} ({field.confidence:.0%})" if field else "-"


def summary(claim: Claim) -> str:
    """A readable summary of a claim for the terminal."""
    out = [f"Claim {claim.claim_id}: {claim.status.value}" + (f" ({claim.status_reason})" if claim.status_reason else "")]
    for doc in claim.documents:
        out.append(
            f"  {doc.file}: {doc.doc_type.value} ({doc.doc_type_score:.0%}), {len(doc.pages)} page(s), "
            f"date {_fmt_field(doc, 'date')}, total {_fmt_field(doc, 'total')}, currency {_fmt_field(doc, 'currency')}"
        )
    for rejected in claim.rejected_files:
        out.append(f"  {rejected.file}: rejected")
    flags = claim.all_flags()
    out.append(f"  flags ({len(flags)}):" if flags else "  flags: none")
    for flag in flags:
        out.append(f"    [{flag.severity.value}] {flag.code.value}: {flag.message}")
    return "\n".join(out)


def _input_files(names: list[str]) -> list[Path]:
    """The request's files: the files named, or the files of a folder named (its manifest.json aside)."""
    files: list[Path] = []
    for name in names:
        path = Path(name)
        if path.is_dir():
            files += sorted(p for p in path.iterdir() if p.is_file() and p.name != MANIFEST_NAME)
        elif path.is_file():
            files.append(path)
        else:
            raise UsageError(f"no such file: {name}")
    if not files:
        raise UsageError("no file to process")
    return [f.resolve() for f in files]


def _languages(manifest, subject: str | None, body: str | None) -> tuple[str, ...]:
    if manifest is not None and manifest.language == "en":
        return message_languages("en")
    return message_languages(guess_language(" ".join(t for t in (subject, body) if t)))


def cmd_process(args: argparse.Namespace) -> int:
    files = _input_files(args.files)
    try:
        manifest = declaration(args, files)
        body = Path(args.body).read_text(encoding="utf-8") if args.body else None
        rules = load_rules(args.rules)
    except (DeclarationError, RulesError, OSError) as exc:
        raise UsageError(str(exc)) from exc
    quoted = quoted_claim(manifest, args.subject, body)
    from flows import pipeline
    from flows.process_claim import process_claim

    out = Path(args.out) if args.out else None
    previous = ClaimFolder(out, quoted) if out and quoted and ClaimFolder(out, quoted).exists() else None
    claim_id = previous.path.name if previous else (args.claim_id or pipeline.new_claim_id())
    folder = ClaimFolder(out, claim_id) if out else None
    paths = folder.receive(files) if folder else files
    claim = process_claim(
        paths=[str(p) for p in paths], claim_id=claim_id, manifest=manifest.model_dump(mode="json") if manifest else None,
        previous_claim=str(previous.claim_file) if previous else None, index_file=str(folder.index().path) if folder else None,
        rules_file=args.rules, quoted_claim=quoted,
    )
    message = claimant_message(claim, rules, _languages(manifest, args.subject, body))
    if folder:
        folder.write(claim, message)
        folder.index().record(claim.claim_id, claim.documents)
    print(claim.model_dump_json(indent=2) if args.json else summary(claim))
    return EXIT_OK


def _doc_line(item: Document | RejectedFile) -> str:
    if isinstance(item, RejectedFile):
        return f"{item.file}: rejected - " + "; ".join(f.code.value for f in item.flags)
    return (
        f"{item.file}: {item.doc_type.value}, date {_fmt_field(item, 'date')}, total {_fmt_field(item, 'total')}, "
        f"currency {_fmt_field(item, 'currency')}" + (f", flags {', '.join(f.code.value for f in item.flags)}" if item.flags else "")
    )


def cmd_extract(args: argparse.Namespace) -> int:
    from flows.pipeline import extract_report
    from validators.upload import check_uploads

    paths = _existing_files(args.files)
    results = extract_report(check_uploads(paths), workers=args.workers)
    for item in results:
        print(item.model_dump_json() if args.jsonl else _doc_line(item), flush=True)
    return EXIT_OK


DEFAULT_OCR_SLOTS = 2


def cmd_watch(args: argparse.Namespace) -> int:
    """Run the `watch-inbox` flow once, or again after each bucket notification (MinIO) and at least
    every `--interval` seconds (polling: the only way on other servers and local folders)."""
    from flows.service import ensure_ocr_limit, watch_flow
    from infra.storage.notifications import inbox_signal
    from infra.storage.settings import open_storage

    storage = open_storage()
    print(f"watching {storage.describe()}", file=sys.stderr)
    ensure_ocr_limit(DEFAULT_OCR_SLOTS, resize=False)  # the one `intake serve` set, else a default
    signal = None if args.once else inbox_signal(storage)
    try:
        while True:
            claims = watch_flow(quiet_seconds=args.quiet)
            print(f"{len(claims)} submission(s) processed" + (f": {', '.join(claims)}" if claims else ""), flush=True)
            if signal is None:
                return EXIT_OK
            signal.wait(args.interval)
    finally:
        if signal is not None:
            signal.close()


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the `watch-inbox` deployment: Prefect runs it every `--interval` seconds, and at once when
    the bucket announces a new object (MinIO notifications)."""
    from datetime import timedelta

    from flows.service import DEPLOYMENT_NAME, ensure_ocr_limit, start_notification_trigger, watch_flow

    ensure_ocr_limit(args.ocr_slots)
    trigger = start_notification_trigger(args.interval, args.quiet)
    try:
        watch_flow.serve(name=DEPLOYMENT_NAME, interval=timedelta(seconds=args.interval), parameters={"quiet_seconds": args.quiet},
                         tags=["intake"])
    finally:
        trigger.close()
    return EXIT_OK


def cmd_review(args: argparse.Namespace) -> int:
    """Start the managers' review desk (a web app) on the service's storage."""
    import uvicorn

    from infra.storage.settings import open_storage
    from review.accounts import AccountsError, load_accounts
    from review.app import DeskConfig, create_app
    from review.settings import ReviewSettings
    from validators.rules_file import load_rules

    settings = ReviewSettings()
    if settings.accounts is None:
        raise UsageError("INTAKE_REVIEW_ACCOUNTS must name the accounts file (make entries with `intake review-account`)")
    try:
        accounts = load_accounts(settings.accounts)
    except AccountsError as error:
        raise UsageError(str(error)) from None
    secret, configured = settings.signing_secret()
    if not configured:
        print("intake review: INTAKE_REVIEW_SECRET not set (32+ characters): sessions end when the desk restarts", file=sys.stderr)
    storage = open_storage()
    config = DeskConfig(storage=storage, accounts=accounts, secret=secret, rules=load_rules(args.rules),
                        secure_cookies=settings.secure_cookies)
    print(f"review desk on http://{args.host}:{args.port}/ over {storage.describe()}, {len(accounts)} account(s)", file=sys.stderr)
    uvicorn.run(create_app(config), host=args.host, port=args.port, log_level="warning", access_log=False)
    return EXIT_OK


def cmd_review_account(args: argparse.Namespace) -> int:
    """Print the accounts-file entry of one account (the password is read from the terminal or stdin)."""
    import getpass

    from review.accounts import Role, account_entry

    if not args.name.replace("-", "").replace("_", "").replace(".", "").isalnum():
        raise UsageError("account names use letters, digits, '.', '-' and '_'")
    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass("password: ")
    try:
        print(account_entry(args.name, Role(args.role), password))
    except ValueError as error:
        raise UsageError(str(error)) from None
    return EXIT_OK


def parser() -> argparse.ArgumentParser:
    """The `intake` argument parser."""
    root = argparse.ArgumentParser(prog="intake", description="Claim document intake: OCR, classify, extract, flag.")
    sub = root.add_subparsers(dest="command", required=True)
    process = sub.add_parser("process", help="run the process_claim flow on the files of ONE request")
    process.add_argument("files", nargs="+", metavar="FILE", help="the request's files, or its folder")
    process.add_argument("--claim-id", help="claim number to use (default: a new CLM-YYYYMMDD-XXXXXX)")
    process.add_argument("--out", help="claims folder: writes <OUT>/<claim_id>/ (originals, claim.json, message.txt/.html)")
    process.add_argument("--rules", help="the insurer's rules file (default: $INTAKE_RULES or the bundled rules)")
    process.add_argument("--json", action="store_true", help="print the claim JSON instead of a summary")
    add_options(process)
    process.set_defaults(handler=cmd_process)
    extract = sub.add_parser("extract", help="extract each file as its own document (no claim rules)")
    extract.add_argument("files", nargs="+", metavar="FILE")
    extract.add_argument("--jsonl", action="store_true", help="one Document JSON per line, in input order")
    extract.add_argument("--workers", type=int, default=None, help="concurrent pages (default: one per core)")
    extract.set_defaults(handler=cmd_extract)
    watcher = sub.add_parser("watch", help="process the storage inbox (INTAKE_STORAGE, INTAKE_ROOT / INTAKE_S3_*)")
    watcher.add_argument("--once", action="store_true", help="process everything pending, then exit")
    watcher.add_argument("--interval", type=float, default=10.0, help="seconds between passes (polling)")
    watcher.add_argument("--quiet", type=float, default=120.0, help="seconds without change after which a manifest-less upload is complete")
    watcher.set_defaults(handler=cmd_watch)
    serve = sub.add_parser("serve", help="serve the watch-inbox Prefect deployment (needs PREFECT_API_URL)")
    serve.add_argument("--interval", type=float, default=30.0, help="seconds between scheduled runs")
    serve.add_argument("--quiet", type=float, default=120.0, help="seconds without change after which a manifest-less upload is complete")
    serve.add_argument("--ocr-slots", type=int, default=DEFAULT_OCR_SLOTS, help="submissions read at once across all workers (Prefect concurrency limit)")
    serve.set_defaults(handler=cmd_serve)
    review = sub.add_parser("review", help="the managers' review desk, a web app (INTAKE_REVIEW_ACCOUNTS, INTAKE_REVIEW_SECRET)")
    review.add_argument("--host", default="127.0.0.1")
    review.add_argument("--port", type=int, default=8000)
    review.add_argument("--rules", help="the insurer's rules file (default: $INTAKE_RULES or the bundled rules)")
    review.set_defaults(handler=cmd_review)
    account = sub.add_parser("review-account", help="print an accounts-file entry (hashed password) for the review desk")
    account.add_argument("name")
    account.add_argument("--role", choices=["manager", "operator"], required=True)
    account.add_argument("--password-stdin", action="store_true", help="read the password from stdin instead of the terminal")
    account.set_defaults(handler=cmd_review_account)
    return root


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    args = parser().parse_args(argv)
    try:
        return args.handler(args)
    except UsageError as exc:
        print(f"intake: error: {exc}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
