"""The contract's invariant and the answer's guarantees through the FULL `orient()`: the real
rules, the real directory, the real gazetteer, over more than 10,000 generated situations,
moments and communes (hazard log H1, H2, H3, H4, H5, H9, H12, H13).

Whatever the other facts, red_flag other than none makes rank 1 the 15 (or the 114 for a person
who cannot use a voice call). Every answer has something to call; every recommendation carries
its rule and at least one source; ranks are 1..n; `missing` asks red_flag first and never a known
fact. The moments include the clock changes of 2025 to 2028, naive (Paris wall time) and aware
(Paris, UTC, other offsets, both folds). What is drawn, and how: tests/strategies.py.
"""

from __future__ import annotations

import itertools
import json
import random
import re
from datetime import datetime, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings

from orient.directory.fixed import checked_at_load
from orient.facts import FACTS
from orient.orientation import CALL_15_FIRST, CLOSED_NOW_CALL_15, STALE_AFTER_DAYS, Knowledge, orient
from orient.periods import PARIS, PERIODS
from orient.render.handout import build_handout
from orient.render.text import render_answer
from orient.vocabulary import OVERSEAS_ZONES

from strategies import (AGE_THRESHOLDS, CLOCK_CHANGES, OFFSETS, UTC, Draw, batches, clock_change_moment, emergency,
                        moment, situation, situation_or_emergency)

KNOWLEDGE = Knowledge.load()
RULE_IDS = {rule.id for rule in KNOWLEDGE.rules}
COMMUNES = KNOWLEDGE.gazetteer  # in INSEE code order; a commune is built when drawn, not 34,875 at import
GERS = KNOWLEDGE.gazetteer.of_dept("32")

# How phone numbers are shown to people: short numbers, or ten digits in pairs.
PHONE_SHOWN = re.compile(r"^(15|17|18|112|114|115|119|3114|3237|3624|36 46|3966|116 117|0\d( \d\d){4})$")


def commune(draw: Draw):
    """No place, any commune of France, or one of the Gers: a third each."""
    return draw.pick((None, draw.pick(COMMUNES), draw.pick(GERS)))


