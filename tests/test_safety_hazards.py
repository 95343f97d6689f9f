"""Controls of the hazard log (docs/safety.md) not proven elsewhere, through the full `orient()`
on the real rules and directory, and the hazards still open, as strict xfails: each of those
fails the suite as soon as its control lands, so that the log is updated with it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings

from orient.directory.check import check_directory
from orient.directory.gazetteer import default_gazetteer
from orient.facts import FACTS
from orient.orientation import CALL_15_FIRST, CLOSED_NOW_CALL_15, Knowledge, orient
from orient.periods import PARIS, classify, is_bridge_day, public_holiday
from orient.render.handout import build_handout
from orient.render.text import render_answer

from strategies import Draw, examples, situation, wall_time

KNOWLEDGE = Knowledge.load()
AUCH = KNOWLEDGE.gazetteer.get("32013")
PHARMACIST_FIRST = {"minor_care.test_and_treat", "minor_care.pharmacist_day", "minor_care.pharmacist_out_of_hours"}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=PARIS)


def ask(facts, moment, commune=None):
    return orient(KNOWLEDGE, facts, at(moment), commune)


def run_orient(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, ORIENT_JOURNAL="off")
    return subprocess.run([sys.executable, "-m", "orient", *args], capture_output=True, text=True, env=env,
                          timeout=60)


# --- H3: a closed service shown as the thing to do ---------------------------------------------

def test_a_line_the_directory_says_is_closed_is_never_the_only_way_out_and_names_the_15(tmp_path):
    # A directory where the 3966 stops at 22h (as duty did in Condom since 2019): at 23h the
    # rules still send to it, the directory says closed, and the answer names the 15.
    import shutil

    from orient import paths

    folder = tmp_path / "directory"
    shutil.copytree(paths.directory_dir(), folder)
    numbers = folder / "numbers.yaml"
    text = numbers.read_text(encoding="utf-8")
    narrowed = text.replace('"Mo-Fr 20:00-24:00; Sa 12:00-24:00; Su,PH 08:00-24:00"',
                            '"Mo-Fr 20:00-22:00; Sa 12:00-22:00; Su,PH 08:00-22:00"')
    assert narrowed != text
    numbers.write_text(narrowed, encoding="utf-8")
    knowledge = Knowledge.load(directory_dir=folder)
    answer = orient(knowledge, {"red_flag": "none", "need": "consult", "can_travel": "yes"}, at("2026-11-24T23:00"))
    first = answer.recommendations[0]
    assert (first.kind, first.action, first.open_now) == ("pdsa_3966", "call", False)
    assert first.advice[0] == CLOSED_NOW_CALL_15
    text = render_answer(answer)
    assert "Horaires : fermé" in text and f"⚠ {CLOSED_NOW_CALL_15}" in text
    assert CLOSED_NOW_CALL_15 in build_handout(answer).steps[0][1]


BRIDGE_DAYS = [date.fromordinal(n) for n in range(date(2025, 1, 1).toordinal(), date(2028, 1, 1).toordinal())
               if is_bridge_day(date.fromordinal(n))]


def moment_with_bridge_days(draw: Draw) -> datetime:
    """A bridge day by day (where the rules and the 3966's hours disagree), or any moment: half each."""
    day = datetime.combine(draw.pick(BRIDGE_DAYS), datetime.min.time()).replace(tzinfo=PARIS)
    by_day = day + timedelta(minutes=8 * 60 + draw.below(12 * 60))
    return draw.pick((by_day, wall_time(draw)))


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(examples(situation, moment_with_bridge_days))
def test_every_line_to_call_that_is_closed_at_the_moment_carries_the_15_as_a_way_out(example):
    facts, moment = example
    for rec in orient(KNOWLEDGE, facts, moment, AUCH).recommendations:
        if rec.action in ("call", "sms") and rec.open_now is False:
            assert CLOSED_NOW_CALL_15 in rec.advice, (rec.service_id, moment)


def test_on_every_bridge_day_the_3966_the_rules_send_to_is_open_in_the_directory():
    line = KNOWLEDGE.directory.get("pdsa-3966")
    day, closed = date(2025, 1, 1), []
    while day.year < 2028:
        if is_bridge_day(day):
            for hour in (9, 15):
                moment = datetime(day.year, day.month, day.day, hour, tzinfo=PARIS)
                if KNOWLEDGE.directory.status(line, moment).open is False:
                    closed.append(moment)
        day = day.fromordinal(day.toordinal() + 1)
    assert closed == []


# --- H2: midnight -----------------------------------------------------------------------------

@pytest.mark.parametrize("moment", ["2026-11-24T23:59", "2026-11-25T00:00", "2026-11-25T00:30", "2026-11-25T07:59"])
def test_the_3966_until_midnight_then_the_15_until_8h(moment):
    first = ask({"red_flag": "none", "need": "consult", "can_travel": "yes"}, moment).recommendations[0]
    before_midnight = moment.endswith("23:59")
    assert (first.kind, first.phone) == (("pdsa_3966", "3966") if before_midnight else ("sas", "15"))
    assert first.open_now is True


# --- H13: the Auch emergency department is not a walk-in ----------------------------------------

def test_the_auch_emergency_department_is_never_a_place_to_go_and_says_call_the_15_first_everywhere():
    answer = ask({"red_flag": "bleeding", "deaf": "no"}, "2026-11-24T10:00", AUCH)
    urgences = [r for r in answer.recommendations if r.service_id == "ch-auch-urgences"]
    assert len(urgences) == 1 and urgences[0].rank > 1 and urgences[0].action == "info"
    assert urgences[0].advice[0] == CALL_15_FIRST
    assert f"⚠ {CALL_15_FIRST}" in render_answer(answer)
    sheet = build_handout(answer)
    assert any(CALL_15_FIRST in details for _, details in sheet.steps)


# --- H8: the duty pharmacy unknown ----------------------------------------------------------------

@pytest.mark.parametrize("moment", ["2026-11-25T02:00", "2026-11-28T22:00", "2026-12-25T15:00"])
def test_without_a_rota_the_duty_pharmacy_is_the_3237_with_its_price_said(moment):
    answer = ask({"red_flag": "none", "deaf": "no", "need": "medication", "has_prescription": "yes",
                  "can_travel": "yes"}, moment, AUCH)
    duty = [r for r in answer.recommendations if r.kind == "pharmacie_garde"]
    assert duty and duty[0].action == "call" and duty[0].phone == "3237"
    assert any("0,35 €/min" in line or "payant" in line for line in duty[0].advice)


# --- H6: homonyms -------------------------------------------------------------------------------

@pytest.mark.parametrize("typed, code", [("Plaisance", "32319"), ("montreal", "32290"), ("Mauvezin", "32249")])
def test_a_homonym_typed_at_the_counter_is_the_gers_one_and_the_answer_shows_its_code(typed, code):
    result = run_orient("ask", "--no-journal", "--json", "--commune", typed, "--at", "2026-11-28T14:00",
                        "--fact", "red_flag=none", "--fact", "need=consult")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["commune"]["code"] == code
    text = run_orient("ask", "--no-journal", "--commune", typed, "--at", "2026-11-28T14:00").stdout
    assert f"({code})" in text.splitlines()[1]


def test_an_ambiguous_place_is_refused_with_its_candidates_rather_than_guessed():
    result = run_orient("ask", "--no-journal", "--commune", "Castelnau", "--fact", "red_flag=none")
    assert result.returncode == 2
    assert "Castelnau-" in result.stderr


# --- H14: pharmacist-only care when it is excluded ----------------------------------------------

def excluded_from_pharmacist_care(facts) -> bool:
    """Décret 2024-550 and the rules' safer reading, written apart from the rules."""
    problem, age, sex = facts.get("minor_problem"), facts.get("age"), facts.get("sex")
    if facts.get("fever") == "yes":
        return True
    if facts.get("pregnant") == "yes" and sex == "female" and problem in ("sore_throat", "cystitis", "tick_bite",
                                                                           "conjunctivitis"):
        return True
    if problem is not None and problem != "cystitis" and age is not None and age < 10:
        return True  # from 10 years (10 included), and never a baby (issue 9)
    return problem == "cystitis" and (sex == "male" or (age is not None and not 16 <= age <= 65))


def minor_care(draw: Draw) -> dict:
    facts = {"red_flag": "none", "need": "minor_care", "minor_problem": draw.pick(FACTS["minor_problem"]),
             "age": draw.maybe((2, 10, 11, 15, 16, 40, 65, 66, 90)),
             **{name: draw.maybe(FACTS[name])
                for name in ("sex", "pregnant", "fever", "has_gp", "gp_reachable", "can_travel", "deaf")}}
    return {k: v for k, v in facts.items() if v is not None}


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(examples(minor_care, lambda draw: wall_time(draw, date(2026, 1, 1), date(2027, 12, 31))))
def test_fever_pregnancy_and_age_exclusions_never_send_to_the_pharmacist_first(example):
    facts, moment = example
    answer = orient(KNOWLEDGE, facts, moment, None)
    if excluded_from_pharmacist_care(facts):
        assert not PHARMACIST_FIRST & {r.rule for r in answer.recommendations}, facts
        assert answer.recommendations[0].kind != "pharmacie"


def test_a_pregnant_patient_whose_sex_was_not_asked_is_not_sent_to_the_pharmacist_first():
    answer = ask({"red_flag": "none", "need": "minor_care", "minor_problem": "sore_throat", "age": 30,
                  "fever": "no", "pregnant": "yes"}, "2026-11-25T10:00")
    assert not PHARMACIST_FIRST & {r.rule for r in answer.recommendations}


# --- H11: a deaf person told to call ------------------------------------------------------------

def test_a_deaf_person_with_a_vital_sign_is_told_to_text_the_114_first_in_every_output():
    answer = ask({"red_flag": "breathing", "deaf": "yes"}, "2026-11-25T03:00")
    first = answer.recommendations[0]
    assert (first.kind, first.action, first.phone) == ("sms_114", "sms", "114")
    assert render_answer(answer).splitlines()[2] == "1. Écrire le 114 — urgence par SMS, visio ou tchat"
    assert build_handout(answer).steps[0][0] == "Écrire le 114 — urgence par SMS, visio ou tchat"


@pytest.mark.parametrize("moment", ["2026-11-28T14:00", "2026-11-25T02:00"])
def test_a_deaf_person_without_a_vital_sign_is_never_only_told_to_make_a_voice_call(moment):
    answer = ask({"red_flag": "none", "deaf": "yes", "need": "consult", "can_travel": "yes"}, moment)
    first = answer.recommendations[0]
    said = " ".join([first.why, *first.advice, *answer.warnings]).lower()
    assert first.action != "call" or any(word in said for word in ("sms", "sourde", "relais", "proche", "écrit"))



# --- H83: a vital sign whose deafness is not established leaves out the 114 ------------------------

@pytest.mark.parametrize("deaf_facts", [[], ["deaf=yes", "deaf=no"], ["deaf=sourd"], ["DEAF=yes"], ["deaf=true"]],
                         ids=["not-asked", "yes-and-no", "french-word", "name-in-capitals", "true"])
def test_a_vital_sign_whose_deafness_is_not_known_gives_the_15_first_then_the_sms_to_the_114(deaf_facts):
    import cli_run

    args = ["ask", "--json", "--commune", "Auch", "--at", "2026-03-10T10:00", "--fact", "red_flag=stroke"]
    for fact in deaf_facts:
        args += ["--fact", fact]
    done = cli_run.run_main(*args, env={"ORIENT_JOURNAL": "off"})
    assert done.returncode == 0, done.stderr
    recs = json.loads(done.stdout)["recommendations"]
    assert recs[0]["kind"] == "emergency_15"
    assert (recs[1]["kind"], recs[1]["phone"]) == ("sms_114", "114"), [r["kind"] for r in recs]
    assert "SMS" in recs[1]["why"] and "ne peut pas téléphoner" in recs[1]["why"]


@pytest.mark.parametrize("sign", sorted(set(FACTS["red_flag"]) - {"none"}))
def test_the_114_line_for_a_deafness_not_known_goes_once_the_person_can_call(sign):
    unknown = ask({"red_flag": sign}, "2026-11-25T03:00", AUCH)
    assert [r.kind for r in unknown.recommendations][:2] == ["emergency_15", "sms_114"]
    assert unknown.emergency and unknown.missing == ["deaf"]
    hearing = ask({"red_flag": sign, "deaf": "no"}, "2026-11-25T03:00", AUCH)
    assert "sms_114" not in [r.kind for r in hearing.recommendations]
    deaf = ask({"red_flag": sign, "deaf": "yes"}, "2026-11-25T03:00", AUCH)
    assert [r.kind for r in deaf.recommendations][:2] == ["sms_114", "emergency_15"]
    assert [r.kind for r in deaf.recommendations].count("sms_114") == 1


# --- H84: a deaf person whose vital sign was not asked is told to make a voice call -----------------

@pytest.mark.parametrize("need", ["consult", "poisoning", "medication", "mental_health", None])
@pytest.mark.parametrize("moment", ["2026-03-10T21:00", "2026-03-11T03:00", "2026-11-28T14:00", "2026-03-10T10:00"])
def test_a_deaf_person_whose_vital_sign_was_not_asked_first_learns_how_to_reach_the_line(need, moment):
    facts = {"deaf": "yes"} if need is None else {"deaf": "yes", "need": need}
    answer = ask(facts, moment, AUCH)
    first = answer.recommendations[0]
    assert (first.kind, first.phone) == ("sms_114", "114"), [r.kind for r in answer.recommendations]
    assert "appelez pour elle" in first.why and "SMS" in first.why
    assert "15" in {r.phone for r in answer.recommendations}  # the reminder of the 15 stays
    assert not answer.emergency and answer.missing[0] == "red_flag"


# --- H85: an unknown place given the Auch emergency department as "the nearest" --------------------

@pytest.mark.parametrize("typed", [None, "Rome", "geo:40.4,-3.7", "xyzzy"])
def test_an_emergency_from_an_unknown_place_names_no_emergency_department_as_the_nearest(typed):
    import cli_run

    args = ["ask", "--json", "--at", "2026-03-10T03:00", "--fact", "red_flag=chest_pain", "--fact", "deaf=no"]
    if typed is not None:
        args += ["--commune", typed]
    done = cli_run.run_main(*args, env={"ORIENT_JOURNAL": "off"})
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["commune"] is None and out["recommendations"][0]["kind"] == "emergency_15"
    emergency_departments = [r for r in out["recommendations"] if r["kind"] == "urgences"]
    assert [(r["service_id"], r["phone"], r["action"]) for r in emergency_departments] == [(None, None, "info")]
    assert emergency_departments[0]["name"] == "Un service d'urgences"
    said = " ".join([emergency_departments[0]["name"], emergency_departments[0]["why"]])
    assert "plus proche" not in said and "Auch" not in said and "Condom" not in said
    assert "le 15 décide" in said



# --- H86: a place typed with its département answered as the Gers homonym ------------------------

def test_a_place_typed_with_another_departement_is_asked_again_and_a_vital_sign_still_answered():
    import cli_run

    base = ["ask", "--json", "--commune", "Saint-Martin 971", "--at", "2026-03-10T21:00"]
    refused = cli_run.run_main(*base, "--fact", "red_flag=none", "--fact", "need=consult", env={"ORIENT_JOURNAL": "off"})
    assert refused.returncode == 2 and "introuvable" in refused.stderr and "Saint-Martin" in refused.stderr
    done = cli_run.run_main(*base, "--fact", "red_flag=stroke", "--fact", "deaf=no", env={"ORIENT_JOURNAL": "off"})
    out = json.loads(done.stdout)
    assert done.returncode == 0 and out["commune"] is None and out["recommendations"][0]["kind"] == "emergency_15"
    assert any("Saint-Martin 971" in w for w in out["warnings"])


# --- H15: a service placed in the sea -------------------------------------------------------------

@pytest.mark.parametrize("lat, lon", [(45.5, -3.0), (42.5, 5.5)], ids=["atlantic", "mediterranean"])
def test_a_service_placed_in_the_sea_without_a_commune_is_refused(tmp_path, lat, lon):
    (tmp_path / "sea.yaml").write_text(
        "services:\n  - id: en-mer\n    name: Service en mer\n    kind: msp\n"
        f"    location: {{lat: {lat}, lon: {lon}, precision: address}}\n    sources: [fixture]\n", encoding="utf-8")
    problems = check_directory(tmp_path, default_gazetteer(), today=date(2026, 11, 23))
    assert [p.line for p in problems if p.severity == "error"] == [5]


def test_public_holidays_and_bridge_days_the_hazard_tests_rely_on_are_what_they_say():
    assert public_holiday(date(2026, 7, 14)) is not None and public_holiday(date(2026, 7, 13)) is None
    assert public_holiday(date(2026, 12, 25)) is not None
