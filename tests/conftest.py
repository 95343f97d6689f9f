"""Shared test setup: no test writes to the user's real journal or store; one hypothesis
profile for every run (the number of examples stays in each test's own `@settings`)."""

import gc
import os
import sys
import tempfile
from pathlib import Path

import pg
import pytest

# pytest rewrites the asserts of hypothesis (the package of one of its plugins) in every process,
# 0.7 s of CPU each, and under PYTHONDONTWRITEBYTECODE keeps no copy: here it keeps one, in the
# virtual environment beside hypothesis' own bytecode (never in the checkout).
_no_bytecode, sys.dont_write_bytecode = sys.dont_write_bytecode, False
from hypothesis import HealthCheck, settings  # noqa: E402

sys.dont_write_bytecode = _no_bytecode

# Set at import, before test modules load knowledge at collection time; subprocesses inherit it,
# and so do the xdist workers, which share the run's store files (written whole, then renamed into
# place: a worker never opens another's half-written file) instead of each compiling its own.
_made_cache = not os.environ.get("ORIENT_TEST_CACHE_DIR")
_cache = os.environ.get("ORIENT_TEST_CACHE_DIR") or tempfile.mkdtemp(prefix="orient-test-cache-")
os.environ["ORIENT_TEST_CACHE_DIR"] = os.environ["ORIENT_CACHE_DIR"] = _cache
# Likewise the folder through which the workers share one PostgreSQL server (tests/pg.py).
pg.prepare_run()

# "ci" (the default): no deadline nor speed health checks — the machine is shared by parallel workers
# and other jobs, so time says nothing about correctness; no example database written into a clean
# clone; a failure prints the blob that replays it. The example counts (≥ 10,000 situations through
# orient(), tests/test_fuzz_orient.py) are the tests' own and are not lowered by any profile.
settings.register_profile(
    "ci",
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_xdist_auto_num_workers(config):
    """`-n auto` (the README's command): pytest-xdist's count (the cores) and as many more, up to 4.
    A quarter of the tests' time is waiting, not computing (the UI tests' 60 %: Textual's pilot lets
    the app settle after each key; a real `orient` process, a PostgreSQL server, tmux or a browser
    elsewhere): on 2 cores, 4 workers run the suite in 0.73 of the time 2 took. The extra workers
    cost their collection (5 s of CPU each). PYTEST_XDIST_AUTO_NUM_WORKERS still decides alone."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None  # pytest-xdist's own hook reads it
    from xdist.plugin import pytest_xdist_auto_num_workers as cores

    count = cores(config)
    return count + min(count, 4)


def pytest_configure(config):
    """The `orient` processes the tests start (some 300) compile orient's modules once, not each
    time. Under PYTHONDONTWRITEBYTECODE (a checkout kept free of bytecode) every one of them
    compiled orient from source: 0.05 s more for `orient ask`, 0.25 s for `orient check`. Their
    bytecode goes to the run's own folder instead, never into the checkout. Not in pytest-xdist's
    controller: its workers, started from it, would compile their whole interpreter there."""
    controller = not hasattr(config, "workerinput") and config.getoption("dist", "no") != "no"
    if sys.dont_write_bytecode and not controller:
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
        os.environ["PYTHONPYCACHEPREFIX"] = os.path.join(_cache, "bytecode")


# The tests build many short-lived objects (hypothesis' examples, Textual's widgets) beside a large
# long-lived heap (knowledge, modules), and Python's default thresholds scan that heap again and
# again: 19 s of the suite's CPU went to the collector. Rarer collections: 7 s. Every cycle is
# still collected, only later.
gc.set_threshold(10_000, 20, 20)


def _rewrite_test_modules_once(config) -> list[Path]:
    """Each xdist worker rewrote the asserts of every test module (2 s of CPU apiece, 4 workers)
    because under PYTHONDONTWRITEBYTECODE pytest keeps no copy. The controller writes the
    rewritten bytecode once, where the workers' pytest looks for it (it checks the source's size
    and time, so a stale copy is never used). Uses pytest's own rewriting, which is internal:
    if it changes, this does nothing and the workers rewrite as before. Returns the files made."""
    try:
        from _pytest.assertion import rewrite

        state = config.stash[rewrite.assertstate_key]
        made = []
        for source in sorted(Path(__file__).parent.glob("*.py")):
            if not (source.name.startswith("test_") or source.name == "conftest.py"):
                continue
            pyc = rewrite.get_cache_dir(source) / (source.name[:-3] + rewrite.PYC_TAIL)
            if rewrite._read_pyc(source, pyc) is not None:
                continue
            rewrite.try_makedirs(pyc.parent)
            source_stat, code = rewrite._rewrite_test(source, config)
            if rewrite._write_pyc(state, code, source_stat, pyc):
                made.append(pyc)
        return made
    except Exception:  # noqa: BLE001 (an optimisation only: pytest's internals may differ)
        return []


def pytest_sessionstart(session):
    config = session.config
    if not hasattr(config, "workerinput") and config.getoption("dist", "no") != "no":
        made = _rewrite_test_modules_once(config)
        if sys.dont_write_bytecode:  # the checkout stays as the user keeps it
            config.add_cleanup(lambda: [pyc.unlink(missing_ok=True) for pyc in made])


def pytest_unconfigure(config):
    """Each process leaves the shared PostgreSQL server (the last one out stops it); the run's
    first process, once its workers are gone, removes what is left of the run and the store files
    it made.

    Then one full garbage collection, and what survives it is set aside: pytest's last look for
    errors in finalizers, just after, collects five times more, and each scan of a worker's heap
    took half a second (2.5 s per worker, at the very end of the run). The garbage is collected,
    and its finalizers' errors reported, all the same."""
    pg.finish_run()
    gc.collect()
    gc.freeze()
    if _made_cache:
        import shutil

        shutil.rmtree(_cache, ignore_errors=True)


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


def pytest_collection_modifyitems(config, items):
    """The tests marked `long` first (stable order otherwise): pytest-xdist hands out tests in order,
    and a 20-second test that starts when the others are nearly done is the run's last 20 seconds."""
    items.sort(key=lambda item: item.get_closest_marker("long") is None)
