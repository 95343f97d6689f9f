"""Shared test setup: no test writes to the user's real journal or load cache."""

import os
import tempfile

import pytest

# Set at import, before test modules load knowledge at collection time; subprocesses inherit it.
os.environ["ORIENT_CACHE_DIR"] = tempfile.mkdtemp(prefix="orient-test-cache-")


@pytest.fixture(autouse=True)
def no_real_journal(monkeypatch):
    monkeypatch.setenv("ORIENT_JOURNAL", "off")
