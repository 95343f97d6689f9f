"""`orient import finess-plus`: the ANS FINESS+ JSON "structures" flux into checked directory YAML."""

import gzip
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from orient.directory.check import check_directory
from orient.directory.gazetteer import default_gazetteer
from orient.directory.geo import haversine_km
from orient.directory.importers.common import ImportFailed
from orient.directory.importers.finess_plus import import_finess_plus
from orient.problems import errors

FIXTURE = Path(__file__).parent / "fixtures" / "finess_plus" / "finess-structures-exemple-gers.json"
TODAY = date(2026, 12, 1)


def orient(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "orient", *args], capture_output=True, text=True, cwd=cwd)


@pytest.fixture(scope="module")
def gazetteer():
    return default_gazetteer()


@pytest.fixture(scope="module")
def imported(gazetteer):
    result = import_finess_plus(FIXTURE, "32", gazetteer, TODAY)
    return result, {e["id"]: e for e in result.entries}


def test_open_gers_structures_of_known_categories_are_kept_and_others_counted(imported):
    result, by_id = imported
    assert sorted(by_id) == [
        "finess-329990011", "finess-329990012", "finess-329990015", "finess-329990016",
        "finess-329990018", "finess-329990019",
    ]
    assert result.skipped["fermée"] == 2  # one inactive, one with a past closing date
    assert result.skipped["catégorie hors annuaire"] == 1  # the EHPAD
    assert "finess-319990011" not in by_id  # Toulouse, département 31


def test_categories_map_to_the_kinds_of_the_etalab_importer_and_hospitals_stay_hopital(imported):
    _, by_id = imported
    kinds = {sid: e["kind"] for sid, e in by_id.items()}
    assert kinds == {
        "finess-329990011": "pharmacie", "finess-329990012": "pharmacie", "finess-329990015": "hopital",
        "finess-329990016": "hopital", "finess-329990018": "centre_sante", "finess-329990019": "msp",
    }
    assert by_id["finess-329990016"]["capabilities"] == ["psychiatry"]
    assert "urgences" in by_id["finess-329990015"]["note"]


def test_wgs84_lambert93_and_swapped_coordinates_all_land_near_their_commune(imported, gazetteer):
    _, by_id = imported
    for sid in ("finess-329990011", "finess-329990012", "finess-329990015"):
        entry = by_id[sid]
        commune = gazetteer.get(entry["commune"])
        location = entry["location"]
        assert haversine_km(location["lat"], location["lon"], commune.lat, commune.lon) < 3, sid
    assert by_id["finess-329990012"]["location"]["lat"] == pytest.approx(43.431)  # X and Y were swapped
    assert "location" not in by_id["finess-329990016"]  # no coordinates: the commune's point


def test_address_phone_source_and_verification_date_are_filled_from_the_flux(imported):
    result, by_id = imported
    pharmacy = by_id["finess-329990011"]
    assert pharmacy["name"] == "Pharmacie de la Halle"
    assert pharmacy["commune"] == "32249"
    assert pharmacy["address"] == "4 place de la Liberation, 32120 Mauvezin"
    assert pharmacy["phones"] == ["05 62 00 00 01"]
    assert pharmacy["opening_hours"] is None
    assert pharmacy["sources"] == [f"FINESS+ {FIXTURE.name} (329990011)"]
    assert pharmacy["verified"] == TODAY.isoformat()
    assert by_id["finess-329990018"]["phones"] == []  # "12345" is no phone
    assert result.adjusted["téléphone invalide omis"] == 1


def test_the_command_writes_a_file_orient_check_accepts(tmp_path):
    folder = tmp_path / "directory"
    folder.mkdir()
    out = folder / "finess-plus-32.yaml"
    done = orient("import", "finess-plus", str(FIXTURE), "--dept", "32", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "6 entrée(s) importée(s)" in done.stderr
    assert errors(check_directory(folder, default_gazetteer())) == []


def test_a_gzipped_flux_is_read_like_the_plain_one(tmp_path, gazetteer):
    packed = tmp_path / "finess-structures.json.gz"
    packed.write_bytes(gzip.compress(FIXTURE.read_bytes()))
    assert len(import_finess_plus(packed, "32", gazetteer, TODAY).entries) == 6


@pytest.mark.parametrize("content, expected", [
    ('{"pmej": [', "JSON invalide"),
    ('[1, 2]', "liste « pmej »"),
    ('{"gco": {}}', "liste « pmej »"),
])
def test_a_file_that_is_not_the_flux_is_bad_input_and_the_previous_file_is_kept(tmp_path, content, expected):
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    out = tmp_path / "finess.yaml"
    out.write_text("services: []\n")
    done = orient("import", "finess-plus", str(bad), "--out", str(out))
    assert done.returncode == 2
    assert expected in done.stderr and "Traceback" not in done.stderr
    assert out.read_text() == "services: []\n"


def test_a_json_error_names_its_line(tmp_path, gazetteer):
    bad = tmp_path / "bad.json"
    bad.write_text('{\n"pmej": [\n{"ege": [}\n]}\n')
    with pytest.raises(ImportFailed, match=r"bad\.json:3:"):
        import_finess_plus(bad, "32", gazetteer, TODAY)


def test_odd_establishments_are_skipped_not_fatal(tmp_path, gazetteer):
    odd = tmp_path / "odd.json"
    odd.write_text(json.dumps({"pmej": [{"ege": ["?", {"informationsGeneralesEGE": None}, {}]}, {"ege": None}]}))
    assert import_finess_plus(odd, "32", gazetteer, TODAY).entries == []


@pytest.mark.parametrize("state, kept", [({"code": "I"}, False), ("F", False), ({"code": "A"}, True), (None, True)])
def test_the_state_is_read_bare_or_as_a_coding_and_only_an_inactive_one_skips(tmp_path, gazetteer, state, kept):
    ege = {"informationsGeneralesEGE": {"numFinessEge": "329990099", "nomEgeLong": "PHARMACIE TEST"},
           "categorieEntiteGeographiqueExercice": {"code": "620"}, "etatObjet": state,
           "adresse": [{"cogCommune": "32249", "coordonneesGeographique": None}]}
    flux = tmp_path / "flux.json"
    flux.write_text(json.dumps({"pmej": [{"ege": [ege]}], "gco": {}, "gcc": {}}))
    assert len(import_finess_plus(flux, "32", gazetteer, TODAY).entries) == (1 if kept else 0)
