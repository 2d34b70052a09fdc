"""The message a manager sends a claimant whose request is not ready: it quotes the claim number, lists
each missing or illegible proof in plain words (which file, which page, what to send instead) and
asks to reply to it rather than open a new request. French always; English too when the request
came in English. Wording: validators/rules/claimant_messages.toml."""

from __future__ import annotations

import html
import tomllib
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from models import Claim, ClaimStatus, Flag, FlagCode
from models.base import Model
from validators.rules_file import Rules

WORDING = Path(__file__).parent / "rules" / "claimant_messages.toml"


class ClaimantMessage(Model):
    """The message, ready to send: subject, plain text and HTML (in the languages asked: the claimant's, the other one only on request)."""

    claim_id: str
    languages: tuple[str, ...]
    subject: str
    text: str
    html: str
    items: int  # how many points the claimant must act on


@cache
def wording() -> dict:
    with WORDING.open("rb") as handle:
        return tomllib.load(handle)


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _item(flag: Flag, language: str, rules: Rules) -> str | None:
    """The plain-words line for one flag, or None when the flag is for the manager only."""
    items = wording()[language]["items"]
    proof = rules.proofs.get(flag.details.get("proof", ""))
    if proof is not None:
        label, send = (proof.label_fr, proof.send_fr) if language == "fr" else (proof.label_en, proof.send_en)
        key = "missing_illegible" if flag.details.get("illegible") else "missing_proof"
        return items[key].format(label_cap=_capitalised(label), send=send, illegible=flag.details.get("illegible", ""))
    template = items.get(f"{flag.code.value}_{flag.details.get('cause')}") or items.get(flag.code.value)
    if template is None:
        return None
    return template.format(file=flag.file or "", page=flag.page or "", reason=flag.details.get("reason", ""))


def claimant_items(claim: Claim, language: str, rules: Rules) -> list[str]:
    """Each point the claimant must act on, in order: proofs, illegible pages, refused files, the rest."""
    flags = claim.all_flags()
    named = {page.strip() for f in flags for page in f.details.get("illegible", "").split(",") if page.strip()}
    ordered = sorted(flags, key=lambda f: (not f.details.get("proof"), f.code is not FlagCode.ILLEGIBLE))
    lines: list[str] = []
    for flag in ordered:
        if flag.code is FlagCode.ILLEGIBLE and f"{flag.file} page {flag.page}" in named:
            continue  # already said with the proof it should have been
        line = _item(flag, language, rules)
        if line and line not in lines:
            lines.append(line)
    return lines


def _body(claim: Claim, language: str, rules: Rules, received_on: str) -> tuple[list[str], list[str], str]:
    """(paragraphs before the list, the list, the reply paragraph) in one language."""
    words = wording()[language]
    count = len({d.file for d in claim.documents}) + len(claim.rejected_files)
    head = [words["greeting"], words["received"].format(claim_id=claim.claim_id, count=count, date=received_on)]
    if claim.status is ClaimStatus.REJECTED:
        reason = rules.not_covered.reason_fr if language == "fr" else rules.not_covered.reason_en
        head.append(words["rejected_not_covered"].format(reason=reason) if claim.documents else words["rejected_nothing"])
        return head, [], ""
    items = claimant_items(claim, language, rules)
    missing = any(f.details.get("proof") or f.code is FlagCode.ILLEGIBLE for f in claim.all_flags())
    head.append(words["intro"] if missing else words["intro_review"])
    return head, items, words["reply"].format(claim_id=claim.claim_id)


def _text(head: list[str], items: list[str], reply: str, words: dict) -> str:
    parts = ["\n\n".join(head)]
    if items:
        parts.append("\n".join(f"  {n}. {item}" for n, item in enumerate(items, start=1)))
    if reply:
        parts.append(reply)
    parts.append(f"{words['closing']}\n{words['signature']}")
    return "\n\n".join(parts)


def _html(head: list[str], items: list[str], reply: str, words: dict, language: str) -> str:
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in head)
    listing = "<ol>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ol>" if items else ""
    reply_html = f"<p>{html.escape(reply)}</p>" if reply else ""
    closing = f"<p>{html.escape(words['closing'])}<br>{html.escape(words['signature'])}</p>"
    return f'<section lang="{language}">{paragraphs}{listing}{reply_html}{closing}</section>'


def claimant_message(claim: Claim, rules: Rules, languages: Sequence[str] = ("fr",)) -> ClaimantMessage | None:
    """The message for a claim that is not ready (None for a ready claim)."""
    if claim.status is ClaimStatus.READY:
        return None
    chosen = tuple(dict.fromkeys(languages)) or ("fr",)
    received_on = f"{claim.created_at:%d/%m/%Y}"
    texts, htmls, count = [], [], 0
    for language in chosen:
        words = wording()[language]
        head, items, reply = _body(claim, language, rules, received_on if language == "fr" else f"{claim.created_at:%Y-%m-%d}")
        count = max(count, len(items))
        texts.append(_text(head, items, reply, words))
        htmls.append(_html(head, items, reply, words, language))
    key = "subject_rejected" if claim.status is ClaimStatus.REJECTED else "subject"
    subject = " / ".join(wording()[lang][key].format(claim_id=claim.claim_id) for lang in chosen)
    separator = "\n\n" + "-" * 60 + "\n\n"
    page = f'<!doctype html><html><head><meta charset="utf-8"><title>{html.escape(subject)}</title></head><body>{"<hr>".join(htmls)}</body></html>\n'
    return ClaimantMessage(
        claim_id=claim.claim_id, languages=chosen, subject=subject, text=separator.join(texts) + "\n", html=page, items=count
    )


def rejection_message(claim_id: str, reason: str, language: str) -> tuple[str, str]:
    """(subject, text) telling a claimant that a manager rejected their request, in their language: the
    greeting, the decision, the manager's reason as written, the closing - every sentence from the wording
    file but the reason."""
    words = wording()[language if language in wording() else "fr"]
    text = "\n\n".join(
        [
            words["greeting"],
            words["rejected_by_manager"].format(claim_id=claim_id),
            reason,
            f"{words['closing']}\n{words['signature']}",
        ]
    )
    return words["subject_rejected"].format(claim_id=claim_id), text + "\n"
