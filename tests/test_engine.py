"""The engine: three-valued conditions, hit policy, missing facts, trace, texts."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from orient.engine import evaluate, load_rules
from orient.engine.text import duty_fee, next_working_day
from orient.paths import rules_dir
from orient.periods import parse_moment
from orient.problems import DataError

RULES = load_rules(rules_dir())
TUESDAY = parse_moment("2026-03-10T10:00")


def write_rules(folder: Path, text: str) -> Path:
    (folder / "test.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


RULE = """
  - id: {id}
    title: Test
    priority: {priority}
    exclusive: {exclusive}
    when: {when}
    recommendations:
      - kind: {kind}
        action: call
        service: {service}
        why: "{why}"
    sources: [{source}]
    examples:
      - name: un exemple
        period: weekday_day
        expect: []
        missing: []
        fires: false
"""


def rule(id, when, kind="pdsa_3966", service="pdsa-3966", why="Texte.", priority=500, exclusive="false", source="R6315-1 CSP"):
    return RULE.format(id=id, when=when, kind=kind, service=service, why=why, priority=priority,
                       exclusive=exclusive, source=source)


def small_rules(tmp_path, *rules):
    """Rules to evaluate, compiled without running their placeholder examples (which
    `load_rules` would run, and refuse, like `orient check`)."""
    from orient.engine import parse_rules

    ruleset, problems = parse_rules(write_rules(tmp_path, "rules:\n" + "".join(rules)))
    assert not [p for p in problems if p.severity == "error"], problems
    return ruleset


def kinds(evaluation):
    return [o.kind for o in evaluation.outcomes]


# --- three-valued conditions ------------------------------------------------

def test_a_condition_on_an_unknown_fact_is_unknown_and_its_fact_is_missing(tmp_path):
    rules = small_rules(tmp_path, rule("t.a", "{need: consult}"))
    evaluation = evaluate(rules, {"red_flag": "none"}, "weekday_day", TUESDAY)
    assert evaluation.outcomes == []
    assert evaluation.missing == ["need"]


def test_all_is_false_as_soon_as_one_part_is_false_even_with_unknowns(tmp_path):
    rules = small_rules(tmp_path, rule("t.a", "{need: consult, has_gp: 'yes'}"))
    evaluation = evaluate(rules, {"red_flag": "none", "need": "dental"}, "weekday_day", TUESDAY)
    assert evaluation.outcomes == [] and evaluation.missing == []


def test_any_is_true_as_soon_as_one_part_is_true_even_with_unknowns(tmp_path):
    rules = small_rules(tmp_path, rule("t.a", "{any: [{need: consult}, {has_gp: 'no'}]}"))
    evaluation = evaluate(rules, {"red_flag": "none", "has_gp": "no"}, "weekday_day", TUESDAY)
    assert kinds(evaluation) == ["pdsa_3966"] and evaluation.missing == []


def test_not_of_unknown_stays_unknown(tmp_path):
    rules = small_rules(tmp_path, rule("t.a", "{not: {fever: 'yes'}}"))
    evaluation = evaluate(rules, {"red_flag": "none"}, "weekday_day", TUESDAY)
    assert evaluation.outcomes == [] and evaluation.missing == ["fever"]


def test_known_and_undecided_are_never_unknown(tmp_path):
    rules = small_rules(
        tmp_path,
        rule("t.a", "{fever: {known: false}}"),
        rule("t.b", "{undecided: {age: {gt: 10}}}", kind="sas", service="samu-15"),
    )
    evaluation = evaluate(rules, {"red_flag": "none"}, "weekday_day", TUESDAY)
    assert kinds(evaluation) == ["pdsa_3966", "sas"]
    assert evaluation.missing == []


def test_age_bounds_are_inclusive_or_strict_as_written(tmp_path):
    rules = small_rules(tmp_path, rule("t.a", "{age: {gte: 16, lte: 65}}"))
    for age, applies in ((15, False), (16, True), (65, True), (66, False), (0, False), (130, False)):
        evaluation = evaluate(rules, {"red_flag": "none", "age": age}, "weekday_day", TUESDAY)
        assert bool(evaluation.outcomes) is applies, age


def test_yes_and_no_in_yaml_stay_the_words_of_the_contract(tmp_path):
    rules = small_rules(tmp_path, rule("t.a", "{has_gp: yes}"))
    assert kinds(evaluate(rules, {"red_flag": "none", "has_gp": "yes"}, "weekday_day", TUESDAY)) == ["pdsa_3966"]


# --- hit policy ---------------------------------------------------------------

def test_an_exclusive_rule_drops_the_recommendations_of_the_others(tmp_path):
    rules = small_rules(
        tmp_path,
        rule("t.emergency", "{red_flag: {not: none}}", kind="emergency_15", service="samu-15",
             priority=1000, exclusive="true"),
        rule("t.other", "{need: consult}"),
    )
    evaluation = evaluate(rules, {"red_flag": "breathing", "need": "consult"}, "weekday_day", TUESDAY)
    assert kinds(evaluation) == ["emergency_15"]
    assert [step.rule for step in evaluation.trace] == ["t.emergency"]


def test_outcomes_are_ordered_by_priority_then_rule_order(tmp_path):
    rules = small_rules(
        tmp_path,
        rule("t.low", "{}", kind="cpam", service="cpam-gers", priority=100),
        rule("t.high", "{}", kind="suicide_3114", service="suicide-3114", priority=900),
        rule("t.same", "{}", kind="antipoison", service="antipoison-toulouse", priority=100),
    )
    assert kinds(evaluate(rules, {"red_flag": "none"}, "weekday_day", TUESDAY)) == ["suicide_3114", "cpam", "antipoison"]


def test_the_same_recommendation_from_two_rules_is_given_once_with_both_texts_and_sources(tmp_path):
    rules = small_rules(
        tmp_path,
        rule("t.first", "{}", why="Premier texte.", priority=600, source="R6315-1 CSP"),
        rule("t.second", "{}", why="Second texte.", priority=400, source="CH Auch 2022 (hit-fm-radio)"),
    )
    evaluation = evaluate(rules, {"red_flag": "none"}, "weekday_day", TUESDAY)
    assert len(evaluation.outcomes) == 1
    outcome = evaluation.outcomes[0]
    assert outcome.rule == "t.first" and outcome.rules == ["t.first", "t.second"]
    assert outcome.why == "Premier texte. Second texte."
    assert outcome.sources == ["R6315-1 CSP", "CH Auch 2022 (hit-fm-radio)"]
    assert outcome.priority == 600
    assert [step.rule for step in evaluation.trace] == ["t.first", "t.second"]


# --- missing ------------------------------------------------------------------

def test_red_flag_is_always_first_in_missing_when_unknown(tmp_path):
    rules = small_rules(tmp_path, rule("t.a", "{need: consult}"))
    assert evaluate(rules, {}, "weekday_day", TUESDAY).missing == ["red_flag", "need"]


def test_missing_follows_the_rules_asking_order_then_the_global_one(tmp_path):
    text = rule("t.a", "{fever: 'no', age: {gt: 10}, sex: male}").replace(
        "    examples:", "    ask: [fever, sex]\n    examples:")
    rules = small_rules(tmp_path, text)
    assert evaluate(rules, {"red_flag": "none"}, "weekday_day", TUESDAY).missing == ["fever", "sex", "age"]


def test_a_fact_that_unlocks_a_rule_comes_before_one_that_needs_another_answer_first(tmp_path):
    rules = small_rules(
        tmp_path,
        rule("t.a", "{can_travel: 'no'}"),
        rule("t.b", "{need: medication, has_prescription: 'no'}", kind="sas", service="samu-15"),
    )
    # can_travel alone decides t.a; has_prescription matters only once need is known.
    assert evaluate(rules, {"red_flag": "none"}, "weekday_day", TUESDAY).missing == ["need", "can_travel", "has_prescription"]


def test_with_a_red_flag_only_the_facts_of_exclusive_rules_are_missing():
    evaluation = evaluate(RULES, {"red_flag": "chest_pain", "need": "consult"}, "weekday_day", TUESDAY)
    assert evaluation.missing == ["deaf"]


# --- trace, texts ---------------------------------------------------------------

def test_the_trace_says_which_rule_fired_on_which_facts_and_period():
    facts = {"red_flag": "none", "need": "consult", "deaf": "no", "can_travel": "yes"}
    evaluation = evaluate(RULES, facts, "pdsa_weekend", parse_moment("2026-11-28T14:00"))
    step = evaluation.trace[0]
    assert step.rule == "out_of_hours.consult"
    assert step.facts == {"need": "consult"}
    assert step.period == "pdsa_weekend"
    assert "R6315-1 CSP" in step.sources and step.note


def test_the_contract_example_reads_as_the_contract_says():
    evaluation = evaluate(RULES, {"red_flag": "none", "need": "consult"}, "pdsa_weekend",
                          parse_moment("2026-11-28T14:00"))
    first = evaluation.outcomes[0]
    assert (first.kind, first.action, first.service_id, first.rule) == ("pdsa_3966", "call", "pdsa-3966", "out_of_hours.consult")
    assert first.why.startswith("Samedi après-midi : les cabinets sont fermés, la permanence des soins répond au 3966")


@pytest.mark.parametrize("moment, fee", [
    ("2026-03-10T20:00", "10 €"), ("2026-03-10T23:59", "10 €"), ("2026-03-11T00:00", "20 €"),
    ("2026-03-11T05:59", "20 €"), ("2026-03-11T06:00", "10 €"), ("2026-03-15T08:00", "6 €"),
    ("2026-04-06T12:00", "6 €"), ("2026-03-14T15:00", "2 €"),
])
def test_the_duty_fee_follows_the_hours_of_the_2024_arrete(moment, fee):
    assert duty_fee(parse_moment(moment)) == fee


@pytest.mark.parametrize("period, moment, label", [
    ("weekday_day", "2026-03-10T10:00", "aujourd'hui"),
    ("pdsa_night", "2026-03-11T03:00", "ce matin dès l'ouverture"),
    ("pdsa_evening", "2026-03-10T21:00", "demain"),
    ("pdsa_weekend", "2026-03-14T15:00", "lundi 16 mars"),
    ("pdsa_weekend", "2026-04-05T10:00", "mardi 7 avril"),  # Easter Sunday, then Easter Monday
    ("pdsa_evening", "2026-04-30T21:00", "lundi 4 mai"),  # 1 May is a Friday holiday
])
def test_the_next_working_day_skips_weekends_and_public_holidays(period, moment, label):
    assert next_working_day(period, parse_moment(moment)) == label


# --- robustness -----------------------------------------------------------------

@pytest.mark.parametrize("facts", [
    {}, {"age": 0}, {"age": 130}, {"age": "42"}, {"age": "abc"}, {"colour": "red"}, {"need": None},
    {"red_flag": "none", "need": "minor_care", "minor_problem": "cystitis", "sex": "male", "pregnant": "yes"},
])
def test_odd_facts_never_crash(facts):
    for period in ("weekday_day", "pdsa_night"):
        evaluation = evaluate(RULES, facts, period, TUESDAY)
        assert any(o.action == "call" for o in evaluation.outcomes)


def test_loading_rules_with_errors_raises_every_problem(tmp_path):
    write_rules(tmp_path, "rules:\n" + rule("t.a", "{colour: red}") + rule("t.b", "{need: dentist}"))
    with pytest.raises(DataError) as raised:
        load_rules(tmp_path)
    assert len(raised.value.problems) == 2


def test_the_engine_and_periods_do_not_import_textual():
    code = "import sys, orient.engine, orient.periods; print('textual' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
