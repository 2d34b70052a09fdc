"""Items the insurer does not cover (rules file `[not_covered]`): the billed lines that are, and
whether the request holds nothing else (then it is rejected with that reason)."""

from __future__ import annotations

from collections.abc import Sequence

from extractors.data_files import fold, phrase_pattern
from models import Document, Flag, FlagCode, LineItem, Severity
from models.document_kinds import CARE_RECEIVED
from validators.flag_wording import make_flag
from validators.rules_file import NotCovered


def not_covered_lines(document: Document, rules: NotCovered) -> list[LineItem]:
    """The document's billed lines that name a non-covered item."""
    pattern = phrase_pattern(tuple(rules.words), edge="a-z0-9")
    return [item for item in document.line_items if pattern.search(fold(item.label))]


def coverage_flags(documents: Sequence[Document], rules: NotCovered) -> tuple[list[Flag], bool]:
    """(`not_covered` flags, one per bill of care received with such lines; True when every billed line
    of the request is not covered - nothing to reimburse)."""
    flags, billed, uncovered = [], 0, 0
    for document in documents:
        if document.doc_type not in CARE_RECEIVED:  # a quote's lines are care to come
            continue
        lines = not_covered_lines(document, rules)
        billed += len(document.line_items)
        uncovered += len(lines)
        if lines:
            labels = "; ".join(f"{item.label} ({item.amount})" for item in lines)
            flags.append(
                make_flag(
                    FlagCode.NOT_COVERED,
                    file=document.file,
                    page=lines[0].page,
                    details={"lines": labels, "count": str(len(lines))},
                    reason_fr=rules.reason_fr,
                    reason_en=rules.reason_en,
                )
            )
    nothing_covered = billed > 0 and uncovered == billed
    if nothing_covered:
        flags = [f.model_copy(update={"severity": Severity.ERROR}) for f in flags]
    return flags, nothing_covered
