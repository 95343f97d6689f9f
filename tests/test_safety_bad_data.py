"""Bad data (hazard log H7, H16): every malformed rules or directory file is refused with its exact
`path:line: message`, and loading never half-applies a folder — neither in the Knowledge
already loaded, nor in the in-memory directory cache, nor in the load cache on disk.

The fixtures of tests/fixtures/bad_data/ add to those of rules_bad/ and directory_bad/ (tested
in test_rules_check.py and test_directory_check.py): wrong types, impossible hours, a phone a
digit short, points in the Atlantic and the Mediterranean, tabs, files not in UTF-8. Each holds
one problem, given by its `# expect: LINE: message` line.
"""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from orient import paths
from orient.cache import cache_file
from orient.directory import Directory
from orient.directory.check import check_directory
from orient.directory.gazetteer import default_gazetteer
from orient.engine import check_rules, load_rules
from orient.orientation import Knowledge
from orient.problems import DataError

FIXTURES = Path(__file__).parent / "fixtures"
BAD = FIXTURES / "bad_data"
TODAY = date(2026, 11, 23)
EXPECT = re.compile(rb"^# expect: (.*)$", re.MULTILINE)
DIRECTORY_CASES = sorted((BAD / "directory").glob("*.yaml"))
RULES_CASES = sorted((BAD / "rules").glob("*.yaml"))

# What the issue asks the bad fixtures to cover, and where each is (all folders together).
KINDS_OF_BAD_DATA = {
    "bad YAML": ["directory_bad/bad_yaml.yaml", "directory_bad/duplicate_key.yaml", "rules_bad/malformed_yaml.yaml",
                 "bad_data/directory/tab_indent.yaml", "bad_data/rules/tab_indent.yaml",
                 "bad_data/directory/not_utf8.yaml", "bad_data/rules/not_utf8.yaml"],
    "wrong types": ["bad_data/directory/name_not_text.yaml", "bad_data/directory/kind_is_a_list.yaml",
                    "bad_data/directory/phones_not_a_list.yaml", "bad_data/directory/latitude_as_text.yaml",
                    "bad_data/directory/verified_not_a_date.yaml", "directory_bad/not_a_mapping.yaml",
                    "bad_data/rules/exclusive_is_text.yaml", "bad_data/rules/age_bound_is_text.yaml",
                    "bad_data/rules/when_is_a_list.yaml", "bad_data/rules/rules_not_a_list.yaml"],
    "unknown kind": ["directory_bad/unknown_kind.yaml", "rules_bad/unknown_kind.yaml"],
    "impossible hours": ["directory_bad/bad_hours.yaml", "bad_data/directory/impossible_hour.yaml",
                         "bad_data/directory/impossible_minute.yaml", "directory_bad/rota/end_before_start.yaml"],
    "bad phone": ["directory_bad/bad_phone.yaml", "bad_data/directory/phone_too_short.yaml"],
    "coordinates in the sea": ["bad_data/directory/sea_atlantic.yaml", "bad_data/directory/sea_mediterranean.yaml",
                               "directory_bad/outside_france.yaml", "bad_data/directory/latitude_nan.yaml"],
    "no source": ["rules_bad/no_sources.yaml", "bad_data/rules/sources_not_a_list.yaml",
                  "bad_data/rules/empty_source.yaml", "directory_bad/missing_sources.yaml",
                  "directory_bad/empty_sources.yaml"],
}

GOOD_SERVICE = """services:
  - id: msp-de-passage
    name: Maison de santé de passage
    kind: msp
    commune: "32013"
    phones: ["05 62 00 00 01"]
    opening_hours: "Mo-Fr 08:00-20:00; PH off"
    sources: ["fixture"]
"""


@pytest.fixture(scope="module")
def gazetteer():
    return default_gazetteer()


def expected(case: Path) -> list[str]:
    return [f"{case.name}:{m.decode('utf-8')}" for m in EXPECT.findall(case.read_bytes())]


def alone(case: Path, folder: Path) -> Path:
    folder.mkdir()
    shutil.copy(case, folder / case.name)
    return folder


def shown(problems, folder: Path) -> list[str]:
    return [str(p).replace(f"{folder}/", "") for p in problems]


@pytest.mark.parametrize("case", DIRECTORY_CASES, ids=lambda p: p.stem)
def test_each_bad_directory_file_is_reported_with_its_exact_line_and_message_and_refused(case, gazetteer, tmp_path):
    folder = alone(case, tmp_path / "directory")
    assert len(expected(case)) == 1
    assert shown(check_directory(folder, gazetteer, today=TODAY), folder) == expected(case)
    with pytest.raises(DataError) as refused:
        Directory.load(folder, gazetteer, today=TODAY)
    assert shown(refused.value.problems, folder) == expected(case)


