"""The review desk's configuration, from environment variables (pydantic-settings):

INTAKE_REVIEW_ACCOUNTS        the accounts file (TOML, hashed passwords: see review/accounts.py); required
INTAKE_REVIEW_SECRET          the key signing the session id in the cookie and the known-device cookie (32+ characters);
                              when unset a random one is made at start, so sessions end and every browser is
                              an unknown device again when the desk restarts, and several desk processes do
                              not share sessions
INTAKE_REVIEW_SECURE_COOKIES  true behind HTTPS (cookies sent over TLS only); default false
The storage is the service's (INTAKE_STORAGE, INTAKE_ROOT, INTAKE_S3_*), the rules INTAKE_RULES.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class ReviewSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="INTAKE_REVIEW_", extra="ignore", hide_input_in_errors=True)

    accounts: Path | None = None
    secret: SecretStr | None = None
    secure_cookies: bool = False

    def signing_secret(self) -> tuple[str, bool]:
        """(secret, whether it was configured)."""
        if self.secret is not None and len(self.secret.get_secret_value()) >= 32:
            return self.secret.get_secret_value(), True
        return secrets.token_urlsafe(32), False
