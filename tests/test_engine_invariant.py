"""The contract's invariant and the answer's guarantees in the rules engine alone, over thousands of
situations, with any period at any moment (a pair `orient()` never makes: tests/test_fuzz_orient.py
checks the same through `orient()`, with the period of the moment).

Whatever the other facts, red_flag other than none makes rank 1 the 15, or the 114
when deaf=yes (the 15 then follows). Every answer has something to call, every
outcome has a rule and a source, the emergency department is never rank 1 nor a
place to go, and `missing` asks red_flag first and never a known fact.
"""

from __future__ import annotations

import functools
import itertools

from hypothesis import given, settings

from orient.engine import evaluate, load_rules
from orient.facts import FACTS
from orient.paths import rules_dir
from orient.periods import PERIODS, parse_moment

from strategies import examples, situation, wall_time


@functools.cache
def rules():
    """The embedded rules read by the engine's own loader: once, by the worker that runs these tests
    (each pytest-xdist worker imports every test module)."""
    return load_rules(rules_dir())


def check_answer(facts, period, at):
    evaluation = evaluate(rules(), facts, period, at)
    outcomes = evaluation.outcomes
    assert outcomes, "an answer is never empty"
    red_flag = facts.get("red_flag")
    assert evaluation.emergency == (red_flag is not None and red_flag != "none")
    if red_flag is not None and red_flag != "none":
        if facts.get("deaf") == "yes":
            assert outcomes[0].kind == "sms_114"
            assert "emergency_15" in [o.kind for o in outcomes[1:]]
        else:
            assert outcomes[0].kind == "emergency_15"
            assert outcomes[0].action == "call"
    assert any(o.action == "call" for o in outcomes), "every answer has something to call"
    rule_ids = {rule.id for rule in rules()}
    for outcome in outcomes:
        assert outcome.rule in rule_ids and outcome.sources and all(outcome.sources)
        assert outcome.why
        assert not (outcome.kind == "urgences" and outcome.action == "go")
    assert outcomes[0].kind != "urgences"
    missing = evaluation.missing
    assert len(missing) == len(set(missing))
    assert not set(missing) & set(facts)
    assert set(missing) <= set(FACTS)
    if "red_flag" not in facts:
        assert missing[0] == "red_flag"
    traced = {step.rule for step in evaluation.trace}
    assert {o.rule for o in outcomes} <= traced
    return evaluation


@settings(max_examples=1500, deadline=None)
@given(examples(situation, lambda draw: draw.pick(PERIODS), wall_time))
def test_any_period_with_any_moment_never_crashes_nor_breaks_the_invariant(example):
    facts, period, moment = example
    check_answer(facts, period, moment)


def test_every_red_flag_with_every_need_deafness_and_period_puts_the_right_number_first():
    at = parse_moment("2026-11-28T14:00")
    red_flags = [value for value in FACTS["red_flag"] if value != "none"]
    for red_flag, deaf, need, period in itertools.product(
        red_flags, (None, "yes", "no"), (None,) + FACTS["need"], PERIODS
    ):
        facts = {"red_flag": red_flag}
        if deaf:
            facts["deaf"] = deaf
        if need:
            facts["need"] = need
        evaluation = check_answer(facts, period, at)
        if red_flag == "suicidal":
            assert "suicide_3114" in [o.kind for o in evaluation.outcomes]


def test_age_extremes_and_contradictory_facts_never_crash():
    at = parse_moment("2026-03-10T10:00")
    for age, period in itertools.product((0, 130), PERIODS):
        for problem in FACTS["minor_problem"]:
            check_answer({"red_flag": "none", "need": "minor_care", "minor_problem": problem, "age": age,
                          "sex": "male", "pregnant": "yes", "fever": "no"}, period, at)
