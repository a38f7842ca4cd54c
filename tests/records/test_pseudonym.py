"""Pseudonymisation: keyed, normalised, and impossible to start without a key."""

import hashlib
import hmac

import pytest
from pydantic import SecretStr

from officewell.settings import build_settings
from records.errors import MissingPseudonymKeyError
from records.pseudonym import Pseudonymiser, is_pseudonym, normalise_id
from records.store import RecordsStore
from tests.records.conftest import KEY


def test_pseudonym_is_hmac_sha256_of_the_normalised_id():
    expected = hmac.new(KEY.encode(), b"EMP-0042-K", hashlib.sha256).hexdigest()
    assert Pseudonymiser(KEY).pseudonym(" emp-0042-k ") == expected
    assert is_pseudonym(expected)


def test_normalisation_ignores_case_spacing_and_unicode_forms():
    assert normalise_id(" e 12\t") == "E12"
    assert normalise_id("Å-1") == normalise_id("A\u030a-1")  # composed and decomposed Å
    assert normalise_id("ｅ１２") == "E12"  # full-width forms from some HR exports


def test_a_different_key_gives_different_pseudonyms():
    assert Pseudonymiser(KEY).pseudonym("EMP-1") != Pseudonymiser(KEY[::-1]).pseudonym("EMP-1")


@pytest.mark.parametrize("key", [None, "", SecretStr("")])
def test_no_key_is_refused_naming_the_variable(key):
    with pytest.raises(MissingPseudonymKeyError, match="OFFICEWELL_PSEUDONYM_KEY"):
        Pseudonymiser(key)


def test_a_short_key_is_refused():
    with pytest.raises(MissingPseudonymKeyError, match="at least 32"):
        Pseudonymiser("short")


def test_the_store_refuses_to_open_without_a_key(tmp_path):
    with pytest.raises(MissingPseudonymKeyError, match="OFFICEWELL_PSEUDONYM_KEY"):
        RecordsStore.open(f"sqlite:///{tmp_path / 'r.db'}", None)
    assert not (tmp_path / "r.db").exists()


def test_the_store_takes_the_key_from_settings(tmp_path, monkeypatch):
    for name in [k for k in __import__("os").environ if k.startswith("OFFICEWELL_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("OFFICEWELL_PSEUDONYM_KEY", KEY)
    settings = build_settings(data_dir=tmp_path)
    store = RecordsStore.from_settings(settings)
    assert store.url == f"sqlite:///{(tmp_path / 'records.db').resolve()}"
    assert store.pseudonymiser.pseudonym("EMP-1") == Pseudonymiser(KEY).pseudonym("EMP-1")
    store.close()
    monkeypatch.delenv("OFFICEWELL_PSEUDONYM_KEY")
    with pytest.raises(MissingPseudonymKeyError, match="OFFICEWELL_PSEUDONYM_KEY"):
        RecordsStore.from_settings(build_settings(data_dir=tmp_path))


def test_only_the_demo_generates_a_key(tmp_path):
    demo = RecordsStore.for_demo(f"sqlite:///{tmp_path / 'demo.db'}")
    assert demo.pseudonymiser.generated_for_demo
    assert not Pseudonymiser(KEY).generated_for_demo
    demo.close()


def test_the_key_never_shows_in_repr():
    assert KEY not in repr(Pseudonymiser(KEY))
