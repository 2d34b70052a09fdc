"""The message to the claimant: claim number, one plain line per point to act on, reply instructions."""

from __future__ import annotations

import re

from models import ClaimStatus, DocType, Flag, FlagCode, RejectedFile, Severity
from tests.unit.validators.claim_fixtures import claim, doc
from validators.claimant_message import claimant_message, rejection_message
from validators.proofs import missing_flag
from validators.rules_file import DEFAULT_RULES, load_rules

RULES = load_rules(str(DEFAULT_RULES))


def test_ready_claims_get_no_message():
    assert claimant_message(claim(doc("f.pdf", DocType.INVOICE), status=ClaimStatus.READY), RULES) is None


def test_missing_illegible_and_refused_files_in_plain_words():
    blurred = Flag(code=FlagCode.ILLEGIBLE, severity=Severity.ERROR, message="m", file="ordonnance.jpg", page=2)
    needs = claim(
        doc("facture.pdf", DocType.INVOICE),
        doc("ordonnance.jpg", DocType.PRESCRIPTION, flags=(blurred,)),
        flags=(missing_flag("prescription", RULES.proofs["prescription"], [blurred]),),
    )
    gif = RejectedFile(
        index=3,
        file="scan.gif",
        size=10,
        sha256=None,
        detected_type="image/gif",
        flags=(Flag(code=FlagCode.UNSUPPORTED_FORMAT, severity=Severity.ERROR, message="m", file="scan.gif"),),
    )
    needs = needs.model_copy(update={"rejected_files": (gif,)})
    message = claimant_message(needs, RULES, ("fr", "en"))
    assert message.items == 2 and message.languages == ("fr", "en")
    assert "CLM-20261120-ABC123" in message.subject and message.text.count("CLM-20261120-ABC123") >= 4
    assert "1. L'ordonnance : le document reçu (ordonnance.jpg page 2) est illisible" in message.text
    assert "2. scan.gif : ce format n'est pas accepté" in message.text
    assert "2. scan.gif: this format is not accepted" in message.text
    assert "répondre directement à ce message" in message.text and "sans créer de nouvelle demande" in message.text
    assert "<li>" in message.html and "&lt;" not in message.subject


def test_rejected_as_not_covered_asks_for_nothing():
    rejected = claim(doc("f.pdf", DocType.INVOICE), status=ClaimStatus.REJECTED)
    message = claimant_message(rejected, RULES)
    assert message.items == 0 and "ne sont pas pris en charge" in message.text and "répondre directement" not in message.text


def test_refused_bombs_and_long_files_are_worded_for_what_they_are(tmp_path):
    from samples.generator import hostile
    from validators.upload import check_uploads

    report = check_uploads([hostile.png_header_100k(tmp_path / "photo.png"), hostile.blank_pages(tmp_path / "long.pdf", 51)])
    needs = claim(doc("facture.pdf", DocType.INVOICE)).model_copy(update={"rejected_files": report.rejected})
    message = claimant_message(needs, RULES, ("fr", "en"))
    assert "photo.png : l'image est trop grande (80 mégapixels au plus)" in message.text
    assert "3 Mo" not in message.text.split("photo.png")[1].split("\n")[0]
    assert "long.pdf : le fichier compte trop de pages" in message.text
    assert "long.pdf: the file has too many pages" in message.text


def test_an_english_claimants_message_holds_no_french():
    needs = claim(doc("facture.pdf", DocType.INVOICE), flags=(missing_flag("prescription", RULES.proofs["prescription"], []),))
    message = claimant_message(needs, RULES, ("en",))
    assert message.languages == ("en",) and message.subject == "Your reimbursement request CLM-20261120-ABC123: documents needed"
    assert message.text.startswith("Hello,") and message.text.rstrip().endswith("The reimbursement department")
    french = {"Bonjour", "Votre", "demande", "ordonnance", "Merci", "Cordialement", "pièces", "nous"}
    assert not french & set(re.findall(r"\w+", message.text + message.subject + message.html))


def test_a_rejection_by_a_manager_is_worded_in_the_claimants_language():
    subject, text = rejection_message("CLM-20261120-ABC123", "care received after the policy ended", "en")
    assert subject == "Your reimbursement request CLM-20261120-ABC123"
    assert text == (
        "Hello,\n\nAfter review, we cannot accept your reimbursement request no. CLM-20261120-ABC123, for the following"
        " reason:\n\ncare received after the policy ended\n\nKind regards,\nThe reimbursement department\n"
    )
    assert rejection_message("CLM-20261120-ABC123", "hors délai", "fr")[0] == "Votre demande de remboursement CLM-20261120-ABC123"
