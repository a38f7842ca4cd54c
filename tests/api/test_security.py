"""Passwords (argon2id, scrypt upgraded on login) and the user file (hashes only, mode 0600, read again on change)."""

import hashlib
import json
import secrets
import time

from api.passwords import hash_password, verify_and_update, verify_password
from api.security import Principal, Role
from api.users import FileUserDirectory, MemoryUserDirectory, User


def scrypt_hash(password: str) -> str:
    """A hash as officewell 0.1 wrote it."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, n=2**14, r=8, p=1)
    return f"scrypt$16384$8$1${salt.hex()}${digest.hex()}"


def test_password_hash_is_argon2id_salted_and_verifies():
    first, second = hash_password("correct horse"), hash_password("correct horse")
    assert first.startswith("$argon2id$")
    assert first != second
    assert verify_password("correct horse", first)
    assert not verify_password("wrong horse", first)
    assert not verify_password("x", "garbage")
    assert not verify_password("x", "scrypt$not$a$hash")


def test_old_scrypt_hashes_verify_and_come_back_upgraded():
    old = scrypt_hash("correct horse")
    valid, upgraded = verify_and_update("correct horse", old)
    assert valid
    assert upgraded is not None
    assert upgraded.startswith("$argon2id$")
    assert verify_password("correct horse", upgraded)
    assert verify_and_update("wrong horse", old) == (False, None)


def test_a_login_upgrades_a_scrypt_user_in_the_file_and_keeps_their_sessions(tmp_path):
    path = tmp_path / "users.json"
    legacy = scrypt_hash("a long password")
    path.write_text(json.dumps([{"username": "anna", "role": "hr", "password_hash": legacy}]))  # 0.1's file
    directory = FileUserDirectory(path)
    stamp_before = directory.stamp_of("anna")
    assert directory.authenticate("anna", "a long password") == Principal("anna", Role.HR)
    saved = json.loads(path.read_text())
    assert saved["version"] == 2
    assert saved["users"][0]["password_hash"].startswith("$argon2id$")
    # The same password in a stronger hash: tokens issued before still carry the right stamp.
    assert FileUserDirectory(path).stamp_of("anna") == stamp_before
    assert FileUserDirectory(path).authenticate("anna", "a long password") == Principal("anna", Role.HR)
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_a_new_password_gives_a_new_stamp():
    users = MemoryUserDirectory()
    first = users.add("anna", Role.HR, "first long password").stamp
    second = users.add("anna", Role.HR, "second long password").stamp
    assert first
    assert second
    assert first != second


def test_user_file_keeps_hashes_only(tmp_path):
    path = tmp_path / "users.json"
    FileUserDirectory(path).add("anna", Role.MANAGER, "a long password")
    assert "a long password" not in path.read_text()
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    again = FileUserDirectory(path)
    assert again.authenticate("anna", "a long password") == Principal("anna", Role.MANAGER)
    assert again.authenticate("anna", "wrong") is None
    assert again.authenticate("nobody", "a long password") is None


def test_a_running_server_sees_changes_to_the_user_file(tmp_path):
    path = tmp_path / "users.json"
    server_side = FileUserDirectory(path)
    FileUserDirectory(path).add("anna", Role.HR, "first password")  # as `officewell user add` would
    assert server_side.authenticate("anna", "first password") == Principal("anna", Role.HR)
    time.sleep(0.01)  # a later modification time
    FileUserDirectory(path).add("anna", Role.MANAGER, "second password")
    assert server_side.authenticate("anna", "first password") is None
    assert server_side.role_of("anna") is Role.MANAGER


def test_an_unknown_user_costs_as_much_as_a_wrong_password():
    # Not a timing benchmark: both paths must run one full argon2id check, which dominates either way.
    users = MemoryUserDirectory([User("anna", Role.HR, hash_password("the right password"), "s")])
    checks = []

    def measure(name: str) -> float:
        started = time.perf_counter()
        assert users.authenticate(name, "a wrong password") is None
        return time.perf_counter() - started

    for _ in range(5):
        checks.append((measure("anna"), measure("nobody")))
    wrong = sorted(c[0] for c in checks)[2]
    unknown = sorted(c[1] for c in checks)[2]
    assert unknown > 0.3 * wrong, (unknown, wrong)


def _create_tokens(path: str, prefix: str, count: int) -> None:
    from datetime import UTC, datetime

    directory = FileUserDirectory(path)
    for n in range(count):
        directory.create_token(f"{prefix}-{n}", Role.HR, created_by="test", now=datetime.now(UTC))


def test_two_processes_writing_the_user_file_lose_nothing(tmp_path):
    # The CLI and the server write one file: a lock across processes keeps every change and the file whole.
    import multiprocessing

    path = tmp_path / "users.json"
    FileUserDirectory(path).add("anna", Role.ADMIN, "a long password")
    context = multiprocessing.get_context("spawn")
    writers = [context.Process(target=_create_tokens, args=(str(path), name, 40)) for name in ("cli", "server")]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(120)
        assert writer.exitcode == 0
    saved = json.loads(path.read_text())
    assert len(saved["tokens"]) == 80
    assert [u["username"] for u in saved["users"]] == ["anna"]
    assert list(tmp_path.glob("*.tmp")) == []
