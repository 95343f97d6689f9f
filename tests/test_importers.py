"""Importers: FINESS etalab and OpenStreetMap GeoJSON into checked directory YAML."""

import csv
from datetime import date
from pathlib import Path

import pytest

from orient.cli import main
from orient.directory import Directory
from orient.directory.check import check_directory
from orient.directory.gazetteer import default_gazetteer
from orient.atomic import write_atomic
from orient.directory.importers.common import ImportFailed, recase, to_yaml, validate
from orient.directory.importers.finess import import_finess, insee_code
from orient.directory.importers.osm import import_osm
from orient.problems import errors

FIXTURES = Path(__file__).parent / "fixtures" / "importers"
FINESS_FILE = FIXTURES / "etalab-cs1100507-stock-20261101.csv"
OSM_FILE = FIXTURES / "osm-gers.geojson"
EUROSTAT = Path("/work/shared/data/gers_hospitals_eurostat_finess2020.csv")
TODAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def gazetteer():
    return default_gazetteer()


@pytest.fixture(scope="module")
def finess(gazetteer):
    result = import_finess(FINESS_FILE, "32", gazetteer, TODAY)
    return result, {e["id"]: e for e in result.entries}


@pytest.fixture(scope="module")
def osm(gazetteer):
    result = import_osm(OSM_FILE, gazetteer, TODAY)
    return result, {e["id"]: e for e in result.entries}


def test_the_fixture_is_windows_1252_with_accents_as_finess_publishes_it():
    raw = FINESS_FILE.read_bytes()
    assert "PHARMACIE DE L'ÉGLISE".encode("cp1252") in raw
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")


def test_finess_keeps_the_departement_and_the_categories_the_directory_knows(finess):
    result, by_id = finess
    assert sorted(by_id) == [
        "finess-320000086", "finess-320000094", "finess-320000128", "finess-320000177",
        "finess-329999991", "finess-329999992", "finess-329999993",
    ]
    assert result.skipped["catégorie hors annuaire"] == 1  # the EHPAD
    assert "finess-319999991" not in by_id  # a Toulouse pharmacy, département 31


def test_finess_categories_map_to_kinds_and_no_hospital_is_assumed_to_have_emergencies(finess):
    _, by_id = finess
    kinds = {sid: e["kind"] for sid, e in by_id.items()}
    assert kinds == {
        "finess-320000086": "hopital", "finess-320000094": "hopital", "finess-320000128": "hopital",
        "finess-320000177": "hopital", "finess-329999991": "pharmacie", "finess-329999992": "pharmacie",
        "finess-329999993": "centre_sante",
    }
    assert by_id["finess-320000094"]["capabilities"] == ["psychiatry"]
    assert by_id["finess-320000086"]["note"] == "Service d'urgences : non indiqué par FINESS, à vérifier."
    assert by_id["finess-320000177"]["note"] == "Ex-hôpital local, sans service d'urgences."


def test_finess_accents_names_and_addresses_are_decoded_and_recased(finess):
    _, by_id = finess
    pharmacy = by_id["finess-329999991"]
    assert pharmacy["name"] == "Pharmacie de l'Église Saint-Laurent"
    assert pharmacy["address"] == "2 place de la République, 32500 Fleurance"
    assert by_id["finess-329999992"]["name"] == "Pharmacie des Côteaux"
    assert by_id["finess-329999992"]["address"] == "route d'Auch, 32140 Masseube"


def test_finess_lambert_93_coordinates_become_wgs84(finess):
    _, by_id = finess
    assert by_id["finess-320000086"]["location"] == {"lat": 43.63076, "lon": 0.57934, "precision": "address"}
    assert by_id["finess-329999991"]["location"] == {"lat": 43.8489, "lon": 0.664, "precision": "address"}


def test_finess_coordinates_far_from_the_commune_fall_back_to_the_commune(finess):
    result, by_id = finess
    gimont = by_id["finess-320000128"]
    assert gimont["commune"] == "32147"
    assert "location" not in gimont  # filled from the gazetteer with precision commune at load
    assert result.adjusted["coordonnées loin de la commune remplacées par la commune"] == 1


def test_finess_without_geolocation_keeps_the_commune_only(finess):
    _, by_id = finess
    assert "location" not in by_id["finess-329999992"]
    assert by_id["finess-329999992"]["commune"] == "32242"


