"""Properties of the manifest boundary (hypothesis): whatever a stranger's manifest.json holds,
parse_manifest answers a Manifest or a DeclarationError - nothing else - and the error's message never
repeats what the claimant wrote (a string value or key of the input longer than 3 characters); a
manifest made from the model round-trips; an oversized one is refused before parsing."""

from __future__ import annotations

import contextlib
import json
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pydantic_core._pydantic_core import list_all_errors

from intake.declaration import MAX_MANIFEST_BYTES, DeclarationError, parse_manifest
from models.manifest import Beneficiary, CareRelation, CareType, Channel, Manifest, Period, Situation

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FIELDS = sorted(set(Manifest.model_fields) | set(Period.model_fields) | set(Beneficiary.model_fields))
# What a message may hold without leaking: field names, pydantic's message templates, our own reasons.
VOCABULARY = " ".join(
    [
        *FIELDS,
        *(e["message_template_python"] for e in list_all_errors()),
        "invalid declaration (unknown field) (root)",
        "a claim number reads CLM-YYYYMMDD-XXXXXX",
        "the period ends before it starts",
        *(m.value for enum in (CareType, Situation, CareRelation, Channel) for m in enum),
    ]
)
PERSONAL = [
    "Jean Dupont",
    "1850775123456",
    "FR7630006000011234567890189",
    "jean.dupont@example.org",
    "12 rue des Lilas",
    "CLM-20261123-97G8C1",
    "Dupont",
    "\u202eevil",
    "\ud800\udc00x",
    "ééééé",
]

texts = st.one_of(st.sampled_from(PERSONAL), st.text(max_size=16))
keys = st.one_of(st.sampled_from(FIELDS), texts)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    texts,
    st.sampled_from(["fr", "en", "FR", "EUR", "2026-01-31", "2026-13-45", "abroad", "pharmacy", "1e999"]),
)
json_values = st.recursive(
    scalars, lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=5)), max_leaves=20
)
manifest_like = st.dictionaries(keys, json_values, max_size=8) | st.fixed_dictionaries(
    {}, optional={name: json_values for name in Manifest.model_fields}
)


def strings_in(value: object) -> set[str]:
    """Every string of a JSON value, its keys included."""
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return set().union(*(strings_in(k) | strings_in(v) for k, v in value.items())) if value else set()
    if isinstance(value, list):
        return set().union(*(strings_in(v) for v in value)) if value else set()
    return set()


def assert_refused_without_leaking(data: object, value: object) -> None:
    try:
        parse_manifest(data)  # type: ignore[arg-type]
    except DeclarationError as error:
        message = error.message
        leaked = [s for s in strings_in(value) if len(s) > 3 and s in message and s not in VOCABULARY]
        assert not leaked, f"{leaked!r} in {message!r}"
        assert error.code == "invalid_manifest"


@SETTINGS
@given(json_values | manifest_like)
@example({"Jean Dupont": 1})
@example({"beneficiary": {"name": 12345, "1850775123456": "x"}})
@example({"stay": {"start": "2026-01-02", "end": "2026-01-01", "Dupont": None}})
def test_any_json_is_a_manifest_or_a_declaration_error_that_leaks_nothing(value):
    encoded = json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")
    assert_refused_without_leaking(encoded, value)
    assert_refused_without_leaking(encoded.decode("utf-8", "surrogatepass"), value)
    if isinstance(value, dict):
        assert_refused_without_leaking(value, value)


@SETTINGS
@given(st.binary(max_size=300) | st.builds(lambda v, cut: json.dumps(v).encode()[:cut], manifest_like, st.integers(0, 200)))
@example(b"[" * 100_000)
@example(b'{"total_declared": 1e99999}')
@example(b'{"claim_id": "\\ud800"}')
@example(b"\xff\xfe{}")
def test_any_bytes_are_a_manifest_or_a_declaration_error(raw):
    with contextlib.suppress(DeclarationError):  # anything else fails the test
        parse_manifest(raw)


# --- valid manifests round-trip ------------------------------------------------------------------

plain_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=30)
periods = st.tuples(st.dates(), st.dates()).map(sorted).map(lambda ends: Period(start=ends[0], end=ends[1]))
manifests = st.builds(
    Manifest,
    claim_id=st.none() | st.from_regex(r"CLM-[0-9]{8}-[0-9A-HJKMNP-TV-Z]{6}", fullmatch=True),
    channel=st.none() | st.sampled_from(Channel),
    language=st.sampled_from(["fr", "en"]),
    beneficiary=st.none()
    | st.builds(Beneficiary, name=st.none() | plain_text, birth_date=st.none() | st.dates(max_value=date(2100, 1, 1))),
    care_types=st.lists(st.sampled_from(CareType), max_size=5).map(tuple),
    renewal=st.booleans(),
    situation=st.none() | st.sampled_from(Situation),
    planned=st.booleans(),
    posted=st.booleans(),
    country=st.none() | st.from_regex(r"[A-Z]{2}", fullmatch=True),
    stay=st.none() | periods,
    stay_motive=st.none() | plain_text,
    hospitalisation=st.none() | st.booleans(),
    total_declared=st.none()
    | st.decimals(min_value=0, max_value=Decimal("1e9"), allow_nan=False, allow_infinity=False, places=2),
    currency=st.none() | st.from_regex(r"[A-Z]{3}", fullmatch=True),
    relates_to=st.none() | st.sampled_from(CareRelation),
    first_request=st.booleans(),
    student=st.booleans(),
)


@SETTINGS
@given(manifests)
def test_a_valid_manifest_round_trips(manifest):
    assert parse_manifest(manifest.model_dump_json().encode()) == manifest
    assert parse_manifest(manifest.model_dump_json()) == manifest
    assert parse_manifest(manifest.model_dump(mode="json")) == manifest
    assert parse_manifest(manifest.model_dump(mode="json", exclude_defaults=True)) == manifest


# --- size cap ------------------------------------------------------------------------------------


@pytest.mark.parametrize("data", [b" " * (MAX_MANIFEST_BYTES - 2) + b"{}", " " * (MAX_MANIFEST_BYTES - 2) + "{}"])
def test_a_manifest_at_the_cap_is_read(data):
    assert parse_manifest(data) == Manifest()


@pytest.mark.parametrize(
    "data",
    [
        b" " * MAX_MANIFEST_BYTES + b"{}",
        "é" * (MAX_MANIFEST_BYTES // 2) + "{}",
        json.dumps({"stay_motive": "x" * MAX_MANIFEST_BYTES}).encode(),
    ],
)
def test_a_manifest_over_the_cap_is_refused_before_parsing(data, monkeypatch):
    def no_parsing(*args, **kwargs):
        raise AssertionError("parsed")

    monkeypatch.setattr(Manifest, "model_validate_json", no_parsing)
    with pytest.raises(DeclarationError, match="larger than 64 KiB"):
        parse_manifest(data)
