"""The orientation rules: YAML loading with line numbers, three-valued evaluation,
`missing` facts, trace, and `check`. No Textual here.

    rules = load_rules(rules_dir())                 # raises DataError(problems)
    evaluation = evaluate(rules, facts, period, at)  # outcomes, missing, trace
    problems = check_rules(rules_dir())             # [] when all is well
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from orient.engine.evaluate import evaluate
from orient.engine.model import Evaluation, Example, Outcome, Rule, RuleSet, Selector
from orient.engine.vocabulary import FIXED_SERVICES, SERVICE_KINDS
from orient.problems import DataError, errors

# Imported on first use: the YAML loader and the checker are not needed to evaluate
# rules read from the load cache (orient.cache).
_LAZY = {
    "check_rules": "orient.engine.check",
    "run_example": "orient.engine.check",
    "validate_rules": "orient.engine.check",
    "parse_rules": "orient.engine.loader",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'orient.engine' has no attribute '{name}'")
    import importlib

    return getattr(importlib.import_module(module), name)


def load_rules(path: Path | str) -> RuleSet:
    """The compiled rules of a folder (or one file); raises DataError with every
    problem when any rule is invalid — exactly the errors `orient check` reports
    (failing examples and the red-flag guarantee included): nothing is half-applied."""
    from orient.engine.check import validate_rules

    ruleset, problems = validate_rules(path)
    if errors(problems):
        raise DataError(problems)
    return ruleset


__all__ = [
    "DataError", "Evaluation", "Example", "FIXED_SERVICES", "Outcome", "Rule", "RuleSet", "SERVICE_KINDS",
    "Selector", "check_rules", "evaluate", "load_rules", "run_example",
]
