"""The command line's one error boundary: each IntakeError by its exit code and code, anything else
as an internal error without a traceback."""

from __future__ import annotations

import argparse

from flows.cli import run
from infra.storage.base import StorageError
from models.errors import ExitCode
from validators.rules_file import RulesError


def handler_raising(error: BaseException):
    def handler(args: argparse.Namespace) -> int:
        raise error

    return argparse.Namespace(handler=handler)


def test_each_error_kind_has_its_exit_code(capsys):
    assert run(handler_raising(RulesError("rules.toml: [limits] max_age_days: must be >= 1"))) == ExitCode.CONFIG
    assert "error [invalid_rules]: rules.toml" in capsys.readouterr().err
    assert run(handler_raising(StorageError("S3: list failed (timeout)"))) == ExitCode.STORAGE
    assert "[storage_failed]" in capsys.readouterr().err


def test_an_unexpected_error_is_reported_without_a_traceback(capsys):
    assert run(handler_raising(KeyError("Jean Dupont"))) == ExitCode.INTERNAL
    err = capsys.readouterr().err
    assert "internal error (KeyError)" in err and "Traceback" not in err and "Jean Dupont" not in err


def test_interrupted(capsys):
    assert run(handler_raising(KeyboardInterrupt())) == 130


def test_a_missing_tool_is_named_before_any_work(tmp_path):
    """With no Tesseract or poppler on PATH, `intake extract` stops at once with exit code 4 and the packages to install."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "PATH": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "flows.cli", "extract", str(tmp_path / "a.pdf")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == ExitCode.MISSING_DEPENDENCY
    assert "[missing_tool]" in result.stderr and "tesseract-ocr" in result.stderr and "poppler-utils" in result.stderr
    assert "Traceback" not in result.stderr


def test_no_arguments_prints_the_help_and_version_answers(capsys):
    import pytest

    from flows.cli import main

    assert main([]) == ExitCode.OK
    assert "usage: intake" in capsys.readouterr().out
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0 and capsys.readouterr().out.startswith("intake ")


def test_the_folder_form_takes_documents_only_and_names_what_it_skipped(tmp_path, capsys):
    from flows.cli import _input_files

    for name in ("facture.pdf", "ticket.JPG", "manifest.json", "expected.json", "notes.txt"):
        (tmp_path / name).write_bytes(b"x")
    files = _input_files([str(tmp_path)])
    assert [f.name for f in files] == ["facture.pdf", "ticket.JPG"]
    err = capsys.readouterr().err
    assert "expected.json" in err and "notes.txt" in err and "manifest.json" not in err


def test_strangers_text_is_printed_safely():
    from flows.terminal import safe_text

    assert safe_text("fac\x1b[31mture\n\u202eFDP.exe") == "fac\\x1b[31mture\\x0a\\u202eFDP.exe"


HOSTILE = "a\x1b[31mred\nline\u202egpj.pdf\u2028\x00\u200b"


def test_file_names_are_shown_safely_on_the_terminal():
    from flows.cli import _doc_line, summary
    from flows.terminal import safe_text as shown
    from models import Claim, ClaimStatus, DocType, FlagCode, RejectedFile
    from tests.unit.validators.claim_fixtures import NOW, doc
    from validators.flag_wording import make_flag

    assert shown(HOSTILE) == "a\\x1b[31mred\\x0aline\\u202egpj.pdf\\u2028\\x00\\u200b"
    assert shown("facture n°2 – été.pdf") == "facture n°2 – été.pdf"  # ordinary text untouched
    rejected = RejectedFile(
        index=1,
        file=HOSTILE,
        size=6,
        sha256=None,
        detected_type="image/gif",
        flags=(make_flag(FlagCode.UNSUPPORTED_FORMAT, file=HOSTILE, reason="format image/gif non accepté"),),
    )
    document = doc(HOSTILE, DocType.INVOICE, total="12.50")
    claim = Claim(
        claim_id="CLM-20261120-AAAAAA",
        created_at=NOW,
        status=ClaimStatus.NEEDS_REVIEW,
        documents=(document,),
        rejected_files=(rejected,),
    )
    for text in (summary(claim), _doc_line(document), _doc_line(rejected)):
        assert not any(c in text for c in "\x1b\x00\u202e\u2028\u200b"), text
        assert "\\x1b[31m" in text and "\\u202e" in text
    assert len(_doc_line(document).splitlines()) == 1
    assert all(line.startswith(("Claim", "  ")) for line in summary(claim).splitlines())


def test_a_foreign_bill_is_summed_up_in_euros_too():
    from datetime import date

    from flows.cli import summary
    from models import Claim, ClaimStatus, DocType
    from models.money import Conversion, EuroPart, EuroTotal
    from tests.unit.validators.claim_fixtures import NOW, doc, field

    bill = doc("clinic.jpg", DocType.INVOICE, total="3810.00", currency="JPY")
    conversion = Conversion(
        currency="JPY",
        rate="178.49",
        rate_date=date(2026, 10, 1),
        care_date=date(2026, 10, 1),
        care_date_field="date",
        source="ECB",
    )
    bill = bill.model_copy(update={"conversion": conversion, "fields": {**bill.fields, "total_eur": field("21.35")}})
    part = EuroPart(
        file="clinic.jpg", currency="JPY", amount="3810.00", amount_eur="21.35", rate="178.49", rate_date=date(2026, 10, 1)
    )
    claim = Claim(
        claim_id="CLM-20261120-AAAAAA",
        created_at=NOW,
        status=ClaimStatus.READY,
        documents=(bill,),
        total_eur=EuroTotal(amount="21.35", parts=(part,)),
    )
    text = summary(claim)
    assert "total 3810.00 (99%), currency JPY (99%), 21.35 EUR at 178.49 (ECB 2026-10-01)" in text
    assert "bills in EUR: 21.35" in text
