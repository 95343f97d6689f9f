"""Edge cases at the counter found by probing it as a hurried agent and as an attacker: the real
app through Textual's pilot, the real rules, directory and sheet files."""

from __future__ import annotations

from datetime import datetime

from orient.periods import PARIS
from orient.ui.screens.questions import QuestionScreen
from orient.ui.screens.where import WhereScreen

from test_ui_support import (  # noqa: F401 (quiet_counter is an autouse fixture)
    FEVER,
    SATURDAY_14H,
    at_counter,
    commune_keys,
    pilot_test,
    press,
    quiet_counter,
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
            await press(pilot, "enter")
            assert isinstance(app.screen, WhereScreen), typed


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
