import secrets
from pathlib import Path

import pytest

from api.users import MemoryUserDirectory
from gateway.deadletter_log import MemoryDeadLetterLog
from gateway.stores import MemoryReadingStore
from models.targets import GoalTargets
from officewell.settings import SettingsError, build_settings
from officewell.wiring import services_of


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    import os

    for key in list(os.environ):
        if key.startswith("OFFICEWELL_"):
            monkeypatch.delenv(key)


def test_defaults_are_embedded_and_secret_free():
    settings = build_settings()
    assert settings.store_url.startswith("sqlite:///")
    assert settings.store_url.endswith("officewell-data/readings.db")
    assert settings.secret_key is None
    assert settings.pseudonym_key is None


def test_environment_and_flags(monkeypatch, tmp_path):
    monkeypatch.setenv("OFFICEWELL_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("OFFICEWELL_PORT", "9001")
    settings = build_settings(port=9002, site=None)
    assert settings.data_dir == tmp_path
    assert settings.port == 9002  # a flag beats the environment
    assert settings.outbox_path == tmp_path / "state" / "outbox.db"


def test_unknown_variables_are_rejected(monkeypatch):
    monkeypatch.setenv("OFFICEWELL_DATADIR", "/tmp/x")
    with pytest.raises(SettingsError, match=r"unknown setting.*OFFICEWELL_DATADIR"):
        build_settings()


def test_unknown_flags_are_rejected():
    with pytest.raises(SettingsError, match="colour"):
        build_settings(colour="blue")


@pytest.mark.parametrize(
    "secret",
    [
        "changeme",
        "secret",
        "short-but-random-x",
        "changeme" * 4,
        "a" * 32,
        "0123456789abcdef" * 2,
        "my-officewell-secret-for-the-centre-2026",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab",
    ],
)
@pytest.mark.parametrize("variable", ["OFFICEWELL_SECRET_KEY", "OFFICEWELL_PSEUDONYM_KEY"])
def test_unsafe_secrets_are_rejected(monkeypatch, secret, variable):
    monkeypatch.setenv(variable, secret)
    with pytest.raises(SettingsError, match=rf"\({variable}\): .*unsafe secret") as caught:
        build_settings()
    assert "--secret-key" not in str(caught.value)  # no such flag exists
    assert "--pseudonym-key" not in str(caught.value)
    assert secret == "secret" or secret not in str(caught.value)  # the secret itself is never echoed


@pytest.mark.parametrize(
    "make", [lambda: secrets.token_hex(32), lambda: secrets.token_urlsafe(32), lambda: secrets.token_hex(16)]
)
def test_random_secrets_are_accepted(monkeypatch, make):
    """`openssl rand -hex 16` (what token_hex(16) is) included: 32 hex digits, 128 random bits."""
    for _ in range(200):
        value = make()
        monkeypatch.setenv("OFFICEWELL_SECRET_KEY", value)
        assert build_settings().secret_key.get_secret_value() == value


def test_bad_values_name_the_flag_and_variable():
    with pytest.raises(SettingsError, match=r"port \(flag --port or OFFICEWELL_PORT\)"):
        build_settings(port=70000)


def test_secrets_do_not_leak_into_repr(monkeypatch):
    key = secrets.token_hex(32)
    monkeypatch.setenv("OFFICEWELL_SECRET_KEY", key)
    settings = build_settings(data_dir=Path("x"))
    assert key not in repr(settings)
    assert settings.secret_key.get_secret_value() == key


def test_goal_targets_default_to_the_contract():
    targets = build_settings().goal_targets
    assert targets.answer_rate == 0.95
    assert dict(targets.nki) == {"treatment": 4.3, "knowledge": 4.0}


def test_goal_targets_from_the_environment_and_flags(monkeypatch):
    monkeypatch.setenv("OFFICEWELL_ANSWER_RATE_TARGET", "0.9")
    monkeypatch.setenv("OFFICEWELL_NKI_TARGET_KNOWLEDGE", "3.8")
    targets = build_settings(nki_target_treatment=4.5).goal_targets
    assert targets.answer_rate == 0.9
    assert dict(targets.nki) == {"treatment": 4.5, "knowledge": 3.8}


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        (
            "OFFICEWELL_ANSWER_RATE_TARGET",
            "95",
            r"answer_rate_target \(OFFICEWELL_ANSWER_RATE_TARGET\): .*less than or equal to 1",
        ),
        ("OFFICEWELL_ANSWER_RATE_TARGET", "0", "greater than 0"),
        ("OFFICEWELL_NKI_TARGET_TREATMENT", "6", r"nki_target_treatment .*less than or equal to 5"),
        ("OFFICEWELL_NKI_TARGET_KNOWLEDGE", "0.5", r"nki_target_knowledge .*greater than or equal to 1"),
    ],
)
def test_goal_targets_off_their_scale_are_refused(monkeypatch, variable, value, says):
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError, match=says):
        build_settings()


def test_the_api_services_carry_the_targets(monkeypatch, tmp_path, example_site):
    monkeypatch.setenv("OFFICEWELL_SECRET_KEY", secrets.token_hex(32))
    monkeypatch.setenv("OFFICEWELL_ANSWER_RATE_TARGET", "0.92")
    settings = build_settings(data_dir=tmp_path)
    settings.outbox_path.parent.mkdir(parents=True)  # the gateway's state dir, where device status is read
    users, letters = MemoryUserDirectory(), MemoryDeadLetterLog()
    services = services_of(settings, example_site, MemoryReadingStore(), users=users, dead_letters=letters)
    assert services.targets.answer_rate == 0.92
    assert services.targets.nki["treatment"] == 4.3


@pytest.mark.parametrize(("answer_rate", "nki"), [(1.2, {}), (0.0, {}), (0.95, {"treatment": 5.5})])
def test_goal_targets_check_their_scale_themselves(answer_rate, nki):
    with pytest.raises(ValueError, match="target"):
        GoalTargets(answer_rate=answer_rate, nki=nki)
