"""Loading the directory: the embedded Gers data, line numbers, all-or-nothing, cheap reloads."""

import shutil
from datetime import datetime
from pathlib import Path

import pytest

from orient import paths
from orient.directory import CONTRACT_KINDS, Directory
from orient.directory.gazetteer import default_gazetteer
from orient.directory.hours import PARIS
from orient.problems import DataError

BAD = Path(__file__).parent / "fixtures" / "directory_bad"

FIXED_NUMBERS = {
    "samu-15": ("emergency_15", "15"),
    "urgence-112": ("emergency_112", "112"),
    "urgence-114": ("sms_114", "114"),
    "suicide-3114": ("suicide_3114", "3114"),
    "pdsa-3966": ("pdsa_3966", "3966"),
    "garde-116117": ("duty_doctor_116117", "116117"),
    "resogardes-3237": ("pharmacie_garde", "3237"),
    "sos-medecins-3624": ("sos_medecins", "3624"),
    "antipoison-toulouse": ("antipoison", "+33561777447"),
}
CDS_SITES = {
    "cds-fleurance": "32132", "cds-vic-fezensac": "32462", "cds-plaisance": "32319", "cds-marciac": "32233",
    "cds-masseube": "32242", "cds-estang": "32127", "cds-gondrin": "32149",
    "cds-villecomtal-sur-arros": "32464", "cds-saramon": "32412", "cds-simorre": "32433",
}


@pytest.fixture(scope="module")
def gazetteer():
    return default_gazetteer()


@pytest.fixture(scope="module")
def embedded(gazetteer):
    return Directory.load(paths.directory_dir(), gazetteer)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=PARIS)


@pytest.mark.parametrize("service_id", sorted(FIXED_NUMBERS))
def test_every_fixed_number_the_rules_name_is_in_the_embedded_directory(embedded, service_id):
    kind, phone = FIXED_NUMBERS[service_id]
    service = embedded.get(service_id)
    assert service is not None
    assert (service.kind, service.phones[0]) == (kind, phone)


def test_the_cpam_entry_is_the_36_46_of_the_facts_and_points_to_ameli(embedded):
    cpam = embedded.get("cpam-gers")  # facts.md: "No médecin traitant" — 36 46, no Gers line known
    assert (cpam.kind, cpam.phones, cpam.opening_hours, cpam.address) == ("cpam", ("3646",), None, None)
    assert cpam.url == "https://www.ameli.fr"
    assert "médiateur" in cpam.note


def test_the_emergency_lines_are_open_24h_a_day(embedded):
    for service_id in ("samu-15", "urgence-112", "urgence-114", "suicide-3114"):
        status = embedded.status(embedded.get(service_id), at("2026-12-25T03:00"))
        assert (status.open, status.label) == (True, "ouvert 24h/24"), service_id


def test_the_3966_answers_saturday_afternoon_but_not_after_midnight(embedded):
    line = embedded.get("pdsa-3966")
    assert embedded.status(line, at("2026-11-28T14:00")).open is True
    assert embedded.status(line, at("2026-11-28T09:00")).open is False
    assert embedded.status(line, at("2026-11-25T01:00")).open is False
    assert embedded.status(line, at("2026-11-25T21:00")).open is True


def test_every_embedded_entry_has_a_source_and_a_known_kind(embedded):
    assert len(embedded) > 30
    for service in embedded:
        assert service.sources, service.id
        assert service.kind in CONTRACT_KINDS or service.kind in {"hopital", "planning_familial", "sos_medecins", "cpts"}


def test_the_centre_departemental_sites_are_all_there_with_their_communes(embedded):
    for service_id, commune in CDS_SITES.items():
        service = embedded.get(service_id)
        assert (service.kind, service.commune) == ("centre_sante", commune), service_id


def test_fleurance_takes_patients_without_a_gp_first_and_has_its_secretariat(embedded):
    fleurance = embedded.get("cds-fleurance")
    assert "no_gp_priority" in fleurance.capabilities
    assert fleurance.phones == ("+33532460020",)
    assert fleurance.address == "23 boulevard Dannez, 32500 Fleurance"


