"""One base for every error the intake raises on purpose: `IntakeError`, with a stable machine code,
a message for people (never a claimant's name, number or document text) and the exit code the
command line answers with. Each module keeps its own error classes (named after what went wrong),
all derived from one of the kinds below; the command line translates them at one boundary
(`flows/cli.py::main`), as OCRmyPDF does with its `ExitCode`.

A bad *document* is not an error: it becomes a flag on the claim. These are for what stops a
command or a run: bad usage, bad configuration, a missing tool, a failed storage.
"""

from __future__ import annotations

from enum import IntEnum
from typing import ClassVar


class ExitCode(IntEnum):
    """The `intake` command's exit codes (stable: scripts depend on them)."""

    OK = 0
    INTERNAL = 1  # an unexpected failure (a bug): reported without a traceback, details at debug level
    USAGE = 2  # the command line is wrong: no such file, a bad option or value
    CONFIG = 3  # a configuration file or setting is invalid: rules, manifest, accounts, environment
    MISSING_DEPENDENCY = 4  # a system tool (Tesseract, poppler, qpdf) or its language data is missing or too old
    STORAGE = 5  # the storage failed (server down, network, disk): retry later
    INTERRUPTED = 130  # Ctrl-C


class IntakeError(Exception):
    """Base of the intake's own errors: `code` (stable, snake_case) and `exit_code` per class, set as
    class keywords (`class UsageError(IntakeError, code="usage", exit_code=ExitCode.USAGE)`) or class
    attributes; the message says what is wrong and, where it can, what to do about it."""

    code: str = "intake_error"  # per class; an instance may refine it (review.field_values.InvalidValue)
    exit_code: ClassVar[ExitCode] = ExitCode.INTERNAL

    def __init_subclass__(cls, code: str | None = None, exit_code: ExitCode | None = None, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if code is not None:
            cls.code = code
        if exit_code is not None:
            cls.exit_code = exit_code

    @property
    def message(self) -> str:
        """The message for people (the code when the error was raised without one)."""
        return str(self) or self.code


class UsageError(IntakeError, code="usage", exit_code=ExitCode.USAGE):
    """The command line asks for something that cannot be done (a missing file, a bad value)."""


class ConfigError(IntakeError, code="invalid_config", exit_code=ExitCode.CONFIG):
    """A configuration file or setting is invalid (its place and the problem are named)."""


class DependencyError(IntakeError, code="missing_dependency", exit_code=ExitCode.MISSING_DEPENDENCY):
    """A system tool the intake needs is missing or too old (the message says how to install it)."""


class ServiceError(IntakeError, code="service_failed", exit_code=ExitCode.STORAGE):
    """The storage or another service failed: retryable later."""


class InputError(IntakeError, code="invalid_input", exit_code=ExitCode.USAGE):
    """Something received cannot be used as given (a manifest, a form value, a claim number)."""
