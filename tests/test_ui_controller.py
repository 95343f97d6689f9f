"""The counter's controller, without a screen: plain pytest on the real rules, directory and gazetteer."""

from __future__ import annotations

import pytest

from orient.facts import FACTS
from orient.ui.controller import AGES_TRIED, CALL_15_YOURSELF, DOUBT_LINE, Counter, answered, desk_setting
from test_ui_support import FEVER, MEDICATION, SATURDAY_14H, TUESDAY_10H, knowledge, quiet_counter  # noqa: F401


@pytest.fixture
def counter(tmp_path):
    copied: list[str] = []
    notes: list[str] = []
    c = Counter(knowledge(), lambda: SATURDAY_14H, handout_dir=tmp_path,
                notify=lambda message, **_: notes.append(message), copy=copied.append)
    c.copied, c.notes = copied, notes
    return c


def play(counter: Counter, facts: dict) -> list[str]:
    """Answer what the controller asks from `facts` (a "?" for "?"); returns the questions asked."""
    asked = []
    while (name := counter.case.next_question()) is not None:
        asked.append(name)
        assert len(asked) < 20
        if facts[name] == "?":
            counter.skip(name)
        else:
            counter.give(name, facts[name])
    return asked


def test_a_case_starts_with_the_vital_sign_question(counter):
    counter.start(knowledge().gazetteer.resolve("fleurance"), None)
    assert counter.case.next_question() == "red_flag" and not counter.case.vital_asked


def test_doubt_on_the_vital_sign_puts_the_15_first_and_says_why(counter):
    counter.start(None, None)
    counter.skip("red_flag")
    answer = counter.case.answer
    assert answer.recommendations[0].kind == "emergency_15" and answer.warnings[0] == DOUBT_LINE
    assert [r.rank for r in answer.recommendations] == list(range(1, len(answer.recommendations) + 1))
    assert counter.case.emergency
    assert play(counter, {"deaf": "no"}) == ["deaf"]  # nothing else can change who to call first


def test_doubt_on_the_vital_sign_for_a_deaf_person_gives_the_114_then_the_15(counter):
    counter.start(None, None)
    counter.skip("red_flag")
    counter.give("deaf", "yes")
    assert [r.kind for r in counter.case.answer.recommendations][:2] == ["sms_114", "emergency_15"]


def test_a_vital_sign_given_after_a_doubt_replaces_it(counter):
    counter.start(None, None)
    counter.skip("red_flag")
    counter.edit("red_flag")
    counter.give("red_flag", "none")
    assert not counter.case.vital_doubt and DOUBT_LINE not in counter.case.answer.warnings


def test_after_a_dont_know_on_the_need_only_questions_that_change_rank_1_are_asked(counter):
    counter.start(None, None)
    asked = play(counter, {**FEVER, "need": "?", "minor_problem": "?", "has_prescription": "?"})
    first = counter.case.answer.recommendations[0]
    assert len(asked) < 8
    for name in counter.case.quietly_skipped:  # what was not asked could not have changed rank 1
        for value in FACTS.get(name) or AGES_TRIED:
            other = counter._orient({**counter.case.facts, name: value})
            assert other.recommendations[0].kind == first.kind
    assert set(answered(counter.case)) == set(asked)


def test_changing_an_answer_keeps_the_others(counter):
    counter.start(None, None)
    play(counter, FEVER)
    before = dict(counter.case.facts)
    counter.edit("need")
    assert counter.case.next_question() == "need"
    play(counter, MEDICATION)
    assert counter.case.facts["need"] == "medication"
    assert {k: v for k, v in before.items() if k != "need"}.items() <= counter.case.facts.items()


def test_changing_the_hour_keeps_the_answers(counter):
    from datetime import datetime

    from orient.periods import PARIS

    counter.start(None, None)
    play(counter, FEVER)
    facts = dict(counter.case.facts)
    counter.start(None, datetime(2026, 11, 30, 10, 0, tzinfo=PARIS))
    assert facts.items() <= counter.case.facts.items() and counter.case.answer.period == "weekday_day"


def test_the_situation_is_the_moment_typed_until_an_answer_gives_its_own(counter):
    from datetime import datetime

    from orient.periods import PARIS

    assert counter.situation() == (SATURDAY_14H, "pdsa_weekend")  # nothing typed: now
    monday = datetime(2026, 11, 30, 10, 0, tzinfo=PARIS)
    counter.start(None, monday)
    answer = counter.case.answer
    assert counter.situation() == (answer.at, answer.period) == (monday, "weekday_day")


