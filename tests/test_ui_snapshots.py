"""SVG snapshots of each screen at 60×20, 80×24 and 120×40 (pytest-textual-snapshot's SVGs, kept by syrupy).

One run of the app per path of keys and size: the screens met on the way are each compared with
their SVG, named after the screen (`test_the_emergency_question[80x24].svg`), with the settling
pytest-textual-snapshot's `snap_compare` does before its screenshot. Every screen is compared even
when an earlier one differs; a difference shows in snapshot_report.html as with `snap_compare`.

Update with `pytest tests/test_ui_snapshots.py --snapshot-update`, then look at
the SVGs before committing them. The app runs on the real rules and gazetteer and on the
directory of tests/fixtures/snapshot_directory (a frozen copy of directory/).
"""

from __future__ import annotations

import contextlib
import pickle

import pytest
from pytest_textual_snapshot import PseudoApp, PseudoConsole, SVGImageExtension, node_to_report_path
from rich.console import Console

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
    pilot_test,
    quiet_counter,
    start,
)

SIZES = pytest.mark.parametrize("size", [(60, 20), (80, 24), (120, 40)], ids=["60x20", "80x24", "120x40"])


class ScreenSVG(SVGImageExtension):
    """One SVG file per screen and size, named by the screen rather than by the test."""

    @classmethod
    def get_snapshot_name(cls, *, test_location, index=0) -> str:
        return str(index)


class Screens:
    """The app of one test at one size, and its screens compared with their SVGs."""

    def __init__(self, snapshot, request, size: tuple[int, int]) -> None:
        self.snapshot = snapshot.use_extension(ScreenSVG)
        self.request = request
        self.size = size
        self.differ: list[str] = []

    @contextlib.asynccontextmanager
    async def app(self, at):
        """The app at `at` on the frozen directory; tooltips and notifications on, as `snap_compare`'s."""
        app = make_app(at, directory=SNAPSHOT_DIRECTORY)
        async with app.run_test(size=self.size, tooltips=True, notifications=True) as pilot:
            yield pilot
        assert not self.differ, f"screens unlike their SVG: {self.differ} (see snapshot_report.html)"

    async def compare(self, pilot, screen: str) -> None:
        """The screen now against `{screen}[{size}].svg`, once settled as textual's take_svg_screenshot does."""
        await pilot.pause()
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
        await pilot.pause()
        await pilot.wait_for_scheduled_animations()
        svg = pilot.app.export_screenshot(title=pilot.app.title, simplify=True)
        name = f"{screen}[{self.size[0]}x{self.size[1]}]"
        same = self.snapshot(name=name) == svg
        if not same:
            self.differ.append(name)
        self._report(name, same, svg)

    def _report(self, name: str, same: bool, svg: str) -> None:
        """What `snap_compare` leaves for pytest-textual-snapshot's HTML report, one file per screen."""
        result = self.snapshot.executions.get(self.snapshot.num_executions - 1)
        node = self.request.node
        path, line, _ = node.reportinfo()
        console = Console(legacy_windows=False, force_terminal=True)
        data = (same, str(self.snapshot), svg, PseudoApp(PseudoConsole(console.legacy_windows, console.size)),
                path, line, name, "", "", bool(result and result.final_data is not None))
        report = node_to_report_path(node)
        report.with_name(f"{report.name}_{name}").write_bytes(pickle.dumps(data))


@pytest.fixture
def screens(snapshot, request, size):
    return Screens(snapshot, request, size)


@SIZES
@pilot_test
async def test_from_the_first_screen_to_the_emergency_answer(screens, size):
    async with screens.app(SATURDAY_14H) as pilot:
        await screens.compare(pilot, "test_where_and_when_screen_when_it_opens")
        await pilot.press(*commune_keys("fleuranc"))
        await screens.compare(pilot, "test_where_and_when_screen_with_suggestions_for_fleuranc")
        await pilot.press("enter")
        await screens.compare(pilot, "test_the_emergency_question")
        await pilot.press("f1")
        await screens.compare(pilot, "test_the_help_on_the_question_screen")
        await pilot.press("f1", *keys_for("red_flag", "chest_pain"))
        await screens.compare(pilot, "test_the_question_after_chest_pain_with_the_15_already_shown")
        await answer_questions(pilot, {**FEVER, "red_flag": "chest_pain"})
        await screens.compare(pilot, "test_the_emergency_answer")


@SIZES
@pilot_test
async def test_the_saturday_afternoon_fever_answer_and_its_dialogs(screens, size):
    async with screens.app(SATURDAY_14H) as pilot:
        await start(pilot, "fleuranc")
        await answer_questions(pilot, FEVER)
        await screens.compare(pilot, "test_the_saturday_afternoon_fever_answer")
        await pilot.press("n")
        await screens.compare(pilot, "test_the_note_for_the_sheet")
        await pilot.press("escape", "c")  # the note dismissed: the answer as it was
        await screens.compare(pilot, "test_changing_one_answer_from_the_answer")
        await pilot.press("escape", "p")
        await screens.compare(pilot, "test_the_answer_with_why_expanded")


@SIZES
@pilot_test
async def test_the_night_pharmacy_answer(screens, size):
    async with screens.app(TUESDAY_3H) as pilot:
        await start(pilot, "fleuranc")
        await answer_questions(pilot, MEDICATION)
        await screens.compare(pilot, "test_the_night_pharmacy_answer")


@SIZES
@pilot_test
async def test_the_answer_when_the_vital_sign_is_in_doubt(screens, size):
    async with screens.app(SATURDAY_14H) as pilot:
        await start(pilot, "fleuranc")
        await pilot.press("question_mark", *keys_for("deaf", "no"))
        await screens.compare(pilot, "test_the_answer_when_the_vital_sign_is_in_doubt")
