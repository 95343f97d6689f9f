"""`orient import csv`: the coordinator's spreadsheet template, checked like the embedded data."""

import subprocess
import sys
from pathlib import Path

from cli_run import run_main

from orient.directory.check import check_directory
from orient.directory.gazetteer import default_gazetteer
from orient.directory.importers.csv_template import TEMPLATE_COLUMNS
from orient.problems import errors

FIXTURES = Path(__file__).parent / "fixtures" / "csv_template"


def orient(*args):
    return subprocess.run([sys.executable, "-m", "orient", *args], capture_output=True, text=True)


def test_the_template_header_lists_the_directory_fields():
    done = orient("import", "csv", "--template")
    assert done.returncode == 0
    assert done.stdout.strip().split(",") == list(TEMPLATE_COLUMNS)


def test_a_filled_template_becomes_a_file_orient_check_accepts(tmp_path):
    out = tmp_path / "coordination.yaml"
    done = orient("import", "csv", str(FIXTURES / "services-ok.csv"), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert errors(check_directory(tmp_path, default_gazetteer())) == []
    text = out.read_text()
    assert "commune: '32249'" in text  # "Mauvezin" typed by name
    assert "Mo-Fr 09:00-12:00,14:00-19:00; Sa 09:00-12:00" in text  # a quoted ; inside a cell
    assert "06 12 34 56 78" in text  # two phones in one cell


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_written(tmp_path):
    out = tmp_path / "coordination.yaml"
    out.write_text("services: []\n")
    bad = FIXTURES / "services-bad.csv"
    done = orient("import", "csv", str(bad), "--out", str(out))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    for line, word in ((3, "phones"), (4, "opening_hours"), (5, "Zzyzx"), (6, "pharmacy"), (7, "source")):
        assert any(l.startswith(f"{bad}:{line}: ") and word in l for l in done.stderr.splitlines()), (line, done.stderr)
    assert f"{bad}:2:" not in done.stderr  # the good row
    assert out.read_text() == "services: []\n"


def test_an_id_already_in_the_output_folder_is_refused(tmp_path):
    (tmp_path / "pharmacies.yaml").write_text(
        "services:\n  - id: pharmacie-de-la-halle-32249\n    name: Pharmacie de la Halle\n"
        "    kind: pharmacie\n    commune: '32249'\n    sources: [x]\n"
    )
    done = orient("import", "csv", str(FIXTURES / "services-ok.csv"), "--out", str(tmp_path / "new.yaml"))
    assert done.returncode == 1
    assert ":2: id 'pharmacie-de-la-halle-32249' déjà dans l'annuaire (pharmacies.yaml:2)" in done.stderr
    assert not (tmp_path / "new.yaml").exists()


def test_missing_columns_and_unreadable_files_are_named(tmp_path):
    no_kind = tmp_path / "no-kind.csv"
    no_kind.write_text("name,commune,sources\nPharmacie,32249,x\n")
    done = run_main("import", "csv", str(no_kind))
    assert done.returncode == 1 and f"{no_kind}:1: colonne(s) obligatoire(s) absente(s) : kind" in done.stderr
    done = run_main("import", "csv", str(tmp_path / "absent.csv"))
    assert done.returncode == 2 and "impossible de lire" in done.stderr and "Traceback" not in done.stderr
    done = run_main("import", "csv")
    assert done.returncode == 2 and "--template" in done.stderr


def test_a_windows_spreadsheet_export_in_cp1252_is_read(tmp_path):
    legacy = tmp_path / "legacy.csv"
    legacy.write_bytes("name;kind;commune;sources\nPharmacie de l'Église;pharmacie;32249;appel du 2026-11-30\n"
                       .encode("cp1252"))
    done = orient("import", "csv", str(legacy))
    assert done.returncode == 0, done.stderr
    assert "Pharmacie de l'Église" in done.stdout
