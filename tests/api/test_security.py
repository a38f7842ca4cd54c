import pytest

from api.errors import WeakSecretError
from api.security import Principal, Role, TokenSigner, hash_password, verify_password
from api.users import FileUserDirectory


def test_password_hash_verifies_and_is_salted():
    first, second = hash_password("correct horse"), hash_password("correct horse")
    assert first != second
    assert verify_password("correct horse", first)
    assert not verify_password("wrong horse", first)
    assert not verify_password("x", "garbage")


def test_tokens_round_trip_and_resist_tampering():
    signer = TokenSigner("s" * 32, lifetime_s=60)
    token = signer.issue(Principal("anna", Role.HR), now=1000)
    assert signer.verify(token, now=1010) == Principal("anna", Role.HR)
    assert signer.verify(token, now=1061) is None
    payload, sig = token.split(".")
    assert signer.verify(payload[:-2] + "xx." + sig, now=1010) is None
    assert TokenSigner("t" * 32).verify(token, now=1010) is None


def test_short_secrets_are_refused():
    with pytest.raises(WeakSecretError, match="at least 32"):
        TokenSigner("short")


def test_user_file_keeps_hashes_only(tmp_path):
    path = tmp_path / "users.json"
    FileUserDirectory(path).add("anna", Role.MANAGER, "a long password")
    assert "a long password" not in path.read_text()
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    again = FileUserDirectory(path)
    assert again.authenticate("anna", "a long password") == Principal("anna", Role.MANAGER)
    assert again.authenticate("anna", "wrong") is None
    assert again.authenticate("nobody", "a long password") is None


def test_non_ascii_tokens_are_simply_invalid():
    assert TokenSigner("s" * 32).verify("abc.é") is None
    assert TokenSigner("s" * 32).verify("é.é") is None


def test_a_running_server_sees_changes_to_the_user_file(tmp_path):
    path = tmp_path / "users.json"
    server_side = FileUserDirectory(path)
    FileUserDirectory(path).add("anna", Role.HR, "first password")  # as `officewell user add` would
    assert server_side.authenticate("anna", "first password") == Principal("anna", Role.HR)
    import time

    time.sleep(0.01)  # a later modification time
    FileUserDirectory(path).add("anna", Role.MANAGER, "second password")
    assert server_side.authenticate("anna", "first password") is None
    assert server_side.role_of("anna") is Role.MANAGER
