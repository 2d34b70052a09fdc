"""The published JSON Schemas, generated from the models: the Claim (`python -m models.schema`) and
the request manifest (`python -m models.schema manifest`)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pydantic.json_schema import JsonSchemaMode

from models.base import Model
from models.claim import Claim
from models.manifest import Manifest

SCHEMA_PATH = Path(__file__).with_name("claim.schema.json")
MANIFEST_SCHEMA_PATH = Path(__file__).with_name("manifest.schema.json")
MODELS: dict[str, tuple[type[Model], str, JsonSchemaMode]] = {
    "claim": (Claim, "claim.schema.json", "serialization"),
    "manifest": (Manifest, "manifest.schema.json", "validation"),
}


def schema_of(name: str) -> dict:
    """JSON Schema of a published model ('claim' as serialised, 'manifest' as accepted)."""
    model, ident, mode = MODELS[name]
    schema = model.model_json_schema(mode=mode)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = ident
    return schema


def claim_schema() -> dict:
    """JSON Schema of a serialised Claim."""
    return schema_of("claim")


def render(name: str = "claim") -> str:
    """The schema as committed: sorted keys, two-space indent, trailing newline."""
    return json.dumps(schema_of(name), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    print(render(sys.argv[1] if len(sys.argv) > 1 else "claim"), end="")
