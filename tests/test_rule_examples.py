"""Every example of every rule in rules/ runs as its own test, named `rule id: example name`."""

from __future__ import annotations

import pytest

from orient.engine import load_rules, run_example
from orient.paths import rules_dir

RULES = load_rules(rules_dir())
EXAMPLES = [(rule, example) for rule in RULES for example in rule.examples]


@pytest.mark.parametrize(
    "rule, example", EXAMPLES, ids=[f"{rule.id}: {example.name}" for rule, example in EXAMPLES]
)
def test_rule_example(rule, example):
    failures = run_example(RULES, rule, example)
    assert not failures, "\n".join(failures)


def test_every_rule_has_examples_and_sources():
    assert all(rule.examples and rule.sources for rule in RULES)


def test_every_rule_has_an_example_where_it_applies():
    assert [rule.id for rule in RULES if not any(example.fires for example in rule.examples)] == []
