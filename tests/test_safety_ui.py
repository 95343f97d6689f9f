"""Hazard log H10b at the counter: after "next patient", nothing of the previous patient is left on
screen (test_ui_flows.py::test_next_patient_clears_everything) nor on disk. The sheet keeps the
agent's free note, which may name the patient: "next patient" deletes the sheet files.
"""

from __future__ import annotations

from orient.render.handout import TO_CONFIRM

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


@pilot_test
async def test_the_counter_screen_and_its_sheet_mark_a_stale_entry_a_verifier(tmp_path):
    # Hazard H4 at the counter: the 3966 last verified more than 12 months before the moment.
    import shutil

    from orient import paths
    from orient.orientation import Knowledge
    from orient.ui.app import OrientApp
    from test_safety_freshness import STALE, set_verified
    from test_ui_support import visible_text

    folder = tmp_path / "directory"
    shutil.copytree(paths.directory_dir(), folder)
    set_verified(folder, "pdsa-3966", STALE.isoformat())
    app = OrientApp(Knowledge.load(directory_dir=folder), at=SATURDAY_14H, cursor_blink=False,
                    handout_dir=tmp_path / "fiches")
    async with app.run_test(size=(120, 40)) as pilot:
        await start(pilot, "fleuranc")
        await answer_questions(pilot, FEVER)
        first = app.case.answer.recommendations[0]
        assert (first.service_id, first.to_verify) == ("pdsa-3966", True)
        assert f"Informations à vérifier (vérifié le {STALE:%d/%m/%Y})" in visible_text(app)
        await pilot.press("f")
        await pilot.pause()
        sheet = (tmp_path / "fiches" / "fiche-patient.txt").read_text(encoding="utf-8")
        # The agent sees the date of the last check; the patient reads what to do about it.
        assert TO_CONFIRM in sheet and f"{STALE:%d/%m/%Y}" not in sheet
