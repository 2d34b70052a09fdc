"""The committed Claim JSON Schema matches the models."""

from models.schema import MANIFEST_SCHEMA_PATH, SCHEMA_PATH, render


def test_committed_schema_is_in_sync():
    assert SCHEMA_PATH.read_text(encoding="utf-8") == render(), "run `make schema` and commit models/claim.schema.json"


def test_schema_names_the_public_fields():
    schema = render()
    for name in ('"doc_type"', '"sha256"', '"fields"', '"flags"', '"bbox"', '"confidence"', '"status"'):
        assert name in schema


def test_committed_manifest_schema_is_in_sync():
    assert MANIFEST_SCHEMA_PATH.read_text(encoding="utf-8") == render("manifest"), (
        "run `make schema` and commit models/manifest.schema.json"
    )