def test_the_hour_field_is_read_at_the_counters_clock(counter):
    assert counter.read_when("") == (SATURDAY_14H, None)
    now, when = counter.read_when("22h")
    assert now == SATURDAY_14H and (when.at.day, when.at.hour) == (28, 22)
    with pytest.raises(ValueError, match="heure non comprise"):
        counter.read_when("xx")


def test_escape_undoes_the_last_answer_then_returns_to_where(counter):
    counter.start(None, None)
    counter.give("red_flag", "none")
    assert counter.back() and counter.case.facts == {}
    assert not counter.back() and counter.case.answer is None


def test_the_sheet_is_copied_and_saved_then_forgotten_with_the_patient(counter, tmp_path):
    counter.start(None, None)
    play(counter, FEVER)
    assert counter.sheet_reminder() is not None  # neither printed nor copied yet
    txt = counter.produce_handout()
    assert txt is not None and txt.exists() and counter.copied and "3966" in counter.copied[-1]
    assert counter.sheet_reminder() is None
    old = counter.case
    assert counter.forget_patient() == []
    assert not txt.exists() and counter.copied[-1] == "" and counter.case is not old
    assert counter.case.facts == {} and counter.last_handout is None


def test_no_sheet_before_an_answer(counter):
    assert counter.produce_handout() is None
    assert counter.notes == ["Pas encore de réponse à mettre sur la fiche."]


@pytest.mark.parametrize("red_flag", ["chest_pain", "?"])
def test_at_a_counter_a_deaf_patient_present_gets_the_15_called_by_the_agent_first(tmp_path, red_flag):
    counter = Counter(knowledge(), lambda: SATURDAY_14H, handout_dir=tmp_path, desk="comptoir")
    counter.start(None, None)
    counter.skip("red_flag") if red_flag == "?" else counter.give("red_flag", red_flag)
    counter.give("deaf", "yes")
    answer = counter.case.answer
    assert [r.kind for r in answer.recommendations][:2] == ["emergency_15", "sms_114"]
    assert answer.warnings[0] == CALL_15_YOURSELF and "114" in CALL_15_YOURSELF


def test_on_a_phone_line_a_deaf_patient_gets_the_114_first(counter):
    counter.start(None, None)
    counter.give("red_flag", "chest_pain")
    counter.give("deaf", "yes")
    assert counter.case.answer.recommendations[0].kind == "sms_114"
    assert CALL_15_YOURSELF not in counter.case.answer.warnings


def test_at_a_counter_a_hearing_patient_or_no_emergency_is_unchanged(tmp_path):
    counter = Counter(knowledge(), lambda: SATURDAY_14H, handout_dir=tmp_path, desk="comptoir")
    counter.start(None, None)
    counter.give("red_flag", "none")
    counter.give("deaf", "yes")
    assert CALL_15_YOURSELF not in counter.case.answer.warnings


@pytest.mark.parametrize("raw, desk, problem", [
    ("", "telephone", False), ("comptoir", "comptoir", False), ("Téléphone", "telephone", False),
    ("bureau", "telephone", True),
])
def test_the_desk_setting_is_read_from_the_environment(raw, desk, problem):
    got, message = desk_setting({"ORIENT_DESK_MODE": raw})
    assert got == desk and (message is not None) == problem
    if message:
        assert "ORIENT_DESK_MODE" in message and "comptoir" in message


def test_the_number_of_rank_1_can_be_copied_alone_and_is_forgotten_with_the_patient(counter):
    assert counter.copy_first_number() is None  # no answer yet
    counter.start(None, None)
    play(counter, FEVER)
    assert counter.copy_first_number() == "3966" and counter.copied[-1] == "3966"
    counter.forget_patient()
    assert counter.copied[-1] == ""


# --- "Signaler" (issue 14): a line of the answer reported from the counter ---------------------

def test_a_line_of_the_answer_is_reported_with_the_desk_the_entry_and_the_minute_only(counter, tmp_path,
                                                                                      monkeypatch):
    from orient.corrections import CorrectionStore

    monkeypatch.setenv("ORIENT_DESK", "mairie-fleurance")
    counter.corrections_path = tmp_path / "corrections.sqlite3"
    counter.start(knowledge().gazetteer.resolve("fleurance"), None)
    play(counter, FEVER)
    line = next(r for r in counter.case.answer.recommendations if r.service_id)
    assert counter.report_line(line.rank, "wrong_hours") is not None
    with CorrectionStore.open(counter.corrections_path) as store:
        [row] = store.pending()
    assert (row.desk, row.entry_id, row.kind, row.text) == ("mairie-fleurance", line.service_id, "wrong_hours", None)
    assert row.reported_at == "2026-11-28T14:00+01:00"
    assert "Signalement enregistré" in counter.notes[-1] and line.name in counter.notes[-1]


