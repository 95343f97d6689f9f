"""CI runs exactly the test command the README gives (parallel workers included), and the profile
it runs with keeps the property tests as large as they are."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ci_runs_exactly_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = next(line for line in readme.splitlines() if line.startswith("python3 -m venv") and "pytest" in line)
    ci = [line for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
          if line and not line.startswith("#")]
    assert ci[-1] == command
    assert re.search(r"pytest -q -n (auto|\d+)$", command)
    # Everything from the project's own file, the test extra included, bytecode compiled at install
    # (the run's processes would otherwise compile every library they import, each time).
    assert "-e '.[test]'" in command and "--compile-bytecode" in command


def test_the_ci_profile_keeps_the_invariant_over_at_least_10000_situations_through_orient():
    """The fast suite must not test less: whatever the profile, the property tests through the full
    `orient()` still draw at least 10,000 situations, and no deadline can cut one short."""
    from hypothesis import settings

    import test_fuzz_orient

    counts = [test._hypothesis_internal_use_settings.max_examples
              for name, test in vars(test_fuzz_orient).items()
              if name.startswith("test_") and hasattr(test, "_hypothesis_internal_use_settings")]
    # Each Hypothesis example is a batch of BATCH situations (tests/strategies.py `batches`).
    assert len(counts) >= 3 and sum(counts) * test_fuzz_orient.BATCH >= 10_000
    assert settings.default.deadline is None and settings.default.database is None
