"""review.accounts: the accounts file (hashed passwords only), password checks and the lock-out (per
account name and source: a client address or a known device)."""

from __future__ import annotations

import json

import pytest

from review.accounts import (
    LOCKOUT_SECONDS,
    MAX_FAILURES,
    MAX_NAME,
    Account,
    AccountsError,
    AccountsFile,
    Authenticator,
    Role,
    account_entry,
    hash_password,
    load_accounts,
    pair_key,
    parse_accounts,
)
from review.throttle import SlidingWindow

PASSWORD = "correct horse battery"


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def entries() -> str:
    """An accounts file with a manager and an operator, made the way `intake review-account` makes it."""
    return account_entry("mdupont", Role.MANAGER, PASSWORD) + "\n" + account_entry("ops-1", Role.OPERATOR, "operator-password")


@pytest.fixture(scope="module")
def accounts(entries) -> dict[str, Account]:
    return parse_accounts(entries)


# -- the accounts file ----------------------------------------------------------------------------
def test_account_entry_round_trips_through_the_file(accounts):
    assert set(accounts) == {"mdupont", "ops-1"}
    manager, operator = accounts["mdupont"], accounts["ops-1"]
    assert (manager.name, manager.role, manager.can_review) == ("mdupont", Role.MANAGER, True)
    assert (operator.role, operator.can_review) == (Role.OPERATOR, False)
    assert manager.password_hash.startswith("$argon2id$")
    assert PASSWORD not in manager.password_hash


def test_the_round_tripped_entry_signs_in(accounts):
    auth = Authenticator(accounts, clock=FakeClock())
    assert auth.check("mdupont", PASSWORD) == accounts["mdupont"]
    assert auth.check("ops-1", "operator-password") == accounts["ops-1"]
    assert auth.check("mdupont", "operator-password") is None  # another account's password


def test_plain_text_password_is_refused_at_load():
    with pytest.raises(AccountsError, match=r"'bob'.*Argon2"):
        parse_accounts('[accounts.bob]\nrole = "manager"\npassword = "hunter2hunter2"\n')


def test_missing_password_is_refused_at_load():
    with pytest.raises(AccountsError, match="'bob'"):
        parse_accounts('[accounts.bob]\nrole = "manager"\n')


@pytest.mark.parametrize("role", ['role = "admin"', 'role = "Manager"', ""])
def test_unknown_or_missing_role_is_refused(role):
    with pytest.raises(AccountsError, match="'bob': role must be manager or operator"):
        parse_accounts(f'[accounts.bob]\n{role}\npassword = "{hash_password("long enough pw")}"\n')


def test_an_account_that_is_not_a_table_is_refused():
    with pytest.raises(AccountsError, match="'bob'"):
        parse_accounts('[accounts]\nbob = "$argon2id$v=19$x"\n')


def test_bad_toml_is_refused():
    with pytest.raises(AccountsError, match="not TOML"):
        parse_accounts('[accounts.bob\nrole = "manager"\n')


@pytest.mark.parametrize("text", ["", "# nobody yet\n", "[accounts]\n", "[other]\nx = 1\n"])
def test_a_file_without_accounts_is_refused(text):
    with pytest.raises(AccountsError, match="no account"):
        parse_accounts(text)


def test_accounts_key_that_is_not_a_table_is_an_accounts_error():
    with pytest.raises(AccountsError):
        parse_accounts('accounts = "mdupont"\n')


def test_account_entry_round_trips_a_dotted_name():
    accounts = parse_accounts(account_entry("jean.dupont", Role.MANAGER, PASSWORD))
    assert list(accounts) == ["jean.dupont"]


def test_load_accounts_reads_a_file_and_says_when_it_cannot(tmp_path, entries):
    path = tmp_path / "reviewers.toml"
    path.write_text(entries, encoding="utf-8")
    assert set(load_accounts(path)) == {"mdupont", "ops-1"}
    with pytest.raises(AccountsError, match="cannot read"):
        load_accounts(tmp_path / "missing.toml")


# -- hashing --------------------------------------------------------------------------------------
def test_hash_password_needs_ten_characters():
    with pytest.raises(ValueError, match="10 characters"):
        hash_password("123456789")
    hashed = hash_password("1234567890")
    assert hashed.startswith("$argon2id$") and "1234567890" not in hashed


