"""Edge cases at the counter found by probing it as a hurried agent and as an attacker: the real
app through Textual's pilot, the real rules, directory and sheet files."""

from __future__ import annotations

from datetime import datetime

import pytest

from orient.periods import PARIS
from orient.ui.screens.questions import QuestionScreen
from orient.ui.screens.where import WhereScreen

from test_ui_support import (  # noqa: F401 (quiet_counter is an autouse fixture)
    FEVER,
    SATURDAY_14H,
    at_counter,
    burst,
    commune_keys,
    pilot_test,
    press,
    quiet_counter,
    screen_lines,
    visible_text,
)


@pilot_test
async def test_an_hour_in_a_year_orient_ask_refuses_is_refused_at_the_counter_too():
    # "31/12/9999 23h" was taken: the engine then failed on every answer, and chest pain showed
    # no 15 on screen, only a toast; "28/11/1999" or "3000" answered from hours and holidays
    # nobody checked. `orient ask --at` refuses years outside 2000–2100.
    for typed in ("31/12/9999 23h", "28/11/1999 14h", "28/11/3000 14h", "1er janvier 2101"):
        async with at_counter() as (app, pilot):
            await press(pilot, *commune_keys("auch"), "tab", *commune_keys(typed))
            assert "2000 à 2100" in visible_text(app), typed
            await press(pilot, "enter")  # the questions go on, for now, and the screen says so
            assert isinstance(app.screen, QuestionScreen) and app.case.at is None, typed
            assert "non comprise : maintenant" in visible_text(app), typed


@pilot_test
async def test_when_the_engine_fails_a_vital_sign_still_shows_the_15_on_the_question_screen():
    # orient() failing (here on a moment its calendar cannot reach, as "31/12/9999 23h" once did;
    # elsewhere a bad file or a bug): the toast goes, the screen must still say the 15.
    async with at_counter(commune="auch") as (app, pilot):
        app.counter.start(app.case.commune, datetime(9999, 12, 31, 23, 0, tzinfo=PARIS))
        assert app.case.answer is None and app.case.next_question() == "red_flag"
        await press(pilot, "2")  # chest pain: the key was ignored, no question being "asked"
        assert isinstance(app.screen, QuestionScreen) and app.case.facts["red_flag"] == "chest_pain"
        shown = visible_text(app)
        assert "URGENCE" in shown and "15" in shown, shown


@pilot_test
async def test_a_note_pasted_with_escape_sequences_reaches_neither_the_sheet_files_nor_the_printer(tmp_path):
    # `lp` prints fiche-patient.txt as is, and `cat` of it runs what it holds: an OSC 52 writing the
    # clipboard, a screen clear, a right-to-left override that turns the words around.
    from textual import events

    folder = tmp_path / "fiches"
    async with at_counter(SATURDAY_14H, "auch", FEVER, handout_dir=folder) as (app, pilot):
        await press(pilot, "n")
        app.screen.query_one("#note").post_message(
            events.Paste("rappeler\x1b]52;c;ZXZpbA==\x07 demain\x1b[2J \u202esiof\x00 3"))
        await press(pilot, "enter")
        for name in ("fiche-patient.txt", "fiche-patient.html"):
            sheet = (folder / name).read_text(encoding="utf-8")
            assert not any(c in sheet for c in "\x1b\x07\x00\u202e"), name
            assert "rappeler" in sheet and "demain" in sheet, name


@pilot_test
async def test_overseas_the_patients_sheet_gives_the_hour_of_the_patients_own_clock(tmp_path):
    # Saturday 14h in Paris is 9h in Pointe-à-Pitre: the screen warns of it, the sheet said "14h00".
    folder = tmp_path / "fiches"
    async with at_counter(SATURDAY_14H, "pointe-a-pitre", FEVER, handout_dir=folder) as (app, pilot):
        await press(pilot, "f")
        sheet = (folder / "fiche-patient.txt").read_text(encoding="utf-8")
        assert "Le samedi 28 novembre 2026, 9h00 (heure locale)" in sheet, sheet
        assert "14h00" not in sheet


SMALL_TERMINALS = ((40, 12), (50, 15), (60, 20))
CHEST_PAIN = {"red_flag": "chest_pain", "deaf": "no"}


