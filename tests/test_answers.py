"""Issue 9 — answers that hold at the edges, through the final answer: the real `orient()` with
the embedded rules, directory and gazetteer, and `orient ask --json` where the public contract is
concerned: a real process for the first such answer and for `orient check`, the command's main() in
the test process for the other answers (`cli_run`). Situations: tests/data/answer_examples.yaml
(test_answer_examples.py)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from datetime import date, datetime

import cli_run
import pytest
from hypothesis import HealthCheck, given, settings

from orient import paths
from orient.directory.geo import haversine_km
from orient.orientation import (DO_NOT_GO, LOCAL_REACH_KM, NO_PHONE_ADVICE, OWN_PRACTITIONER, Knowledge,
                                actionable, orient, selectors_without_answer)
from orient.periods import PARIS
from orient.render.handout import build_handout
from orient.render.text import render_answer
from tests.strategies import VITAL_SIGNS, examples, situation, wall_time

KNOWLEDGE = Knowledge.load()
GAZ = KNOWLEDGE.gazetteer
# Gers communes, border communes of the neighbours, far and overseas places.
PLACES = [GAZ.get(code) for code in ("32013", "32107", "32132", "32462", "32319", "32208", "47195", "40001", "65296",
                                     "65440", "33063", "80146", "97120", "97416", "31555")]
NATIONAL_PHONES = {"15", "112", "114", "3114", "116 117", "3237", "36 46", "05 61 77 74 47"}


def moment_in_2026_or_2027(draw):
    return wall_time(draw, date(2026, 1, 1), date(2027, 12, 31))


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=PARIS)


def embedded_copy_with(folder, source, name: str, text: str):
    """A copy of an embedded data folder with one more file."""
    shutil.copytree(source, folder)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def run_ask(*args: str, process: bool = False) -> dict:
    """`orient ask --json`: a real process, or its main() in the test process."""
    run = cli_run.run_process if process else cli_run.run_main
    done = run("ask", "--json", *args, env={"ORIENT_JOURNAL": "off"})
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return json.loads(done.stdout)


# --- 5. No dead end, for any situation, moment and place ----------------------------------------

@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(examples(situation, moment_in_2026_or_2027, lambda draw: draw.pick(PLACES + [None])))
def test_every_call_has_a_number_every_go_a_place_and_rank_1_is_actionable(example):
    facts, moment, place = example
    answer = orient(KNOWLEDGE, facts, moment, place)
    recs = answer.recommendations
    assert recs, facts
    for rec in recs:
        assert rec.why.strip(), rec
        if rec.action == "call" and rec.kind not in OWN_PRACTITIONER:
            assert rec.phone, (rec.kind, rec.service_id, facts)
        if rec.action == "go":
            assert rec.address or rec.commune_name, (rec.kind, rec.service_id)
    first = recs[0]
    # The one exception: a pharmacy while the directory has none (docs/safety.md, dead-end calls).
    nearest_pharmacy = first.kind == "pharmacie" and any("3237.fr" in a for a in first.advice)
    assert actionable(first) or (first.kind == "sms_114" and first.phone) or nearest_pharmacy, (first, facts)
    if facts.get("red_flag", "none") != "none":  # the contract's invariant holds everywhere
        assert first.kind == ("sms_114" if facts.get("deaf") == "yes" else "emergency_15")
    if place is not None and place.dept not in KNOWLEDGE.directory.area:
        assert any(f"({place.dept})" in w for w in answer.warnings)
        for rec in recs:
            assert rec.distance_km is None or rec.distance_km <= LOCAL_REACH_KM, (rec.name, place.name)
            assert rec.kind != "pdsa_3966" or place.dept in {"09", "12", "31", "46", "65", "81", "82"}
            if rec.distance_km is None:  # a line, not a Gers place within reach: no Gers organisation
                assert "dans le Gers" not in rec.why + " ".join(rec.advice), rec


def test_a_centre_without_a_phone_is_information_never_the_action():
    condom = GAZ.get("32107")
    answer = orient(KNOWLEDGE, {"red_flag": "none", "need": "consult", "has_gp": "yes", "gp_reachable": "no",
                                "can_travel": "yes"}, at("2026-03-11T14:00"), condom)
    phoneless = [r for r in answer.recommendations if r.service_id and not r.phone]
    assert phoneless, [r.name for r in answer.recommendations]
    for rec in phoneless:
        assert rec.action == "info" and rec.advice[0] == NO_PHONE_ADVICE
        assert "Appeler" not in render_answer(answer).split(rec.name)[0].splitlines()[-1]


def test_the_cpam_line_is_the_36_46_in_the_json_of_orient_ask():
    out = run_ask("--commune", "auch", "--at", "2026-03-10T10:00", "--fact", "red_flag=none", "--fact", "need=find_gp",
                  process=True)
    cpam = [r for r in out["recommendations"] if r["kind"] == "cpam"]
    assert cpam and cpam[0]["phone"] == "36 46" and cpam[0]["action"] == "call"
    assert all(r["phone"] for r in out["recommendations"] if r["action"] == "call" and r["kind"] not in OWN_PRACTITIONER)


# --- 1. The area (contract v2) -------------------------------------------------------------------

def test_bordeaux_in_the_evening_keeps_national_lines_and_says_local_services_are_unknown():
    out = run_ask("--commune", "bordeaux", "--at", "2026-03-10T21:00", "--fact", "red_flag=none",
                  "--fact", "need=consult")
    assert out["commune"]["dept"] == "33"
    assert any("(33)" in w and "services locaux" in w for w in out["warnings"])
    kinds = [r["kind"] for r in out["recommendations"]]
    assert kinds[0] == "duty_doctor_116117" and "pdsa_3966" not in kinds
    assert "Gers" not in json.dumps([r["why"] for r in out["recommendations"]] + [a for r in out["recommendations"]
                                                                                  for a in r["advice"]])


def test_a_stroke_far_away_gets_the_15_first_and_no_gers_emergency_department():
    out = run_ask("--commune", "bruxelles", "--at", "2026-03-10T10:00", "--fact", "red_flag=stroke", "--fact", "deaf=no")
    assert out["commune"]["name"] == "Brutelles" and any("Brutelles (80)" in w for w in out["warnings"])
    kinds = [r["kind"] for r in out["recommendations"]]
    assert kinds[:2] == ["emergency_15", "emergency_112"] and "urgences" not in kinds


def test_national_lines_stay_outside_the_area():
    bordeaux = GAZ.get("33063")
    phones = set()
    for facts, moment in [({"need": "poisoning"}, "2026-03-10T15:00"),
                          ({"red_flag": "stroke", "deaf": "yes"}, "2026-03-10T15:00"),
                          ({"red_flag": "suicidal", "deaf": "no"}, "2026-03-10T15:00"),
                          ({"red_flag": "none", "need": "consult"}, "2026-03-10T21:00"),
                          ({"red_flag": "none", "need": "medication", "has_prescription": "yes"}, "2026-11-29T10:00"),
                          ({"red_flag": "none", "need": "find_gp"}, "2026-03-10T10:00")]:
        phones |= {r.phone for r in orient(KNOWLEDGE, facts, at(moment), bordeaux).recommendations}
    assert NATIONAL_PHONES <= phones


@pytest.mark.parametrize("code, kept", [("47195", True), ("40001", False)])  # Nérac 20 km, Aire 58 km from Condom
def test_a_border_commune_keeps_gers_services_only_within_the_local_reach(code, kept):
    place, condom = GAZ.get(code), GAZ.get("32107")
    distance = haversine_km(place.lat, place.lon, condom.lat, condom.lon)
    assert (distance <= LOCAL_REACH_KM) is kept
    answer = orient(KNOWLEDGE, {"red_flag": "chest_pain", "deaf": "no"}, at("2026-03-10T03:00"), place)
    urgences = [r for r in answer.recommendations if r.kind == "urgences"]
    assert bool(urgences) is kept
    assert answer.recommendations[0].kind == "emergency_15"



@pytest.mark.parametrize("code, moment, local_hour, period", [
    ("97120", "2026-11-24T09:00", "4h00", "pdsa_night"),    # Pointe-à-Pitre: 4 am on a Tuesday
    ("97209", "2026-11-24T13:30", "8h30", "weekday_day"),   # Fort-de-France: the offices open
    ("97411", "2026-11-24T18:30", "21h30", "pdsa_evening"),  # Saint-Denis (La Réunion): the evening
    ("97611", "2026-11-28T10:30", "12h30", "pdsa_weekend"),  # Mamoudzou: Saturday afternoon
])
def test_overseas_the_period_of_care_follows_the_patients_own_clock(code, moment, local_hour, period):
    # `--at` is Paris time; a GP's office at 4 am in Guadeloupe is closed whatever Paris says.
    place = GAZ.get(code)
    answer = orient(KNOWLEDGE, {"red_flag": "none", "need": "consult", "has_gp": "yes"}, at(moment), place)
    assert answer.period == period
    assert answer.at == at(moment)  # the moment itself stays Paris time (contract)
    assert any(f"Heure locale à {place.name} : {local_hour}" in w for w in answer.warnings), answer.warnings
    if period == "pdsa_night":
        assert answer.recommendations[0].kind != "gp"


def test_in_corsica_and_the_gers_the_clock_is_paris_and_nothing_is_said_about_it():
    for code in ("2A004", "32013"):
        answer = orient(KNOWLEDGE, {"red_flag": "none", "need": "consult"}, at("2026-11-24T09:00"), GAZ.get(code))
        assert answer.period == "weekday_day" and not any("Heure locale" in w for w in answer.warnings)

def test_inside_the_gers_nothing_is_flagged():
    answer = orient(KNOWLEDGE, {"red_flag": "none", "need": "consult"}, at("2026-03-10T21:00"), GAZ.get("32462"))
    assert answer.warnings == [] and answer.recommendations[0].kind == "pdsa_3966"


# --- issue 13, item 10: with a vital sign no emergency department is a place to go -----------

@settings(max_examples=150, deadline=None)
@given(examples(lambda draw: draw.pick(VITAL_SIGNS), lambda draw: draw.pick(("yes", "no")),
                lambda draw: draw.pick([p for p in PLACES if p.dept in ("32", "47")]), moment_in_2026_or_2027))
def test_an_emergency_department_is_information_after_the_15_with_the_15_decides(example):
    flag, deaf, place, moment = example
    answer = orient(KNOWLEDGE, {"red_flag": flag, "deaf": deaf}, moment, place)
    kinds = [r.kind for r in answer.recommendations]
    for i, rec in enumerate(answer.recommendations):
        if rec.kind == "urgences":
            assert rec.action == "info" and i > kinds.index("emergency_15")
            assert DO_NOT_GO in rec.advice and "Appelez le 15 avant de vous déplacer." in rec.advice
            assert "Auch" not in rec.why or rec.commune_name == "Auch"


def test_the_json_of_orient_ask_gives_condom_as_information_with_the_15_decides():
    out = run_ask("--commune", "condom", "--at", "2026-03-10T03:00", "--fact", "red_flag=chest_pain", "--fact", "deaf=no")
    recs = out["recommendations"]
    assert recs[0]["kind"] == "emergency_15"
    condom = next(r for r in recs if r["service_id"] == "ch-condom-urgences")
    assert condom["action"] == "info" and DO_NOT_GO in condom["advice"]
    assert "Appelez le 15 avant de vous déplacer." in condom["advice"] and "Auch" not in condom["why"]


def test_the_sheet_and_the_text_carry_the_15_decides_for_condom():
    answer = orient(KNOWLEDGE, {"red_flag": "chest_pain", "deaf": "no"}, at("2026-03-10T03:00"), GAZ.get("32107"))
    assert f"⚠ {DO_NOT_GO}" in render_answer(answer)
    steps = build_handout(answer).steps
    assert any(DO_NOT_GO in details for _, details in steps)


# --- 6. Closing soon: JSON, text, sheet -----------------------------------------------------------

def test_the_3966_at_23h50_says_the_15_after_midnight_everywhere():
    out = run_ask("--commune", "auch", "--at", "2026-03-10T23:50", "--fact", "red_flag=none", "--fact", "need=consult")
    first = out["recommendations"][0]
    line = "Ferme bientôt (à minuit) : ensuite, appelez le 15."
    assert first["kind"] == "pdsa_3966" and line in first["advice"]
    answer = orient(KNOWLEDGE, {"red_flag": "none", "need": "consult"}, at("2026-03-10T23:50"), GAZ.get("32013"))
    assert f"⚠ {line}" in render_answer(answer)
    assert line in build_handout(answer).steps[0][1]
    earlier = orient(KNOWLEDGE, {"red_flag": "none", "need": "consult"}, at("2026-03-10T23:20"), GAZ.get("32013"))
    assert not any("Ferme bientôt" in a for a in earlier.recommendations[0].advice)


# --- 4. Bridge days: a pharmacy's own hours ----------------------------------------------------------

def test_on_a_bridge_day_a_pharmacy_follows_its_own_hours_not_holiday_hours(tmp_path):
    folder = embedded_copy_with(tmp_path / "directory", paths.directory_dir(), "pharmacies.yaml",
        "services:\n"
        "  - id: pharmacie-test-auch\n"
        "    name: Pharmacie d'essai\n"
        "    kind: pharmacie\n"
        "    commune: \"32013\"\n"
        "    phones: [\"05 62 00 00 00\"]\n"
        "    opening_hours: \"Mo-Sa 09:00-19:00; PH off\"\n"
        "    sources: [\"test\"]\n")
    knowledge = Knowledge.load(directory_dir=folder)
    facts = {"red_flag": "none", "need": "medication", "has_prescription": "yes", "can_travel": "yes"}
    bridge = orient(knowledge, facts, at("2026-05-15T10:00"), GAZ.get("32013"))  # Friday after Ascension
    first = bridge.recommendations[0]
    assert (first.kind, first.open_now) == ("pharmacie", True)
    assert "pharmacie_garde" not in [r.kind for r in bridge.recommendations]
    holiday = orient(knowledge, facts, at("2026-05-14T10:00"), GAZ.get("32013"))  # Ascension itself
    assert holiday.recommendations[0].kind == "pharmacie_garde"


# --- 8. Honest data ----------------------------------------------------------------------------------

def test_an_entry_taken_from_the_facts_shows_its_source_date_not_a_check():
    answer = orient(KNOWLEDGE, {"red_flag": "none", "need": "consult", "has_gp": "no", "can_travel": "yes"},
                    at("2026-03-10T10:00"), GAZ.get("32132"))
    fleurance = next(r for r in answer.recommendations if r.service_id == "cds-fleurance")
    assert fleurance.verified is None and fleurance.source_date == "2026-02-01"
    assert "source du 01/02/2026" in render_answer(answer)


# --- 9. orient check: a selector that no entry can satisfy ------------------------------------------

def test_check_warns_on_a_selector_without_entries_nor_text(tmp_path):
    rules = embedded_copy_with(tmp_path / "rules", paths.rules_dir(), "zz_test.yaml",
        "rules:\n"
        "  - id: test.teleconsultation\n"
        "    title: Une téléconsultation\n"
        "    priority: 100\n"
        "    when:\n"
        "      need: consult\n"
        "    recommendations:\n"
        "      - kind: teleconsultation\n"
        "        action: call\n"
        "        select: {kind: teleconsultation, limit: 1}\n"
        "        why: \"Une téléconsultation.\"\n"
        "    sources: [\"R6315-1 CSP\"]\n"
        "    examples:\n"
        "      - name: un besoin de médecin\n"
        "        facts: {red_flag: none, need: consult}\n"
        "        period: weekday_day\n"
        "        expect: [gp]\n"
        "        missing: [has_gp, gp_reachable, can_travel]\n")
    knowledge = Knowledge.load(rules_dir=rules)
    problems = selectors_without_answer(knowledge.rules, knowledge.directory)
    assert [p.severity for p in problems] == ["warning"]
    assert "zz_test.yaml:8" in str(problems[0]) and "teleconsultation" in str(problems[0])
    env = dict(os.environ, ORIENT_JOURNAL="off")
    done = subprocess.run([sys.executable, "-m", "orient", "check", "--rules", str(rules)], capture_output=True,
                          text=True, env=env, timeout=120)
    assert "zz_test.yaml:8: warning:" in done.stdout, done.stdout + done.stderr
    assert selectors_without_answer(KNOWLEDGE.rules, KNOWLEDGE.directory) == []


# --- A line that says "not the pharmacist" is not titled as a pharmacy ---------------------------

def test_a_baby_with_a_burn_is_told_a_doctor_not_shown_a_pharmacy_to_go_to():
    answer = run_ask("--commune", "st clar", "--at", "2026-12-02T10:00", "--fact", "red_flag=none",
                     "--fact", "need=minor_care", "--fact", "minor_problem=burn", "--fact", "age=0")
    lines = answer["recommendations"]
    not_alone = [rec for rec in lines if rec["rule"] == "minor_care.doctor_instead"]
    assert len(not_alone) == 1, lines
    named = next(rec for rule in KNOWLEDGE.rules.rules if rule.id == "minor_care.doctor_instead"
                 for rec in rule.recommendations)
    assert named.name is not None and not_alone[0]["name"] == named.name.template
    # "pharmacien" (the person who cannot act alone) is fine; "une pharmacie" (a place) is not.
    assert not any(re.search(r"\bpharmacies?\b", rec["name"], re.I) for rec in lines), [rec["name"] for rec in lines]
    assert all(rec["kind"] != "pharmacie" or rec["action"] == "info" for rec in lines)


def test_every_info_line_without_a_directory_entry_has_its_own_name():
    """An `info` with neither service nor select is always shown under the kind's generic name
    ("Une pharmacie ouverte") unless the rule names it: only the dental one, whose generic name
    ("Pas de garde dentaire connue") says what it means, may go without."""
    unnamed = [rule.id for rule in KNOWLEDGE.rules.rules for rec in rule.recommendations
               if rec.action == "info" and rec.service_id is None and rec.select is None and rec.name is None
               and rec.kind not in ("dentiste_garde",)]
    assert unnamed == []
