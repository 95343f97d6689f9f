"""Duty rotas: who is on duty for this commune at this moment; nothing when no rota covers it."""

from datetime import datetime, timezone
from pathlib import Path

import pytest
from geopy.distance import great_circle

from orient import paths
from orient.directory import Directory
from orient.directory.gazetteer import default_gazetteer
from orient.directory.hours import PARIS
from orient.problems import DataError

PHARMACIES = """\
services:
  - id: pharmacie-a-auch
    name: Pharmacie A (Auch)
    kind: pharmacie
    commune: "32013"
    location: {lat: 43.6461, lon: 0.5866, precision: address}
    phones: ["05 36 49 00 01"]
    opening_hours: "Mo-Sa 09:00-19:00; PH off"
    sources: [fixture]
  - id: pharmacie-b-pavie
    name: Pharmacie B (Pavie)
    kind: pharmacie
    commune: "32307"
    phones: ["05 36 49 00 02"]
    sources: [fixture]
  - id: pharmacie-c-fleurance
    name: Pharmacie C (Fleurance)
    kind: pharmacie
    commune: "32132"
    sources: [fixture]
"""

ROTA = """\
sectors:
  - id: auch
    name: Secteur d'Auch
    communes: ["32013", "32307", "32125"]
    sources: [fixture]
    duties:
      - {pharmacy: pharmacie-a-auch, start: 2026-11-21T19:00, end: 2026-11-28T09:00}
      - {pharmacy: pharmacie-b-pavie, start: 2026-11-28T09:00, end: 2026-12-05T09:00}
      # a gap: nobody listed from 5 to 12 December
      - {pharmacy: pharmacie-a-auch, start: 2026-12-12T09:00, end: 2026-12-19T09:00}
      # across the change to winter time
      - {pharmacy: pharmacie-b-pavie, start: 2026-10-24T19:00, end: 2026-10-31T09:00}
  - id: fleurance
    name: Secteur de Fleurance
    communes: ["32132"]
    sources: [fixture]
    duties:
      - {pharmacy: pharmacie-c-fleurance, start: "2026-11-28T20:00+01:00", end: "2026-11-29T08:00+01:00"}
"""


@pytest.fixture(scope="module")
def gazetteer():
    return default_gazetteer()


@pytest.fixture
def directory(gazetteer, tmp_path):
    (tmp_path / "pharmacies.yaml").write_text(PHARMACIES, encoding="utf-8")
    (tmp_path / "rota").mkdir()
    (tmp_path / "rota" / "gers.yaml").write_text(ROTA, encoding="utf-8")
    return Directory.load(tmp_path, gazetteer)


def paris(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=PARIS)


def on_duty(directory, commune, moment):
    return [p.service.id for p in directory.on_duty_pharmacies(commune, paris(moment))]


def test_the_pharmacy_on_duty_for_a_commune_of_the_sector_is_found(directory):
    assert on_duty(directory, "32013", "2026-11-25T23:00") == ["pharmacie-a-auch"]
    assert on_duty(directory, "32125", "2026-11-30T03:00") == ["pharmacie-b-pavie"]


def test_a_duty_starts_at_its_start_and_has_ended_at_its_end(directory):
    assert on_duty(directory, "32013", "2026-11-28T08:59") == ["pharmacie-a-auch"]
    assert on_duty(directory, "32013", "2026-11-28T09:00") == ["pharmacie-b-pavie"]
    assert on_duty(directory, "32013", "2026-11-21T18:59") == []


def test_a_moment_no_rota_covers_gives_nothing_so_the_caller_uses_the_3237(directory, gazetteer):
    assert on_duty(directory, "32013", "2026-12-08T22:00") == []
    assert on_duty(directory, "32013", "2027-03-01T22:00") == []
    embedded = Directory.load(paths.directory_dir(), gazetteer)
    assert embedded.get("resogardes-3237").phones == ("3237",)


def test_a_commune_outside_every_sector_or_unknown_gives_nothing(directory):
    assert on_duty(directory, "32208", "2026-11-25T23:00") == []  # Lectoure: no sector
    assert on_duty(directory, None, "2026-11-25T23:00") == []


def test_the_on_duty_pharmacy_comes_with_its_distance_and_when_the_duty_ends(directory):
    [placed] = directory.on_duty_pharmacies("32013", paris("2026-11-25T23:00"))
    assert placed.distance_km == 0.3  # from the mairie of Auch to the pharmacy
    assert placed.status.open is True
    assert placed.status.label == "de garde jusqu'à samedi 9h"
    assert placed.status.next_change == paris("2026-11-28T09:00")


def test_the_end_of_a_duty_tomorrow_or_today_is_said_so(directory):
    [tonight] = directory.on_duty_pharmacies("32132", paris("2026-11-28T21:00"))
    assert tonight.status.label == "de garde jusqu'à demain 8h"
    [early] = directory.on_duty_pharmacies("32132", paris("2026-11-29T02:00"))
    assert early.status.label == "de garde jusqu'à 8h"


