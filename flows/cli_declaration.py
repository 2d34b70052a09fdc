"""The declaration as `intake process` takes it: a manifest.json (beside the files, or `--manifest`)
with command-line options on top (options win over the file)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from intake.declaration import MANIFEST_NAME, DeclarationError, parse_manifest
from models.manifest import Manifest

# command-line option -> manifest field
OPTION_FIELDS = (
    "care_types",
    "situation",
    "country",
    "planned",
    "posted",
    "renewal",
    "hospitalisation",
    "stay_motive",
    "total_declared",
    "currency",
    "relates_to",
    "first_request",
    "student",
    "language",
)


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
    group.add_argument(
        "--relates-to", choices=("illness", "long_term_illness", "maternity", "work_accident", "third_party_accident")
    )
    group.add_argument("--first-request", action="store_true", default=None)
    group.add_argument("--student", action="store_true", default=None)
    group.add_argument("--beneficiary", help="name of the person treated")
    group.add_argument("--language", choices=("fr", "en"), help="language of the claimant's messages")
    group.add_argument("--subject", help="e-mail subject (a quoted claim number makes this a reply)")
    group.add_argument("--body", help="file holding the e-mail body (a quoted claim number makes this a reply)")


def manifest_file(args: argparse.Namespace, files: list[Path]) -> Path | None:
    """The manifest named by `--manifest`, else the one manifest.json beside the files (if exactly one)."""
    if args.manifest:
        return Path(args.manifest)
    found = [folder / MANIFEST_NAME for folder in {f.parent for f in files} if (folder / MANIFEST_NAME).is_file()]
    return found[0] if len(found) == 1 else None


def _from_options(args: argparse.Namespace, data: dict[str, Any]) -> dict[str, Any]:
    for name in OPTION_FIELDS:
        value = getattr(args, name, None)
        if value is not None:
            data[name] = value
    if args.stay_from or args.stay_to:
        data["stay"] = {"start": args.stay_from or args.stay_to, "end": args.stay_to or args.stay_from}
    if args.beneficiary:
        data["beneficiary"] = {**data.get("beneficiary", {}), "name": args.beneficiary}
    return data


def declaration(args: argparse.Namespace, files: list[Path]) -> Manifest | None:
    """The declared request (None when neither a manifest nor any option declares anything)."""
    source = manifest_file(args, files)
    try:
        data = json.loads(source.read_text(encoding="utf-8")) if source else {}
    except (OSError, json.JSONDecodeError) as exc:
        raise DeclarationError(f"{source}: not a readable JSON manifest ({type(exc).__name__})") from None
    if not isinstance(data, dict):
        raise DeclarationError(f"{source}: a manifest is a JSON object")
    data = _from_options(args, data)
    return parse_manifest(data) if data else None