def test_a_line_outside_the_directory_cannot_be_reported_and_the_agent_is_told(tmp_path):
    notes: list[str] = []
    counter = Counter(knowledge(), lambda: TUESDAY_10H, notify=lambda message, **_: notes.append(message),
                      corrections_path=tmp_path / "corrections.sqlite3")
    counter.start(knowledge().gazetteer.resolve("fleurance"), None)
    play(counter, {**FEVER, "gp_reachable": "yes"})
    first = next(r for r in counter.case.answer.recommendations if r.kind == "gp")
    assert first.service_id is None  # the patient's own GP: in no directory
    assert counter.report_line(first.rank, "no_answer") is None
    assert "ne peut pas être signalée" in notes[-1] and "Votre médecin traitant" in notes[-1]
    assert not counter.corrections_path.exists()  # nothing stored


def test_the_lines_to_report_are_the_answers_unless_none_is_in_the_directory(counter, tmp_path):
    assert counter.report_lines() == [] and "rien à signaler" in counter.notes[-1]  # no answer yet
    counter.start(knowledge().gazetteer.resolve("fleurance"), None)
    play(counter, FEVER)
    assert counter.report_lines() == list(counter.case.answer.recommendations)
    other = Counter(knowledge(), lambda: TUESDAY_10H, handout_dir=tmp_path)
    other.start(knowledge().gazetteer.resolve("fleurance"), None)
    play(other, {**FEVER, "gp_reachable": "yes"})  # the patient's own GP alone: in no directory
    assert other.report_lines() == []


def test_a_store_that_cannot_be_written_gives_a_french_message_and_keeps_the_answer(counter, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    counter.corrections_path = blocker / "corrections.sqlite3"  # its folder is a file: OSError
    counter.start(knowledge().gazetteer.resolve("fleurance"), None)
    play(counter, FEVER)
    before = counter.case.answer
    line = next(r for r in before.recommendations if r.service_id)
    assert counter.report_line(line.rank, "other", "fermé depuis octobre") is None
    assert counter.notes[-1].startswith("Signalement non enregistré") and "L'orientation continue" in counter.notes[-1]
    assert counter.case.answer is before


def test_an_unknown_kind_is_refused_with_the_backends_french_message(counter, tmp_path):
    counter.corrections_path = tmp_path / "corrections.sqlite3"
    counter.start(knowledge().gazetteer.resolve("fleurance"), None)
    play(counter, FEVER)
    line = next(r for r in counter.case.answer.recommendations if r.service_id)
    assert counter.report_line(line.rank, "stolen") is None
    assert counter.notes[-1].startswith("Signalement refusé : type de signalement inconnu")


def test_a_report_kept_on_the_desk_while_the_server_is_lost_says_so(counter, tmp_path, monkeypatch):
    """With a shared server out of reach, the report waits in this desk's outbox: the agent is
    told it is kept here and will leave when the server is back (not "enregistré")."""
    monkeypatch.setenv("ORIENT_DATABASE_URL", f"postgresql://orient@/none?host={tmp_path / 'no-server'}")
    monkeypatch.setenv("ORIENT_CORRECTIONS", str(tmp_path / "corrections.sqlite3"))
    counter.corrections_path = None
    counter.start(knowledge().gazetteer.resolve("fleurance"), None)
    play(counter, FEVER)
    line = next(r for r in counter.case.answer.recommendations if r.service_id)
    assert counter.report_line(line.rank, "wrong_hours") is None
    assert counter.notes[-1].startswith("Signalement gardé sur ce poste") and line.name in counter.notes[-1]
    assert "dès son retour" in counter.notes[-1]


def test_overseas_the_period_shown_before_the_answer_is_the_one_the_answer_will_have(counter):
    """Tuesday 9h in Paris is 4h in Guadeloupe: the period shown while the place is typed, and the
    answer's, are night; in the Gers the same moment is the office hours."""
    gazetteer = knowledge().gazetteer
    tuesday_9h = TUESDAY_10H.replace(hour=9)
    for place, expected in (("Pointe-à-Pitre", "pdsa_night"), ("Auch", "weekday_day")):
        commune = gazetteer.resolve(place)
        assert counter.period_of(tuesday_9h, commune) == expected
        counter.start(commune, tuesday_9h)
        counter.give("red_flag", "none")
        counter.give("need", "consult")
        assert counter.case.answer.period == counter.situation()[1] == expected
    assert counter.period_of(tuesday_9h, None) == "weekday_day"  # no place yet: the counter's (Paris) clock