@pytest.mark.parametrize("size", SMALL_TERMINALS)
@pilot_test
async def test_on_a_small_terminal_the_emergency_answer_shows_the_15_above_every_warning(size):
    # Pointe-à-Pitre adds two warnings (outside the area, the local clock), an unknown place one, the
    # counter's deaf patient one: above rank 1 they filled a 40×12 screen and the 15 was below the fold.
    cases = (("pointe-a-pitre", CHEST_PAIN, "telephone", "Appeler le 15"),
             ("xqzwv", CHEST_PAIN, "telephone", "Appeler le 15"),
             ("pointe-a-pitre", {"red_flag": "stroke", "deaf": "yes"}, "comptoir", "Appeler le 15"),
             ("pointe-a-pitre", {"red_flag": "stroke", "deaf": "yes"}, "telephone", "Écrire le 114"))
    for place, facts, desk, headline in cases:
        async with at_counter(SATURDAY_14H, place, facts, size=size, desk=desk) as (app, pilot):
            assert app.case.answer.warnings or app.case.commune_not_found, place
            shown = "\n".join(screen_lines(app))
            assert headline in shown, (size, place, desk, shown)


@pilot_test
async def test_on_a_small_terminal_the_vital_sign_question_shows_from_its_top():
    # The answer box under the question took the focus, so the screen scrolled down to it: at 50×15
    # neither the title nor "1 Aucun", "2 Douleur dans la poitrine" could be read.
    for size in SMALL_TERMINALS:
        async with at_counter(SATURDAY_14H, "auch", size=size) as (app, pilot):
            shown = "\n".join(screen_lines(app))
            assert "URGENCE VITALE" in shown and "1  Aucun" in shown, (size, shown)
            assert "2  Douleur dans la poitrine" in shown, (size, shown)


@pytest.mark.parametrize("size", (*SMALL_TERMINALS, (80, 24)))
@pilot_test
async def test_on_a_small_terminal_the_15_stays_in_view_while_the_next_questions_are_asked(size):
    # Once a vital sign is given the 15 is the first thing to do: it must be on screen, not under
    # the deaf question, at any size.
    for sign, number in (("2", "Appeler le 15"), ("question_mark", "le 15")):
        async with at_counter(SATURDAY_14H, "auch", size=size) as (app, pilot):
            await press(pilot, sign)
            assert isinstance(app.screen, QuestionScreen) and app.case.next_question() == "deaf"
            shown = "\n".join(screen_lines(app))
            assert number in shown and "URGENCE" in shown, (size, sign, shown)
            assert "téléphoner" in shown, (size, sign, shown)  # and the question still asked


@pilot_test
async def test_keys_typed_right_after_enter_on_the_first_screen_reach_the_questions():
    # "auch⏎2o" in one burst: the "2" (chest pain) and the "o" went into the hidden place field, and the
    # vital-sign question was still waiting; "auch⏎⏎" stacked two question screens.
    async with at_counter() as (app, pilot):
        await burst(pilot, *commune_keys("auch"), "enter", "2", "o")
        assert app.case.commune.name == "Auch"
        assert app.case.facts == {"red_flag": "chest_pain", "deaf": "no"}, app.case.facts
        assert "Appeler le 15" in "\n".join(screen_lines(app))
    async with at_counter() as (app, pilot):
        await burst(pilot, *commune_keys("auch"), "enter", "enter", "1", "1")
        assert [type(s).__name__ for s in app.screen_stack].count("QuestionScreen") == 1
        assert app.case.facts == {"red_flag": "none", "need": "consult"}, app.case.facts
    async with at_counter() as (app, pilot):  # Tab, the hour, Enter, then the answers: all at once
        await burst(pilot, *commune_keys("auch"), "tab", "2", "2", "h", "enter", "1", "1")
        assert app.case.at is not None and app.case.at.hour == 22
        assert app.case.facts.get("red_flag") == "none", app.case.facts


