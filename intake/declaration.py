"""What the claimant declared and how to answer them: the manifest (validated; an error names the
field and the reason, never the value: it may be a name or a number), the claim number a reply quotes
(manifest, e-mail subject or body), and the language of the messages to the claimant - one rule for
every channel."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from models.errors import InputError
from models.manifest import Manifest, quoted_claim_id

MANIFEST_NAME = "manifest.json"


class DeclarationError(InputError):
    """The manifest or the options do not make a valid declaration."""

    code = "invalid_manifest"


def validation_problems(error: ValidationError) -> str:
    """Each invalid field and why, without the values (they may be personal data)."""
    return "; ".join(f"{'.'.join(str(p) for p in e['loc']) or '(root)'}: {e['msg']}" for e in error.errors(include_input=False))


def parse_manifest(data: bytes | str | Mapping[str, Any]) -> Manifest:
    """The declaration from a manifest's JSON (bytes or text) or an already parsed mapping."""
    try:
        if isinstance(data, Mapping):
            return Manifest.model_validate(dict(data))
        return Manifest.model_validate_json(data)
    except ValidationError as exc:
        raise DeclarationError(f"invalid declaration: {validation_problems(exc)}") from None


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


def request_language(manifest: Manifest | None, subject: str | None = None, body: str | None = None) -> str:
    """The claimant's language: the one declared, else the one the e-mail reads as, else French."""
    if manifest is not None and "language" in manifest.model_fields_set:
        return manifest.language
    return guess_language(" ".join(t for t in (subject, body) if t))


def quoted_claim(manifest: Manifest | None, subject: str | None, body: str | None) -> str | None:
    """The claim number a reply quotes: in the manifest, else the e-mail subject, else its body."""
    if manifest is not None and manifest.claim_id:
        return manifest.claim_id
    return quoted_claim_id(subject or "") or quoted_claim_id(body or "")
