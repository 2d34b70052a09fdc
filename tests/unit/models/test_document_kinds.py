"""models/document_kinds.toml: one row per DocType, the sets every module reads derived from it, a faulty
copy refused naming the key, and no module outside models keeping a list of kinds of its own."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from extractors import keywords
from models import DocType
from models.document_kinds import (
    ABOUT_CARE,
    BILLS,
    CARE_RECEIVED,
    CHARGES,
    KINDS,
    KINDS_FILE,
    PAYMENTS,
    UNKNOWN_KIND,
    DateMeaning,
    DocumentKindsError,
    Role,
    kind_of,
    load_kinds,
)
from models.errors import ConfigError
from models.field_catalogue import FIELD_NAMES
from review.wording import labeller
from validators.fields import REQUIRED

ROOT = Path(__file__).resolve().parents[3]
PACKAGES = ("extractors", "validators", "intake", "flows", "review", "infra")
KIND_VALUES = {t.value for t in DocType}


def test_every_doc_type_has_one_row_in_the_enum_order():
    assert list(KINDS) == list(DocType)
    assert UNKNOWN_KIND is DocType.OTHER and kind_of(None) is KINDS[DocType.OTHER] and kind_of("quote") is KINDS[DocType.QUOTE]


def test_the_sets_mean_what_the_checks_always_meant():
    t = DocType
    assert set(BILLS) == {t.INVOICE, t.RECEIPT, t.CARE_SHEET, t.HOSPITAL_BULLETIN, t.QUOTE}  # a total to pay
    assert set(CHARGES) == {t.INVOICE, t.CARE_SHEET, t.HOSPITAL_BULLETIN} and set(PAYMENTS) == {t.RECEIPT}
    assert CARE_RECEIVED == CHARGES | PAYMENTS
    assert set(DocType) - ABOUT_CARE == {t.BANK_DETAILS, t.RIGHTS_CERTIFICATE, t.POSTING_CERTIFICATE, t.BIRTH_CERTIFICATE}
    assert {k for k in DocType if kind_of(k).may_bill} == BILLS | {t.OTHER}
    assert {k for k in DocType if kind_of(k).date is DateMeaning.ISSUE} == {
        t.RIGHTS_CERTIFICATE,
        t.PRIOR_AUTHORISATION,
        t.POSTING_CERTIFICATE,
        t.BIRTH_CERTIFICATE,
        t.BANK_DETAILS,
    }
    assert {k for k in DocType if kind_of(k).date is DateMeaning.STAY_START} == {t.HOSPITAL_BULLETIN}
    assert {k for k in DocType if kind_of(k).always_priced} == {t.INVOICE, t.RECEIPT, t.QUOTE}
    assert {k for k in DocType if kind_of(k).currency_locates_care} == {t.INVOICE, t.RECEIPT, t.HOSPITAL_BULLETIN}
    assert {k for k in DocType if kind_of(k).by_practitioner} == {t.PRESCRIPTION, t.CARE_SHEET}


def test_required_fields_come_from_the_catalogue_and_have_their_flag():
    for doc_type, kind in KINDS.items():
        expected = ("date", "total", "currency") if kind.bill else () if kind.role is Role.UNKNOWN else ("date",)
        assert kind.required_fields == expected, doc_type
        assert set(kind.required_fields) <= set(FIELD_NAMES) and set(kind.required_fields) <= set(REQUIRED)


def test_the_classifier_and_the_desk_read_the_table():
    assert set(keywords.DocTypes.model_fields) == {t.value for t, kind in KINDS.items() if kind.classified}
    for doc_type, kind in KINDS.items():
        assert labeller("fr")("doc_type", doc_type) == kind.label_fr and labeller("en")("doc_type", doc_type) == kind.label_en


def _copy(tmp_path: Path, old: str, new: str) -> Path:
    text = KINDS_FILE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "document_kinds.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "named"),
    [
        ("[quote]\n", "[quotation]\n", "quotation.[key]: Input should be"),
        ('[receipt]\nrole = "payment"', '[receipt]\nrole = "paid"', "receipt.role: Input should be"),
        ("by_practitioner = true", "by_practitioner = true\nsigned = true", "signed: Extra inputs are not permitted"),
        ('required_fields = ["date"]', 'required_fields = ["date", "stamp"]', "stamp not in the field catalogue"),
        ('required_fields = ["date"]', 'required_fields = ["date", "issuer"]', "no flag code missing_issuer"),
        ('role = "unknown"', 'role = "order"', "exactly one kind must have role 'unknown'"),
    ],
)
def test_a_faulty_table_is_refused_naming_the_key(tmp_path, old, new, named):
    with pytest.raises(DocumentKindsError, match=r"document_kinds\.toml: ") as caught:
        load_kinds(_copy(tmp_path, old, new))
    assert named in str(caught.value)
    assert isinstance(caught.value, ConfigError) and caught.value.code == "invalid_document_kinds"


def test_a_kind_without_its_row_is_refused(tmp_path):
    text = KINDS_FILE.read_text(encoding="utf-8")
    start = text.index("[birth_certificate]")
    path = tmp_path / "document_kinds.toml"
    path.write_text(text[:start] + text[text.index("[other]") :], encoding="utf-8")
    with pytest.raises(DocumentKindsError, match="no row for birth_certificate"):
        load_kinds(path)


def test_a_changed_row_changes_what_is_derived(tmp_path):
    kinds = load_kinds(_copy(tmp_path, '[quote]\nrole = "estimate"', '[quote]\nrole = "charge"'))
    assert kinds[DocType.QUOTE].bill and kinds[DocType.QUOTE].care_received


def _is_kind(item: ast.expr | None) -> bool:
    return (isinstance(item, ast.Attribute) and isinstance(item.value, ast.Name) and item.value.id == "DocType") or (
        isinstance(item, ast.Constant) and (item.value is None or item.value in KIND_VALUES)
    )


def _kind_sets(tree: ast.AST) -> list[int]:
    """Lines of collection literals made of kinds only (DocType members, kind values, None), two or more."""
    found = []
    for node in ast.walk(tree):
        items = (
            node.keys if isinstance(node, ast.Dict) else node.elts if isinstance(node, ast.Set | ast.Tuple | ast.List) else None
        )
        if (
            items
            and all(_is_kind(item) for item in items)
            and sum(1 for item in items if _is_kind(item) and not (isinstance(item, ast.Constant) and item.value is None)) >= 2
        ):
            found.append(node.lineno)
    return found


def test_no_module_outside_models_keeps_its_own_set_of_kinds():
    offences = [
        f"{path.relative_to(ROOT)}:{line}"
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        for line in _kind_sets(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert offences == [], "sets of document kinds belong to models/document_kinds.toml"


def test_the_scan_finds_a_set_of_kinds():
    source = (
        "BILLS = (DocType.INVOICE, DocType.CARE_SHEET)\nX = {'invoice', 'other', None}\nWORDS = {'invoice', 'receipt', 'thanks'}"
    )
    assert _kind_sets(ast.parse(source)) == [1, 2]
