"""The UI's plain parts, without a screen: the case, the "quand ?" field, the keymap, the sheet's folder and printer."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orient.periods import PARIS
from orient.render.handout import default_handout_dir, print_command, send_to_printer
from orient.ui.case import Case
from orient.ui.keymap import default_keymap_path, load_keymap
from orient.ui.moment import explain_when, parse_when
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
    # Issue 13: hours as people say them.
    ("dim 3h", at(29, 3)),
    ("dimanche matin", at(29, 9)),
    ("Dimanche après-midi", at(29, 15)),
    ("lun. 9h", at(30, 9)),
    ("mar 10h", datetime(2026, 12, 1, 10, 0, tzinfo=PARIS)),
    ("25 décembre 14h", datetime(2026, 12, 25, 14, 0, tzinfo=PARIS)),
    ("le 25 dec à 14h", datetime(2026, 12, 25, 14, 0, tzinfo=PARIS)),
    ("noël 14h", datetime(2026, 12, 25, 14, 0, tzinfo=PARIS)),
    ("jour de l'an 10h", datetime(2027, 1, 1, 10, 0, tzinfo=PARIS)),
    ("1er janvier 2027 8h", datetime(2027, 1, 1, 8, 0, tzinfo=PARIS)),
    ("dans 2h", at(28, 16)),
    ("dans 1h30", at(28, 15, 30)),
    ("dans 45 min", at(28, 14, 45)),
    ("demain", at(29, 14)),  # a day alone: the current hour, and the preview says so
    ("demain soir", at(29, 21)),
    ("vendredi nuit", datetime(2026, 12, 5, 2, 0, tzinfo=PARIS)),  # the night after Friday
    ("14h demain", at(29, 14)),
    ("matin", at(29, 9)),  # already past today: tomorrow's
    # Midnight after a day ends that day: Saturday midnight is the night from Saturday to Sunday.
    ("samedi minuit", at(29, 0)),
    ("samedi 24h", at(29, 0)),
    ("samedi à 24:00", at(29, 0)),
    ("minuit samedi", at(29, 0)),
    ("dimanche minuit", at(30, 0)),
    ("samedi 0h", at(28, 0)),  # 0h is the start of the day named
    ("24h", at(29, 0)),
    ("minuit", at(29, 0)),
])
def test_the_when_field_understands_what_an_agent_types(typed, expected):
    assert parse_when(typed, SATURDAY_14H) == expected


@pytest.mark.parametrize("typed, note", [
    ("dimanche matin", "matin = 9h"),
    ("samedi après-midi", "après-midi = 15h"),
    ("ce soir", "soir = 21h"),
    ("demain", "heure non précisée : même heure que maintenant"),
    ("noël", "heure non précisée : même heure que maintenant"),
    ("22h", ""),
    ("samedi minuit", "minuit = fin de la journée : nuit de samedi à dimanche"),
    ("25 décembre 24h", "minuit = fin de la journée : nuit de vendredi à samedi"),
])
def test_the_preview_says_which_hour_a_part_of_the_day_means(typed, note):
    assert explain_when(typed, SATURDAY_14H).note == note


@pytest.mark.parametrize("typed", ["xx", "25h", "31/02 10h", "2026-13-01T10:00", "dans 9999 jours",
                                   "31/12/9999 nuit", "32 décembre", "dimanche 3 heures et quart"])
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


def fake_command(folder: Path, name: str, script: str) -> Path:
    command = folder / name
    command.write_text("#!/bin/sh\n" + script + "\n")
    command.chmod(0o755)
    return command


def test_printing_turned_off_never_prints(tmp_path):
    fake_command(tmp_path, "lp", "exit 0")
    sheet = tmp_path / "fiche-patient.txt"
    for off in ("off", "non", "0"):
        assert print_command({"ORIENT_PRINTER": off, "PATH": str(tmp_path)}) is None
        assert send_to_printer(sheet, {"ORIENT_PRINTER": off, "PATH": str(tmp_path)}) is None


def test_without_configuration_the_system_default_printer_is_used(tmp_path):
    lp = fake_command(tmp_path, "lp", "exit 0")
    fake_command(tmp_path, "lpstat", 'echo "destination système par défaut : accueil"')
    sheet = tmp_path / "fiche-patient.txt"
    sheet.write_text("Où vous faire soigner\n", encoding="utf-8")
    assert print_command({"PATH": str(tmp_path)}) == [str(lp), "-t", "fiche-patient"]  # the sheet on its stdin
    assert send_to_printer(sheet, {"PATH": str(tmp_path)}) == "imprimée (imprimante par défaut)"


def test_without_a_printer_the_sheet_opens_in_the_browser_of_a_graphical_session(tmp_path):
    fake_command(tmp_path, "lpstat", "echo 'no system default destination' ; exit 1")
    opened = tmp_path / "opened"
    fake_command(tmp_path, "xdg-open", f'echo "$1" > {opened}')
    sheet = tmp_path / "fiche-patient.txt"
    env = {"PATH": str(tmp_path), "DISPLAY": ":0"}
    assert send_to_printer(sheet, env) == "ouverte dans le navigateur : imprimez-la avec Ctrl+P"
    for _ in range(100):  # the browser is started in the background: wait for its whole line
        if opened.exists() and opened.read_text().endswith("\n"):
            break
        import time

        time.sleep(0.05)
    assert opened.read_text().strip() == str(tmp_path / "fiche-patient.html")


def test_without_a_printer_nor_a_browser_the_message_says_where_the_sheet_is(tmp_path):
    sheet = tmp_path / "fiche-patient.txt"
    status = send_to_printer(sheet, {"PATH": str(tmp_path)})
    assert status == f"non imprimée : pas d'imprimante ; elle est dans {tmp_path / 'fiche-patient.html'}"


def test_a_configured_printer_without_lp_is_reported_not_raised(tmp_path):
    status = send_to_printer(tmp_path / "x.txt", {"ORIENT_PRINTER": "comptoir", "PATH": str(tmp_path)})
    assert status == "impression impossible : commande lp introuvable"


def test_the_default_printer_or_a_named_queue(tmp_path):
    lp = tmp_path / "lp"
    lp.write_text("#!/bin/sh\nexit 0\n")
    lp.chmod(0o755)
    sheet = tmp_path / "fiche-patient.txt"
    sheet.write_text("Où vous faire soigner\n", encoding="utf-8")
    assert print_command({"ORIENT_PRINTER": "oui", "PATH": str(tmp_path)}) == [str(lp), "-t", "fiche-patient"]
    assert print_command({"ORIENT_PRINTER": "accueil", "PATH": str(tmp_path)}) == \
        [str(lp), "-d", "accueil", "-t", "fiche-patient"]
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


PHRASE_PARTS = st.sampled_from([
    "", " ", "demain", "dim", "dimanche", "lun.", "noël", "jour de l'an", "25 décembre", "1er janvier", "28/11",
    "31/02", "matin", "midi", "après-midi", "soir", "nuit", "14h", "3h", "22h30", "25h", "à", "le", "dans", "2h",
    "30 min", "ce", "cette", "2026-11-28T14:00", "?", "0", "9999", "xx", "1er", "/",
])


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.lists(PHRASE_PARTS, max_size=5).map(" ".join), st.text(max_size=30)))
def test_any_phrase_is_one_moment_or_refused_with_an_example(typed):
    try:
        when = explain_when(typed, SATURDAY_14H)
    except ValueError as exc:
        assert "par exemple" in str(exc) and "\n" not in str(exc)
        return
    if when is not None:  # one moment, in Paris time, that the preview can show with its period
        assert when.at.tzinfo is not None and parse_when(typed, SATURDAY_14H) == when.at
        from orient.periods import classify
        from orient.ui.views import short_moment

        assert classify(when.at) and short_moment(when.at)
