"""The claimant's declaration for `intake process`: a manifest.json (beside the files or given) with
command-line options on top, and the claim number a reply quotes (manifest, e-mail subject or body)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from pydantic import ValidationError

from models.manifest import Manifest, quoted_claim_id

MANIFEST_NAME = "manifest.json"
# command-line option -> manifest field (options win over the file)
OPTION_FIELDS = ("care_types", "situation", "country", "planned", "posted", "renewal", "hospitalisation", "stay_motive",
                 "total_declared", "currency", "relates_to", "first_request", "student", "language")


class DeclarationError(ValueError):
    """The manifest or the options do not make a valid declaration."""


def add_options(parser: argparse.ArgumentParser) -> None:
    """The declaration's options of `intake process`."""
    group = parser.add_argument_group("declaration (what the claimant declared; overrides manifest.json)")
    group.add_argument("--manifest", help="the request's manifest.json (default: manifest.json among the files' folder)")
    group.add_argument("--care-type", dest="care_types", action="append", help="declared care type (repeatable)")
    group.add_argument("--situation", choices=("france", "abroad"))
    group.add_argument("--country", help="ISO 3166 country code of the care")
    group.add_argument("--planned", action="store_true", default=None, help="care abroad planned before departure")
    group.add_argument("--posted", action="store_true", default=None, help="professional posting abroad")
    group.add_argument("--renewal", action="store_true", default=None, help="renewed pharmacy prescription")
    group.add_argument("--hospitalisation", action="store_true", default=None)
    group.add_argument("--stay-from", help="declared stay, first day (YYYY-MM-DD)")
    group.add_argument("--stay-to", help="declared stay, last day (YYYY-MM-DD)")
    group.add_argument("--stay-motive")
    group.add_argument("--total", dest="total_declared", help="declared total paid")
    group.add_argument("--currency", help="ISO 4217 currency of the declared total")
    group.add_argument("--relates-to", choices=("illness", "long_term_illness", "maternity", "work_accident", "third_party_accident"))
    group.add_argument("--first-request", action="store_true", default=None)
    group.add_argument("--student", action="store_true", default=None)
    group.add_argument("--beneficiary", help="name of the person treated")
    group.add_argument("--language", choices=("fr", "en"), help="language of the claimant's messages")
    group.add_argument("--subject", help="e-mail subject (a quoted claim number makes this a reply)")
    group.add_argument("--body", help="file holding the e-mail body (a quoted claim number makes this a reply)")


def _manifest_file(args: argparse.Namespace, files: list[Path]) -> Path | None:
    if args.manifest:
        return Path(args.manifest)
    folders = {f.parent for f in files}
    found = [folder / MANIFEST_NAME for folder in folders if (folder / MANIFEST_NAME).is_file()]
    return found[0] if len(found) == 1 else None


def declaration(args: argparse.Namespace, files: list[Path]) -> Manifest | None:
    """The declared request (None when neither a manifest nor any option declares anything)."""
    source = _manifest_file(args, files)
    try:
        data = json.loads(source.read_text(encoding="utf-8")) if source else {}
    except (OSError, json.JSONDecodeError) as exc:
        raise DeclarationError(f"{source}: not a readable JSON manifest ({exc})") from exc
    for name in OPTION_FIELDS:
        value = getattr(args, name, None)
        if value is not None:
            data[name] = value
    if args.stay_from or args.stay_to:
        data["stay"] = {"start": args.stay_from or args.stay_to, "end": args.stay_to or args.stay_from}
    if args.beneficiary:
        data["beneficiary"] = {**data.get("beneficiary", {}), "name": args.beneficiary}
    if not data:
        return None
    try:
        return Manifest.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise DeclarationError(f"invalid declaration: {problems}") from exc


EN_WORDS = {"the", "and", "please", "my", "your", "request", "attached", "find", "invoice", "receipt", "thank", "you", "is", "for", "of", "to"}
FR_WORDS = {"le", "la", "les", "et", "merci", "ma", "votre", "demande", "ci-joint", "facture", "bonjour", "de", "des", "pour", "je", "vous"}


def message_languages(language: str | None) -> tuple[str, ...]:
    """The languages of a message to the claimant: always French, and English when the claimant wrote
    or declared English."""
    return ("fr", "en") if language == "en" else ("fr",)


def guess_language(text: str) -> str:
    """'en' when a message reads as English rather than French (common words counted), else 'fr'."""
    words = [w.strip(".,;:!?()\"'").lower() for w in text.split()]
    english, french = sum(w in EN_WORDS for w in words), sum(w in FR_WORDS for w in words)
    return "en" if english > french else "fr"


def quoted_claim(manifest: Manifest | None, subject: str | None, body: str | None) -> str | None:
    """The claim number a reply quotes: in the manifest, else the e-mail subject, else its body."""
    if manifest is not None and manifest.claim_id:
        return manifest.claim_id
    return quoted_claim_id(subject or "") or quoted_claim_id(body or "")