def test_account_entry_refuses_a_short_password():
    with pytest.raises(ValueError):
        account_entry("bob", Role.MANAGER, "short")


def test_hashes_are_salted():
    assert hash_password(PASSWORD) != hash_password(PASSWORD)


# -- signing in -----------------------------------------------------------------------------------
def test_unknown_account_returns_none(accounts):
    auth = Authenticator(accounts, clock=FakeClock())
    assert auth.check("nobody", PASSWORD) is None
    assert auth.check("", "") is None


def test_wrong_password_returns_none(accounts):
    assert Authenticator(accounts, clock=FakeClock()).check("mdupont", "wrong password!") is None


def test_an_unusable_stored_hash_refuses_without_crashing():
    broken = {"bob": Account("bob", Role.MANAGER, "$argon2id$not-a-hash")}
    assert Authenticator(broken, clock=FakeClock()).check("bob", PASSWORD) is None


def test_lock_out_after_max_failures_then_lifted(accounts):
    clock = FakeClock()
    auth = Authenticator(accounts, clock=clock)
    for _ in range(MAX_FAILURES):
        assert not auth.locked("mdupont")
        assert auth.check("mdupont", "wrong password!") is None
        clock.now += 1
    assert auth.locked("mdupont")
    assert auth.check("mdupont", PASSWORD) is None  # the right password does not open a locked account
    assert not auth.locked("ops-1")  # the lock is per account
    clock.now += LOCKOUT_SECONDS + 10  # past every failure, including the refused right password
    assert not auth.locked("mdupont")
    assert auth.check("mdupont", PASSWORD) == accounts["mdupont"]


def test_fewer_failures_than_the_limit_do_not_lock_and_success_resets(accounts):
    clock = FakeClock()
    auth = Authenticator(accounts, clock=clock)
    for _ in range(MAX_FAILURES - 1):
        auth.check("mdupont", "wrong password!")
    assert auth.check("mdupont", PASSWORD) == accounts["mdupont"]
    auth.check("mdupont", "wrong password!")  # counting starts again after a success
    assert not auth.locked("mdupont")


def test_failures_older_than_the_lockout_window_do_not_count(accounts):
    clock = FakeClock()
    auth = Authenticator(accounts, clock=clock)
    for _ in range(MAX_FAILURES - 1):
        auth.check("mdupont", "wrong password!")
    clock.now += LOCKOUT_SECONDS + 1
    auth.check("mdupont", "wrong password!")
    assert not auth.locked("mdupont")
    assert auth.check("mdupont", PASSWORD) == accounts["mdupont"]


def test_an_unknown_name_is_locked_like_a_real_one(accounts):
    """Nothing tells an attacker which names exist: failures on an unknown name lock it the same way."""
    auth = Authenticator(accounts, clock=FakeClock())
    for _ in range(MAX_FAILURES):
        assert auth.check("ghost", "whatever-password") is None
    assert auth.locked("ghost")


def test_failures_from_one_source_lock_only_that_pair(accounts):
    """A stranger guessing a manager's name locks their own (name, address) pair, not her account."""
    clock = FakeClock()
    auth = Authenticator(accounts, clock=clock)
    for _ in range(MAX_FAILURES + 2):
        assert auth.check("mdupont", "wrong password!", "203.0.113.7") is None
        clock.now += 1
    assert auth.locked("mdupont", "203.0.113.7")
    assert auth.check("mdupont", PASSWORD, "203.0.113.7") is None  # the attacker's pair stays locked
    assert not auth.locked("mdupont", "192.0.2.10") and not auth.locked("mdupont", "device:abc")
    assert auth.check("mdupont", PASSWORD, "192.0.2.10") == accounts["mdupont"]  # her address
    assert auth.check("mdupont", PASSWORD, "device:abc") == accounts["mdupont"]  # her known device
    assert auth.locked("mdupont", "203.0.113.7")  # her success does not unlock the attacker's pair


def test_one_guess_a_minute_keeps_only_the_guessers_pair_locked(accounts):
    clock = FakeClock()
    auth = Authenticator(accounts, clock=clock)
    for guess in range(MAX_FAILURES + 3):
        auth.check("mdupont", "wrong password!", "203.0.113.7")
        clock.now += 30
        assert auth.locked("mdupont", "203.0.113.7") == (guess >= MAX_FAILURES - 1)  # the minute after each guess
        assert auth.check("mdupont", PASSWORD, "192.0.2.10") == accounts["mdupont"]  # her, meanwhile
        clock.now += 30