def test_centres_whose_opening_is_not_verified_say_so_and_invent_nothing(embedded):
    for service_id in ("cds-masseube", "cds-estang", "cds-gondrin", "cds-villecomtal-sur-arros",
                       "cds-saramon", "cds-simorre"):
        service = embedded.get(service_id)
        assert "ouverture non vérifiée" in service.note, service_id
        assert (service.address, service.phones, service.opening_hours) == (None, (), None)
        assert "no_gp_priority" not in service.capabilities


def test_a_service_known_only_by_its_commune_sits_at_the_communes_point(embedded, gazetteer):
    masseube = embedded.get("cds-masseube")
    commune = gazetteer.get("32242")
    assert (masseube.lat, masseube.lon, masseube.precision) == (commune.lat, commune.lon, "commune")


def test_auch_emergencies_are_regulated_by_the_15(embedded):
    auch = embedded.get("ch-auch-urgences")
    assert auch.kind == "urgences"
    assert "regulated_by_15" in auch.capabilities
    assert auch.note.startswith("Appelez le 15 avant de vous déplacer")
    assert (auch.lat, auch.lon, auch.precision) == (43.63076, 0.57934, "address")


def test_only_auch_and_condom_are_emergency_departments(embedded):
    assert sorted(s.id for s in embedded.of_kind("urgences")) == ["ch-auch-urgences", "ch-condom-urgences"]


def test_local_hospitals_are_findable_but_never_emergency_departments(embedded):
    for service_id in ("eps-lomagne-fleurance", "ch-gimont", "chi-lombez-samatan", "ch-mauvezin",
                       "ch-mirande", "ch-nogaro", "ch-vic-fezensac"):
        service = embedded.get(service_id)
        assert service.kind == "hopital"
        assert "sans service d'urgences" in service.note


def test_gimont_hospital_uses_the_communes_point_not_the_wrong_finess_one(embedded, gazetteer):
    gimont = embedded.get("ch-gimont")
    assert (gimont.lat, gimont.lon, gimont.precision) == (gazetteer.get("32147").lat, gazetteer.get("32147").lon, "commune")


def test_the_closed_clinique_de_gascogne_is_not_listed(embedded):
    names = " ".join(s.name.lower() for s in embedded)
    assert "gascogne" not in names.replace("cpts gascogne armagnac", "")


def test_the_psychiatric_hospital_is_not_passed_off_as_a_cmp(embedded):
    assert embedded.of_kind("cmp") == []
    assert embedded.get("chs-gers").kind == "hopital"


def test_without_a_pharmacy_list_the_directory_still_answers_with_the_3237(embedded):
    assert embedded.select("pharmacie", near=(43.6471, 0.58375), at=at("2026-11-28T14:00")) == []
    assert embedded.on_duty_pharmacies("32013", at("2026-11-28T23:00")) == []
    assert embedded.get("resogardes-3237").kind == "pharmacie_garde"


def test_every_entry_remembers_its_file_and_line(embedded):
    samu = embedded.get("samu-15")
    assert Path(samu.path).name == "numbers.yaml"
    lines = Path(samu.path).read_text(encoding="utf-8").splitlines()
    assert lines[samu.line - 1].strip() == "- id: samu-15"


def test_a_folder_with_one_bad_file_is_refused_entirely(gazetteer, tmp_path):
    shutil.copy(paths.directory_dir() / "numbers.yaml", tmp_path / "numbers.yaml")
    shutil.copy(BAD / "unknown_kind.yaml", tmp_path / "zz_bad.yaml")
    with pytest.raises(DataError) as caught:
        Directory.load(tmp_path, gazetteer)
    assert [str(p) for p in caught.value.problems] == [
        f"{tmp_path}/zz_bad.yaml:5: kind « hospital » inconnu ; kinds valides : " + ", ".join(
            ["emergency_15", "emergency_112", "sms_114", "suicide_3114", "pdsa_3966", "duty_doctor_116117", "sas",
             "gp", "centre_sante", "msp", "urgences", "pharmacie", "pharmacie_garde", "antipoison",
             "dentiste_garde", "cmp", "cpam", "teleconsultation", "hopital", "planning_familial", "sos_medecins",
             "cpts"])
    ]


