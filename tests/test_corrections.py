"""Corrections from the desks: the store (orient/corrections.py) and `orient corrections`, up to the YAML."""

import json
import shutil
from datetime import date, datetime
from pathlib import Path

import pytest
from cli_run import run_main, run_process

from orient import paths
from orient.corrections import TEXT_LIMIT, CorrectionError, CorrectionStore, pending, report
from orient.directory.check import check_directory
from orient.directory.edit import EditError, set_fields
from orient.directory.gazetteer import default_gazetteer
from orient.periods import PARIS
from orient.problems import errors

AT = datetime(2026, 11, 30, 10, 17, 42, tzinfo=PARIS)


def orient(*args, store=None, run=run_process):
    """`orient` with the corrections store `store`: a real process (the walk-through), or its main()
    in the test process (`orient_main`, the other tests)."""
    return run(*args, env=None if store is None else {"ORIENT_CORRECTIONS": str(store)})


def orient_main(*args, store=None):
    """Not for `accept`, which edits the YAML file an entry comes from: in one process,
    Directory.load gives back a directory already loaded from identical files elsewhere (its cache
    is keyed by content), whose entries name those other files."""
    return orient(*args, store=store, run=run_main)


@pytest.fixture
def folder(tmp_path):
    copy = tmp_path / "directory"
    shutil.copytree(paths.directory_dir(), copy)
    return copy


def test_a_report_keeps_the_desk_the_entry_the_kind_and_the_minute_only(tmp_path):
    store_path = tmp_path / "c.sqlite3"
    cid = report("pharmacie-mauvezin", "ch-mauvezin", "wrong_hours", "  ouvert   le samedi  " + "x" * 400, AT,
                 path=store_path)
    [waiting] = pending(store_path)
    assert (waiting.id, waiting.desk, waiting.entry_id, waiting.kind) == (cid, "pharmacie-mauvezin", "ch-mauvezin",
                                                                           "wrong_hours")
    assert waiting.reported_at == "2026-11-30T10:17+01:00"
    assert waiting.text.startswith("ouvert le samedi x") and len(waiting.text) == TEXT_LIMIT
    assert oct(store_path.stat().st_mode & 0o777) == "0o600"


def test_the_module_functions_record_decisions_in_the_same_store(tmp_path):
    from orient.corrections import accept, reject

    store_path = tmp_path / "c.sqlite3"
    first = report("d", "ch-mauvezin", "moved", None, AT, path=store_path)
    second = report("d", "ch-mauvezin", "closed", None, AT, path=store_path)
    assert accept(first, "CPTS", date(2026, 12, 1), path=store_path).status == "accepted"
    assert reject(second, "CPTS", "pas fermé", path=store_path).reason == "pas fermé"
    assert pending(store_path) == []


def test_pending_is_empty_before_any_report_and_creates_no_file(tmp_path):
    assert pending(tmp_path / "none.sqlite3") == []
    assert not (tmp_path / "none.sqlite3").exists()


@pytest.mark.parametrize("desk, entry, kind", [("", "ch-mauvezin", "other"), ("d", "Bad Id", "other"),
                                               ("d", "ch-mauvezin", "broken")])
def test_bad_reports_are_refused_in_french(tmp_path, desk, entry, kind):
    with CorrectionStore.open(tmp_path / "c.sqlite3") as store, pytest.raises(CorrectionError):
        store.report(desk, entry, kind, None, AT)


def test_a_correction_is_decided_once_and_a_rejection_keeps_its_reason(tmp_path):
    with CorrectionStore.open(tmp_path / "c.sqlite3") as store:
        first = store.report("d1", "ch-mauvezin", "no_answer", None, AT)
        second = store.report("d2", "ch-mauvezin", "closed", None, AT)
        rejected = store.reject(second, "CPTS", "numéro confirmé par téléphone")
        assert (rejected.status, rejected.reason) == ("rejected", "numéro confirmé par téléphone")
        with pytest.raises(CorrectionError, match="raison"):
            store.reject(first, "CPTS", " ")
        store.accept(first, "CPTS", date(2026, 12, 1), {"phones": []})
        with pytest.raises(CorrectionError, match="déjà traité"):
            store.reject(first, "CPTS", "trop tard")
        assert store.pending() == []
        assert store.get(first).change == {"phones": []}


def test_set_fields_changes_only_the_entry_lines_it_must():
    text = ("services:\n  - id: a\n    name: A  # kept\n    phones: []\n    sources:\n      - \"s1\"\n"
            "    verified: null\n\n  - id: b\n    name: B\n")
    new = set_fields(text, 2, {"phones": ["05 62 00 00 01"], "sources": ["s1", "s2"], "opening_hours": "24/7"})
    assert new == ("services:\n  - id: a\n    name: A  # kept\n    phones: [\"05 62 00 00 01\"]\n    sources:\n"
                   "      - \"s1\"\n      - \"s2\"\n    verified: null\n    opening_hours: \"24/7\"\n\n"
                   "  - id: b\n    name: B\n")
    with pytest.raises(EditError):
        set_fields("services:\n  - {id: a, name: A}\n", 2, {"name": "B"})


