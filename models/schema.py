"""The published Claim JSON Schema, generated from the models (`python -m models.schema`)."""

from __future__ import annotations

import json
from pathlib import Path

from models.claim import Claim

SCHEMA_PATH = Path(__file__).with_name("claim.schema.json")


def claim_schema() -> dict:
    """JSON Schema of a serialised Claim."""
    schema = Claim.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "claim.schema.json"
    return schema


def render() -> str:
    """The schema as committed: sorted keys, two-space indent, trailing newline."""
    return json.dumps(claim_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    print(render(), end="")