def test_several_errors_are_all_reported_at_once(gazetteer, tmp_path):
    for name in ("bad_phone.yaml", "bad_hours.yaml", "unknown_commune.yaml"):
        shutil.copy(BAD / name, tmp_path / name)
    with pytest.raises(DataError) as caught:
        Directory.load(tmp_path, gazetteer)
    assert [(Path(p.path).name, p.line) for p in caught.value.problems] == [
        ("bad_hours.yaml", 6), ("bad_phone.yaml", 8), ("unknown_commune.yaml", 6)]


def test_loading_the_same_files_twice_returns_the_same_directory(gazetteer, tmp_path):
    shutil.copy(paths.directory_dir() / "numbers.yaml", tmp_path / "numbers.yaml")
    first = Directory.load(tmp_path, gazetteer)
    assert Directory.load(tmp_path, gazetteer) is first
    text = (tmp_path / "numbers.yaml").read_text(encoding="utf-8")
    (tmp_path / "numbers.yaml").write_text(text.replace("SAMU – Centre 15", "SAMU – Centre 15 du Gers"), encoding="utf-8")
    second = Directory.load(tmp_path, gazetteer)
    assert second is not first
    assert second.get("samu-15").name == "SAMU – Centre 15 du Gers"


def test_a_commune_code_written_as_a_number_is_read_as_the_insee_code(gazetteer, tmp_path):
    (tmp_path / "one.yaml").write_text(
        "services:\n  - {id: x, name: X, kind: msp, commune: 32013, sources: [fixture]}\n", encoding="utf-8")
    assert Directory.load(tmp_path, gazetteer).get("x").commune == "32013"


def test_yaml_1_1_traps_do_not_change_the_meaning_of_values(gazetteer, tmp_path):
    # 24_7 stays a capability (not the integer 247); "no" stays text (not False).
    (tmp_path / "one.yaml").write_text(
        "services:\n  - {id: x, name: X, kind: msp, opening_hours: 24/7, capabilities: [24_7], "
        "note: no, sources: [fixture]}\n", encoding="utf-8")
    service = Directory.load(tmp_path, gazetteer).get("x")
    assert service.capabilities == frozenset({"24_7"})
    assert service.note == "no"


def test_select_refuses_a_kind_or_capability_that_does_not_exist(embedded):
    with pytest.raises(ValueError, match="unknown kind 'hospital'"):
        embedded.select("hospital", near=None, at=at("2026-11-28T14:00"))
    with pytest.raises(ValueError, match="unknown capability open_late"):
        embedded.select("msp", near=None, at=at("2026-11-28T14:00"), capabilities=["open_late"])


def test_importing_the_gazetteer_does_not_load_the_directory_machinery():
    import subprocess
    import sys

    code = ("import sys, orient.directory.gazetteer; "
            "print(sorted(m for m in ('yaml', 'phonenumbers', 'opening_hours', 'pyproj') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_directory_package_exposes_the_loader_lazily():
    import orient.directory as package
    from orient.directory.catalog import Directory as Loaded

    assert package.Directory is Loaded
    with pytest.raises(AttributeError):
        package.NoSuchThing


def test_two_identical_folders_loaded_in_one_process_each_name_their_own_files(tmp_path):
    """The load cache is keyed by place as well as content: an entry names the file it was
    read from, the one `orient corrections accept` edits."""
    import shutil

    from orient.directory.catalog import Directory
    from orient.directory.gazetteer import default_gazetteer
    from orient.paths import directory_dir

    first, second = tmp_path / "a", tmp_path / "b"
    shutil.copytree(directory_dir(), first)
    shutil.copytree(directory_dir(), second)
    one = Directory.load(first, default_gazetteer())
    two = Directory.load(second, default_gazetteer())
    assert one is not two and one.fingerprint == two.fingerprint
    assert all(str(first) in s.path for s in one.services if s.path)
    assert all(str(second) in s.path for s in two.services if s.path)
    assert Directory.load(first, default_gazetteer()) is one  # the same place and content: loaded once
