"""Server-side sessions for the review desk, kept in the storage so every desk process shares them:

    state/review-sessions/<sha256 of the session id>.json    account, role, CSRF token, password fingerprint,
                                                             started (written once, never rewritten)
    state/review-sessions/<sha256 of the session id>.seen    when it was last used

The cookie holds only the random session id, signed (itsdangerous, HMAC over the server's secret: a
forged cookie is refused without touching the storage). The storage key is the id's hash, so the
storage's listing gives nobody a usable cookie. A session is dead - and its record deleted - when it
is signed out (`end`), when its account signs out everywhere (`end_all`), when it has been idle
IDLE_SECONDS or lived MAX_SECONDS, when its account is no longer in the accounts file, or when the
account's password hash changed. "Last seen" is written at most every TOUCH_SECONDS (not on every
page image), so idle expiry is exact to within that; it is an object of its own, so a request renewing
it in one process while another process signs the session out cannot bring the session back (without
its record a session is dead, whatever its `.seen` says).

Every form carries the session's CSRF token and every POST is refused without it; the cookie is
HttpOnly and SameSite=Strict.

A known device (`KnownDevices`): a successful sign-in also leaves a long-lived cookie naming the browser
as a device of that account - a random id, signed with the same secret over the account's name and
password fingerprint (neither is in the cookie) and the time it was issued, valid DEVICE_SECONDS. It
lets nobody in by itself: it only tells the sign-in that the attempt comes from a browser where the
account has signed in before, so that it is not held back by other people's guesses on the name
(review/app.py). A changed password or a removed account makes every device of it unknown again; one
browser remembers up to MAX_DEVICES accounts.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

from itsdangerous import BadSignature, Signer, TimestampSigner

from infra.storage.base import NotFound, Storage
from review.accounts import Account, fingerprint

COOKIE = "intake_review"
IDLE_SECONDS = 30 * 60
MAX_SECONDS = 10 * 3600
TOUCH_SECONDS = 60
PREFIX = "state/review-sessions/"
DEVICE_COOKIE = "intake_device"
DEVICE_SECONDS = 180 * 86400
MAX_DEVICES = 4  # accounts one browser is a known device of (the most recent sign-ins)
_DEVICE_TOKEN = re.compile(r"[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{1,12}\.[A-Za-z0-9_-]{20,90}")


@dataclass(frozen=True)
class Session:
    key: str  # the id's hash (the storage key's name); the id itself is only in the cookie
    user: str
    role: str
    csrf: str
    password: str  # fingerprint of the account's password hash when the session began
    started: float
    seen: float

    def csrf_ok(self, token: str | None) -> bool:
        return token is not None and token != "" and hmac.compare_digest(self.csrf.encode("utf-8"), token.encode("utf-8"))


def _key_of(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


class SessionStore:
    """Sessions in a storage (shared by every desk process over it)."""

    def __init__(
        self,
        storage: Storage,
        secret: str,
        idle_seconds: int = IDLE_SECONDS,
        max_seconds: int = MAX_SECONDS,
        clock: Callable[[], float] = time.time,
        touch_seconds: float = TOUCH_SECONDS,
    ) -> None:
        self.storage = storage
        self._signer = Signer(secret, salt="intake-review-session-id")
        self.idle_seconds, self.max_seconds, self.touch_seconds, self._clock = idle_seconds, max_seconds, touch_seconds, clock

    # -- records ---------------------------------------------------------------------------------
    def _put(self, session: Session) -> None:
        data = json.dumps(asdict(session), separators=(",", ":")).encode("utf-8")
        self.storage.put_bytes(PREFIX + session.key + ".json", data, "application/json", if_absent=True)

    def _touch(self, key: str, now: float) -> None:
        self.storage.put_bytes(PREFIX + key + ".seen", repr(now).encode("ascii"), "text/plain")

    def _get(self, key: str) -> Session | None:
        try:
            data = json.loads(self.storage.get_bytes(PREFIX + key + ".json"))
            session = Session(**data)
        except (NotFound, ValueError, TypeError):
            return None
        try:
            seen = float(self.storage.get_bytes(PREFIX + key + ".seen"))
        except (NotFound, ValueError):
            return session
        return Session(**{**asdict(session), "seen": max(seen, session.seen)})

    def _delete(self, key: str) -> None:
        self.storage.delete(PREFIX + key + ".json")
        self.storage.delete(PREFIX + key + ".seen")

    def _alive(self, session: Session, accounts: dict[str, Account], now: float) -> bool:
        account = accounts.get(session.user)
        return (
            account is not None
            and hmac.compare_digest(fingerprint(account), session.password)
            and account.role.value == session.role
            and now - session.seen <= self.idle_seconds
            and now - session.started <= self.max_seconds
            and session.seen <= now + 60
        )

    # -- the desk's uses -------------------------------------------------------------------------
    def new(self, account: Account) -> tuple[Session, str]:
        """A new session for `account` and the cookie value that names it."""
        session_id = secrets.token_urlsafe(32)
        now = self._clock()
        session = Session(
            _key_of(session_id), account.name, account.role.value, secrets.token_urlsafe(24), fingerprint(account), now, now
        )
        self._put(session)
        return session, self._signer.sign(session_id).decode("ascii")

    def load(self, cookie: str | None, accounts: dict[str, Account]) -> Session | None:
        """The live session the cookie names, or None (absent, forged, ended, expired, account gone or
        password changed: a dead session's record is deleted). Renews "last seen"."""
        if not cookie or len(cookie) > 200:
            return None
        try:
            session_id = self._signer.unsign(cookie).decode("ascii")
        except (BadSignature, UnicodeError):
            return None
        key = _key_of(session_id)
        session = self._get(key)
        if session is None:
            return None
        now = self._clock()
        if not self._alive(session, accounts, now):
            self._delete(key)
            return None
        if now - session.seen >= self.touch_seconds:
            self._touch(key, now)
            session = Session(**{**asdict(session), "seen": now})
        return session

    def end(self, session: Session) -> None:
        """Sign out: this session ends for every copy of its cookie."""
        self._delete(session.key)

    def sessions(self, accounts: dict[str, Account]) -> list[Session]:
        """Every live session (dead ones met on the way are deleted)."""
        now, found = self._clock(), []
        listed = [info.key[len(PREFIX) :] for info in self.storage.list(PREFIX)]
        records = {name.removesuffix(".json") for name in listed if name.endswith(".json")}
        for name in listed:
            if name.endswith(".seen") and name.removesuffix(".seen") not in records:
                self.storage.delete(PREFIX + name)  # a renewal that raced a sign-out
        for key in sorted(records):
            session = self._get(key)
            if session is None:
                continue
            if self._alive(session, accounts, now):
                found.append(session)
            else:
                self._delete(key)
        return found

    def of(self, user: str, accounts: dict[str, Account]) -> list[Session]:
        """The account's live sessions, oldest first."""
        return sorted((s for s in self.sessions(accounts) if s.user == user), key=lambda s: s.started)

    def end_all(self, user: str, accounts: dict[str, Account]) -> int:
        """Sign out everywhere: every session of `user` ends. How many there were."""
        mine = [s for s in self.sessions(accounts) if s.user == user]
        for session in mine:
            self._delete(session.key)
        return len(mine)


class _ClockedSigner(TimestampSigner):
    """The known-device tokens' signer (HMAC-SHA256), reading the given clock (tests move it)."""

    def __init__(self, secret: str, clock: Callable[[], float]) -> None:
        super().__init__(secret, salt="intake-review-known-device", digest_method=hashlib.sha256)
        self._clock = clock

    def get_timestamp(self) -> int:
        return int(self._clock())


class KnownDevices:
    """The known-device cookie: up to MAX_DEVICES tokens ('~'-separated, the newest first), each bound to
    one account (its name and password fingerprint) by a timestamped signature over the server's secret."""

    def __init__(self, secret: str, max_age: int = DEVICE_SECONDS, clock: Callable[[], float] = time.time) -> None:
        self._signer, self.max_age = _ClockedSigner(secret, clock), max_age

    def _tokens(self, cookie: str | None) -> list[str]:
        if not cookie or len(cookie) > 100 * MAX_DEVICES:
            return []
        return [token for token in cookie.split("~")[:MAX_DEVICES] if _DEVICE_TOKEN.fullmatch(token)]

    def _device_of(self, token: str, account: Account) -> str | None:
        """The token's device id when it was issued for this account (its current password), else None."""
        try:
            value = self._signer.unsign(f"{account.name}:{fingerprint(account)}:{token}", max_age=self.max_age)
        except BadSignature:
            return None
        return value.decode("ascii").rpartition(":")[2]

    def recognise(self, cookie: str | None, account: Account | None) -> str | None:
        """The id of the device the cookie names for `account`, or None (no cookie, another account's, forged,
        expired, issued before a password change, or no such account)."""
        if account is None:
            return None
        found = (self._device_of(token, account) for token in self._tokens(cookie))
        return next((device for device in found if device), None)

    def remember(self, cookie: str | None, account: Account) -> str:
        """The cookie's new value after `account` signed in: a fresh token first, the account's old ones
        dropped, other accounts' kept (at most MAX_DEVICES in all)."""
        bound = f"{account.name}:{fingerprint(account)}:"  # signed over, left out of the cookie
        token = self._signer.sign(bound + secrets.token_urlsafe(16)).decode("ascii")[len(bound) :]
        others = [old for old in self._tokens(cookie) if self._device_of(old, account) is None]
        return "~".join([token, *others][:MAX_DEVICES])
