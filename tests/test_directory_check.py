"""`orient check` for the directory: every problem, with its line, all at once."""

import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from orient import paths
from orient.cli import main
from orient.directory import Directory
from orient.directory.check import check_directory
from orient.directory.gazetteer import default_gazetteer
from orient.problems import DataError, errors

BAD = Path(__file__).parent / "fixtures" / "directory_bad"
TODAY = date(2026, 11, 23)
EXPECT = re.compile(r"^# expect: (.*)$", re.MULTILINE)


@pytest.fixture(scope="module")
def gazetteer():
    return default_gazetteer()


def expected_problems() -> list[str]:
    """Each bad file says, at its top, the one problem it must produce."""
    found = []
    for path in sorted(BAD.rglob("*.yaml")):
        rel = path.relative_to(BAD).as_posix()
        for expectation in EXPECT.findall(path.read_text(encoding="utf-8")):
            if not expectation.startswith("nothing"):
                found.append(f"{rel}:{expectation}")
    return found


def shown(problems, folder: Path) -> list[str]:
    return [str(p).replace(f"{folder}/", "") for p in problems]


def test_every_bad_fixture_file_produces_exactly_its_expected_problem(gazetteer):
    problems = check_directory(BAD, gazetteer, today=TODAY)
    assert sorted(shown(problems, BAD)) == sorted(expected_problems())


def test_each_bad_fixture_file_declares_one_problem_or_says_it_has_none():
    for path in sorted(BAD.rglob("*.yaml")):
        expectations = EXPECT.findall(path.read_text(encoding="utf-8"))
        assert len(expectations) == 1, path


def test_the_bad_folder_is_refused_as_a_whole_with_all_its_errors(gazetteer):
    with pytest.raises(DataError) as caught:
        Directory.load(BAD, gazetteer, today=TODAY)
    wanted = [e for e in expected_problems() if ": warning: " not in e]
    assert sorted(shown(caught.value.problems, BAD)) == sorted(wanted)


def test_the_embedded_directory_has_no_error(gazetteer):
    problems = check_directory(paths.directory_dir(), gazetteer)
    assert errors(problems) == []


def test_the_embedded_directory_has_no_warning_today(gazetteer):
    assert check_directory(paths.directory_dir(), gazetteer, today=TODAY) == []


def test_a_stale_entry_is_only_a_warning_and_the_folder_still_loads(gazetteer, tmp_path):
    shutil.copy(BAD / "stale_verified.yaml", tmp_path / "stale.yaml")
    problems = check_directory(tmp_path, gazetteer, today=TODAY)
    assert [p.severity for p in problems] == ["warning"]
    assert Directory.load(tmp_path, gazetteer, today=TODAY).get("verifie-il-y-a-longtemps") is not None


def test_a_missing_folder_is_one_problem(gazetteer, tmp_path):
    problems = check_directory(tmp_path / "absent", gazetteer)
    assert [p.message for p in problems] == ["dossier d'annuaire introuvable"]


def test_orient_check_prints_the_problems_and_fails(tmp_path, capsys):
    for name in ("unknown_kind.yaml", "bad_phone.yaml"):
        shutil.copy(BAD / name, tmp_path / name)
    code = main(["check", "--directory", str(tmp_path)])
    out = capsys.readouterr()
    assert code == 1
    printed = out.out + out.err
    assert f"{tmp_path}/unknown_kind.yaml:5: kind « hospital » inconnu" in printed
    assert f"{tmp_path}/bad_phone.yaml:8: phones[1]: '05 62 61 32' is not a valid phone number" in printed
