"""`check_rules` and `load_rules` on bad rule files: every problem, as `path:line: message`.

Each case in tests/fixtures/rules_bad/ is a file (or a folder) with one problem;
its `# expect:` comments give the exact lines `orient check` must print, with paths
relative to the fixtures folder.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from orient.engine import check_rules, load_rules
from orient.paths import rules_dir
from orient.problems import DataError

BAD = Path(__file__).parent / "fixtures" / "rules_bad"
CASES = sorted(BAD.iterdir())
# Problems found by running examples and searching reachability, not by loading.
SEMANTIC = ("recommandations attendues en tête", "faits manquants attendus", "la règle ne donne rien",
            "mais l'exemple dit « fires: false »", "ne peut jamais s'appliquer", "ne change jamais la réponse")


def expected_lines(case: Path) -> list[str]:
    files = [case] if case.is_file() else sorted(case.iterdir())
    return [
        line.removeprefix("# expect: ").rstrip("\n")
        for file in files
        for line in file.read_text(encoding="utf-8").splitlines()
        if line.startswith("# expect: ")
    ]


def reported_lines(case: Path) -> list[str]:
    prefix = str(BAD.resolve()) + "/"
    return [str(problem).replace(prefix, "") for problem in check_rules(case.resolve())]


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_each_bad_rules_file_reports_exactly_its_expected_problems(case):
    expected = expected_lines(case)
    assert expected, f"{case.name} has no '# expect:' line"
    assert reported_lines(case) == expected


def structural_lines(case: Path) -> list[str]:
    return [line for line in expected_lines(case) if not any(mark in line for mark in SEMANTIC)]


@pytest.mark.parametrize("case", [c for c in CASES if structural_lines(c)], ids=lambda p: p.name)
def test_loading_a_bad_rules_file_raises_with_every_problem_and_loads_nothing(case):
    structural = structural_lines(case)
    with pytest.raises(DataError) as raised:
        load_rules(case.resolve())
    prefix = str(BAD.resolve()) + "/"
    assert [str(p).replace(prefix, "") for p in raised.value.problems] == structural


def test_several_problems_in_one_file_are_all_reported_at_once():
    assert len(reported_lines(BAD / "several_problems.yaml")) == 4


@pytest.mark.parametrize("case", [c for c in CASES if not structural_lines(c)], ids=lambda p: p.name)
def test_semantic_problems_stop_loading_the_rules_too(case):
    """One validation (issue 10 item 2): what `orient check` refuses, no loader uses."""
    with pytest.raises(DataError) as raised:
        load_rules(case.resolve())
    prefix = str(BAD.resolve()) + "/"
    assert [str(p).replace(prefix, "") for p in raised.value.problems] == expected_lines(case)


def test_the_embedded_rules_have_no_problem_at_all():
    assert [str(p) for p in check_rules(rules_dir())] == []


def test_a_missing_folder_is_a_problem_not_a_crash(tmp_path):
    problems = check_rules(tmp_path / "nowhere")
    assert [p.message for p in problems] == ["fichier ou dossier introuvable"]


def test_an_empty_folder_is_a_problem(tmp_path):
    assert [p.message for p in check_rules(tmp_path)] == ["aucun fichier de règles (*.yaml) ici"]


def test_problems_print_as_path_line_message(tmp_path):
    (tmp_path / "x.yaml").write_text("rules:\n  - id: Bad\n", encoding="utf-8")
    first = str(check_rules(tmp_path)[0])
    assert first.startswith(f"{tmp_path / 'x.yaml'}:2: ")


def test_rules_found_sound_are_checked_again_as_soon_as_a_name_or_a_text_changes(tmp_path, monkeypatch):
    """`validate_rules` runs the examples, the reachability search and the guarantee once per content
    in a process (a reload, or a copy of the folder, reads the same texts): a renamed or edited file
    is checked again at once, and its problem is never hidden by the rules found sound before."""
    import shutil

    from orient.engine import check

    runs = []
    real = check.guarantee_problems
    monkeypatch.setattr(check, "guarantee_problems", lambda ruleset: runs.append(ruleset) or real(ruleset))
    folder = tmp_path / "rules"
    shutil.copytree(rules_dir(), folder)
    assert check_rules(rules_dir()) == [] and check_rules(folder) == []
    assert len(runs) <= 1  # the copy holds the same names and texts: checked once at most

    checked = len(runs) + 1
    (folder / "poisoning.yaml").rename(folder / "zz_poisoning.yaml")  # the rules' order changes
    assert check_rules(folder) == [] and len(runs) == checked
    assert check_rules(folder) == [] and len(runs) == checked

    text = (folder / "zz_poisoning.yaml").read_text(encoding="utf-8")
    edited = text.replace("        expect: [antipoison]\n", "        expect: [emergency_15]\n", 1)
    assert edited != text
    (folder / "zz_poisoning.yaml").write_text(edited, encoding="utf-8")
    assert any("recommandations attendues en tête" in str(p) for p in check_rules(folder))
    with pytest.raises(DataError):
        load_rules(folder)
    (folder / "zz_poisoning.yaml").write_text(text, encoding="utf-8")
    assert check_rules(folder) == [] and len(runs) == checked
