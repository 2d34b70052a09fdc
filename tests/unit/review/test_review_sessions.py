"""review.sessions: server-side sessions in the storage (the cookie names one, signed), idle and
absolute expiry, sign-out, sign-out everywhere, an account removed or its password changed, CSRF
tokens, and the known-device cookie.

(Named test_review_sessions.py: tests/unit/extractors/test_sessions.py already holds the basename and
these test folders are not packages.)"""

from __future__ import annotations

import pytest

from infra.storage.local import LocalStorage
from review.accounts import Account, Role
from review.sessions import (
    DEVICE_SECONDS,
    IDLE_SECONDS,
    MAX_DEVICES,
    MAX_SECONDS,
    PREFIX,
    TOUCH_SECONDS,
    KnownDevices,
    Session,
    SessionStore,
)

SECRET = "s" * 40
T0 = 1_800_000_000.0
# Hashes are never checked here: only their fingerprint is compared.
MARIE = Account("marie", Role.MANAGER, "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA")
PAUL = Account("paul", Role.MANAGER, "$argon2id$v=19$m=65536,t=3,p=4$b3RoZXJzYWx0$aGFzaGhhc2hoYXNoaGFzaA")
ACCOUNTS = {"marie": MARIE, "paul": PAUL}


class Clock:
    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def storage(tmp_path) -> LocalStorage:
    return LocalStorage(tmp_path)


@pytest.fixture
def store(storage, clock) -> SessionStore:
    return SessionStore(storage, SECRET, clock=clock)


def test_new_and_load_round_trip(store):
    session, cookie = store.new(MARIE)
    assert (session.user, session.role, session.started, session.seen) == ("marie", "manager", T0, T0)
    assert len(session.csrf) >= 24
    assert store.load(cookie, ACCOUNTS) == session


def test_the_cookie_holds_only_a_signed_random_id_and_the_storage_only_its_hash(store, storage):
    session, cookie = store.new(MARIE)
    session_id = cookie.rpartition(".")[0]
    assert "marie" not in cookie and "manager" not in cookie and session.csrf not in cookie and SECRET not in cookie
    keys = [info.key for info in storage.list(PREFIX)]
    assert keys == [f"{PREFIX}{session.key}.json"] and session_id not in keys[0]
    assert session_id.encode() not in storage.get_bytes(keys[0])


def test_each_session_has_its_own_id_and_csrf_token(store):
    (first, cookie1), (second, cookie2) = store.new(MARIE), store.new(MARIE)
    assert cookie1 != cookie2 and first.key != second.key and first.csrf != second.csrf


@pytest.mark.parametrize("cookie", [None, "", "garbage", "a.b.c", "x" * 5000])
def test_absent_or_garbage_cookie_is_no_session(store, cookie):
    assert store.load(cookie, ACCOUNTS) is None


def test_a_forged_or_foreign_cookie_is_refused(store, storage, clock):
    _, cookie = store.new(MARIE)
    session_id, _, signature = cookie.rpartition(".")
    flipped = f"{session_id}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"
    assert store.load(flipped, ACCOUNTS) is None
    theirs = SessionStore(storage, "t" * 40, clock=clock)
    assert theirs.load(cookie, ACCOUNTS) is None  # another secret
    _, their_cookie = theirs.new(MARIE)
    assert store.load(their_cookie, ACCOUNTS) is None


def test_signing_out_ends_every_copy_of_the_cookie(store):
    session, cookie = store.new(MARIE)
    copied = str(cookie)  # an attacker's copy, taken before the sign-out
    store.end(session)
    assert store.load(cookie, ACCOUNTS) is None and store.load(copied, ACCOUNTS) is None


def test_sessions_are_shared_by_every_desk_process_on_the_storage(storage, clock):
    one, two = SessionStore(storage, SECRET, clock=clock), SessionStore(storage, SECRET, clock=clock)
    session, cookie = one.new(MARIE)
    assert two.load(cookie, ACCOUNTS) == session
    two.end(session)
    assert one.load(cookie, ACCOUNTS) is None


def test_sign_out_everywhere_ends_only_that_accounts_sessions(store):
    (_, at_work), (_, at_home), (_, pauls) = store.new(MARIE), store.new(MARIE), store.new(PAUL)
    assert len(store.of("marie", ACCOUNTS)) == 2
    assert store.end_all("marie", ACCOUNTS) == 2
    assert store.load(at_work, ACCOUNTS) is None and store.load(at_home, ACCOUNTS) is None
    assert store.load(pauls, ACCOUNTS) is not None and store.of("marie", ACCOUNTS) == []


def test_a_removed_account_or_a_changed_password_or_role_ends_its_sessions(store, storage):
    _, cookie = store.new(MARIE)
    assert store.load(cookie, {"paul": PAUL}) is None  # marie removed from the accounts file
    assert storage.list(PREFIX) == []  # and the dead session's record is gone
    _, cookie = store.new(MARIE)
    changed = Account("marie", Role.MANAGER, MARIE.password_hash.replace("aGFzaGhh", "bmV3cGFz"))
    assert store.load(cookie, {"marie": changed}) is None
    _, cookie = store.new(MARIE)
    demoted = Account("marie", Role.OPERATOR, MARIE.password_hash)
    assert store.load(cookie, {"marie": demoted}) is None


def test_idle_session_expires(store, clock, storage):
    _, cookie = store.new(MARIE)
    clock.now = T0 + IDLE_SECONDS - 5
    assert store.load(cookie, ACCOUNTS) is not None
    clock.now += IDLE_SECONDS + 5
    assert store.load(cookie, ACCOUNTS) is None
    assert storage.list(PREFIX) == []


