"""Shared test setup: no test writes to the user's real journal or load cache."""

import os
import tempfile

import pytest

# Set at import, before test modules load knowledge at collection time; subprocesses inherit it.
os.environ["ORIENT_CACHE_DIR"] = tempfile.mkdtemp(prefix="orient-test-cache-")


@pytest.fixture(autouse=True)
def no_real_journal(monkeypatch):
    monkeypatch.setenv("ORIENT_JOURNAL", "off")


@pytest.fixture
def data_copy(tmp_path):
    """A copy of the embedded rules and directory to break: (rules, directory)."""
    import shutil

    from orient import paths

    rules, directory = tmp_path / "rules", tmp_path / "directory"
    shutil.copytree(paths.rules_dir(), rules)
    shutil.copytree(paths.directory_dir(), directory)
    return rules, directory
