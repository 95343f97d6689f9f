"""`orient report --html`: the coordinator's page from a real journal, the map of the Gers, small counts hidden."""

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import datetime
from html.parser import HTMLParser

import pytest
from cli_run import run_main

from orient.corrections import CorrectionStore
from orient.directory.gazetteer import default_gazetteer
from orient.journal import Journal
from orient.orientation import Knowledge, orient
from orient.periods import PARIS

SVG = "{http://www.w3.org/2000/svg}"
MAUVEZIN, LECTOURE, AUCH = "32249", "32208", "32013"


def run_orient(*args, env=None):
    return subprocess.run([sys.executable, "-m", "orient", *args], capture_output=True, text=True, env=env)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """A journal written by the real orientation code: 6 dental needs at night in Mauvezin (no local
    service), 2 in Lectoure, 3 vital emergencies in Auch; one correction waiting."""
    folder = tmp_path_factory.mktemp("report")
    knowledge = Knowledge.load()
    gazetteer = default_gazetteer()
    cases = ([(MAUVEZIN, {"red_flag": "none", "need": "dental"}, 23)] * 6
             + [(LECTOURE, {"red_flag": "none", "need": "dental"}, 22)] * 2
             + [(AUCH, {"red_flag": "chest_pain"}, 10)] * 3)
    with Journal.open(folder / "journal.sqlite3") as journal:
        for i, (code, facts, hour) in enumerate(cases):
            at = datetime(2026, 11, 2 + i % 5, hour, 15, tzinfo=PARIS)
            journal.record(orient(knowledge, facts, at, gazetteer.get(code)), facts)
    with CorrectionStore.open(folder / "corrections.sqlite3") as store:
        store.report("pharmacie-mauvezin", "ch-mauvezin", "wrong_hours", "ouvert le samedi matin", datetime.now(PARIS))
    out = folder / "rapport.html"
    done = run_orient("report", "--html", "--out", str(out), "--journal", str(folder / "journal.sqlite3"),
                      "--corrections", str(folder / "corrections.sqlite3"))
    assert done.returncode == 0, done.stderr
    return out.read_text()


def map_paths(html):
    svg = re.search(r'<svg[^>]*class="map".*?</svg>', html, re.S).group(0)
    root = ET.fromstring(svg)  # well-formed XML
    return {p.get("data-commune"): p.find(f"{SVG}title").text for p in root.iter(f"{SVG}path")}


def test_the_map_has_one_shape_per_gers_commune(report):
    gers = {c.code for c in default_gazetteer() if c.dept == "32"}
    assert len(gers) >= 458
    assert set(map_paths(report)) == gers


def test_a_commune_with_fewer_than_5_orientations_shows_no_count(report):
    titles = map_paths(report)
    assert titles[MAUVEZIN] == "Mauvezin : 6 orientation(s), dont 6 sans service local"
    assert titles[LECTOURE] == "Lectoure : moins de 5 orientation(s), dont moins de 5 sans service local"
    assert not re.search(r"\d", titles[LECTOURE].replace("5", ""))  # no count of 2 anywhere
    assert "Lectoure (32208)" not in report  # not in the table either
    assert "autres communes (1, moins de 5 chacune)" in report


def test_vital_emergencies_are_not_counted_as_a_missing_local_service(report):
    assert map_paths(report)[AUCH] == "Auch : moins de 5 orientation(s)"  # 3 emergencies, none lacking
    assert "pas de dentiste de garde connu" in report


def test_hours_outside_office_hours_are_drawn_and_small_counts_have_no_bar(report):
    assert "<title>23h : 6</title>" in report
    assert "22h :" not in report  # 2 orientations at 22h: no bar, no number
    assert "En dehors des heures ouvrées (permanence des soins) : 8." in report


def test_directory_freshness_and_waiting_corrections_are_listed(report):
    assert "Centre territorial de santé de Masseube" in report and "jamais vérifiée" in report
    assert "1 signalement(s) à vérifier" in report and "horaires faux" in report


def test_the_page_opens_without_network_or_script(report):
    class Tags(HTMLParser):
        def __init__(self):
            super().__init__()
            self.found = []

        def handle_starttag(self, tag, attrs):
            self.found.append((tag, dict(attrs)))

    parser = Tags()
    parser.feed(report)
    assert not [t for t, _ in parser.found if t in ("script", "link", "img", "iframe")]
    assert not [a for _, attrs in parser.found for k, a in attrs.items() if k in ("src", "href")]


def test_bad_input_gives_a_french_message_and_no_traceback(tmp_path):
    done = run_main("report", "--html", "--out", str(tmp_path / "r.html"), "--journal", str(tmp_path / "none"))
    assert done.returncode == 2 and "journal introuvable" in done.stderr
    not_journal = tmp_path / "x.sqlite3"
    not_journal.write_text("pas une base")
    done = run_main("report", "--html", "--out", str(tmp_path / "r.html"), "--journal", str(not_journal))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    done = run_main("report", "--html", "--out", str(tmp_path / "r.html"), "--since", "hier")
    assert done.returncode == 2 and "AAAA-MM-JJ" in done.stderr
    assert not (tmp_path / "r.html").exists()
