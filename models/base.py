"""Common base for every model: frozen, strict about unknown keys, versioned."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

SCHEMA_VERSION = "1.2"


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
