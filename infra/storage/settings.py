"""Which storage the service uses, from environment variables (pydantic-settings):

INTAKE_STORAGE        local (default) or s3
INTAKE_ROOT           the local folder (default ./intake-data)
INTAKE_S3_ENDPOINT    host:port of the S3/MinIO server (s3 only)
INTAKE_S3_ACCESS_KEY  (s3 only)
INTAKE_S3_SECRET_KEY  (s3 only; a SecretStr: never shown by repr, str, dumps or describe)
INTAKE_S3_SECURE      true for https (default true)
INTAKE_BUCKET         the bucket (default intake)
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from infra.storage.base import Storage
from infra.storage.local import LocalStorage
from infra.storage.s3 import S3Storage
from models.errors import ConfigError

S3_REQUIRED = ("s3_endpoint", "s3_access_key", "s3_secret_key")


class StorageSettings(BaseSettings):
    """The INTAKE_* storage variables (other INTAKE_* variables are ignored here)."""

    # hide_input_in_errors: a validation error would otherwise print every input, the secret included
    model_config = SettingsConfigDict(env_prefix="INTAKE_", extra="ignore", hide_input_in_errors=True)

    storage: Literal["local", "s3"] = "local"
    root: Path = Path("./intake-data")
    s3_endpoint: str | None = None
    s3_access_key: str | None = None
    s3_secret_key: SecretStr | None = None
    s3_secure: bool = True
    bucket: str = "intake"

    @model_validator(mode="after")
    def _s3_is_complete(self) -> StorageSettings:
        missing = [f"INTAKE_{name.upper()}" for name in S3_REQUIRED if self.storage == "s3" and not getattr(self, name)]
        if missing:
            raise ValueError(f"INTAKE_STORAGE=s3 needs {', '.join(missing)}")
        return self

    def describe(self) -> str:
        """Where objects go, for logs: no secret."""
        if self.storage == "local":
            return f"local folder {self.root}"
        return f"S3 bucket {self.bucket} at {'https' if self.s3_secure else 'http'}://{self.s3_endpoint}"


def storage_settings() -> StorageSettings:
    """The storage variables of the environment; ConfigError (exit 3) naming what is wrong - the
    variables' names and pydantic's reasons, never their values."""
    try:
        return StorageSettings()
    except ValidationError as error:
        problems = "; ".join(_problem(e["loc"], e["msg"]) for e in error.errors())
        raise ConfigError(f"the storage settings are invalid: {problems}") from None


def _problem(location: tuple[int | str, ...], message: str) -> str:
    """`INTAKE_<NAME>: <reason>` (a reason about several variables names them itself)."""
    reason = message.removeprefix("Value error, ")
    return f"INTAKE_{str(location[0]).upper()}: {reason}" if location else reason


def open_storage(settings: StorageSettings | None = None) -> Storage:
    """The storage the settings (by default: the environment) describe."""
    settings = settings or storage_settings()
    if settings.storage == "local":
        return LocalStorage(settings.root)
    secret = settings.s3_secret_key.get_secret_value() if settings.s3_secret_key else None
    return S3Storage(settings.s3_endpoint or "", settings.s3_access_key, secret, settings.bucket, settings.s3_secure)
