"""Keys from strangers' names: nothing climbs out of its prefix, nothing odd gets in."""

from __future__ import annotations

import unicodedata

import pytest

from infra.storage.keys import InvalidKey, check_key, check_prefix, join, safe_name, unique_name


@pytest.mark.parametrize(
    "name, expected",
    [
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
    ],
)
def test_safe_name(name, expected):
    assert safe_name(name) == expected


@pytest.mark.parametrize(
    "name",
    [
        "invoice\u202efdp.exe",  # right-to-left override: shows as 'invoiceexe.pdf'
        "\u2024\u2024\u2215\u2024\u2024\u2215etc\u2215passwd",  # one-dot leaders and division slashes
        "\uff0e\uff0e\uff0f\uff0e\uff0e\uff0fsecret",  # fullwidth dots and solidus
        "zero\u200bwidth\ufeff.pdf",
        "a\u2028b\u2029c.pdf",  # line / paragraph separators
        "\x1b[31mred\x7f.pdf",
        "surrogate\ud800.pdf",
    ],
)
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


@pytest.mark.parametrize(
    "parts",
    [
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
    ],
)
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
    assert [unique_name(n, taken) for n in ("scan.pdf", "SCAN.pdf", "scan.pdf", "notes")] == [
        "scan.pdf",
        "SCAN-2.pdf",
        "scan-3.pdf",
        "notes",
    ]
    assert taken == {"scan.pdf", "scan-2.pdf", "scan-3.pdf", "notes"}


def test_a_tiny_byte_cap_is_still_kept():
    """Regression: with a cap under 'file' + the extension, the fallback stem broke the cap."""
    assert safe_name("x.jpeg", max_bytes=5) == "x"  # was 'file.jpeg' (9 bytes)
    assert safe_name("日.pdf", max_bytes=6) == "日"  # was 'file.pdf' (8 bytes)
    assert safe_name("é" * 3, max_bytes=1) == "f"  # was 'file'
    assert safe_name("x" * 300, max_bytes=1000) == "x" * 255  # still one segment


def test_unique_name_keeps_long_names_within_a_segment():
    """Regression: '-2' appended to a 255-byte name made a 257-byte segment that check_key refuses."""
    taken: set[str] = set()
    first, second = unique_name("x" * 251 + ".pdf", taken), unique_name("x" * 251 + ".pdf", taken)
    assert first == "x" * 251 + ".pdf" and second == "x" * 249 + "-2.pdf"
    assert check_key(second) == second


def test_unique_safe_names_stay_within_the_name_cap():
    """Regression: two 120-byte safe names got '-2' appended: 122 bytes, over safe_name's own cap."""
    taken: set[str] = set()
    names = [unique_name(safe_name("é" * 60), taken) for _ in range(2)]
    assert names == ["é" * 60, "é" * 59 + "-2"] and all(len(n.encode()) <= 120 for n in names)


@pytest.mark.parametrize("name, expected", [("a_.b_", "a.b"), ("0:.0:", "0.0"), ("x" * 116 + "_.b" + "é" * 10, "x" * 116 + ".b")])
def test_safe_name_is_idempotent_when_stripping_or_cutting_uncovers_an_extension(name, expected):
    """Regression: 'a_.b_' gave 'a_.b', whose own safe name is 'a.b' (the stem before an extension is tidied)."""
    assert safe_name(name) == expected and safe_name(expected) == expected
