"""SVG snapshots of each screen at 60×20, 80×24 and 120×40 (pytest-textual-snapshot).

Update with `pytest tests/test_ui_snapshots.py --snapshot-update`, then look at
the SVGs before committing them. The app runs on the real rules and gazetteer and on the
directory of tests/fixtures/snapshot_directory (a frozen copy of directory/).
"""

from __future__ import annotations

import pytest

from test_ui_support import (  # noqa: F401 (quiet_counter is an autouse fixture)
    FEVER,
    SNAPSHOT_DIRECTORY,
    MEDICATION,
    SATURDAY_14H,
    TUESDAY_3H,
    answer_questions,
    commune_keys,
    keys_for,
    make_app,
    quiet_counter,
    start,
)

def snapshot_app(at):
    return make_app(at, directory=SNAPSHOT_DIRECTORY)


SIZES = pytest.mark.parametrize("size", [(60, 20), (80, 24), (120, 40)], ids=["60x20", "80x24", "120x40"])


def flow(commune: str, facts: dict, then: tuple[str, ...] = ()):
    async def run_before(pilot) -> None:
        await start(pilot, commune)
        await answer_questions(pilot, facts)
        if then:
            await pilot.press(*then)
        await pilot.pause()

    return run_before


@SIZES
def test_where_and_when_screen_when_it_opens(snap_compare, size):
    assert snap_compare(snapshot_app(SATURDAY_14H), terminal_size=size)


@SIZES
def test_where_and_when_screen_with_suggestions_for_fleuranc(snap_compare, size):
    assert snap_compare(snapshot_app(SATURDAY_14H), press=commune_keys("fleuranc"), terminal_size=size)


@SIZES
def test_the_emergency_question(snap_compare, size):
    assert snap_compare(snapshot_app(SATURDAY_14H), press=[*commune_keys("fleuranc"), "enter"], terminal_size=size)


@SIZES
def test_the_question_after_chest_pain_with_the_15_already_shown(snap_compare, size):
    press = [*commune_keys("fleuranc"), "enter", *keys_for("red_flag", "chest_pain")]
    assert snap_compare(snapshot_app(SATURDAY_14H), press=press, terminal_size=size)


@SIZES
def test_the_emergency_answer(snap_compare, size):
    facts = {**FEVER, "red_flag": "chest_pain"}
    assert snap_compare(snapshot_app(SATURDAY_14H), run_before=flow("fleuranc", facts), terminal_size=size)


@SIZES
def test_the_saturday_afternoon_fever_answer(snap_compare, size):
    assert snap_compare(snapshot_app(SATURDAY_14H), run_before=flow("fleuranc", FEVER), terminal_size=size)


@SIZES
def test_the_answer_with_why_expanded(snap_compare, size):
    assert snap_compare(snapshot_app(SATURDAY_14H), run_before=flow("fleuranc", FEVER, ("p",)), terminal_size=size)


@SIZES
def test_the_night_pharmacy_answer(snap_compare, size):
    assert snap_compare(snapshot_app(TUESDAY_3H), run_before=flow("fleuranc", MEDICATION), terminal_size=size)


@SIZES
def test_the_help_on_the_question_screen(snap_compare, size):
    press = [*commune_keys("fleuranc"), "enter", "f1"]
    assert snap_compare(snapshot_app(SATURDAY_14H), press=press, terminal_size=size)


@SIZES
def test_the_note_for_the_sheet(snap_compare, size):
    assert snap_compare(snapshot_app(SATURDAY_14H), run_before=flow("fleuranc", FEVER, ("n",)), terminal_size=size)


@SIZES
def test_the_answer_when_the_vital_sign_is_in_doubt(snap_compare, size):
    async def run_before(pilot) -> None:
        await start(pilot, "fleuranc")
        await pilot.press("question_mark", *keys_for("deaf", "no"))
        await pilot.pause()

    assert snap_compare(snapshot_app(SATURDAY_14H), run_before=run_before, terminal_size=size)


@SIZES
def test_changing_one_answer_from_the_answer(snap_compare, size):
    assert snap_compare(snapshot_app(SATURDAY_14H), run_before=flow("fleuranc", FEVER, ("c",)), terminal_size=size)