def test_activity_keeps_a_session_alive_until_its_absolute_limit(store, clock):
    _, cookie = store.new(MARIE)
    while clock.now + IDLE_SECONDS * 2 / 3 < T0 + MAX_SECONDS:  # a request every 20 minutes
        clock.now += IDLE_SECONDS * 2 / 3
        loaded = store.load(cookie, ACCOUNTS)
        assert loaded is not None and loaded.seen == clock.now and loaded.started == T0
    clock.now = T0 + MAX_SECONDS + 1
    assert store.load(cookie, ACCOUNTS) is None


def test_last_seen_is_written_at_most_every_touch_seconds(store, storage, clock):
    session, cookie = store.new(MARIE)
    clock.now += TOUCH_SECONDS / 2
    assert store.load(cookie, ACCOUNTS).seen == T0
    assert not storage.exists(f"{PREFIX}{session.key}.seen")
    clock.now += TOUCH_SECONDS
    assert store.load(cookie, ACCOUNTS).seen == clock.now
    assert storage.exists(f"{PREFIX}{session.key}.seen")


def test_a_renewal_racing_a_sign_out_does_not_bring_the_session_back(store, storage, clock):
    session, cookie = store.new(MARIE)
    store.end(session)
    storage.put_bytes(f"{PREFIX}{session.key}.seen", repr(clock.now).encode())  # another process's late renewal
    assert store.load(cookie, ACCOUNTS) is None
    assert store.of("marie", ACCOUNTS) == [] and storage.list(PREFIX) == []  # the stray renewal cleaned up


def test_a_session_from_the_future_is_refused(store, clock):
    clock.now = T0 + 3600
    _, cookie = store.new(MARIE)
    clock.now = T0
    assert store.load(cookie, ACCOUNTS) is None


def test_configurable_limits(storage, clock):
    store = SessionStore(storage, SECRET, idle_seconds=10, max_seconds=100, clock=clock, touch_seconds=0)
    _, cookie = store.new(MARIE)
    clock.now = T0 + 11
    assert store.load(cookie, ACCOUNTS) is None


# -- CSRF -----------------------------------------------------------------------------------------
def session_with(token: str) -> Session:
    return Session("k", "mdupont", "manager", token, "fp", T0, T0)


def test_csrf_ok_only_for_the_sessions_token():
    session = session_with("abc123-token")
    assert session.csrf_ok("abc123-token")
    assert not session.csrf_ok("abc123-tokeN")
    assert not session.csrf_ok("abc123-token ")
    assert not session.csrf_ok("")
    assert not session.csrf_ok(None)


def test_empty_session_token_never_matches():
    assert not session_with("").csrf_ok("")


def test_csrf_ok_refuses_a_non_ascii_token_without_crashing():
    assert not session_with("abc123-token").csrf_ok("é")


# -- known devices ----------------------------------------------------------------------------------
@pytest.fixture
def devices(clock) -> KnownDevices:
    return KnownDevices(SECRET, clock=clock)


def test_a_known_device_is_recognised_for_its_account_only(devices):
    cookie = devices.remember(None, MARIE)
    device = devices.recognise(cookie, MARIE)
    assert device and devices.recognise(cookie, PAUL) is None and devices.recognise(cookie, None) is None
    assert "marie" not in cookie and MARIE.password_hash not in cookie and SECRET not in cookie
    assert devices.recognise(devices.remember(None, MARIE), MARIE) != device  # each sign-in a fresh id


@pytest.mark.parametrize("cookie", [None, "", "garbage", "a~b~c", "x" * 5000, "~" * 300])
def test_an_absent_or_garbage_device_cookie_is_no_device(devices, cookie):
    assert devices.recognise(cookie, MARIE) is None


def test_a_forged_or_foreign_device_cookie_is_refused(devices, clock):
    cookie = devices.remember(None, MARIE)
    flipped = cookie[:-10] + ("A" if cookie[-10] != "A" else "B") + cookie[-9:]  # (not the last: base64 padding bits)
    assert devices.recognise(flipped, MARIE) is None
    assert KnownDevices("t" * 40, clock=clock).recognise(cookie, MARIE) is None  # another secret


def test_a_changed_password_or_an_expired_token_makes_the_device_unknown(devices, clock):
    cookie = devices.remember(None, MARIE)
    changed = Account("marie", Role.MANAGER, MARIE.password_hash.replace("aGFzaGhh", "bmV3cGFz"))
    assert devices.recognise(cookie, changed) is None
    clock.now += DEVICE_SECONDS - 10
    assert devices.recognise(cookie, MARIE) is not None
    clock.now += 20
    assert devices.recognise(cookie, MARIE) is None


def test_one_browser_remembers_a_few_accounts_the_newest_first(devices):
    cookie = devices.remember(None, MARIE)
    cookie = devices.remember(cookie, PAUL)
    assert devices.recognise(cookie, MARIE) and devices.recognise(cookie, PAUL)
    again = devices.remember(cookie, MARIE)
    assert again.count("~") == 1  # marie's old token replaced, paul's kept
    others = [Account(f"user{i}", Role.OPERATOR, MARIE.password_hash) for i in range(MAX_DEVICES)]
    for account in others:
        again = devices.remember(again, account)
    assert again.count("~") == MAX_DEVICES - 1 and devices.recognise(again, MARIE) is None
    assert all(devices.recognise(again, account) for account in others)
