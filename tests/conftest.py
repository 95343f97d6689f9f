"""Shared test setup: no test writes to the user's real orientation journal."""

import pytest


@pytest.fixture(autouse=True)
def no_real_journal(monkeypatch):
    monkeypatch.setenv("ORIENT_JOURNAL", "off")
