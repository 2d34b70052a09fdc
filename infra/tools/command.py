"""Asking an installed tool about itself (`--version`, `--list-langs`): the one runner the version
probes share, so that a test can point it at a fake PATH or replace it."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence

from models.errors import IntakeError

PROBE_TIMEOUT_SECONDS = 10


class ToolTimedOut(IntakeError, code="tool_timeout"):
    """An external tool ran past its time limit on one input and was stopped (a hostile or absurd page:
    a flag for that page, not a failure of the run)."""

    def __init__(self, program: str, seconds: float):
        super().__init__(f"{program} stopped after {seconds:g} s")
        self.program = program
        self.seconds = seconds


def output(args: Sequence[str], timeout: float = PROBE_TIMEOUT_SECONDS) -> str | None:
    """What the command prints (stdout, then stderr), whatever its exit status (old poppler tools exit
    99 on -v); None when it is not on PATH, cannot run or does not answer in time."""
    try:
        result = subprocess.run(list(args), capture_output=True, text=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout + result.stderr
