"""The anonymous orientation journal: what it stores, what it refuses, and that a killed writer
never corrupts it."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal_rows import answer, killed_writer_answer, killed_writer_facts, recommendation
from orient.answer import Answer, CommuneRef, TraceStep
from orient.facts import FACTS
from orient.journal import (
    AGE_BAND_LABELS,
    PERIODS,
    Journal,
    JournalError,
    age_band,
    anonymous_facts,
    anonymous_row,
    default_journal_path,
    journal_path_for,
    record_if_enabled,
    record_orientation,
)

REPO = Path(__file__).resolve().parent.parent
COLUMNS = ("id", "hour", "commune", "period", "facts", "kinds", "first_kind", "no_gp")




def rows(path: Path) -> list[dict]:
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute("SELECT * FROM orientation ORDER BY id")]
    finally:
        conn.close()


FLEURANCE = CommuneRef(code="32132", name="Fleurance", lat=43.85, lon=0.66, dept="32")


def test_a_recorded_orientation_keeps_the_hour_rounded_down_in_paris_time(tmp_path):
    path = tmp_path / "j.sqlite3"
    with Journal.open(path) as journal:
        journal.record(answer(datetime(2026, 11, 28, 14, 37, 12)), {})  # naive: Paris
        journal.record(answer(datetime(2026, 7, 1, 22, 59, tzinfo=timezone.utc)), {})  # 00:59 in Paris
    assert [r["hour"] for r in rows(path)] == ["2026-11-28T14:00+01:00", "2026-07-02T00:00+02:00"]


def test_the_two_hours_of_the_autumn_clock_change_stay_distinct(tmp_path):
    path = tmp_path / "j.sqlite3"
    with Journal.open(path) as journal:
        journal.record(answer(datetime(2026, 10, 25, 0, 30, tzinfo=timezone.utc)), {})  # 02:30 CEST
        journal.record(answer(datetime(2026, 10, 25, 1, 30, tzinfo=timezone.utc)), {})  # 02:30 CET
    assert [r["hour"] for r in rows(path)] == ["2026-10-25T02:00+02:00", "2026-10-25T02:00+01:00"]


@pytest.mark.parametrize("age, band", [(0, "0-5"), (5, "0-5"), (6, "6-15"), (15, "6-15"), (16, "16-64"),
                                       (64, "16-64"), (65, "65+"), (130, "65+")])
def test_an_age_becomes_its_band(age, band):
    assert age_band(age) == band
    assert anonymous_facts({"age": age}) == {"age": band}
    assert anonymous_facts({"age": str(age)}) == {"age": band}


def test_facts_outside_the_contract_are_dropped_and_the_others_kept_normalised():
    kept = anonymous_facts({
        "red_flag": "NONE", "need": "consult", "has_gp": "no", "age": 34,
        "name": "Jeanne Dupont", "note": "douleur au genou depuis mardi",
        "sex": "alien", "fever": "peut-être", "age_exact": 34,
    })
    assert kept == {"red_flag": "none", "need": "consult", "has_gp": "no", "age": "16-64"}


def test_the_kinds_are_stored_in_rank_order_with_the_first_apart(tmp_path):
    path = tmp_path / "j.sqlite3"
    shuffled = Answer(at=datetime(2026, 3, 2, 9), period="weekday_day", commune=None, missing=[],
                      recommendations=[recommendation(3, "cpam"), recommendation(1, "msp"),
                                       recommendation(2, "pdsa_3966")])
    with Journal.open(path) as journal:
        journal.record(shuffled, {})
        journal.record(answer(datetime(2026, 3, 2, 9), kinds=()), {})
    first, empty = rows(path)
    assert json.loads(first["kinds"]) == ["msp", "pdsa_3966", "cpam"] and first["first_kind"] == "msp"
    assert json.loads(empty["kinds"]) == [] and empty["first_kind"] is None


def test_no_gp_is_one_without_a_medecin_traitant_zero_with_one_and_null_when_not_asked(tmp_path):
    path = tmp_path / "j.sqlite3"
    with Journal.open(path) as journal:
        for facts in ({"has_gp": "no"}, {"has_gp": "yes"}, {}, {"has_gp": "maybe"}):
            journal.record(answer(datetime(2026, 3, 2, 9)), facts)
    assert [r["no_gp"] for r in rows(path)] == [1, 0, None, None]


@pytest.mark.parametrize("code, stored", [("32132", "32132"), ("2A004", "2A004"), ("97411", "97411"),
                                          ("Fleurance", None), ("32 132", None), ("", None)])
def test_only_an_insee_code_is_kept_for_the_commune(tmp_path, code, stored):
    path = tmp_path / "j.sqlite3"
    with Journal.open(path) as journal:
        journal.record(answer(datetime(2026, 3, 2, 9), commune=CommuneRef(code, "X", 0.0, 0.0)), {})
        journal.record(answer(datetime(2026, 3, 2, 9), commune=None), {})
    assert [r["commune"] for r in rows(path)] == [stored, None]


def test_an_answer_with_an_unknown_period_is_refused_and_nothing_is_written(tmp_path):
    path = tmp_path / "j.sqlite3"
    with Journal.open(path) as journal:
        with pytest.raises(ValueError, match="period"):
            journal.record(answer(datetime(2026, 3, 2, 9), period="lunch"), {})
        assert journal.count() == 0


def test_the_table_has_exactly_the_documented_columns(tmp_path):
    path = tmp_path / "j.sqlite3"
    Journal.open(path).close()
    conn = sqlite3.connect(path)
    columns = tuple(name for _, name, *_ in conn.execute("PRAGMA table_info(orientation)"))
    tables = sorted(name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"))
    conn.close()
    assert columns == COLUMNS
    assert tables == ["orientation"]


def test_no_personal_data_is_stored_even_when_the_answer_and_the_facts_carry_some(tmp_path):
    path = tmp_path / "j.sqlite3"
    every_fact = {"red_flag": "none", "deaf": "no", "need": "minor_care", "has_gp": "no", "gp_reachable": "no",
                  "age": 47, "can_travel": "yes", "has_prescription": "no", "minor_problem": "cystitis",
                  "sex": "female", "pregnant": "no", "fever": "no",
                  "nom": "Mme Zoé Testardi", "telephone": "06 12 34 56 78", "commentaire": "habite rue Zarbi"}
    detailed = Answer(
        at=datetime(2026, 11, 28, 14, 37, 51), period="pdsa_weekend",
        commune=CommuneRef(code="32242", name="Masseube-Zarbi", lat=43.4312, lon=0.5789, dept="32"),
        missing=["fever"],
        recommendations=[recommendation(1, "pharmacie", address="12 rue Zarbi", phone="05 62 66 77 88",
                                        distance_km=3.1415, commune_name="Masseube-Zarbi",
                                        advice=["Apportez la carte Vitale de Mme Testardi"]),
                         recommendation(2, "pdsa_3966")],
        warnings=["Commune « Masseubeh » introuvable"],
        trace=[TraceStep(rule="minor.cystitis", title="Cystite", facts={"age": 47}, period="pdsa_weekend",
                         sources=["Arrêté"], note="note libre Zarbi")],
    )
    with Journal.open(path) as journal:
        journal.record(detailed, every_fact)

    (row,) = rows(path)
    assert set(row) == set(COLUMNS)
    assert row["hour"] == "2026-11-28T14:00+01:00"
    assert row["commune"] == "32242"
    assert row["period"] in PERIODS
    facts = json.loads(row["facts"])
    assert set(facts) <= set(FACTS)
    for name, value in facts.items():
        allowed = AGE_BAND_LABELS if FACTS[name] is None else FACTS[name]
        assert value in allowed, (name, value)
    assert facts["age"] == "16-64"
    assert json.loads(row["kinds"]) == ["pharmacie", "pdsa_3966"]
    assert row["first_kind"] == "pharmacie" and row["no_gp"] == 1
    # No exact age, time, position or distance in any column.
    text = json.dumps(row)
    for exact in ("47", "14:37", ":51", "3.14", "43.43", "0.57"):
        assert exact not in text, exact
    # No name, phone, address or free text anywhere in the file (WAL included).
    raw = path.read_bytes()
    for wal in path.parent.glob(path.name + "-*"):
        raw += wal.read_bytes()
    for secret in ("Testardi", "Zarbi", "06 12 34 56 78", "05 62 66 77 88", "Masseube", "Vitale",
                   "introuvable", "Service pharmacie", "Parce que", "R6315", "minor.cystitis"):
        assert secret.encode() not in raw, secret


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.one_of(st.sampled_from(sorted(FACTS)), st.text(max_size=12)),
                       st.one_of(st.text(max_size=30), st.integers(-5, 200)), max_size=14))
def test_whatever_facts_are_given_only_contract_values_are_kept(facts):
    kept = anonymous_facts(facts)
    for name, value in kept.items():
        assert name in FACTS
        assert value in (AGE_BAND_LABELS if FACTS[name] is None else FACTS[name])


def test_the_journal_is_in_wal_mode_and_readable_by_its_owner_only(tmp_path):
    path = tmp_path / "deeper" / "j.sqlite3"
    with Journal.open(path) as journal:
        journal.record(answer(datetime(2026, 3, 2, 9)), {})
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_rows_survive_reopening_and_two_journals_can_write_to_one_file(tmp_path):
    path = tmp_path / "j.sqlite3"
    first, second = Journal.open(path), Journal.open(path)
    try:
        ids = [first.record(answer(datetime(2026, 3, 2, 9)), {}), second.record(answer(datetime(2026, 3, 2, 10)), {}),
               first.record(answer(datetime(2026, 3, 2, 11)), {})]
    finally:
        first.close()
        second.close()
    assert ids == [1, 2, 3]
    with Journal.open(path) as journal:
        assert journal.count() == 3


def test_a_file_that_is_not_a_journal_is_refused_with_a_french_message(tmp_path):
    path = tmp_path / "notes.sqlite3"
    path.write_text("ceci n'est pas une base de données " * 200)
    with pytest.raises(JournalError, match="n'est pas un journal"):
        Journal.open(path)


def test_a_journal_from_a_newer_orient_is_refused(tmp_path):
    path = tmp_path / "j.sqlite3"
    Journal.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(JournalError, match="plus récente"):
        Journal.open(path)


def test_the_default_path_follows_orient_journal_then_xdg_then_home(tmp_path):
    assert default_journal_path({"ORIENT_JOURNAL": str(tmp_path / "x.db")}) == tmp_path / "x.db"
    assert default_journal_path({"XDG_DATA_HOME": str(tmp_path)}) == tmp_path / "orient" / "journal.sqlite3"
    assert default_journal_path({"XDG_DATA_HOME": "relative/ignored"}) == (
        Path.home() / ".local" / "share" / "orient" / "journal.sqlite3")
    assert default_journal_path({}) == Path.home() / ".local" / "share" / "orient" / "journal.sqlite3"


@pytest.mark.parametrize("value", ["off", "OFF", "0", "no", "false", "non"])
def test_orient_journal_off_turns_the_journal_off(value, tmp_path):
    assert journal_path_for(environ={"ORIENT_JOURNAL": value}) is None
    assert journal_path_for(path=tmp_path / "j.db", environ={"ORIENT_JOURNAL": value}) is None


def test_the_no_journal_flag_turns_it_off_and_an_explicit_path_wins_over_the_default(tmp_path):
    env = {"XDG_DATA_HOME": str(tmp_path)}
    assert journal_path_for(no_journal=True, environ=env) is None
    assert journal_path_for(path=tmp_path / "other.db", environ=env) == tmp_path / "other.db"
    assert journal_path_for(environ=env) == tmp_path / "orient" / "journal.sqlite3"


def test_recording_is_on_by_default_and_writes_to_the_path_in_orient_journal(tmp_path, monkeypatch):
    path = tmp_path / "desk.sqlite3"
    monkeypatch.setenv("ORIENT_JOURNAL", str(path))
    assert record_if_enabled(answer(datetime(2026, 3, 2, 9)), {"has_gp": "no"}) is True
    assert record_if_enabled(answer(datetime(2026, 3, 2, 9)), {}, no_journal=True) is False
    assert [r["no_gp"] for r in rows(path)] == [1]


def test_a_journal_that_cannot_be_written_never_stops_an_orientation(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    errors: dict[str, str] = {}
    written = record_orientation(answer(datetime(2026, 3, 2, 9)), {}, path=blocker / "j.sqlite3",
                                 environ={}, errors=errors)
    assert written is False
    assert errors["journal"].startswith("journal anonyme non écrit")


# --- a writer killed mid-write --------------------------------------------------------------

WRITER = textwrap.dedent("""
    import importlib.util, sys
    from orient.journal import Journal

    spec = importlib.util.spec_from_file_location("journal_rows", sys.argv[3])
    rows = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(rows)
    journal = Journal.open(sys.argv[1])
    print("ready", flush=True)
    for i in range(int(sys.argv[2])):
        journal.record(rows.killed_writer_answer(i), rows.killed_writer_facts(i))
        print(i + 1, flush=True)  # acknowledged: committed