def paris_wall_clock(at: datetime) -> datetime:
    """An independent reading of the moment: naive = Paris wall time (a time in the spring gap
    moves forward by an hour), aware = the same instant in Paris."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=PARIS, fold=0)
    return at.astimezone(UTC).astimezone(PARIS)


def check_answer(facts, at, commune, *, render: bool = False):
    answer = orient(KNOWLEDGE, facts, at, commune)
    recs = answer.recommendations
    assert recs, "an answer is never empty"
    assert [r.rank for r in recs] == list(range(1, len(recs) + 1))
    assert answer.period in PERIODS
    assert answer.at.utcoffset() in (timedelta(hours=1), timedelta(hours=2))
    if at.tzinfo is not None and at.utcoffset() is not None:
        assert answer.at.timestamp() == at.timestamp(), "the moment is the same instant, seen from Paris"

    red_flag = facts.get("red_flag")
    # The flag the UI and the CLI read (Answer.emergency) is exactly "a vital sign was reported".
    assert answer.emergency == (red_flag not in (None, "none"))
    if red_flag not in (None, "none"):
        first = recs[0]
        if facts.get("deaf") == "yes":
            assert (first.kind, first.action, first.phone) == ("sms_114", "sms", "114")
            assert "emergency_15" in [r.kind for r in recs[1:]]
        else:
            assert (first.kind, first.action, first.phone) == ("emergency_15", "call", "15")
        assert first.open_now is True

    # Something to do: a number to dial (contract v2: a `call` always has one), or — while the
    # directory has no pharmacies — the nearest pharmacy, found with 3237.fr (docs/safety.md H24).
    assert any(r.action == "call" for r in recs) or any(
        r.kind == "pharmacie" and any("3237.fr" in a for a in r.advice) for r in recs), "every answer has something to do"
    # The questions still to ask: each once, never a known fact, the vital sign first.
    missing = answer.missing
    assert len(missing) == len(set(missing))
    assert not set(missing) & set(facts)
    assert set(missing) <= set(FACTS)
    if "red_flag" not in facts:
        assert missing[0] == "red_flag"
    assert {r.rule for r in recs} <= {step.rule for step in answer.trace}, "every recommendation is traced"
    for rec in recs:
        assert rec.rule in RULE_IDS
        assert rec.sources and all(isinstance(s, str) and s.strip() for s in rec.sources)
        assert rec.why.strip()
        if rec.phone is not None:
            assert PHONE_SHOWN.match(rec.phone), rec.phone
        if rec.action in ("call", "sms") and rec.open_now is False:
            assert CLOSED_NOW_CALL_15 in rec.advice, "a closed line is never the only way out"
        if rec.kind == "urgences":
            # An emergency department is never "go there" and never first; Auch's says "call the 15 first".
            assert rec.action != "go" and rec.rank != 1
        if rec.service_id:
            service = KNOWLEDGE.directory.get(rec.service_id)
            assert service is not None and service.sources
            if "regulated_by_15" in service.capabilities:
                assert CALL_15_FIRST in rec.advice
            local_day = paris_wall_clock(at).date()
            never = service.verified is None and not checked_at_load(service.id, service.opening_hours)  # fixed: checked at load
            if never or (service.verified and (local_day - service.verified).days > STALE_AFTER_DAYS):
                assert rec.to_verify, "stale or never-verified data is never shown as certain"
    json.dumps(answer.to_json(), ensure_ascii=False)
    if render:
        text = render_answer(answer)
        for rec in recs:
            assert f"{rec.rank}. " in text
            if rec.phone and rec.action in ("call", "sms"):
                assert f" {rec.phone} " in text
        assert build_handout(answer).steps
    return answer


# Four situations to a Hypothesis example (tests/strategies.py `batches`): 5,000 + 3,000 + 2,500.
BATCH = 4


@pytest.mark.long
@settings(max_examples=5000 // BATCH, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batches(BATCH, situation, moment, commune))
def test_the_invariant_and_the_guarantees_hold_through_orient_for_any_situation_moment_and_commune(batch):
    for facts, at, place in batch:
        check_answer(facts, at, place, render=True)


@pytest.mark.long
@settings(max_examples=3000 // BATCH, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batches(BATCH, emergency, moment, commune))
def test_any_vital_sign_puts_the_15_or_the_114_first_through_orient_whatever_else_is_known(batch):
    for facts, at, place in batch:
        check_answer(facts, at, place)


@pytest.mark.long
@settings(max_examples=2500 // BATCH, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batches(BATCH, situation_or_emergency, clock_change_moment, commune))
def test_around_the_clock_changes_of_2025_to_2028_the_period_follows_the_paris_wall_clock(batch):
    for example in batch:
        period_follows_the_wall_clock(*example)


def period_follows_the_wall_clock(facts, at, place):
    answer = check_answer(facts, at, place)
    local = paris_wall_clock(at)
    if place is not None and place.dept in OVERSEAS_ZONES:  # overseas: the patient's own clock
        local = local.astimezone(OVERSEAS_ZONES[place.dept])
    # Independent of orient.periods: the clock changes are on Sundays, the days around them ordinary.
    if local.hour < 8:
        expected = {"pdsa_night"}
    elif local.hour >= 20:
        expected = {"pdsa_evening"}
    elif local.weekday() == 6:
        expected = {"pdsa_weekend", "pdsa_holiday"}
    elif local.weekday() == 5:
        expected = {"saturday_morning"} if local.hour < 12 else {"pdsa_weekend"}
    else:
        expected = {"weekday_day"}
    assert answer.period in expected, (at, local)


@pytest.mark.long
def test_every_twenty_minutes_of_the_four_clock_change_nights_every_vital_sign_gets_the_right_number_first():
    """Deterministic sweep: Saturday 18:00 to Sunday 10:00 around each change, naive and aware,
    both folds, every vital sign, deaf or not, with and without a commune."""
    auch = KNOWLEDGE.gazetteer.get("32013")
    count = 0
    nights = [change for change in CLOCK_CHANGES if change[0].year in (2026, 2027)]
    for (day, _spring), step in itertools.product(nights, range(0, 16 * 60, 20)):
        wall = datetime.combine(day - timedelta(days=1), time(18, 0)) + timedelta(minutes=step)
        for at in (wall, wall.replace(fold=1), wall.replace(tzinfo=PARIS),
                   wall.replace(tzinfo=PARIS, fold=1).astimezone(UTC)):
            for red_flag, deaf in itertools.product(FACTS["red_flag"][1:], ("yes", "no")):
                check_answer({"red_flag": red_flag, "deaf": deaf}, at, auch if count % 2 else None)
                count += 1
    assert count == 4 * 48 * 4 * 9 * 2


def test_a_vital_sign_on_a_bridge_day_is_flagged_as_an_emergency_for_the_screens():
    """On a bridge day orient() merges two evaluations (doctors' duty on the holiday reading, the rest
    on the calendar's): the emergency flag the UI and the CLI read must survive the merge."""
    bridge_friday = datetime(2025, 12, 26, 8, 0)  # the day after Christmas, a Friday
    for red_flag, deaf in itertools.product(FACTS["red_flag"][1:], ("yes", "no")):
        answer = check_answer({"red_flag": red_flag, "deaf": deaf}, bridge_friday, None)
        assert answer.period == "pdsa_holiday" and answer.emergency
    assert not orient(KNOWLEDGE, {"red_flag": "none"}, bridge_friday, None).emergency


def test_the_drawn_examples_cover_every_fact_value_moment_form_and_place():
    """What the property tests above draw (tests/strategies.py), decoded from 4,000 seeded byte
    strings: every value of every fact, each fact absent about half of the time, vital signs often,
    every year and hour, naive and aware moments in every offset and both folds, every clock change,
    no place a third of the time, communes of the Gers and of all France."""
    rng = random.Random(32)
    cases = []
    for _ in range(4000):
        draw = Draw(rng.randbytes(256))
        cases.append((situation_or_emergency(draw), moment(draw), commune(draw)))
    situations = [facts for facts, _, _ in cases]
    for name, values in FACTS.items():
        known = [facts[name] for facts in situations if name in facts]
        if name != "red_flag":  # an emergency always has one
            assert 0.45 < 1 - len(known) / len(situations) < 0.55, name
        assert set(known) >= set(values or AGE_THRESHOLDS) and len(set(known)) > (100 if values is None else 0), name
    assert 0.65 < sum(facts.get("red_flag", "none") != "none" for facts in situations) / len(situations) < 0.8
    moments = [at for _, at, _ in cases]
    assert {at.year for at in moments} == {2025, 2026, 2027, 2028}
    assert {at.hour for at in moments} == set(range(24))
    assert {at.tzinfo for at in moments} == {None, *OFFSETS} and {at.fold for at in moments} == {0, 1}
    assert {at.astimezone(PARIS).date() for at in moments if at.tzinfo} >= {day for day, _ in CLOCK_CHANGES}
    places = [place for _, _, place in cases]
    assert 0.3 < places.count(None) / len(places) < 0.37
    assert 0.3 < sum(place is not None and place.dept == "32" for place in places) / len(places) < 0.4
    assert len({place.dept for place in places if place is not None}) > 90
