"""`orient stats`: the journal summarised per period, outcome, commune and patients without GP."""

from __future__ import annotations

import csv
import hashlib
import io
import sqlite3
from datetime import date, datetime
from pathlib import Path

import pytest

from orient.answer import Answer, CommuneRef, Recommendation
from orient.cli import main
from orient.commands.stats import CSV_COLUMNS, PERIODS, summarise
from orient.journal import Journal

FLEURANCE = CommuneRef(code="32132", name="Fleurance", lat=43.85, lon=0.66)
AUCH = CommuneRef(code="32013", name="Auch", lat=43.65, lon=0.58)


def orientation(at: datetime, period: str, commune: CommuneRef | None, *kinds: str) -> Answer:
    return Answer(at=at, period=period, commune=commune, missing=[],
                  recommendations=[Recommendation(rank=i + 1, kind=k, action="call", name=k, rule="r", why="w",
                                                  sources=["s"]) for i, k in enumerate(kinds)])


@pytest.fixture
def journal_path(tmp_path: Path) -> Path:
    """Six orientations: 3 in Fleurance (2 without GP), 2 in Auch (1 without GP), 1 without commune."""
    path = tmp_path / "journal.sqlite3"
    with Journal.open(path) as journal:
        journal.record(orientation(datetime(2026, 3, 1, 0, 10), "pdsa_night", FLEURANCE, "pdsa_3966", "urgences"),
                       {"has_gp": "no", "age": 70})
        journal.record(orientation(datetime(2026, 3, 2, 10), "weekday_day", FLEURANCE, "msp"), {"has_gp": "no"})
        journal.record(orientation(datetime(2026, 3, 2, 11), "weekday_day", FLEURANCE, "gp"), {"has_gp": "yes"})
        journal.record(orientation(datetime(2026, 3, 31, 23, 59), "pdsa_evening", AUCH, "emergency_15"),
                       {"red_flag": "chest_pain", "has_gp": "no"})
        journal.record(orientation(datetime(2026, 4, 1, 0, 0), "pdsa_night", AUCH, "emergency_15"), {})
        journal.record(orientation(datetime(2026, 4, 4, 15), "pdsa_weekend", None, "pharmacie_garde"),
                       {"need": "medication"})
    return path