""")


def start_writer(path: Path, rows_at_most: int) -> subprocess.Popen:
    rows_module = str(Path(__file__).with_name("journal_rows.py"))  # tests/journal_rows.py's docstring: why apart
    return subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(rows_at_most), rows_module], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.parametrize("acknowledged_before_kill", [0, 1, 3, 8, 17, 34, 60, 150])
def test_a_writer_killed_mid_write_loses_at_most_one_row_and_never_corrupts_the_file(
        tmp_path, acknowledged_before_kill):
    path = tmp_path / "j.sqlite3"
    writer = start_writer(path, rows_at_most=1_000_000)
    try:
        assert writer.stdout.readline().strip() == "ready", writer.stderr.read()
        for _ in range(acknowledged_before_kill):
            line = writer.stdout.readline()
            assert line, writer.stderr.read()
        os.kill(writer.pid, signal.SIGKILL)
        remaining = writer.stdout.read()  # what it acknowledged between our last read and the kill
        assert writer.wait(timeout=30) == -signal.SIGKILL
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait(timeout=30)
        writer.stdout.close()
        writer.stderr.close()
    acknowledged = max([acknowledged_before_kill] + [int(n) for n in remaining.split()])

    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        conn.close()
    stored = rows(path)
    # Every acknowledged row is there; at most the one being written when killed is extra (its
    # COMMIT reached the disk, its acknowledgement did not reach us); nothing is half there.
    assert acknowledged <= len(stored) <= acknowledged + 1
    for i, row in enumerate(stored):
        expected = anonymous_row(killed_writer_answer(i), killed_writer_facts(i))
        assert row == {"id": i + 1, **expected}
        assert isinstance(json.loads(row["facts"]), dict) and isinstance(json.loads(row["kinds"]), list)
    # And the journal goes on: the next orientation is recorded after the last complete one.
    with Journal.open(path) as journal:
        assert journal.record(killed_writer_answer(len(stored)), killed_writer_facts(len(stored))) == len(stored) + 1
