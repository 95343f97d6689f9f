"""The coordination commands (corrections, report, export, rota, import) print and write no
control character, whatever a desk typed or a spreadsheet held: escape sequences would retitle
or clear the coordinator's terminal."""

import sqlite3
import subprocess
import sys

from orient.directory.importers.tables import read_table

ESCAPES = "\x1b]0;pwn\x07\x1b[2J\x9b"


def orient(*args, env=None):
    return subprocess.run([sys.executable, "-m", "orient", *args], capture_output=True, text=True,
                          timeout=120, env=env)


def has_control(text):
    return any(c in text for c in "\x1b\x07\x9b")


def test_a_desk_text_with_escapes_is_stored_and_shown_without_them(tmp_path):
    db = tmp_path / "signalements.sqlite3"
    done = orient("corrections", "add", "--entry", "cds-fleurance", "--kind", "other",
                  "--text", f"numéro {ESCAPES} faux", "--corrections", str(db))
    assert done.returncode == 0, done.stderr
    (stored,) = sqlite3.connect(db).execute("SELECT text FROM correction").fetchone()
    assert not has_control(stored) and "numéro" in stored and "faux" in stored


def test_list_show_and_report_strip_what_an_older_store_holds(tmp_path):
    db = tmp_path / "signalements.sqlite3"
    assert orient("corrections", "add", "--entry", "cds-fleurance", "--kind", "other", "--text", "ok",
                  "--corrections", str(db)).returncode == 0
    with sqlite3.connect(db) as conn:  # a row written before the store stripped, or by another tool
        conn.execute("UPDATE correction SET text = ?", (f"numéro {ESCAPES} faux",))
    for action in (("list",), ("show", "1")):
        done = orient("corrections", *action, "--corrections", str(db))
        assert done.returncode == 0, done.stderr
        assert "numéro" in done.stdout and not has_control(done.stdout + done.stderr)
    out = tmp_path / "rapport.html"
    import os

    done = orient("report", "--html", "--out", str(out), "--corrections", str(db),
                  env={**os.environ, "ORIENT_JOURNAL": "off"})
    assert done.returncode == 0, done.stderr
    html = out.read_text()
    assert "numéro" in html and not has_control(html)


def test_table_cells_lose_control_characters_through_the_shared_helper(tmp_path):
    table = tmp_path / "t.csv"
    table.write_text("nom;commune\nPharmacie\x1b\x07\x9b du\tCentre;Auch\n", encoding="utf-8")
    rows = read_table(table)
    cells = [cell for _, row in rows for cell in row]
    assert cells == ["nom", "commune", "Pharmacie du Centre", "Auch"]
    assert not any(has_control(c) for c in cells)
