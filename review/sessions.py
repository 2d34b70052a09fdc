"""Signed session cookies and CSRF tokens for the review desk.

The cookie holds the account name, its role, the session's CSRF token and when it started, signed
(itsdangerous, HMAC-SHA1 over the server's secret) - nothing secret is in it, nothing in it can be
forged. A session ends after IDLE_SECONDS without a request (each request renews the cookie) and at
the latest MAX_SECONDS after sign-in. Every form carries the session's CSRF token and every POST is
refused without it; the cookie is HttpOnly and SameSite=Strict.
"""

from __future__ import annotations

import hmac
import secrets
import time
from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

COOKIE = "intake_review"
IDLE_SECONDS = 30 * 60
MAX_SECONDS = 10 * 3600


@dataclass(frozen=True)
class Session:
    user: str
    role: str
    csrf: str
    started: float

    def csrf_ok(self, token: str | None) -> bool:
        return token is not None and token != "" and hmac.compare_digest(self.csrf.encode("utf-8"), token.encode("utf-8"))


class SessionSigner:
    def __init__(self, secret: str, idle_seconds: int = IDLE_SECONDS, max_seconds: int = MAX_SECONDS, clock=time.time) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt="intake-review-session")
        self.idle_seconds, self.max_seconds, self._clock = idle_seconds, max_seconds, clock

    def new(self, user: str, role: str) -> Session:
        return Session(user, role, secrets.token_urlsafe(24), self._clock())

    def dump(self, session: Session) -> str:
        return self._serializer.dumps({"u": session.user, "r": session.role, "c": session.csrf, "s": session.started})

    def load(self, cookie: str | None) -> Session | None:
        """The session, or None when the cookie is absent, forged, idle too long or too old."""
        if not cookie:
            return None
        try:
            data = self._serializer.loads(cookie, max_age=self.idle_seconds)
        except (BadSignature, SignatureExpired):
            return None
        if self._clock() - float(data["s"]) > self.max_seconds:
            return None
        return Session(data["u"], data["r"], data["c"], float(data["s"]))