@pytest.mark.parametrize("case", RULES_CASES, ids=lambda p: p.stem)
def test_each_bad_rules_file_is_reported_with_its_exact_line_and_message_and_refused(case, tmp_path):
    folder = alone(case, tmp_path / "rules")
    assert len(expected(case)) == 1
    assert shown(check_rules(folder), folder) == expected(case)
    with pytest.raises(DataError) as refused:
        load_rules(folder)
    assert shown(refused.value.problems, folder) == expected(case)


@pytest.mark.parametrize("kind", sorted(KINDS_OF_BAD_DATA))
def test_every_kind_of_bad_data_the_issue_names_has_fixtures_that_say_what_they_expect(kind):
    for name in KINDS_OF_BAD_DATA[kind]:
        case = FIXTURES / name
        assert case.is_file(), name
        assert EXPECT.search(case.read_bytes()), name


def test_a_point_in_the_sea_without_its_commune_would_be_caught_through_the_commune(gazetteer, tmp_path):
    # The same Atlantic point is refused as soon as the entry names its commune (see the
    # strict xfail in test_safety_hazards.py for an entry without one).
    folder = alone(BAD / "directory" / "sea_atlantic.yaml", tmp_path / "directory")
    assert any("350.7 km de Auch" in p.message for p in check_directory(folder, gazetteer, today=TODAY))


# --- nothing half-applied ---------------------------------------------------------------------


def good_and_bad_directory(tmp_path: Path, bad: str = "directory_bad/unknown_kind.yaml") -> tuple[Path, Path]:
    folder = tmp_path / "directory"
    shutil.copytree(paths.directory_dir(), folder)
    (folder / "aa_good.yaml").write_text(GOOD_SERVICE, encoding="utf-8")
    bad_file = folder / "zz_bad.yaml"
    shutil.copy(FIXTURES / bad, bad_file)
    return folder, bad_file


@pytest.fixture
def private_cache(tmp_path, monkeypatch) -> Path:
    cache = tmp_path / "cache"
    monkeypatch.setenv("ORIENT_CACHE_DIR", str(cache))
    monkeypatch.delenv("ORIENT_CACHE", raising=False)
    return cache


def cached(cache: Path, rules_dir: Path, directory_dir: Path) -> bool:
    """Whether the load cache holds a file for this pair of folders."""
    return cache_file(rules_dir, directory_dir, cache).exists()


def test_a_directory_of_one_good_and_one_bad_file_is_refused_and_nothing_of_the_good_one_leaks(
        tmp_path, private_cache):
    before = Knowledge.load()
    services_before = before.directory.services
    folder, _ = good_and_bad_directory(tmp_path)
    with pytest.raises(DataError) as refused:
        Knowledge.load(directory_dir=folder)
    assert [p.path.endswith("zz_bad.yaml") for p in refused.value.problems] == [True]
    assert before.directory.services == services_before
    assert before.directory.get("msp-de-passage") is None
    assert Knowledge.load().directory.get("msp-de-passage") is None
    assert not cached(private_cache, paths.rules_dir(), folder), "a refused folder is never cached"


def test_neither_cache_answers_for_a_folder_once_a_bad_file_is_added(tmp_path, private_cache):
    folder, bad_file = good_and_bad_directory(tmp_path, "bad_data/directory/sea_mediterranean.yaml")
    kept = bad_file.read_bytes()
    bad_file.unlink()
    good = Knowledge.load(directory_dir=folder)
    assert good.directory.get("msp-de-passage") is not None
    assert cached(private_cache, paths.rules_dir(), folder)  # the good folder is cached...
    assert Knowledge.load(directory_dir=folder).directory.services == good.directory.services

    bad_file.write_bytes(kept)  # ...and a bad file added afterwards is seen at once
    with pytest.raises(DataError):
        Knowledge.load(directory_dir=folder)
    with pytest.raises(DataError):
        Directory.load(folder, default_gazetteer())
    bad_file.unlink()
    assert Knowledge.load(directory_dir=folder).directory.get("msp-de-passage") is not None


def test_a_rules_folder_with_one_bad_file_is_refused_whole_and_the_loaded_rules_stay_as_they_were(
        tmp_path, private_cache):
    before = Knowledge.load()
    rule_ids = [rule.id for rule in before.rules]
    folder = tmp_path / "rules"
    shutil.copytree(paths.rules_dir(), folder)
    shutil.copy(BAD / "rules" / "exclusive_is_text.yaml", folder / "zz_bad.yaml")
    with pytest.raises(DataError) as refused:
        Knowledge.load(rules_dir=folder)
    assert [p.path.endswith("zz_bad.yaml") for p in refused.value.problems] == [True]
    assert [rule.id for rule in before.rules] == rule_ids
    assert not cached(private_cache, folder, paths.directory_dir())
    (folder / "zz_bad.yaml").unlink()
    assert [rule.id for rule in Knowledge.load(rules_dir=folder).rules] == rule_ids