def stats(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["stats", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def counts(csv_text: str) -> dict[tuple[str, str], int]:
    reader = csv.DictReader(io.StringIO(csv_text))
    assert tuple(reader.fieldnames) == CSV_COLUMNS
    return {(row["section"], row["key"]): int(row["count"]) for row in reader}


def test_the_csv_counts_each_period_outcome_commune_and_the_patients_without_gp(capsys, journal_path):
    code, out, _ = stats(capsys, "--journal", str(journal_path), "--csv")
    assert code == 0
    assert counts(out) == {
        ("total", "orientations"): 6,
        ("period", "weekday_day"): 2, ("period", "saturday_morning"): 0, ("period", "pdsa_evening"): 1,
        ("period", "pdsa_night"): 2, ("period", "pdsa_weekend"): 1, ("period", "pdsa_holiday"): 0,
        ("outcome", "emergency_15"): 2, ("outcome", "gp"): 1, ("outcome", "msp"): 1,
        ("outcome", "pdsa_3966"): 1, ("outcome", "pharmacie_garde"): 1,
        ("commune", "32132"): 3, ("commune", "32013"): 2, ("commune", ""): 1,
        ("has_gp", "no"): 3, ("has_gp", "yes"): 1, ("has_gp", "unknown"): 2,
        ("no_gp_commune", "32132"): 2, ("no_gp_commune", "32013"): 1,
    }


def test_the_csv_rows_come_in_a_stable_order_most_frequent_first(capsys, journal_path):
    _, out, _ = stats(capsys, "--journal", str(journal_path), "--csv")
    keys = [(row["section"], row["key"]) for row in csv.DictReader(io.StringIO(out))]
    sections = [section for section, _ in keys]
    assert sections == sorted(sections, key=["total", "period", "outcome", "commune", "has_gp",
                                             "no_gp_commune"].index)
    assert [key for section, key in keys if section == "period"] == list(PERIODS)
    assert [key for section, key in keys if section == "outcome"] == [
        "emergency_15", "gp", "msp", "pdsa_3966", "pharmacie_garde"]
    assert [key for section, key in keys if section == "commune"] == ["32132", "32013", ""]
    assert [key for section, key in keys if section == "has_gp"] == ["no", "yes", "unknown"]


def test_the_table_is_in_french_with_counts_and_percentages(capsys, journal_path):
    code, out, _ = stats(capsys, "--journal", str(journal_path))
    assert code == 0
    assert "6 orientations" in out
    assert "Par période" in out and "Par commune" in out and "Médecin traitant" in out
    line = next(line for line in out.splitlines() if "sans médecin traitant" in line)
    assert line.split()[-3:] == ["3", "50,0", "%"]
    line = next(line for line in out.splitlines() if "SAMU" in line)
    assert line.split()[-3:] == ["2", "33,3", "%"]
    assert "commune non renseignée" in out


def test_since_and_until_are_whole_days_in_paris_time_both_included(capsys, journal_path):
    _, out, _ = stats(capsys, "--journal", str(journal_path), "--csv", "--since", "2026-03-01",
                      "--until", "2026-03-31")
    assert counts(out)[("total", "orientations")] == 4
    _, out, _ = stats(capsys, "--journal", str(journal_path), "--csv", "--since", "2026-04-01")
    assert counts(out)[("total", "orientations")] == 2
    _, out, _ = stats(capsys, "--journal", str(journal_path), "--csv", "--until", "2026-03-01")
    assert counts(out)[("total", "orientations")] == 1


def test_commune_names_come_from_the_gazetteer_when_one_is_given(journal_path):
    names = {"32132": "Fleurance", "32013": "Auch"}
    conn = sqlite3.connect(journal_path)
    try:
        rows = summarise(conn, commune_name=names.get)
    finally:
        conn.close()
    labels = {(row.section, row.key): row.label for row in rows}
    assert labels[("commune", "32132")] == "Fleurance"
    assert labels[("no_gp_commune", "32013")] == "Auch"
    assert labels[("commune", "")] == "commune non renseignée"


def test_without_a_gazetteer_communes_are_listed_by_code(journal_path):
    conn = sqlite3.connect(journal_path)
    try:
        rows = summarise(conn, since=date(2026, 3, 1), until=date(2026, 3, 1))
    finally:
        conn.close()
    assert [(row.key, row.label, row.count) for row in rows if row.section == "commune"] == [("32132", "", 1)]


def test_stats_leaves_the_journal_file_as_it_was(capsys, journal_path):
    before = hashlib.sha256(journal_path.read_bytes()).hexdigest()
    stats(capsys, "--journal", str(journal_path))
    stats(capsys, "--journal", str(journal_path), "--csv")
    assert hashlib.sha256(journal_path.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in journal_path.parent.iterdir()) == ["journal.sqlite3"]


def test_stats_reads_while_a_journal_is_open_for_writing(capsys, journal_path):
    with Journal.open(journal_path) as journal:
        journal.record(orientation(datetime(2026, 5, 1, 9), "pdsa_holiday", FLEURANCE, "pdsa_3966"), {})
        _, out, _ = stats(capsys, "--journal", str(journal_path), "--csv")
    assert counts(out)[("period", "pdsa_holiday")] == 1


def test_an_empty_journal_says_so_in_french_and_exits_0(capsys, tmp_path):
    path = tmp_path / "empty.sqlite3"
    Journal.open(path).close()
    code, out, _ = stats(capsys, "--journal", str(path))
    assert code == 0
    assert out.startswith("Aucune orientation enregistrée dans le journal")


def test_an_empty_journal_still_gives_the_stable_csv_rows_at_zero(capsys, tmp_path):
    path = tmp_path / "empty.sqlite3"
    Journal.open(path).close()
    code, out, err = stats(capsys, "--journal", str(path), "--csv")
    assert code == 0
    assert counts(out) == {("total", "orientations"): 0, **{("period", p): 0 for p in PERIODS},
                           ("has_gp", "no"): 0, ("has_gp", "yes"): 0, ("has_gp", "unknown"): 0}
    assert "Aucune orientation" in err


def test_a_zero_byte_file_left_by_a_writer_killed_at_creation_counts_as_empty(capsys, tmp_path):
    path = tmp_path / "j.sqlite3"
    path.write_bytes(b"")
    code, out, _ = stats(capsys, "--journal", str(path))
    assert (code, out.startswith("Aucune orientation")) == (0, True)


def test_the_default_journal_not_yet_created_is_not_an_error_and_is_not_created(capsys, tmp_path, monkeypatch):
    path = tmp_path / "never" / "journal.sqlite3"
    monkeypatch.setenv("ORIENT_JOURNAL", str(path))
    code, out, _ = stats(capsys)
    assert code == 0
    assert "n'existe pas encore" in out and str(path) in out
    assert not path.parent.exists()


def test_the_default_journal_under_xdg_data_home_is_the_one_summarised(capsys, tmp_path, monkeypatch, journal_path):
    monkeypatch.delenv("ORIENT_JOURNAL", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    (tmp_path / "data" / "orient").mkdir(parents=True)
    journal_path.rename(tmp_path / "data" / "orient" / "journal.sqlite3")
    code, out, _ = stats(capsys, "--csv")
    assert (code, counts(out)[("total", "orientations")]) == (0, 6)


def test_a_journal_turned_off_says_so_and_exits_0(capsys, monkeypatch):
    monkeypatch.setenv("ORIENT_JOURNAL", "off")
    code, out, _ = stats(capsys)
    assert code == 0
    assert "désactivé" in out and "--journal" in out


def test_an_explicit_journal_path_that_does_not_exist_exits_2(capsys, tmp_path):
    code, out, err = stats(capsys, "--journal", str(tmp_path / "nope.sqlite3"))
    assert (code, out) == (2, "")
    assert "journal introuvable" in err
    assert not (tmp_path / "nope.sqlite3").exists()


@pytest.mark.parametrize("option, value", [("--since", "28/11/2026"), ("--until", "2026-13-01"),
                                           ("--since", "hier")])
def test_a_date_that_cannot_be_read_exits_2_with_the_expected_form(capsys, journal_path, option, value):
    code, _, err = stats(capsys, "--journal", str(journal_path), option, value)
    assert code == 2
    assert option in err and "AAAA-MM-JJ" in err


def test_since_after_until_exits_2(capsys, journal_path):
    code, _, err = stats(capsys, "--journal", str(journal_path), "--since", "2026-05-01", "--until", "2026-04-01")
    assert code == 2 and "après" in err


def test_a_file_that_is_not_a_journal_exits_1(capsys, tmp_path):
    text_file = tmp_path / "notes.txt"
    text_file.write_text("pas une base " * 100)
    code, _, err = stats(capsys, "--journal", str(text_file))
    assert code == 1 and "n'est pas un journal orient" in err
    other_db = tmp_path / "other.sqlite3"
    conn = sqlite3.connect(other_db)
    conn.execute("CREATE TABLE patients (name TEXT)")
    conn.close()
    code, _, err = stats(capsys, "--journal", str(other_db))
    assert code == 1 and "orientation" in err


def test_the_terminal_table_shows_the_busiest_communes_and_groups_the_rest(capsys, tmp_path):
    path = tmp_path / "j.sqlite3"
    with Journal.open(path) as journal:
        for i in range(25):
            commune = CommuneRef(code=f"32{i + 1:03d}", name="X", lat=0.0, lon=0.0)
            for _ in range(1 + (i == 0)):
                journal.record(orientation(datetime(2026, 3, 2, 10), "weekday_day", commune, "msp"), {})
    _, out, _ = stats(capsys, "--journal", str(path))
    commune_lines = [line for line in out.splitlines() if line.strip().startswith("32")]
    # The busiest commune first, with its count (its name sits between when the gazetteer knows it).
    assert len(commune_lines) == 20
    first = commune_lines[0].split()
    assert first[0] == "32001" and "2" in first[1:]
    rest = next(line for line in out.splitlines() if "autres communes (5" in line)
    assert rest.split()[-3] == "5"
    _, out, _ = stats(capsys, "--journal", str(path), "--csv")
    assert sum(1 for (section, _) in counts(out) if section == "commune") == 25