# Each name has keys the answer screen binds (l, f, s, c, h).
@pytest.mark.parametrize("place", ("lectoure", "fleurance", "samatan", "condom", "homps"))
@pilot_test
async def test_after_the_sheet_reminder_the_next_patients_place_never_edits_the_previous_case(place):
    # F2 on an answer whose sheet went nowhere only reminded, in a toast, and left the answer's keys
    # live: typing the next patient's place there, "l" changed the previous patient's place and kept
    # their answers, so "lectoure⏎" showed the 3966 at once, the vital sign never asked.
    from orient.ui.screens.answer import AnswerScreen

    async with at_counter(SATURDAY_14H, "auch", FEVER) as (app, pilot):
        previous = dict(app.case.facts)
        await press(pilot, "f2")  # the reminder
        assert app.case.facts == previous
        await press(pilot, *commune_keys(place), "enter")
        assert app.case.commune.name == "Auch" and app.case.facts == previous, place
        assert not app.counter.sheet_copied and app.counter.last_handout is None, place
        await press(pilot, "escape")  # back to the answer, as it was
        assert isinstance(app.screen, AnswerScreen), place
        await press(pilot, "f2", "f2")  # reminded again, then on
        await press(pilot, *commune_keys(place), "enter")
        assert isinstance(app.screen, QuestionScreen) and app.case.next_question() == "red_flag", place
        assert app.case.facts == {}, place


def test_a_day_and_month_typed_without_its_year_is_the_next_such_date():
    # In late November "2/1 15h" was 2 January 2026, eleven months ago and a Friday (offices open),
    # instead of Saturday 2 January 2027, the bridge day after New Year's Day (the doctors' duty line);
    # "2 janvier 15h" already meant 2027.
    from orient.periods import classify
    from orient.ui.moment import parse_when

    assert parse_when("2/1 15h", SATURDAY_14H) == parse_when("2 janvier 15h", SATURDAY_14H) \
        == datetime(2027, 1, 2, 15, 0, tzinfo=PARIS)
    assert classify(parse_when("2/1 15h", SATURDAY_14H)) == "pdsa_holiday"
    assert parse_when("1/1 0h", SATURDAY_14H) == datetime(2027, 1, 1, 0, 0, tzinfo=PARIS)
    assert parse_when("28/11 16h", SATURDAY_14H) == datetime(2026, 11, 28, 16, 0, tzinfo=PARIS)  # today
    assert parse_when("24/12 20h", SATURDAY_14H) == datetime(2026, 12, 24, 20, 0, tzinfo=PARIS)
    assert parse_when("29/02 10h", SATURDAY_14H) == datetime(2028, 2, 29, 10, 0, tzinfo=PARIS)
    assert parse_when("2/1/2026 15h", SATURDAY_14H) == datetime(2026, 1, 2, 15, 0, tzinfo=PARIS)  # said


@pilot_test
async def test_a_text_pasted_on_several_lines_is_taken_whole():
    # Textual's input keeps the first line of a paste: an address copied from a letter lost its town
    # ("12 rue Gambetta" introuvable: no distances, no local duty), "samedi⏎22h" its hour (now was
    # taken), a note its end; a paste starting with an empty line gave nothing at all.
    from textual import events

    async with at_counter() as (app, pilot):
        app.screen.query_one("#commune").post_message(events.Paste("12 rue Gambetta\n32000 Auch\nFrance\n"))
        await press(pilot, "tab")
        app.screen.query_one("#when").post_message(events.Paste("\nsamedi\r\n22h"))
        await press(pilot, "enter")
        assert app.case.commune is not None and app.case.commune.name == "Auch"
        assert app.case.at == datetime(2026, 11, 28, 22, 0, tzinfo=PARIS)
    async with at_counter(SATURDAY_14H, "auch", FEVER) as (app, pilot):
        await press(pilot, "n")
        app.screen.query_one("#note").post_message(events.Paste("rappeler demain\nsi la fièvre dure"))
        await press(pilot, "enter")
        assert app.case.note == "rappeler demain si la fièvre dure"


TUESDAY_10H_PARIS = datetime(2026, 11, 24, 10, 0, tzinfo=PARIS)  # 5h in Guadeloupe, 13h in La Réunion