def test_a_pharmacy_known_only_by_its_commune_is_placed_at_the_commune(directory, gazetteer):
    [placed] = directory.on_duty_pharmacies("32013", paris("2026-11-30T12:00"))
    assert placed.service.id == "pharmacie-b-pavie"
    assert placed.service.precision == "commune"
    auch, pavie = gazetteer.get("32013"), gazetteer.get("32307")
    assert placed.distance_km == round(great_circle((auch.lat, auch.lon), (pavie.lat, pavie.lon)).km, 1) == 4.2


def test_a_duty_across_the_change_to_winter_time_is_looked_up_in_real_time(directory):
    # 25 October 2026, 02:30 happens twice in Paris; both are inside the duty.
    assert on_duty(directory, "32013", "2026-10-25T02:30") == ["pharmacie-b-pavie"]
    assert on_duty(directory, "32013", "2026-10-31T08:59") == ["pharmacie-b-pavie"]
    assert on_duty(directory, "32013", "2026-10-31T09:00") == []


def test_a_moment_in_another_offset_is_the_same_moment(directory):
    utc = datetime(2026, 11, 29, 6, 30, tzinfo=timezone.utc)  # 07:30 in Paris
    assert [p.service.id for p in directory.on_duty_pharmacies("32132", utc)] == ["pharmacie-c-fleurance"]
    naive_paris = datetime(2026, 11, 29, 7, 30)
    assert [p.service.id for p in directory.on_duty_pharmacies("32132", naive_paris)] == ["pharmacie-c-fleurance"]


def test_the_embedded_rota_is_empty_and_answers_nothing(gazetteer):
    embedded = Directory.load(paths.directory_dir(), gazetteer)
    assert len(embedded.rota) == 0
    assert embedded.on_duty_pharmacies("32013", paris("2026-11-28T23:00")) == []


def rota_problems(gazetteer, tmp_path: Path, rota: str) -> list[str]:
    (tmp_path / "pharmacies.yaml").write_text(PHARMACIES, encoding="utf-8")
    (tmp_path / "rota").mkdir(exist_ok=True)
    (tmp_path / "rota" / "x.yaml").write_text(rota, encoding="utf-8")
    with pytest.raises(DataError) as caught:
        Directory.load(tmp_path, gazetteer)
    return [f"{p.line}: {p.message}" for p in caught.value.problems]


def test_overlapping_duties_are_an_error_naming_both_lines(gazetteer, tmp_path):
    rota = ROTA.replace("end: 2026-11-28T09:00}", "end: 2026-11-28T12:00}")
    assert rota_problems(gazetteer, tmp_path, rota) == [
        "8: duty overlaps the one at line 7 in sector 'auch' (2026-11-28T09:00 < 2026-11-28T12:00)"]


def test_a_duty_that_ends_before_it_starts_is_an_error(gazetteer, tmp_path):
    rota = ROTA.replace("start: 2026-12-12T09:00, end: 2026-12-19T09:00", "start: 2026-12-19T09:00, end: 2026-12-12T09:00")
    assert rota_problems(gazetteer, tmp_path, rota) == [
        "10: duty ends (2026-12-12T09:00) before it starts (2026-12-19T09:00)"]


def test_a_duty_that_ends_when_it_starts_is_an_error(gazetteer, tmp_path):
    rota = ROTA.replace("end: 2026-12-19T09:00", "end: 2026-12-12T09:00")
    assert rota_problems(gazetteer, tmp_path, rota) == [
        "10: duty ends (2026-12-12T09:00) before it starts (2026-12-12T09:00)"]


def test_a_duty_for_a_service_that_is_not_a_pharmacy_is_an_error(gazetteer, tmp_path):
    text = PHARMACIES.replace("kind: pharmacie\n    commune: \"32132\"", "kind: msp\n    commune: \"32132\"")
    (tmp_path / "pharmacies.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "rota").mkdir()
    (tmp_path / "rota" / "x.yaml").write_text(ROTA, encoding="utf-8")
    with pytest.raises(DataError) as caught:
        Directory.load(tmp_path, gazetteer)
    assert [f"{p.line}: {p.message}" for p in caught.value.problems] == [
        "18: duty: 'pharmacie-c-fleurance' is a msp, not a pharmacy"]


def test_a_badly_written_moment_is_an_error_with_its_line(gazetteer, tmp_path):
    rota = ROTA.replace("start: 2026-11-21T19:00", "start: samedi 19h")
    assert rota_problems(gazetteer, tmp_path, rota) == [
        "7: duty start: expected a date and time like 2026-01-03T19:30, not 'samedi 19h'"]


def test_an_unknown_commune_in_a_sector_is_an_error(gazetteer, tmp_path):
    rota = ROTA.replace('"32125"', '"32999"')
    assert rota_problems(gazetteer, tmp_path, rota) == ["4: commune 32999 is not a known INSEE code"]
