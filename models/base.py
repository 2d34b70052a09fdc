"""Common base for every model: frozen, strict about unknown keys, versioned."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator

SCHEMA_VERSION = "1.5"  # 1.5: flag code credit_note (a refund: its total is negative). 1.4: care abroad in euros - Document.conversion, LineItem.amount_eur, fields total_eur /
# gross_total_eur, Claim.total_eur, flag code no_exchange_rate; Claim.received_message (an e-mail request's sender, subject
# and text); details declared/read on multiple_beneficiaries and date_outside_stay (1.3: invalid_manifest, invalid_name,
# unexpected_object, processing_failed, too_many_pages, active_content); OcrPage.engine and PageInfo.engine (which reader)


class Model(BaseModel):
    """Immutable pydantic model that rejects unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Unpickle, giving fields added since the pickle was made their defaults (e.g. cached OCR pages)."""
        values = state.get("__dict__", {})
        for name, field in type(self).model_fields.items():
            if name not in values and not field.is_required():
                values[name] = field.get_default(call_default_factory=True)
        super().__setstate__(state)


def invariant(holds: Callable[[Any], bool], message: str) -> Any:
    """A model validator (mode "after") refusing the model with `message` (where {model} stands for it)
    unless `holds(model)`: `_ordered = invariant(lambda p: p.start <= p.end, "...")` in a class body.
    Typed Any: pydantic's return type for it is internal (PydanticDescriptorProxy)."""

    def check(model: BaseModel) -> BaseModel:
        if not holds(model):
            raise ValueError(message.format(model=model))
        return model

    return model_validator(mode="after")(check)
