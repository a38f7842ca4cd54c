"""Fixtures of the command tests: the environment a command sees, on the generated year's stores."""

from __future__ import annotations

import os

import pytest

from tests.conftest import EXAMPLE_SITE

KEY = "9c41d0f27e8b5a63f1e2d4c7b8a90f3e6d2c1b7a5e4f8093c2d1e6b7a8f90c3d"  # a test key, random-looking as required


@pytest.fixture
def clean_env(monkeypatch):
    """No OFFICEWELL_* variable from the machine running the tests: each test sets its own."""
    for key in list(os.environ):
        if key.startswith("OFFICEWELL_"):
            monkeypatch.delenv(key)
    return monkeypatch


@pytest.fixture
def centre_env(clean_env, centre_stores):
    """Only these OFFICEWELL_* variables: the site, the centre's stores and a pseudonym key."""
    monkeypatch = clean_env
    monkeypatch.setenv("OFFICEWELL_DATA_DIR", str(centre_stores.directory))
    monkeypatch.setenv("OFFICEWELL_SITE", str(EXAMPLE_SITE))
    monkeypatch.setenv("OFFICEWELL_PSEUDONYM_KEY", KEY)
    monkeypatch.setenv("OFFICEWELL_STORE", f"sqlite:///{centre_stores.directory / 'readings.db'}")
    monkeypatch.setenv("OFFICEWELL_RECORDS", f"sqlite:///{centre_stores.directory / 'records.db'}")
    return centre_stores