def test_from_the_desk_report_to_the_corrected_line_on_every_desk(folder, tmp_path):
    """docs/coordination.md's walk-through: the pharmacy in Mauvezin changed its hours."""
    store = tmp_path / "corrections.sqlite3"
    template = tmp_path / "pharmacies.csv"
    template.write_text("name,kind,commune,address,phones,sources\nPharmacie de la Halle,pharmacie,Mauvezin,"
                        "\"4 place de la Libération, 32120 Mauvezin\",05 62 00 00 01,appel de la CPTS le 2026-11-30\n")
    assert orient("import", "csv", str(template), "--out", str(folder / "pharmacies-cpts.yaml")).returncode == 0
    ask = ("ask", "--directory", str(folder), "--commune", "Mauvezin", "--at", "2026-12-01T10:00", "--fact",
           "red_flag=none", "--fact", "need=medication", "--fact", "has_prescription=yes", "--json", "--no-journal")
    before = json.loads(orient(*ask).stdout)["recommendations"][0]
    assert (before["service_id"], before["hours"], before["to_verify"]) == \
        ("pharmacie-de-la-halle-32249", "horaires à vérifier", True)

    added = orient("corrections", "add", "--desk", "mairie-mauvezin", "--entry", "pharmacie-de-la-halle-32249",
                   "--kind", "wrong_hours", "--text", "ouvre 9h-12h30 et 14h-19h", "--directory", str(folder),
                   store=store)
    assert added.returncode == 0, added.stderr
    listed = orient("corrections", "list", store=store)
    assert "mairie-mauvezin  pharmacie-de-la-halle-32249 : horaires faux" in listed.stdout

    accepted = orient("corrections", "accept", "1", "--by", "CPTS Gascogne-Armagnac", "--directory", str(folder),
                      "--set", "opening_hours=Mo-Fr 09:00-12:30,14:00-19:00; Sa 09:00-12:30", store=store)
    assert accepted.returncode == 0, accepted.stderr
    today = date.today()
    added_lines = [line[1:].strip() for line in accepted.stdout.splitlines() if line.startswith("+ ")]
    assert 'opening_hours: "Mo-Fr 09:00-12:30,14:00-19:00; Sa 09:00-12:30"' in added_lines
    assert f"verified: {today.isoformat()}" in added_lines
    assert (f"vérifié par CPTS Gascogne-Armagnac le {today.strftime('%d/%m/%Y')}") in accepted.stdout
    assert errors(check_directory(folder, default_gazetteer())) == []

    after = json.loads(orient(*ask).stdout)["recommendations"][0]
    assert after["hours"] == "ouvert, ferme à 12h30"
    assert after["verified"] == today.isoformat() and after["to_verify"] is False
    assert orient("corrections", "list", store=store).stdout.strip() == "Aucun signalement en attente."


def test_a_correction_that_would_break_the_directory_writes_nothing_and_stays_pending(folder, tmp_path):
    store = tmp_path / "c.sqlite3"
    assert orient_main("corrections", "add", "--desk", "d", "--entry", "ch-mauvezin", "--kind", "no_answer",
                       "--directory", str(folder), store=store).returncode == 0
    original = (folder / "hopitaux.yaml").read_text()
    for bad in ("phones=12", "opening_hours=lundi 9h", "commune=99999"):
        done = orient("corrections", "accept", "1", "--by", "CPTS", "--set", bad, "--directory", str(folder),
                      store=store)
        assert done.returncode == 1, bad
        assert f"{folder / 'hopitaux.yaml'}:" in done.stderr and "Traceback" not in done.stderr
        assert (folder / "hopitaux.yaml").read_text() == original
    assert "1  " in orient_main("corrections", "list", store=store).stdout  # still pending


def test_bad_input_is_exit_2(folder, tmp_path):
    store = tmp_path / "c.sqlite3"
    assert orient_main("corrections", "show", "1", store=store).returncode == 2  # no store yet
    assert orient_main("corrections", "add", "--desk", "d", "--entry", "nope", "--kind", "other",
                       "--directory", str(folder), store=store).returncode == 2
    assert orient_main("corrections", "add", "--desk", "d", "--entry", "ch-mauvezin", "--kind", "other",
                       "--directory", str(folder), store=store).returncode == 0
    for args in (("accept", "9", "--by", "X"), ("accept", "1", "--by", "X", "--set", "colour=red"),
                 ("accept", "1", "--by", "X", "--on", "2099-01-01"), ("reject", "1", "--by", "X", "--reason", "")):
        if args[0] == "accept":  # a real process: see orient_main
            done = orient("corrections", *args, "--directory", str(folder), store=store)
        else:
            done = orient_main("corrections", *args, store=store)
        assert done.returncode == 2, (args, done.stderr)
        assert "Traceback" not in done.stderr
    assert orient_main("corrections", "reject", "1", "--by", "CPTS", "--reason", "déjà corrigé",
                       store=store).returncode == 0
    shown = orient_main("corrections", "list", "--all", store=store).stdout
    assert "rejeté par CPTS" in shown and "déjà corrigé" in shown


def test_the_desk_is_named_by_its_setting_or_its_machine():
    from orient.corrections import desk_id

    assert desk_id({"ORIENT_DESK": "mairie-mauvezin"}) == "mairie-mauvezin"
    assert desk_id({}) != ""


def test_the_store_option_may_come_before_or_after_the_action(tmp_path):
    store = tmp_path / "c.sqlite3"
    report("d", "ch-mauvezin", "moved", None, AT, path=store)
    before = orient_main("corrections", "--corrections", str(store), "list")
    after = orient_main("corrections", "list", "--corrections", str(store))
    assert before.returncode == after.returncode == 0
    assert before.stdout == after.stdout and "ch-mauvezin : a déménagé" in after.stdout