def test_an_overseas_desk_without_a_place_reads_the_period_and_the_hours_on_its_own_clock(tmp_path):
    # A desk started with --home-dept 971 and no place typed classified Tuesday 5h (local) on Paris's
    # clock, 10h: "cabinets ouverts, appelez votre médecin traitant" at 5 am; and answered with the
    # Gers organisation (the 3966, the Fleurance health centre). The hours its agent types are local
    # too: "22h" is 22h in Pointe-à-Pitre.
    from orient.ui.controller import Counter
    from test_ui_support import knowledge

    notes: list[str] = []
    desk = Counter(knowledge(), lambda: TUESDAY_10H_PARIS, home_dept="971", handout_dir=tmp_path,
                   notify=lambda message, **_: notes.append(message))
    assert desk.period_of(TUESDAY_10H_PARIS, None) == "pdsa_night"
    desk.start(None, None)
    desk.give("red_flag", "none")
    desk.give("need", "consult")
    answer = desk.case.answer
    assert answer.period == desk.situation()[1] == "pdsa_night", answer.period
    assert any("Heure locale" in w and "5h00" in w for w in answer.warnings), answer.warnings
    assert desk.desk_time(TUESDAY_10H_PARIS).hour == 5  # what the screens show: the desk's clock
    _now, when = desk.read_when("22h")
    assert when.at == datetime(2026, 11, 25, 3, 0, tzinfo=PARIS)  # 22h in Guadeloupe
    assert desk.period_of(when.at, None) == "pdsa_evening"
    desk.start(None, when.at)
    answer = desk.case.answer
    assert answer.period == "pdsa_evening"
    # Nor the Gers organisation: no 3966 (Occitanie's line) nor a Gers place 6,700 km away.
    assert [r.kind for r in answer.recommendations][0] == "duty_doctor_116117", answer.recommendations
    assert not any(r.commune_name for r in answer.recommendations), answer.recommendations
    assert any("Poste hors du territoire" in w for w in answer.warnings), answer.warnings
    txt = desk.produce_handout()
    assert "mardi 24 novembre 2026, 22h00 (heure locale)" in txt.read_text(encoding="utf-8")
    # A place typed keeps its own clock; a desk in the Gers keeps Paris's.
    reunion = knowledge().gazetteer.resolve("saint-denis 97400")
    assert desk.period_of(TUESDAY_10H_PARIS, reunion) == "weekday_day"  # 13h there
    gers = Counter(knowledge(), lambda: TUESDAY_10H_PARIS, home_dept="32")
    assert gers.period_of(TUESDAY_10H_PARIS, None) == "weekday_day"
    assert gers.read_when("22h")[1].at == datetime(2026, 11, 24, 22, 0, tzinfo=PARIS)


@pilot_test
async def test_an_overseas_desk_shows_its_own_hour_on_the_first_screen_and_the_situation_line():
    async with at_counter(TUESDAY_10H_PARIS, home_dept="971") as (app, pilot):
        label = str(app.screen.query_one("#when-label").render())
        assert "mardi 24/11 5h00" in label, label
        await press(pilot, "tab", *commune_keys("22h"))
        label = str(app.screen.query_one("#when-label").render())
        assert "mardi 24/11 22h00" in label, label
        await press(pilot, "enter")
        assert "mardi 24/11 22h00" in screen_lines(app)[0], screen_lines(app)[0]


@pilot_test
async def test_a_locked_reports_store_never_holds_up_the_counter(tmp_path, monkeypatch):
    # "Signaler" wrote the report on the counter's own thread: with the reports' SQLite file locked (a
    # coordinator's `orient corrections accept`, a backup) the counter stood still for 10 s, the next
    # patient's chest pain with it.
    import sqlite3
    import time

    store = tmp_path / "corrections.sqlite3"
    monkeypatch.setenv("ORIENT_CORRECTIONS", str(store))
    monkeypatch.delenv("ORIENT_DATABASE_URL", raising=False)
    async with at_counter(SATURDAY_14H, "fleurance", FEVER) as (app, pilot):
        await press(pilot, "s", "1", "1")  # a first report creates the store
        await app.workers.wait_for_complete()
        locker = sqlite3.connect(store, isolation_level=None)
        locker.execute("BEGIN EXCLUSIVE")
        try:
            begun = time.monotonic()
            await press(pilot, "s", "1", "1")
            await press(pilot, "f", "f2", *commune_keys("auch"), "enter", "2")
            assert app.case.facts == {"red_flag": "chest_pain"} and time.monotonic() - begun < 3
        finally:
            locker.execute("ROLLBACK")
            locker.close()
        await app.workers.wait_for_complete()
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any(m.startswith("Signalement enregistré") for m in messages), messages
