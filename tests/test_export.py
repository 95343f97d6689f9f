"""`orient export`: the directory as data·inclusion v1 and Open Referral HSDS 3, checked with the official schemas."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cli_run import run_main
from data_inclusion.schema.v1 import Service as DIService
from data_inclusion.schema.v1 import Structure as DIStructure
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from orient import paths
from orient.directory import Directory
from orient.directory.gazetteer import default_gazetteer

HSDS = Path(__file__).parent / "fixtures" / "hsds"
BASE = "https://hsds.test/schema/"


def orient(*args):
    return subprocess.run([sys.executable, "-m", "orient", *args], capture_output=True, text=True)


@pytest.fixture(scope="module")
def local_ids():
    directory = Directory.load(paths.directory_dir(), default_gazetteer())
    return sorted(s.id for s in directory if s.commune)


@pytest.fixture(scope="module")
def datainclusion(tmp_path_factory):
    out = tmp_path_factory.mktemp("di")
    done = orient("export", "--format", "datainclusion", "--out", str(out), "--source", "cpts-test")
    assert done.returncode == 0, done.stderr
    return out, done


@pytest.fixture(scope="module")
def hsds(tmp_path_factory):
    out = tmp_path_factory.mktemp("hsds")
    done = orient("export", "--format", "hsds", "--out", str(out))
    assert done.returncode == 0, done.stderr
    return json.loads((out / "services.json").read_text())


def test_every_structure_and_service_passes_the_data_inclusion_models(datainclusion, local_ids):
    out, _ = datainclusion
    structures = json.loads((out / "structures.json").read_text())
    services = json.loads((out / "services.json").read_text())
    assert sorted(s["id"] for s in structures) == [f"cpts-test--{i}" for i in local_ids]
    for structure in structures:
        DIStructure.model_validate(structure)
    structure_ids = {s["id"] for s in structures}
    for service in services:
        DIService.model_validate(service)
        assert service["structure_id"] in structure_ids


def test_the_export_keeps_what_the_directory_knows_and_invents_nothing(datainclusion):
    out, _ = datainclusion
    by_id = {s["id"]: s for s in json.loads((out / "structures.json").read_text())}
    fleurance = by_id["cpts-test--cds-fleurance"]
    assert (fleurance["adresse"], fleurance["code_postal"], fleurance["code_insee"]) == \
        ("23 boulevard Dannez", "32500", "32132")
    assert fleurance["telephone"] == "05 32 46 00 20"
    assert fleurance["date_maj"] == "2026-02-01"  # never checked with the centre: the date of its source
    masseube = by_id["cpts-test--cds-masseube"]
    assert not {"telephone", "adresse", "horaires_accueil", "latitude"} & set(masseube)  # all unknown
    services = {s["id"]: s for s in json.loads((out / "services.json").read_text())}
    assert "frais" not in services["cpts-test--cds-masseube"]
    assert "à vérifier" in services["cpts-test--cds-masseube"]["description"]


def test_a_regulated_emergency_department_is_never_exported_as_walk_in(datainclusion):
    out, _ = datainclusion
    services = {s["id"]: s for s in json.loads((out / "services.json").read_text())}
    auch = services["cpts-test--ch-auch-urgences"]
    assert "se-presenter" not in auch.get("modes_mobilisation", [])
    assert auch["mobilisation_precisions"] == "Appelez le 15 avant de vous déplacer."


def test_the_data_inclusion_quality_score_is_printed(datainclusion):
    _, done = datainclusion
    line = done.stdout.strip()
    assert line.startswith("score de qualité data·inclusion")
    assert 0 < float(line.rsplit(":", 1)[1]) <= 1


def hsds_validator():
    registry = Registry()
    for path in HSDS.glob("*.json"):
        schema = json.loads(path.read_text())
        registry = registry.with_resource(BASE + path.name, Resource.from_contents(schema, default_specification=DRAFT202012))
    return Draft202012Validator({"$ref": BASE + "service.json"}, registry=registry, format_checker=FormatChecker())


def test_every_hsds_service_validates_against_the_published_schema(hsds, local_ids):
    validator = hsds_validator()
    assert len(hsds) == len(local_ids)
    for service in hsds:
        problems = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(service)]
        assert problems == [], (service["name"], problems)


def test_the_hsds_validator_rejects_a_broken_service(hsds):
    broken = dict(hsds[0], id="not-a-uuid", status="open")
    assert len(list(hsds_validator().iter_errors(broken))) >= 2


def test_hsds_keeps_address_phone_and_checked_date(hsds):
    by_name = {s["name"]: s for s in hsds}
    fleurance = by_name["Centre territorial de santé de Fleurance"]
    address = fleurance["service_at_locations"][0]["location"]["addresses"][0]
    assert (address["address_1"], address["postal_code"], address["city"]) == ("23 boulevard Dannez", "32500", "Fleurance")
    assert fleurance["phones"][0]["number"] == "05 32 46 00 20"
    assert "assured_date" not in fleurance  # copied from a dated source, never checked with the centre


def test_hsds_ids_are_stable_from_one_export_to_the_next(hsds, tmp_path):
    done = orient("export", "--format", "hsds", "--out", str(tmp_path))
    assert done.returncode == 0
    assert [s["id"] for s in json.loads((tmp_path / "services.json").read_text())] == [s["id"] for s in hsds]


def test_invalid_directory_is_exit_1_and_bad_options_exit_2(tmp_path):
    bad = tmp_path / "directory"
    shutil.copytree(paths.directory_dir(), bad)
    (bad / "broken.yaml").write_text("services:\n  - id: x\n    name: X\n    kind: nope\n    sources: [s]\n")
    done = run_main("export", "--format", "hsds", "--directory", str(bad), "--out", str(tmp_path / "out"))
    assert done.returncode == 1 and "broken.yaml:4:" in done.stderr
    assert not (tmp_path / "out").exists()
    done = run_main("export", "--format", "csv", "--out", str(tmp_path / "out"))
    assert done.returncode == 2
    (tmp_path / "file").write_text("")
    done = run_main("export", "--format", "hsds", "--out", str(tmp_path / "file"))
    assert done.returncode == 2 and "n'est pas un dossier" in done.stderr
