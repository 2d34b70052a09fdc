"""The documentation stays whole: the MkDocs site under docs/ builds with `mkdocs build --strict` (a broken
link or anchor, or a page left out of the nav, fails it), every relative link and image of README.md points
to a file of the repository (and to a heading that exists), the README stays a newcomer's page of at most
200 lines with `make test` as its test command, and every `intake` sub-command, option and environment
variable is documented."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import unicodedata
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml

from flows.cli import parser

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
DOCS = ROOT / "docs"
MKDOCS_YML = ROOT / "mkdocs.yml"
MAX_README_LINES = 200
CODE_PACKAGES = ("models", "extractors", "validators", "intake", "flows", "infra", "review")

FENCE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1", re.DOTALL)
# [text](target "title") and ![alt](target); the text may hold one level of brackets
INLINE_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE_LINK = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+\"[^\"]*\")?\s*$", re.MULTILINE)
HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
ENV_VAR = re.compile(r"\bINTAKE_[A-Z0-9_]*[A-Z0-9]\b")


def without_code(text: str) -> str:
    """The markdown with its fenced blocks and code spans blanked (a `[x](y)` in code is no link)."""
    return CODE_SPAN.sub("", FENCE.sub("", text))


def links(markdown: str) -> list[str]:
    """Every link and image target of a markdown text, in order."""
    text = without_code(markdown)
    return [m.group(1) for m in INLINE_LINK.finditer(text)] + [m.group(1) for m in REFERENCE_LINK.finditer(text)]


def slug(heading: str) -> str:
    """The anchor MkDocs (Python-Markdown's toc) gives a heading: its text without markup, lower-cased,
    punctuation dropped, spaces and hyphens run together into one hyphen."""
    text = re.sub(r"[`*_]", "", re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading))
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^\w\s-]", "", text).strip().lower()
    return re.sub(r"[-\s]+", "-", text)


def anchors(markdown_file: Path) -> set[str]:
    return {slug(m.group(1)) for m in HEADING.finditer(FENCE.sub("", markdown_file.read_text(encoding="utf-8")))}


def broken_links(markdown_file: Path, root: Path = ROOT) -> list[str]:
    """The relative links of `markdown_file` whose file (or heading) does not exist under `root` (the repository)."""
    broken = []
    for target in links(markdown_file.read_text(encoding="utf-8")):
        parts = urlsplit(target)
        if parts.scheme or parts.netloc or target.startswith("mailto:"):
            continue  # an outside address: not checked here (no network in the tests)
        path = (markdown_file.parent / unquote(parts.path)).resolve() if parts.path else markdown_file
        if not path.is_relative_to(root) or not path.exists():
            broken.append(f"{target}: no such file")
        elif parts.fragment and path.suffix == ".md" and parts.fragment not in anchors(path):
            broken.append(f"{target}: no heading #{parts.fragment} in {path.relative_to(root)}")
    return broken


def nav_pages(nav: object) -> list[str]:
    """The page paths named in mkdocs.yml's nav, however nested."""
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, dict):
        return [page for value in nav.values() for page in nav_pages(value)]
    if isinstance(nav, list):
        return [page for item in nav for page in nav_pages(item)]
    return []


def test_the_site_builds_strictly(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(MKDOCS_YML), "--site-dir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stdout}{result.stderr}"
    assert (tmp_path / "index.html").is_file()
    assert (tmp_path / "operators" / "install-and-run" / "index.html").is_file()


def test_the_site_is_validated_strictly() -> None:
    """What makes `--strict` catch broken links, anchors and pages left out: the validation set to warn."""
    config = yaml.safe_load(MKDOCS_YML.read_text(encoding="utf-8"))
    assert config["strict"] is True
    assert config["validation"] == {
        "omitted_files": "warn",
        "absolute_links": "warn",
        "unrecognized_links": "warn",
        "anchors": "warn",
    }


def test_every_page_is_in_the_nav() -> None:
    config = yaml.safe_load(MKDOCS_YML.read_text(encoding="utf-8"))
    listed = nav_pages(config["nav"])
    pages = sorted(str(p.relative_to(DOCS)) for p in DOCS.rglob("*.md"))
    assert sorted(set(listed)) == pages, "every page under docs/ once in mkdocs.yml's nav, and nothing else"
    assert len(listed) == len(set(listed)), "a page listed twice in the nav"


def test_every_relative_link_of_the_readme_resolves() -> None:
    assert links(README.read_text(encoding="utf-8")), "the README links into docs/"
    assert broken_links(README) == []


def test_the_link_check_catches_a_broken_link(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "shot.png").write_bytes(b"")
    (tmp_path / "docs" / "guide.md").write_text("# Guide\n\n## The monitor's `events`\n")
    page = tmp_path / "README.md"
    page.write_text(
        "# Title\n\n[ok](docs/guide.md#the-monitors-events) ![ok](docs/shot.png) [ok](#title) [out](https://example.org/x)\n"
        "![gone](docs/missing.png) [bad](docs/guide.md#nowhere) [outside](../elsewhere.md) `[code](nothing.md)`\n"
        "```sh\n[fenced](nothing-either.md)\n```\n"
    )
    assert broken_links(page, root=tmp_path) == [
        "docs/missing.png: no such file",
        "docs/guide.md#nowhere: no heading #nowhere in docs/guide.md",
        "../elsewhere.md: no such file",
    ]


def test_the_readme_is_a_newcomers_page() -> None:
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= MAX_README_LINES
    assert "make test" in text, "`make test` is the documented test command (CI runs it)"
    assert "export PREFECT_API_URL=" in text
    for screenshot in ("docs/prefect-runs.png", "docs/review-queue.png"):
        assert f"]({screenshot})" in text


def test_every_command_and_option_is_documented() -> None:
    readme = README.read_text(encoding="utf-8")
    reference = (DOCS / "operators" / "command-line.md").read_text(encoding="utf-8")
    reference += (DOCS / "operators" / "install-and-run.md").read_text(encoding="utf-8")
    commands = next(a for a in parser()._actions if isinstance(a, argparse._SubParsersAction)).choices
    missing = []
    for name, command in commands.items():
        if f"`intake {name}" not in readme:
            missing.append(f"README: intake {name}")
        for option in (o for action in command._actions for o in action.option_strings if o.startswith("--")):
            if option != "--help" and not re.search(rf"{re.escape(option)}(?![\w-])", reference):
                missing.append(f"docs/operators: intake {name} {option}")
    assert missing == []


def test_every_environment_variable_is_documented() -> None:
    configuration = (DOCS / "operators" / "configuration.md").read_text(encoding="utf-8")
    used = {
        name
        for package in CODE_PACKAGES
        for source in (ROOT / package).rglob("*.py")
        for name in ENV_VAR.findall(source.read_text(encoding="utf-8"))
    }
    assert used, "the code reads INTAKE_* variables"
    assert sorted(name for name in used if name not in configuration) == []
