"""A TOML configuration file read into its typed model, once for every such file (the rules, the flag
wording, the extractors' keywords): a mistake in it raises the caller's `ConfigError` subclass naming
the file and the faulty key, never a bare dict that is read wrong later."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from models.errors import ConfigError

M = TypeVar("M", bound=BaseModel)


def problems(exc: ValidationError, skip: int = 0) -> str:
    """Every validation error as 'key.path: message' (the first `skip` parts of each path left out)."""
    return "; ".join(f"{'.'.join(str(p) for p in e['loc'][skip:]) or 'file'}: {e['msg']}" for e in exc.errors())


def parse_toml(model: type[M], text: str, source: str, error: type[ConfigError], root: str | None = None) -> M:
    """`text` validated as `model` (under the key `root` when given); `error` naming `source` otherwise."""
    try:
        data = tomllib.loads(text)
        return model.model_validate({root: data} if root else data)
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{source}: not valid TOML ({exc})") from exc
    except ValidationError as exc:
        raise error(f"{source}: {problems(exc, 1 if root else 0)}") from exc


def read_toml(model: type[M], path: Path, error: type[ConfigError], root: str | None = None) -> M:
    """The file at `path`, read and validated by `parse_toml`."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise error(f"{path}: cannot be read ({exc.strerror})") from exc
    return parse_toml(model, text, str(path), error, root)