def test_a_pair_key_is_bounded():
    assert len(pair_key("m" * MAX_NAME, "x" * 100_000)) <= MAX_NAME + 1 + 100
    assert pair_key("a", "b:c") != pair_key("a:b", "c")


# -- a fully validated accounts file --------------------------------------------------------------
@pytest.mark.parametrize(
    "bad_hash",
    [
        "$argon2id$garbage",
        "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ",  # no hash part
        "$argon2id$v=19$m=65536,t=3,p=4$!!!!$aGFzaGhhc2hoYXNoaGFzaA",  # salt not base64
        "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaA",  # hash too short
        "$argon2i$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",  # argon2i, not argon2id
        "$argon2id$v=19$m=4194304,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",  # 4 GiB per sign-in
        "$argon2id$v=19$m=65536,t=1000,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
    ],
)
def test_a_malformed_or_unusable_hash_is_refused_at_load_naming_the_account(entries, bad_hash):
    with pytest.raises(AccountsError, match=r"account 'bob': password") as refused:
        parse_accounts(entries + f'\n[accounts.bob]\nrole = "manager"\npassword = "{bad_hash}"\n')
    assert refused.value.exit_code == 3 and bad_hash not in refused.value.message


@pytest.mark.parametrize("name", ["x" * 65, "jean dupont", "jean\u202edupont", "é"])
def test_an_unusable_account_name_is_refused_at_load(name):
    with pytest.raises(AccountsError, match="names are 1-64"):
        parse_accounts(f'[accounts.{json.dumps(name)}]\nrole = "manager"\npassword = "{hash_password(PASSWORD)}"\n')


def test_the_accounts_file_is_re_read_when_it_changes_and_fails_closed(tmp_path, entries):
    path = tmp_path / "reviewers.toml"
    path.write_text(entries, encoding="utf-8")
    clock = FakeClock()
    source = AccountsFile(path, check_seconds=1.0, clock=clock)
    assert set(source.current()) == {"mdupont", "ops-1"}
    path.write_text(entries.split("\n\n")[0] + "\n", encoding="utf-8")  # ops-1 removed
    assert set(source.current()) == {"mdupont", "ops-1"}  # not checked again within a second
    clock.now += 2
    assert set(source.current()) == {"mdupont"}
    path.write_text('[accounts.mdupont]\nrole = "manager"\npassword = "$argon2id$garbage"\n', encoding="utf-8")
    clock.now += 2
    assert source.current() == {}  # a broken file lets nobody in
    with pytest.raises(AccountsError):
        AccountsFile(path)  # and is refused at start-up


# -- the failure table is bounded -----------------------------------------------------------------
def test_long_names_are_refused_before_anything_is_hashed_or_recorded(accounts):
    auth = Authenticator(accounts, clock=FakeClock())
    for i in range(100):
        assert auth.check(f"{i:03d}" + "x" * 900_000, "whatever-password") is None
    assert len(auth.failures) == 0
    assert auth.check("m" * (MAX_NAME + 1), PASSWORD) is None


def test_the_failure_table_is_bounded_and_forgets_the_oldest_names(accounts):
    clock = FakeClock()
    auth = Authenticator(accounts, clock=clock, max_names=50)
    auth.failures.hit("mdupont")
    for i in range(500):
        auth.failures.hit(f"name-{i}")  # (the table directly: 500 Argon2 checks would take a minute)
        clock.now += 0.01
        assert len(auth.failures) <= 50
    assert auth.failures.count("mdupont") == 0 and auth.failures.count("name-499") == 1
    clock.now += LOCKOUT_SECONDS + 1
    auth.failures.hit("fresh")
    assert len(auth.failures) == 1  # expired names are dropped too


def test_a_sliding_window_limits_and_says_how_long_to_wait():
    clock = FakeClock()
    window = SlidingWindow(limit=3, window=60, max_keys=10, clock=clock)
    assert [window.take("10.0.0.1") for _ in range(3)] == [0.0, 0.0, 0.0]
    clock.now += 10
    assert window.take("10.0.0.1") == pytest.approx(50)
    assert window.take("10.0.0.2") == 0.0  # per key
    clock.now += 51
    assert window.take("10.0.0.1") == 0.0
    with pytest.raises(ValueError):
        SlidingWindow(limit=0, window=60)