def test_finess_phones_are_formatted_and_a_bad_one_is_left_out(finess):
    result, by_id = finess
    assert by_id["finess-320000086"]["phones"] == ["05 62 61 32 32"]
    assert by_id["finess-329999993"]["phones"] == []
    assert result.adjusted["téléphone invalide omis"] == 1


def test_finess_entries_cite_the_file_and_carry_the_import_date_and_unknown_hours(finess):
    _, by_id = finess
    entry = by_id["finess-329999991"]
    assert entry["sources"] == ["FINESS etalab etalab-cs1100507-stock-20261101.csv (329999991)"]
    assert entry["verified"] == "2026-11-23"
    assert entry["opening_hours"] is None


def test_finess_overseas_and_corsican_communes_get_their_insee_codes():
    assert insee_code("32", "013") == "32013"
    assert insee_code("2A", "004") == "2A004"
    assert insee_code("9D", "411") == "97411"
    assert insee_code("9A", "101") == "97101"


def test_a_file_that_is_not_a_finess_extraction_is_refused_in_french(gazetteer, tmp_path):
    bad = tmp_path / "autre.csv"
    bad.write_text("nom;ville\nx;y\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match="aucune ligne « structureet »"):
        import_finess(bad, "32", gazetteer, TODAY)


@pytest.mark.skipif(not EUROSTAT.exists(), reason="the shared FINESS 2020 extract is not on this machine")
def test_finess_import_agrees_with_the_eurostat_finess_2020_hospital_file(finess):
    _, by_id = finess
    with EUROSTAT.open(encoding="utf-8") as handle:
        rows = {row["finess_et"]: row for row in csv.DictReader(handle)}
    compared = 0
    for number in ("320000086", "320000094", "320000177"):
        entry, row = by_id[f"finess-{number}"], rows[number]
        assert entry["phones"] == [" ".join(("0" + row["tel"])[i:i + 2] for i in range(0, 10, 2))]
        assert abs(entry["location"]["lat"] - float(row["lat"])) < 1e-4
        assert abs(entry["location"]["lon"] - float(row["lon"])) < 1e-4
        compared += 1
    assert compared == 3


@pytest.mark.skipif(not EUROSTAT.exists(), reason="the shared FINESS 2020 extract is not on this machine")
def test_the_embedded_hospitals_agree_with_the_eurostat_finess_2020_file(gazetteer):
    from orient import paths

    with EUROSTAT.open(encoding="utf-8") as handle:
        rows = {row["finess_et"]: row for row in csv.DictReader(handle)}
    directory = Directory.load(paths.directory_dir(), gazetteer)
    checked = 0
    for service in directory:
        for source in service.sources:
            if not source.startswith("FINESS 2020 ("):
                continue
            row = rows[source[len("FINESS 2020 ("):-1]]
            assert service.phones == ("+33" + row["tel"],), service.id
            if service.precision == "address":
                assert (service.lat, service.lon) == (float(row["lat"]), float(row["lon"])), service.id
            checked += 1
    assert checked == 11  # the eleven rows of the facts.md table
    assert "320780067" in rows  # the Polyclinique de Gascogne is in the 2020 file...
    assert not any("320780067" in s for service in directory for s in service.sources)  # ...closed since 2023


def test_osm_features_become_entries_of_the_right_kind(osm):
    result, by_id = osm
    assert {sid: e["kind"] for sid, e in by_id.items()} == {
        "osm-node-900000001": "pharmacie",
        "osm-way-900000002": "urgences",
        "osm-node-900000003": "msp",
        "osm-node-900000006": "cmp",
        "osm-node-900000008": "pharmacie",
    }
    assert result.skipped == {
        "cabinet ou clinique sans type reconnu": 1,
        "hors amenity=pharmacy/doctors/clinic/hospital": 1,
        "sans nom": 1,
    }


def test_osm_opening_hours_are_kept_when_they_parse_and_dropped_to_null_otherwise(osm):
    result, by_id = osm
    assert by_id["osm-node-900000001"]["opening_hours"] == "Mo-Fr 09:00-12:30,14:00-19:30; Sa 09:00-12:30; PH off"
    assert by_id["osm-node-900000003"]["opening_hours"] is None
    assert result.adjusted["horaires illisibles remplacés par null"] == 1


def test_osm_phones_are_split_formatted_and_bad_ones_left_out(osm):
    _, by_id = osm
    assert by_id["osm-node-900000006"]["phones"] == ["05 36 49 00 12", "05 36 49 00 13"]
    assert by_id["osm-node-900000001"]["phones"] == ["05 36 49 00 11"]
    assert by_id["osm-node-900000008"]["phones"] == []


def test_osm_communes_come_from_postcode_and_town_or_else_the_nearest(osm):
    _, by_id = osm
    assert by_id["osm-node-900000001"]["commune"] == "32013"  # 32000 Auch
    assert by_id["osm-node-900000003"]["commune"] == "32208"  # 32700 Lectoure
    assert by_id["osm-node-900000006"]["commune"] == "32242"  # no address: nearest mairie, Masseube


def test_osm_polygons_are_placed_at_their_middle_and_cite_the_licence(osm):
    _, by_id = osm
    hospital = by_id["osm-way-900000002"]
    assert hospital["location"] == {"lat": 43.9572, "lon": 0.3773, "precision": "address"}
    assert hospital["sources"] == ["OpenStreetMap contributors, ODbL", "https://www.openstreetmap.org/way/900000002"]
    assert hospital["verified"] == "2026-11-23"


def test_a_file_that_is_not_geojson_is_refused_in_french(gazetteer, tmp_path):
    bad = tmp_path / "x.geojson"
    bad.write_text('{"type": "Feature"}', encoding="utf-8")
    with pytest.raises(ImportFailed, match="FeatureCollection"):
        import_osm(bad, gazetteer, TODAY)


@pytest.mark.parametrize("which", ["finess", "osm"])
def test_the_imported_yaml_passes_the_directory_check_and_loads(which, finess, osm, gazetteer, tmp_path):
    result = (finess if which == "finess" else osm)[0]
    text = to_yaml(result, "fichier de test")
    assert validate(text, gazetteer) == []
    (tmp_path / f"{which}.yaml").write_text(text, encoding="utf-8")
    assert errors(check_directory(tmp_path, gazetteer)) == []
    directory = Directory.load(tmp_path, gazetteer)
    assert len(directory) == len(result.entries)


def test_orient_import_finess_writes_the_file_and_reports_in_french(tmp_path, capsys, gazetteer):
    out = tmp_path / "annuaire" / "finess-32.yaml"
    code = main(["import", "finess", str(FINESS_FILE), "--dept", "32", "--out", str(out)])
    assert code == 0
    assert "7 entrée(s) importée(s)" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8").startswith("# Importé de etalab-cs1100507-stock-20261101.csv")
    assert errors(check_directory(out.parent, gazetteer)) == []
    assert [p.name for p in out.parent.iterdir()] == ["finess-32.yaml"]  # no temporary file left


def test_orient_import_osm_prints_the_yaml_without_out(capsys):
    assert main(["import", "osm", str(OSM_FILE)]) == 0
    printed = capsys.readouterr()
    assert "id: osm-node-900000001" in printed.out
    assert "5 entrée(s) importée(s)" in printed.err


def test_a_failed_import_leaves_the_previous_file_untouched(tmp_path, capsys):
    out = tmp_path / "finess.yaml"
    out.write_text("services: []\n", encoding="utf-8")
    not_finess = tmp_path / "autre.csv"
    not_finess.write_text("rien;ici\n", encoding="utf-8")
    assert main(["import", "finess", str(not_finess), "--dept", "32", "--out", str(out)]) == 2
    assert "aucune ligne « structureet »" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "services: []\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["autre.csv", "finess.yaml"]


def test_an_atomic_write_that_fails_midway_leaves_nothing_behind(tmp_path):
    target = tmp_path / "out.yaml"
    target.write_text("before\n", encoding="utf-8")
    with pytest.raises(UnicodeEncodeError):
        write_atomic(target, "services: []\n" + "\udcff")  # a lone surrogate cannot be written as UTF-8
    assert target.read_text(encoding="utf-8") == "before\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.yaml"]


def test_upper_case_names_are_recased_the_french_way():
    assert recase("CENTRE HOSPITALIER D'AUCH") == "Centre Hospitalier d'Auch"
    assert recase("CHI DE LOMBEZ-SAMATAN") == "CHI de Lombez-Samatan"
    assert recase("Pharmacie du Centre") == "Pharmacie du Centre"
