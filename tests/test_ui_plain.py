"""The UI's plain parts, without a screen: the case, the "quand ?" field, the keymap, the sheet's folder and printer."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from orient.periods import PARIS
from orient.render.handout import default_handout_dir, print_command, send_to_printer
from orient.ui.case import Case
from orient.ui.keymap import default_keymap_path, load_keymap
from orient.ui.moment import parse_when
from orient.ui.views import fact_choices

SATURDAY_14H = datetime(2026, 11, 28, 14, 0, tzinfo=PARIS)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=PARIS)


@pytest.mark.parametrize("typed, expected", [
    ("", None),
    ("maintenant", None),
    ("22h", at(28, 22)),
    ("22h30", at(28, 22, 30)),
    ("22:30", at(28, 22, 30)),
    ("8h", at(29, 8)),  # already past today: tomorrow morning
    ("demain 8h", at(29, 8)),
    ("demain à 8h", at(29, 8)),
    ("samedi 14h", at(28, 14)),
    ("Lundi 9H", at(30, 9)),
    ("ce soir", at(28, 21)),
    ("cette nuit", at(29, 2)),
    ("28/11 14h", at(28, 14)),
    ("2026-11-28T14:00", at(28, 14)),
])
def test_the_when_field_understands_what_an_agent_types(typed, expected):
    assert parse_when(typed, SATURDAY_14H) == expected


@pytest.mark.parametrize("typed", ["xx", "demain", "25h", "31/02 10h", "2026-13-01T10:00"])
def test_the_when_field_explains_what_it_expects_in_french(typed):
    with pytest.raises(ValueError, match="écrivez par exemple"):
        parse_when(typed, SATURDAY_14H)


def test_a_case_goes_back_one_answer_at_a_time():
    case = Case()
    case.give("red_flag", "none")
    case.skip("deaf")
    case.give("need", "consult")
    assert case.back() == "need" and "need" not in case.facts
    assert case.back() == "deaf" and "deaf" not in case.skipped
    assert case.back() == "red_flag" and case.facts == {}
    assert case.back() is None


def test_answering_again_replaces_the_previous_answer():
    case = Case()
    case.give("red_flag", "none")
    case.give("red_flag", "stroke")
    assert case.steps == ["red_flag"] and case.emergency


def test_yes_no_keys_follow_the_wording_of_the_question_not_the_fact_value():
    # "La personne peut-elle téléphoner ?" — o (oui, elle peut) means deaf=no.
    assert [(slot, value) for slot, value, _ in fact_choices("deaf")] == [("yes", "no"), ("no", "yes")]
    assert [(slot, value) for slot, value, _ in fact_choices("fever")] == [("yes", "yes"), ("no", "no")]


def test_lists_are_numbered_1_to_9_then_0():
    slots = [slot for slot, _, _ in fact_choices("red_flag")]
    assert slots == ["1", "2", "3", "4", "5", "6", "7", "8", "9", "0"]
    assert fact_choices("red_flag")[0][1] == "none"
    assert fact_choices("age") == []


def test_a_keymap_file_remaps_known_ids_and_reports_the_others(tmp_path):
    path = tmp_path / "keymap.toml"
    path.write_text('[keymap]\n"app.next_patient" = "f5"\n"app.nothing" = "f6"\n"answer.why" = 3\n')
    keymap, problems = load_keymap(path, ["app.next_patient", "answer.why"])
    assert keymap == {"app.next_patient": "f5"}
    assert len(problems) == 2 and "app.nothing" in problems[0]


def test_a_missing_or_broken_keymap_never_stops_the_counter(tmp_path):
    assert load_keymap(tmp_path / "absent.toml", []) == ({}, [])
    broken = tmp_path / "broken.toml"
    broken.write_text("[keymap\n")
    keymap, problems = load_keymap(broken, [])
    assert keymap == {} and "illisible" in problems[0]


def test_the_keymap_lives_in_the_user_config_unless_told_otherwise():
    assert default_keymap_path({"XDG_CONFIG_HOME": "/cfg"}) == Path("/cfg/orient/keymap.toml")
    assert default_keymap_path({"ORIENT_KEYMAP": "/etc/orient.toml"}) == Path("/etc/orient.toml")


def test_sheets_go_to_the_folder_named_in_the_environment_or_the_user_data_dir():
    assert default_handout_dir({"ORIENT_HANDOUT_DIR": "/srv/fiches"}) == Path("/srv/fiches")
    assert default_handout_dir({"XDG_DATA_HOME": "/data"}) == Path("/data/orient/fiches")


def test_no_printer_is_used_unless_one_is_configured(tmp_path):
    sheet = tmp_path / "fiche-patient.txt"
    assert print_command(sheet, {"PATH": "/usr/bin:/bin"}) is None
    assert send_to_printer(sheet, {"PATH": "/usr/bin:/bin"}) is None


def test_a_configured_printer_without_lp_is_reported_not_raised(tmp_path):
    status = send_to_printer(tmp_path / "x.txt", {"ORIENT_PRINTER": "comptoir", "PATH": str(tmp_path)})
    assert status == "impression impossible : commande lp introuvable"


def test_the_default_printer_or_a_named_queue(tmp_path):
    lp = tmp_path / "lp"
    lp.write_text("#!/bin/sh\nexit 0\n")
    lp.chmod(0o755)
    sheet = tmp_path / "fiche-patient.txt"
    assert print_command(sheet, {"ORIENT_PRINTER": "oui", "PATH": str(tmp_path)}) == [str(lp), str(sheet)]
    assert print_command(sheet, {"ORIENT_PRINTER": "accueil", "PATH": str(tmp_path)}) == \
        [str(lp), "-d", "accueil", str(sheet)]
    assert send_to_printer(sheet, {"ORIENT_PRINTER": "accueil", "PATH": str(tmp_path)}) == "imprimée (accueil)"


def test_the_sheet_says_a_number_once_and_no_hours_for_an_always_open_line():
    from orient.answer import Answer, Recommendation
    from orient.render.handout import build_handout

    line = Recommendation(rank=1, kind="pharmacie_garde", action="call", name="3237 – pharmacie de garde",
                          rule="pharmacy.night", why="Cette nuit.", sources=["L5125-22 CSP"], phone="3237",
                          service_id="resogardes-3237", open_now=True, hours="ouvert 24h/24", verified="2026-11-01")
    place = Recommendation(rank=2, kind="centre_sante", action="go", name="Centre de santé", rule="gp.cds",
                           why="Sans rendez-vous.", sources=["x"], phone="05 62 00 00 00", service_id="cds",
                           open_now=True, hours="ouvert, ferme à 18h", address="1 rue Haute, Fleurance",
                           verified="2026-11-01")
    answer = Answer(at=SATURDAY_14H, period="pdsa_weekend", commune=None, missing=[], recommendations=[line, place])
    text = build_handout(answer).to_text()
    assert "1. Appeler le 3237 — pharmacie de garde" in text
    assert "24h/24" not in text
    assert "Horaires : ouvert, ferme à 18h" in text and "Adresse : 1 rue Haute, Fleurance" in text
