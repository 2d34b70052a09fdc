"""Keys from strangers' names: nothing climbs out of its prefix, nothing odd gets in."""

from __future__ import annotations

import unicodedata

import pytest

from infra.storage.keys import InvalidKey, check_key, check_prefix, join, safe_name


@pytest.mark.parametrize("name, expected", [
    ("facture.pdf", "facture.pdf"),
    ("../../etc/passwd", "passwd"),
    ("a/../../b", "b"),
    ("/etc/shadow", "shadow"),
    ("C:\\x", "x"),
    ("C:\\Users\\Jean\\Scans\\ordonnance 2.PDF", "ordonnance_2.PDF"),
    ("..", "file"),
    ("...pdf", "file.pdf"),
    (".bashrc", "file.bashrc"),
    ("", "file"),
    ("-rf .jpg", "rf.jpg"),
    ("a\x00b.pdf", "a_b.pdf"),
    ("line\nbreak\r.pdf", "line_break.pdf"),
    ("tab\there.png", "tab_here.png"),
    ("reçu médecin.jpg", "reçu_médecin.jpg"),
    ("Ordonnance (1).pdf", "Ordonnance_(1).pdf"),
    ("a..b.pdf", "a.b.pdf"),
    ("archive.tar.gz", "archive.tar.gz"),
    ("no_extension.", "no_extension"),
    ("weird.ext with space", "weird.ext_with_space"),
])
def test_safe_name(name, expected):
    assert safe_name(name) == expected


@pytest.mark.parametrize("name", [
    "invoice\u202efdp.exe",  # right-to-left override: shows as 'invoiceexe.pdf'
    "\u2024\u2024\u2215\u2024\u2024\u2215etc\u2215passwd",  # one-dot leaders and division slashes
    "\uff0e\uff0e\uff0f\uff0e\uff0e\uff0fsecret",  # fullwidth dots and solidus
    "zero\u200bwidth\ufeff.pdf",
    "a\u2028b\u2029c.pdf",  # line / paragraph separators
    "\x1b[31mred\x7f.pdf",
    "surrogate\ud800.pdf",
])
def test_unicode_tricks_leave_one_plain_segment(name):
    out = safe_name(name)
    assert out == unicodedata.normalize("NFC", out)
    assert check_key(out) == out and "/" not in out and not out.startswith(".")
    assert all(unicodedata.category(c)[0] in "LNM" or c in "-_.()" for c in out)


def test_the_bidi_override_no_longer_hides_the_real_extension():
    assert safe_name("invoice\u202efdp.exe") == "invoice_fdp.exe"


def test_names_are_nfc():
    decomposed = "re\u0063\u0327u.pdf"  # c + combining cedilla
    assert safe_name(decomposed) == "re\u00e7u.pdf"


def test_long_names_are_capped_in_bytes_and_keep_their_extension():
    out = safe_name("é" * 500 + ".pdf")
    assert out.endswith(".pdf") and len(out.encode()) <= 120
    assert safe_name("x" * 300 + ".jpeg", max_bytes=40) == "x" * 35 + ".jpeg"
    assert safe_name("y" * 5000) == "y" * 120


def test_join_builds_keys():
    assert join("claims", "CLM-20261123-ABC123", "originals", "a.pdf") == "claims/CLM-20261123-ABC123/originals/a.pdf"
    assert join("inbox/extranet/", "s1", safe_name("../../x.pdf")) == "inbox/extranet/s1/x.pdf"


@pytest.mark.parametrize("parts", [
    ("claims", "../../etc/passwd"),
    ("claims", "a/../../b"),
    ("claims", ".."),
    ("claims", "."),
    ("claims", "/etc/passwd"),
    ("/claims", "x"),
    ("claims", ""),
    ("claims", "C:\\x"),
    ("claims", "a\x00b"),
    ("claims", "a\nb"),
    ("claims", "a//b"),
    (),
])
def test_join_refuses_parts_that_escape_or_are_odd(parts):
    with pytest.raises(InvalidKey):
        join(*parts)


def test_errors_do_not_repeat_the_key():
    with pytest.raises(InvalidKey) as caught:
        join("claims", "../Jean-Dupont.pdf")
    assert "Dupont" not in str(caught.value)


def test_key_length_limits():
    assert check_key("a/" * 200 + "b")
    with pytest.raises(InvalidKey):
        check_key("a/" * 600 + "b")
    with pytest.raises(InvalidKey):
        check_key("x" * 256)


def test_prefixes():
    assert check_prefix("") == ""
    assert check_prefix("inbox/") == "inbox/"
    assert check_prefix("inbox/ext") == "inbox/ext"
    for bad in ["/", "//", "../", "a/../", "a\\"]:
        with pytest.raises(InvalidKey):
            check_prefix(bad)


def test_unique_names_ignore_case_and_keep_the_extension():
    from infra.storage.keys import unique_name

    taken: set[str] = set()
    assert [unique_name(n, taken) for n in ("scan.pdf", "SCAN.pdf", "scan.pdf", "notes")] == ["scan.pdf", "SCAN-2.pdf", "scan-3.pdf", "notes"]
    assert taken == {"scan.pdf", "scan-2.pdf", "scan-3.pdf", "notes"}
