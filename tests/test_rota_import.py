"""`orient rota import` (CSV, XLSX, ODS) and `orient rota show`: the pharmacies' duty rota."""

import csv
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from cli_run import run_main

from orient.directory.check import check_directory
from orient.directory.gazetteer import default_gazetteer
from orient.problems import errors

FIXTURES = Path(__file__).parent / "fixtures" / "rota"
GOOD = FIXTURES / "garde-2027.csv"
BAD = FIXTURES / "garde-bad.csv"


def orient(*args):
    """A real `orient` process (the first import, of the CSV, and the first show); the other formats,
    later shows and the refusals below run `orient_main`, the same command in the test process."""
    return subprocess.run([sys.executable, "-m", "orient", *args], capture_output=True, text=True)


orient_main = run_main


@pytest.fixture
def folder(tmp_path):
    copy = tmp_path / "directory"
    shutil.copytree(FIXTURES / "directory", copy)
    return copy


def table_rows():
    with GOOD.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle, delimiter=";"))


def as_xlsx(path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in table_rows():
        sheet.append([_typed(cell) for cell in row])
    book.save(path)
    return path


def as_ods(path):
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    sheet = Table(name="Garde")
    for row in table_rows():
        line = TableRow()
        for cell in row:
            typed = _typed(cell)
            if isinstance(typed, datetime):
                element = TableCell(valuetype="date", datevalue=typed.strftime("%Y-%m-%dT%H:%M:%S"))
            else:
                element = TableCell(valuetype="string")
            element.addElement(P(text=cell))
            line.addElement(element)
        sheet.addElement(line)
    document.spreadsheet.addElement(sheet)
    document.save(str(path))
    return path


def _typed(cell):
    """Dates as real date cells, the way a spreadsheet stores them."""
    for form in ("%d/%m/%Y %H:%M", "%Y-%m-%dT%H:%M"):
        try:
            return datetime.strptime(cell, form)
        except ValueError:
            pass
    return cell


@pytest.mark.parametrize("make", [lambda tmp: GOOD, lambda tmp: as_xlsx(tmp / "garde-2027.xlsx"),
                                  lambda tmp: as_ods(tmp / "garde-2027.ods")], ids=["csv", "xlsx", "ods"])
def test_a_rota_table_becomes_a_rota_file_orient_check_accepts(folder, tmp_path, make):
    table = make(tmp_path)
    run = orient if table == GOOD else orient_main
    done = run("rota", "import", str(table), "--directory", str(folder), "--source", "FSPF 32, garde 2027")
    assert done.returncode == 0, done.stderr
    assert "3 secteur(s), 4 garde(s)" in done.stderr
    written = folder / "rota" / "garde-2027.yaml"
    text = written.read_text()
    assert "FSPF 32, garde 2027" in text
    assert "{pharmacy: finess-329990031, start: '2027-01-02T19:30', end: '2027-01-09T09:00'}" in text  # by FINESS
    assert "pharmacy: pharmacie-halle-mauvezin" in text  # "Halle" matched the only pharmacy with that word
    assert errors(check_directory(folder, default_gazetteer())) == []


def test_rota_show_prints_who_is_on_duty_where_and_the_3237_elsewhere(folder):
    assert orient_main("rota", "import", str(GOOD), "--directory", str(folder)).returncode == 0
    done = orient("rota", "show", "--directory", str(folder), "--at", "2027-01-05T22:00")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert any(l.startswith("  Lomagne : Pharmacie de la Halle") and "05 62 00 00 01" in l for l in lines)
    assert any(l.startswith("  Auch : Pharmacie du Centre") and "jusqu'à samedi 9h" in l for l in lines)
    assert "3237" in lines[-1]
    later = orient_main("rota", "show", "--directory", str(folder), "--at", "2027-03-01T22:00", "--commune", "Mauvezin")
    assert "Lomagne : pas de garde connue à ce moment — appelez le 3237" in later.stdout
    elsewhere = orient_main("rota", "show", "--directory", str(folder), "--at", "2027-01-05T22:00",
                            "--commune", "Fleurance")
    assert "Fleurance : aucun secteur de garde connu — appelez le 3237" in elsewhere.stdout


def test_every_row_that_cannot_be_placed_is_reported_and_the_previous_rota_is_kept(folder):
    assert orient_main("rota", "import", str(GOOD), "--directory", str(folder), "--out",
                       str(folder / "rota" / "garde.yaml")).returncode == 0
    before = (folder / "rota" / "garde.yaml").read_text()
    done = orient_main("rota", "import", str(BAD), "--directory", str(folder), "--out",
                       str(folder / "rota" / "garde.yaml"))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    expected = {3: "Pharmacie Inconnue", 4: "chevauche celle de la ligne 2", 5: "Zzyzx", 6: "le 10 janvier",
                7: "n'est pas une pharmacie", 8: "avant de commencer", 9: "ambiguë"}
    for line, words in expected.items():
        assert any(l.startswith(f"{BAD}:{line}: ") and words in l for l in done.stderr.splitlines()), (line, done.stderr)
    assert f"{BAD}:2:" not in done.stderr
    assert (folder / "rota" / "garde.yaml").read_text() == before


def test_a_sector_already_in_another_rota_file_is_refused(folder):
    assert orient_main("rota", "import", str(GOOD), "--directory", str(folder), "--out",
                       str(folder / "rota" / "a.yaml")).returncode == 0
    done = orient_main("rota", "import", str(GOOD), "--directory", str(folder), "--out",
                       str(folder / "rota" / "b.yaml"))
    assert done.returncode == 1
    assert "duplicate sector id 'auch'" in done.stderr
    assert not (folder / "rota" / "b.yaml").exists()


def test_bad_input_is_exit_2_with_a_french_message(folder, tmp_path):
    missing = tmp_path / "nothing.csv"
    done = orient_main("rota", "import", str(missing), "--directory", str(folder))
    assert done.returncode == 2 and "impossible de lire" in done.stderr
    no_end = tmp_path / "no-end.csv"
    no_end.write_text("secteur,pharmacie,debut\nAuch,Pharmacie de la Gare,2027-01-02T19:30\n")
    done = orient_main("rota", "import", str(no_end), "--directory", str(folder))
    assert done.returncode == 2 and "colonne(s) absente(s) : fin" in done.stderr
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    done = orient_main("rota", "import", str(broken), "--directory", str(folder))
    assert done.returncode == 2 and "illisible" in done.stderr and "Traceback" not in done.stderr
    done = orient_main("rota", "show", "--directory", str(folder), "--at", "demain soir")
    assert done.returncode == 2 and "Traceback" not in done.stderr
