"""The patient's sheet at its edges: a folder that cannot be written, a printer that fails or hangs, a
clipboard that fails. The agent is told in French (no system error in English), the answer stays on
screen, nothing of the patient stays on disk, and the next patient never waits for the printer."""

from __future__ import annotations

import errno
import os
import time

import pytest

from orient.render import handout as handout_module
from orient.render.handout import send_to_printer
from orient.ui.controller import Counter
from orient.ui.screens.questions import QuestionScreen
from orient.ui.screens.where import WhereScreen
from test_ui_support import (  # noqa: F401 (quiet_counter is an autouse fixture)
    FEVER,
    SATURDAY_14H,
    at_counter,
    commune_keys,
    knowledge,
    pilot_test,
    press,
    quiet_counter,
)

# What a raw system error says (Python's and lp's words): never shown to the agent.
ENGLISH = ("Errno", "denied", "No such", "exists", "Not a directory", "No space", "Is a directory",
           "Read-only", "timed out", "Command", "Error", "printer", "Traceback", "[")
NOTE = "Mme Dupont, rappeler au 06 12 34 56 78"


def answered_counter(folder, notes, copy=lambda _text: None) -> Counter:
    counter = Counter(knowledge(), lambda: SATURDAY_14H, handout_dir=folder,
                      notify=lambda message, **_: notes.append(message), copy=copy)
    counter.start(knowledge().gazetteer.resolve("auch"), None)
    for name in ("red_flag", "need"):
        counter.give(name, FEVER[name])
    counter.set_note(NOTE)
    assert counter.case.complete
    return counter


def _file_instead_of_the_folder(tmp_path, monkeypatch):
    (tmp_path / "fiches").write_text("x")
    return tmp_path / "fiches"


def _folder_under_a_file(tmp_path, monkeypatch):
    (tmp_path / "f").write_text("x")
    return tmp_path / "f" / "fiches"


def _fifo_in_place_of_the_sheet(tmp_path, monkeypatch):
    (tmp_path / "fiches").mkdir()
    os.mkfifo(tmp_path / "fiches" / "fiche-patient.txt")
    return tmp_path / "fiches"


def _folder_in_place_of_the_html_sheet(tmp_path, monkeypatch):
    (tmp_path / "fiches" / "fiche-patient.html").mkdir(parents=True)  # the text sheet is written first
    return tmp_path / "fiches"


def _refused(code):
    def make(tmp_path, monkeypatch):
        real = handout_module.write_atomic

        def write(path, data):  # the text sheet goes through, the HTML one fails (a disk filling up)
            if str(path).endswith(".html"):
                raise OSError(code, os.strerror(code), str(path))
            real(path, data)

        monkeypatch.setattr(handout_module, "write_atomic", write)
        return tmp_path / "fiches"

    return make


@pytest.mark.parametrize("make_folder", [
    _file_instead_of_the_folder, _folder_under_a_file, _fifo_in_place_of_the_sheet,
    _folder_in_place_of_the_html_sheet, _refused(errno.EACCES), _refused(errno.ENOSPC), _refused(errno.EROFS),
], ids=["file", "under-a-file", "fifo", "folder-for-html", "eacces", "enospc", "erofs"])
def test_a_sheet_folder_that_cannot_be_written_is_said_in_french_and_keeps_nothing_of_the_patient(
        tmp_path, monkeypatch, make_folder):
    # The toast said "Fiche copiée, mais non enregistrée : [Errno 17] File exists: '/…'", and when the
    # HTML sheet failed the text sheet (with the agent's note) stayed on disk, deleted by nothing.
    folder = make_folder(tmp_path, monkeypatch)
    notes: list[str] = []
    counter = answered_counter(folder, notes)
    assert counter.produce_handout() is None
    message = notes[-1]
    assert message.startswith("Fiche copiée, mais non enregistrée : "), message
    assert not any(word in message for word in ENGLISH), message
    assert counter.case.answer is not None  # the answer stays
    left = [p for p in tmp_path.rglob("*") if p.is_file() and NOTE in p.read_text(errors="replace")]
    assert left == [], left


def test_a_clipboard_that_fails_never_stops_the_sheet(tmp_path):
    def broken(_text):
        raise OSError(errno.EIO, "Input/output error")

    notes: list[str] = []
    counter = answered_counter(tmp_path / "fiches", notes, copy=broken)
    txt = counter.produce_handout()
    assert txt is not None and txt.exists()
    assert not counter.sheet_copied
    assert any("presse-papiers" in n.lower() for n in notes) and not any("Errno" in n for n in notes), notes


def fake_lp(tmp_path, body: str):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    lp = bin_dir / "lp"
    lp.write_text(f"#!/bin/sh\n{body}\n")
    lp.chmod(0o755)
    return lp


@pytest.mark.parametrize("body", [
    "/bin/sleep 5",  # CUPS does not answer
    "echo 'lp: Error - The printer or class does not exist.' >&2; exit 1",
    "echo 'lp: Error - scheduler not responding.' >&2; exit 1",
])
def test_a_printer_that_fails_or_hangs_is_said_in_french(tmp_path, monkeypatch, body):
    monkeypatch.setattr(handout_module, "PRINT_TIMEOUT_S", 1)
    fake_lp(tmp_path, body)
    sheet = tmp_path / "fiche-patient.txt"
    sheet.write_text("Où vous faire soigner\n")
    status = send_to_printer(sheet, {"ORIENT_PRINTER": "accueil", "PATH": str(tmp_path / "bin")})
    assert status.startswith("impression impossible : "), status
    assert not any(word in status for word in ENGLISH), status


def test_an_lp_that_cannot_run_is_said_in_french(tmp_path):
    lp = fake_lp(tmp_path, "exit 0")
    lp.write_bytes(b"\x7fELF not a program")
    status = send_to_printer(tmp_path / "x.txt", {"ORIENT_PRINTER": "oui", "PATH": str(tmp_path / "bin")})
    assert status.startswith("impression impossible : "), status
    assert not any(word in status for word in ENGLISH), status


@pilot_test
async def test_the_next_patient_never_waits_for_a_printer_that_hangs(tmp_path, monkeypatch):
    # F2 waited for lp (up to 20 s) before deleting the sheet it reads: the previous answer stayed on
    # screen and the next patient's keys waited, chest pain included.
    monkeypatch.setattr(handout_module, "PRINT_TIMEOUT_S", 4)
    spool = tmp_path / "spool.txt"
    fake_lp(tmp_path, f"/bin/cat > {spool}; /bin/sleep 3")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:/usr/bin:/bin")
    monkeypatch.setenv("ORIENT_PRINTER", "oui")
    fiches = tmp_path / "fiches"
    async with at_counter(SATURDAY_14H, "auch", FEVER, handout_dir=fiches) as (app, pilot):
        await press(pilot, "f")
        begun = time.monotonic()
        await press(pilot, "f2")
        assert isinstance(app.screen, WhereScreen) and app.case.facts == {}
        assert list(fiches.iterdir()) == []  # the sheet is gone, the printer has its own copy
        await press(pilot, *commune_keys("auch"), "enter", "2")
        assert isinstance(app.screen, QuestionScreen) and app.case.facts == {"red_flag": "chest_pain"}
        assert time.monotonic() - begun < 2.5
        for _ in range(80):  # the printer still gets the whole sheet
            if spool.exists() and "3966" in spool.read_text(encoding="utf-8"):
                break
            await pilot.pause(0.05)
        assert "3966" in spool.read_text(encoding="utf-8")
        assert not app.counter.sheet_printed  # the previous patient's print says nothing of this one
        await app.workers.wait_for_complete()
