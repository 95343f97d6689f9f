"""`orient ask` end to end, as other programs drive it, on the embedded data: a real process for the
JSON contract, the text output, the refusals of a commune, a fact, a moment and of broken rules, and
a global option written before the command; `orient.cli.main` in the test process for the other
answers and facts (`cli_run`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import cli_run
import pytest

CONTRACT_KEYS = {"at", "period", "commune", "missing", "recommendations", "warnings"}
RECOMMENDATION_KEYS = {"rank", "kind", "action", "name", "phone", "service_id", "distance_km", "open_now",
                       "rule", "why", "sources"}


def run_orient(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, ORIENT_JOURNAL="off")
    return subprocess.run([sys.executable, "-m", "orient", *args], capture_output=True, text=True, env=env,
                          timeout=60)


def orient_main(*args: str) -> subprocess.CompletedProcess:
    return cli_run.run_main(*args, env={"ORIENT_JOURNAL": "off"})


def ask_json(*args: str, run=orient_main) -> dict:
    result = run("ask", "--json", "--no-journal", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_a_saturday_afternoon_consultation_in_masseube_goes_to_the_3966():
    answer = ask_json("--commune", "masseube", "--at", "2026-11-28T14:00",
                      "--fact", "red_flag=none", "--fact", "need=consult", run=run_orient)
    assert CONTRACT_KEYS <= answer.keys()
    assert answer["at"] == "2026-11-28T14:00:00+01:00"
    assert answer["period"] == "pdsa_weekend"
    assert answer["commune"]["code"] == "32242"
    assert answer["commune"]["name"] == "Masseube"
    first = answer["recommendations"][0]
    assert RECOMMENDATION_KEYS <= first.keys()
    assert (first["kind"], first["action"], first["phone"]) == ("pdsa_3966", "call", "3966")
    assert [r["rank"] for r in answer["recommendations"]] == list(range(1, len(answer["recommendations"]) + 1))
    for rec in answer["recommendations"]:
        assert rec["rule"] and rec["sources"], rec


@pytest.mark.parametrize("deaf, expected", [("no", "emergency_15"), ("yes", "sms_114")])
def test_a_vital_sign_puts_the_15_first_or_the_114_for_a_deaf_person(deaf, expected):
    answer = ask_json("--commune", "Auch", "--at", "2026-07-14T10:00", "--fact", "red_flag=chest_pain",
                      "--fact", f"deaf={deaf}", "--fact", "need=medication", "--fact", "has_gp=yes",
                      "--fact", "gp_reachable=yes")
    assert answer["recommendations"][0]["kind"] == expected


def test_an_emergency_with_an_unknown_commune_still_answers_with_a_warning():
    result = orient_main("ask", "--json", "--no-journal", "--commune", "zzqxwv", "--fact", "red_flag=stroke")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["recommendations"][0]["kind"] == "emergency_15"
    assert answer["commune"] is None
    assert any("zzqxwv" in w for w in answer["warnings"])


def test_an_unknown_commune_without_emergency_is_bad_input_with_closest_matches():
    result = run_orient("ask", "--commune", "fleurancqqq", "--fact", "red_flag=none", "--no-journal")
    assert result.returncode == 2
    assert "introuvable" in result.stderr
    assert "Fleurance" in result.stderr


@pytest.mark.parametrize("fact, named", [
    ("colour=blue", "colour"),
    ("red_flag=headache", "chest_pain"),  # the allowed values are listed
    ("age=old", "age"),
    ("age=-3", "age"),
    ("need", "NAME=VALUE"),
])
def test_a_bad_fact_is_bad_input_naming_the_fact_and_allowed_values(fact, named):
    run = run_orient if fact == "colour=blue" else orient_main  # one real process for the refusal
    result = run("ask", "--fact", fact, "--no-journal")
    assert result.returncode == 2
    assert named in result.stderr


def test_yes_and_no_facts_take_oui_and_non_on_the_command_line():
    """An agent types French: `deaf=oui` is deaf=yes — with a vital sign, the 114 first, not a fact dropped."""
    answer = ask_json("--fact", "red_flag=stroke", "--fact", "deaf=Oui")
    assert answer["recommendations"][0]["phone"] == "114" and answer["warnings"] == []
    answer = ask_json("--commune", "Auch", "--at", "2026-11-24T10:00", "--fact", "red_flag=none", "--fact", "need=consult",
                      "--fact", "has_gp=NON", "--fact", "deaf=non")
    assert "has_gp" not in answer["missing"] and "deaf" not in answer["missing"]
    refused = orient_main("ask", "--fact", "deaf=si", "--no-journal")
    assert refused.returncode == 2 and "yes, no" in refused.stderr
    refused = orient_main("ask", "--fact", "need=oui", "--no-journal")  # not a yes/no fact
    assert refused.returncode == 2


def test_an_unparseable_moment_is_bad_input():
    result = run_orient("ask", "--at", "samedi soir", "--no-journal")
    assert result.returncode == 2
    assert "--at" in result.stderr


def test_invalid_rules_data_exits_1_with_path_and_line(tmp_path):
    (tmp_path / "broken.yaml").write_text("- id: x\n  title: [unclosed\n", encoding="utf-8")
    result = run_orient("ask", "--rules", str(tmp_path), "--no-journal")
    assert result.returncode == 1
    assert "broken.yaml:" in result.stderr


@pytest.mark.parametrize("broken", ["rules", "directory"])
def test_invalid_data_refuses_a_vital_sign_too_but_says_the_15_and_the_114_first(broken, data_copy):
    """No answer can be ranked on invalid data (exit 1, the contract), yet a vital sign is never met
    by a list of file problems alone: the first line says to call the 15 (H19)."""
    rules, directory = data_copy
    folder = {"rules": rules, "directory": directory}[broken]
    (folder / "broken.yaml").write_text("- id: x\n  title: [unclosed\n", encoding="utf-8")
    data = ("--rules", str(rules), "--directory", str(directory), "--no-journal")
    for facts in (("red_flag=stroke",), ("red_flag=breathing", "deaf=yes")):
        result = orient_main("ask", *data, *(arg for fact in facts for arg in ("--fact", fact)))
        assert result.returncode == 1 and result.stdout == ""
        first, *problems = result.stderr.splitlines()
        if "deaf=yes" in facts:  # a deaf person texts the 114: it comes first (H79)
            assert first.startswith("orient ask: signe d'urgence vitale, personne sourde : SMS au 114 maintenant")
            assert "le 15" in first and "appelez le 15 maintenant" not in first
        else:
            assert first.startswith("orient ask: signe d'urgence vitale : appelez le 15 maintenant") and "SMS au 114" in first
        assert any(f"{folder / 'broken.yaml'}:" in line for line in problems)
    calm = orient_main("ask", *data, "--fact", "red_flag=none")
    assert calm.returncode == 1 and "appelez le 15" not in calm.stderr and "broken.yaml:" in calm.stderr


def test_the_text_output_is_french_numbered_steps_with_the_why():
    result = run_orient("ask", "--commune", "32800", "--at", "2026-11-24T22:30", "--fact", "red_flag=none",
                        "--fact", "need=medication", "--no-journal")
    assert result.returncode == 0, result.stderr
    assert "1. " in result.stdout
    assert "Pourquoi" in result.stdout
    assert "Source" in result.stdout


def test_no_facts_at_all_asks_for_the_vital_signs_first_and_still_gives_a_number_to_call():
    answer = ask_json("--at", "2026-11-24T10:00")
    assert answer["missing"][0] == "red_flag"
    assert any(r["action"] == "call" for r in answer["recommendations"])


@pytest.mark.parametrize("placement", ["before", "after"])
def test_the_home_departement_decides_homonyms_wherever_the_flag_is_written(placement):
    flag = ["--home-dept", "24"]
    args = [*flag, "ask"] if placement == "before" else ["ask", *flag]
    run = run_orient if placement == "before" else orient_main
    result = run(*args, "--json", "--no-journal", "--commune", "Plaisance", "--fact", "red_flag=none",
                        "--at", "2026-11-24T10:00")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["commune"]["code"] == "24168"


def test_plaisance_is_the_gers_one_by_default():
    answer = ask_json("--commune", "Plaisance", "--fact", "red_flag=none", "--at", "2026-11-24T10:00")
    assert answer["commune"]["code"] == "32319"


@pytest.mark.parametrize("fact", ["red_flag=chest-pain", "red_flag=douleur poitrine", "RED_FLAG=stroke",
                                  "red-flag=stroke", "red_flag="])
def test_a_vital_sign_typed_wrong_is_refused_but_the_refusal_names_the_15_and_the_114(fact):
    # A typo in the vital sign itself is bad input (exit 2, the contract), but the person typed
    # a vital sign: the refusal must not be all they read, it says to call the 15 now.
    result = run_orient("ask", "--fact", fact, "--fact", "need=consult", "--no-journal")
    assert result.returncode == 2
    first = result.stderr.splitlines()[0]
    assert first.startswith("orient ask: ") and "appelez le 15" in first and "SMS au 114" in first
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("facts", [["red_flag=none", "need=consultt"], ["colour=blue"], ["red_flag=none", "age=x"]])
def test_a_typo_without_a_vital_sign_is_refused_without_the_15_line(facts):
    args = [arg for fact in facts for arg in ("--fact", fact)]
    result = orient_main("ask", *args, "--no-journal")
    assert result.returncode == 2 and "appelez le 15" not in result.stderr


def test_an_address_pasted_from_a_map_is_answered_for_its_commune():
    answer = ask_json("--commune", "12 Rue Gambetta, 32000 Auch, France", "--at", "2026-11-28T14:00",
                      "--fact", "red_flag=none", "--fact", "need=consult", run=run_orient)
    assert answer["commune"]["code"] == "32013" and answer["warnings"] == []


@pytest.mark.parametrize("fact", ["red_flag=chest-pain", "RED_FLAG=stroke"])
def test_a_vital_sign_typed_wrong_for_a_deaf_person_puts_the_sms_to_the_114_first(fact):
    # The safety rule: the 15 first, the 114 for a deaf person; a deaf person never calls (H79).
    result = run_orient("ask", "--fact", fact, "--fact", "deaf=yes", "--no-journal")
    assert result.returncode == 2
    first = result.stderr.splitlines()[0]
    assert first.startswith("orient ask: signe d'urgence vitale non compris : s'il y en a un, personne sourde : "
                            "SMS au 114 maintenant"), first
    assert "appelez le 15" not in first and "Traceback" not in result.stderr
