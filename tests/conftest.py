"""Shared test helpers: build lines of words without OCR, and locate the shared corpus; every test's index
engines closed after it."""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from pathlib import Path

import pytest

from extractors.layout import Line, make_line
from models import BBox, Word

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"


def rules_without_straight_through() -> Path:
    """The rules the tests run under (INTAKE_RULES, inherited by the servers and CLIs they start): the
    shipped file without its `[straight_through]` table. A sample value a hair from its threshold
    (validators/straight_through.py) falls either side from run to run when the second reader's time
    budget runs short under load: the tests of the flows, the hand-off and the desk must not hang on that.
    The straight-through decision itself is tested under the shipped file, named (DEFAULT_RULES)."""
    text = (REPO / "validators" / "rules" / "default.toml").read_text(encoding="utf-8").split("\n[straight_through]")[0] + "\n"
    # named by its content, written whole (a server another test process starts may be reading it)
    path = Path(tempfile.gettempdir()) / f"intake-test-rules-{hashlib.sha256(text.encode()).hexdigest()[:16]}.toml"
    if not path.exists():
        partial = path.with_name(f"{path.name}.{os.getpid()}")
        partial.write_text(text, encoding="utf-8")
        partial.replace(path)
    return path


os.environ.setdefault("INTAKE_RULES", str(rules_without_straight_through()))


def line_of(text: str, index: int = 0, page: int = 1, confidence: float = 0.9) -> Line:
    """A Line of words laid out left to right on row `index`."""
    words, x = [], 10
    for token in text.split():
        width = 12 * len(token)
        words.append(
            Word(
                text=token,
                confidence=confidence,
                bbox=BBox(x0=x, y0=40 * index, x1=x + width, y1=40 * index + 25),
                block=1,
                line=index,
            )
        )
        x += width + 12
    return make_line(page, words, index)


def lines_of(*texts: str) -> list[Line]:
    """Consecutive Lines, one per text."""
    return [line_of(text, i) for i, text in enumerate(texts)]


@pytest.fixture
def make_lines():
    return lines_of


@pytest.fixture(autouse=True)
def _index_engines_closed():
    """Each test's index engines closed after it (infra.index.engine keeps one per database and process:
    a test's SQLite file or PostgreSQL database must not stay open into the next tests)."""
    yield
    engine = sys.modules.get("infra.index.engine")
    if engine is not None:
        engine.dispose_all()


@pytest.fixture(autouse=True, scope="session")
def _index_files_in_the_session_folder(tmp_path_factory):
    """The SQLite index of a bucket (no INTAKE_INDEX_URL, no local root to sit beside) goes to this session's
    own folder, never to the user's ~/.local/state: a bucket name reused by a later session meets no stale row."""
    if "INTAKE_INDEX_DIR" in os.environ:
        yield
        return
    os.environ["INTAKE_INDEX_DIR"] = str(tmp_path_factory.mktemp("index"))
    yield
    os.environ.pop("INTAKE_INDEX_DIR", None)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Close the index engines and collect garbage while every module is still loaded; keep the exit status
    for `pytest_unconfigure`."""
    import gc

    engine = sys.modules.get("infra.index.engine")
    if engine is not None:
        engine.dispose_all()
    gc.collect()
    session.config.stash[_EXIT_STATUS] = int(exitstatus)


_EXIT_STATUS = pytest.StashKey[int]()


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """Leave with the session's exit status once everything is reported and the exit handlers ran (Prefect's
    temporary servers stopped...), without the interpreter's final garbage collection: after a whole
    integration run in one process (not in either half of it) that collection segfaults in a C extension,
    after every test passed, which would turn a green run into exit 139."""
    status = config.stash.get(_EXIT_STATUS, None)
    if status is None or os.environ.get("INTAKE_TESTS_NORMAL_EXIT"):
        return
    import atexit

    sys.stdout.flush()
    sys.stderr.flush()
    atexit._run_exitfuncs()
    os._exit(status)
