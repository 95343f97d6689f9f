"""Hazard log H10b at the counter: after "next patient", nothing of the previous patient is left on
screen (test_ui_flows.py::test_next_patient_clears_everything) nor on disk. The sheet keeps the
agent's free note, which may name the patient: "next patient" deletes the sheet files.
"""

from __future__ import annotations

from test_ui_support import (  # noqa: F401 (quiet_counter is an autouse fixture)
    FEVER,
    SATURDAY_14H,
    answer_questions,
    make_app,
    pilot_test,
    quiet_counter,
    start,
)

NOTE = "Mme Dupont 0612345678"


def texts_under(folder):
    return {p.name: p.read_text(encoding="utf-8", errors="replace") for p in folder.rglob("*") if p.is_file()}


@pilot_test
async def test_next_patient_leaves_nothing_of_the_previous_patients_note_on_disk(tmp_path):
    app = make_app(SATURDAY_14H, handout_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot, "fleuranc")
        await answer_questions(pilot, FEVER)
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*[{" ": "space"}.get(c, c) for c in NOTE], "enter")
        await pilot.pause()
        assert any("Dupont" in text for text in texts_under(tmp_path).values())  # the sheet was written
        await pilot.press("f2")
        await pilot.pause()
    assert not any("Dupont" in text for text in texts_under(tmp_path).values())
