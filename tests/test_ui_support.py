"""Helpers for the counter UI tests (no test here): the real knowledge, an app at a fixed moment,
the keys an agent presses for a fact, the text on screen.

The UI runs on the real rules, directory and gazetteer: nothing of the engine is mocked.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from datetime import datetime
from pathlib import Path
from typing import Mapping, Optional

import pytest

from orient.periods import PARIS

SIZE = (80, 24)  # the terminal of the pilot tests (docs/ui.md: works at 80×24)

# Moments of the scenarios (Europe/Paris). 28 November 2026 is a Saturday.
SATURDAY_14H = datetime(2026, 11, 28, 14, 0, tzinfo=PARIS)
TUESDAY_10H = datetime(2026, 11, 24, 10, 0, tzinfo=PARIS)
TUESDAY_3H = datetime(2026, 11, 24, 3, 0, tzinfo=PARIS)
TUESDAY_22H = datetime(2026, 11, 24, 22, 0, tzinfo=PARIS)

# A patient who only has a fever: no vital sign, can phone, wants to see a doctor.
FEVER = {"red_flag": "none", "deaf": "no", "need": "consult", "has_gp": "yes", "gp_reachable": "no",
         "can_travel": "yes", "fever": "yes", "age": 40, "pregnant": "no", "sex": "male"}
MEDICATION = {"red_flag": "none", "deaf": "no", "need": "medication", "has_prescription": "yes",
              "can_travel": "yes", "has_gp": "yes", "gp_reachable": "no", "age": 40, "pregnant": "no",
              "sex": "female", "fever": "no"}
NO_GP = {"red_flag": "none", "deaf": "no", "need": "find_gp", "has_gp": "no", "gp_reachable": "no",
         "can_travel": "yes", "age": 40, "fever": "no", "pregnant": "no", "sex": "female"}


@pytest.fixture(autouse=True)
def quiet_counter(monkeypatch, tmp_path):
    """No test writes the user's journal or sheets, or prints; no keymap from the user's config."""
    monkeypatch.setenv("ORIENT_JOURNAL", "off")
    monkeypatch.setenv("ORIENT_PRINTER", "off")  # tests that print say so
    monkeypatch.delenv("DISPLAY", raising=False)  # never a browser opened by a test
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("ORIENT_AT", raising=False)
    monkeypatch.setenv("ORIENT_HANDOUT_DIR", str(tmp_path / "fiches"))
    monkeypatch.setenv("ORIENT_KEYMAP", str(tmp_path / "no-keymap.toml"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))


def pilot_test(scenario):
    """Run an async test body (Textual's pilot) without an async pytest plugin."""

    @functools.wraps(scenario)
    def test(*args, **kwargs):
        asyncio.run(scenario(*args, **kwargs))

    return test


# The snapshots' directory: a frozen copy, so a data edit in directory/ does not rewrite every SVG.
SNAPSHOT_DIRECTORY = Path(__file__).parent / "fixtures" / "snapshot_directory"


@functools.lru_cache(maxsize=2)
def knowledge(directory: Optional[Path] = None):
    """The real rules and gazetteer, with the embedded directory or the one of `directory`."""
    from orient.orientation import Knowledge

    return Knowledge.load(None, directory)


def make_app(at: datetime = SATURDAY_14H, handout_dir: Optional[Path] = None, directory: Optional[Path] = None,
             **kwargs):
    from orient.ui.app import OrientApp

    return OrientApp(knowledge(directory), at=at, cursor_blink=False, handout_dir=handout_dir, **kwargs)


@contextlib.asynccontextmanager
async def at_counter(at: datetime = SATURDAY_14H, commune: Optional[str] = None,
                     facts: Optional[Mapping[str, object]] = None, *, size: tuple[int, int] = SIZE, **app_kwargs):
    """The app at `at`, running at `size`; yields (app, pilot). When given, the commune is typed
    and Enter pressed ("" for none: the questions begin), then `facts` answer the questions up to
    the answer screen. `app_kwargs` go to make_app (handout_dir=…, desk=…)."""
    app = make_app(at, **app_kwargs)
    async with app.run_test(size=size) as pilot:
        if commune is not None:
            await start(pilot, commune)
        if facts is not None:
            await answer_questions(pilot, facts)
        yield app, pilot


def commune_keys(text: str) -> list[str]:
    names = {" ": "space", "-": "minus", "'": "apostrophe"}
    return [names.get(c, c) for c in text]


def keys_for(name: str, value) -> list[str]:
    """The keys an agent presses to give this fact on the question screen."""
    from orient.ui.views import fact_choices

    if name == "age":
        return list(str(value)) + ["enter"]
    for slot, choice, _label in fact_choices(name):
        if choice == value:
            return [{"yes": "o", "no": "n"}.get(slot, slot)]
    raise AssertionError(f"no key for {name}={value}")


async def press(pilot, *keys: str) -> None:
    """Press these keys, then let the app take them into account."""
    await pilot.press(*keys)
    await pilot.pause()


async def start(pilot, commune: str = "") -> None:
    """Type the commune (possibly nothing) and Enter: the questions begin."""
    from orient.ui.screens.questions import QuestionScreen

    if commune:
        await pilot.press(*commune_keys(commune))
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, QuestionScreen) or pilot.app.case.complete


async def answer_questions(pilot, facts: Mapping[str, object]) -> list[str]:
    """Answer each question the UI asks from `facts` until the answer screen; returns the keys pressed.

    A question whose fact is not in `facts` fails the test: the scenario says what is asked.
    """
    from orient.ui.screens.questions import QuestionScreen

    app = pilot.app
    pressed: list[str] = []
    for _ in range(20):
        if not isinstance(app.screen, QuestionScreen):
            return pressed
        name = app.case.next_question()
        assert name is not None, "question screen without a question"
        assert name in facts, f"unexpected question {name!r}; given so far {app.case.facts}"
        keys = keys_for(name, facts[name])
        await press(pilot, *keys)
        pressed += keys
    raise AssertionError("more than 20 questions")


def visible_text(app) -> str:
    """The text of the displayed Static widgets and Digits of the current screen."""
    from textual.widgets import Digits, Static

    parts = []
    for widget in app.screen.query("*"):
        if not _shown(widget):
            continue
        if isinstance(widget, Static):
            parts.append(str(widget.content))
        elif isinstance(widget, Digits):
            parts.append(widget.value)
    return "\n".join(parts)


def _shown(widget) -> bool:
    node = widget
    while node is not None and hasattr(node, "display"):
        if not node.display:
            return False
        node = node.parent
    return True


def screen_lines(app) -> list[str]:
    """The terminal's rows as the agent sees them (the current screen, its scroll position included)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


async def burst(pilot, *keys: str) -> None:
    """Keys typed in one burst (a paste, a fast typist, a busy machine): all queued before the app takes
    the first, as a real terminal delivers them (pilot.press waits after each key)."""
    from textual import events

    characters = {"space": " ", "minus": "-", "apostrophe": "'"}  # the names commune_keys gives
    for key in keys:
        pilot.app.post_message(events.Key(key, key if len(key) == 1 else characters.get(key)))
    for _ in range(6):
        await pilot.pause()
