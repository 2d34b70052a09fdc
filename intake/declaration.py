"""What the claimant declared and how to answer them: the manifest (validated; an error names the
field and the reason, never the value: it may be a name or a number), the claim number a reply quotes
(manifest, e-mail subject or body), and the language of the messages to the claimant - one rule for
every channel."""

from __future__ import annotations

import types
from collections.abc import Mapping
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from intake.declaration_wording import Problem, problem_kind
from models.errors import InputError
from models.manifest import Manifest, quoted_claim_id

MANIFEST_NAME = "manifest.json"
# The extranet form's declaration is a few hundred bytes (every field filled: under 2 KiB); 64 KiB is far
# beyond any honest manifest and bounds what a stranger's object costs to parse (and to quarantine).
MAX_MANIFEST_BYTES = 64 * 1024
UNKNOWN_FIELD = "(unknown field)"


class DeclarationError(InputError):
    """The manifest or the options do not make a valid declaration. `problems`: each field and what is
    wrong with it (intake/declaration_wording.py words them for people); the message is the technical one."""

    code = "invalid_manifest"

    def __init__(self, message: str, problems: tuple[Problem, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems or (("", "invalid"),)


def _nested(annotation: Any) -> tuple[type[BaseModel] | None, bool]:
    """(the model a field holds, whether it is a sequence of items) from its annotation."""
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        for arg in get_args(annotation):
            model, sequence = _nested(arg)
            if model is not None or sequence:
                return model, sequence
        return None, False
    if origin in (tuple, list):
        return None, True
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, False
    return None, False


def _where(loc: tuple[int | str, ...]) -> str:
    """The field an error is about, as the model names it: a key the model does not know (it came from
    the claimant: it may be a name or a number) is shown as '(unknown field)', never as given."""
    shown: list[str] = []
    model: type[BaseModel] | None = Manifest
    sequence = False
    for part in loc:
        if isinstance(part, int) and not isinstance(part, bool) and sequence:
            shown.append(str(part))
            sequence = False
        elif isinstance(part, str) and model is not None and part in model.model_fields:
            shown.append(part)
            model, sequence = _nested(model.model_fields[part].annotation)
        else:
            shown.append(UNKNOWN_FIELD)
            break
    return ".".join(shown) or "(root)"


def validation_problems(error: ValidationError) -> str:
    """Each invalid field and why, without the values (they may be personal data), nor keys the model
    does not know (a claimant's own key may be personal data too)."""
    return "; ".join(f"{_where(tuple(e['loc']))}: {e['msg']}" for e in error.errors(include_input=False, include_url=False))


def problems_of(error: ValidationError) -> tuple[Problem, ...]:
    """Each invalid field (as `_where` shows it) and the kind of problem, for the wording."""
    found = ((_where(tuple(e["loc"])), problem_kind(e["type"])) for e in error.errors(include_input=False, include_url=False))
    return tuple(dict.fromkeys((("" if where == "(root)" else where), kind) for where, kind in found))


def parse_manifest(data: bytes | str | Mapping[str, Any]) -> Manifest:
    """The declaration from a manifest's JSON (bytes or text) or an already parsed mapping.
    DeclarationError - and nothing else - when it is not one: larger than MAX_MANIFEST_BYTES (refused
    before parsing), not JSON, or not a valid declaration; the message names fields and reasons only."""
    if isinstance(data, str | bytes) and _byte_size(data) > MAX_MANIFEST_BYTES:
        raise DeclarationError(
            f"invalid declaration: the manifest is larger than {MAX_MANIFEST_BYTES // 1024} KiB", (("", "too_large"),)
        )
    try:
        if isinstance(data, Mapping):
            return Manifest.model_validate(dict(data))
        return Manifest.model_validate_json(data)
    except ValidationError as exc:
        raise DeclarationError(f"invalid declaration: {validation_problems(exc)}", problems_of(exc)) from None


def _byte_size(data: bytes | str) -> int:
    if isinstance(data, bytes):
        return len(data)
    if len(data) > MAX_MANIFEST_BYTES:  # at least one byte a character: no need to encode a huge text
        return len(data)
    return len(data.encode("utf-8", "surrogatepass"))


EN_WORDS = {
    "the",
    "and",
    "please",
    "my",
    "your",
    "request",
    "attached",
    "find",
    "invoice",
    "receipt",
    "thank",
    "you",
    "is",
    "for",
    "of",
    "to",
}
FR_WORDS = {
    "le",
    "la",
    "les",
    "et",
    "merci",
    "ma",
    "votre",
    "demande",
    "ci-joint",
    "facture",
    "bonjour",
    "de",
    "des",
    "pour",
    "je",
    "vous",
}


MESSAGE_LANGUAGES = ("fr", "en")


def message_languages(language: str | None, both: bool = False) -> tuple[str, ...]:
    """The languages of a message to the claimant: the claimant's own (declared, else the one their e-mail
    is written in; French when unknown), and the other one after it only on request (`both`)."""
    own = language if language in MESSAGE_LANGUAGES else "fr"
    return (own, *(other for other in MESSAGE_LANGUAGES if other != own)) if both else (own,)


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
