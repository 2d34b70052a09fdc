"""`structured_data_mismatch`: the page of an e-invoice shows another date, total or currency than the
XML it carries (extractors/structured.py). The document keeps the XML's value; a manager looks at both."""

from __future__ import annotations

from collections.abc import Sequence

from extractors.structured import Disagreement
from models import Flag, FlagCode
from validators.flag_wording import make_flag


def structured_data_flags(file: str, found: Sequence[Disagreement]) -> list[Flag]:
    """One flag per field the page read otherwise than the XML, naming the field and both values (worded
    per field: variants of the code in validators/rules/flag_messages.toml)."""
    return [
        make_flag(
            FlagCode.STRUCTURED_DATA_MISMATCH,
            file=file,
            page=d.page,
            variant=d.field,
            details={"field": d.field, "read": d.printed, "xml": d.xml},
        )
        for d in found
    ]
