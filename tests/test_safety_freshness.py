"""Freshness shown (hazard log H4): a directory entry verified more than 12 months before the
moment of the orientation, or never verified, is marked "à vérifier" in every output — JSON
(`to_verify: true`), text, the patient's sheet (text and HTML) — and never presented as certain.

The data is a copy of the embedded directory in which the 3966 was last verified long ago, the
116 117 a few days before the moment (or, in a second copy, never, without a source date) and
the 15 never. The 15's phone and hours are checked against facts.md at every load
(orient/directory/fixed.py): never verified with the service, it is still not "à vérifier" (H50).

`orient ask` runs as a real process for the first JSON and the first text answer, its main() in the
test process for the others (`cli_run`).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path

import cli_run
import pytest

from orient import paths
from orient.orientation import Knowledge, orient
from orient.periods import parse_moment
from orient.render.handout import TO_CONFIRM, build_handout
from orient.render.text import render_answer

AT = "2026-11-28T14:00"  # a Saturday afternoon: a consultation goes to the 3966 first
AT_DAY = date(2026, 11, 28)
STALE = AT_DAY - timedelta(days=366)  # 27/11/2025: more than 12 months before
JUST_FRESH = AT_DAY - timedelta(days=365)
FRESH = AT_DAY - timedelta(days=3)  # 28/11/2025: exactly 12 months, still fresh
CONSULT = ("--fact", "red_flag=none", "--fact", "need=consult")
CHEST_PAIN = ("--fact", "red_flag=chest_pain", "--fact", "deaf=no")


def set_verified(folder: Path, service_id: str, value: str, field: str = "verified") -> None:
    """Rewrite the `verified:` (or another field's) line of one entry of numbers.yaml."""
    path = folder / "numbers.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.strip() == f"- id: {service_id}")
    for i in range(start + 1, len(lines)):
        if lines[i].lstrip().startswith("- id: "):
            break
        if lines[i].strip().startswith(f"{field}:"):
            indent = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
            lines[i] = f"{indent}{field}: {value}\n"
            path.write_text("".join(lines), encoding="utf-8")
            return
    raise AssertionError(f"no {field} line for {service_id}")


@pytest.fixture(scope="module")
def stale_directory(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("stale") / "directory"
    shutil.copytree(paths.directory_dir(), folder)
    set_verified(folder, "pdsa-3966", STALE.isoformat())
    set_verified(folder, "samu-15", "null")
    set_verified(folder, "garde-116117", FRESH.isoformat())
    return folder


@pytest.fixture(scope="module")
def never_directory(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("never") / "directory"
    shutil.copytree(paths.directory_dir(), folder)
    set_verified(folder, "pdsa-3966", FRESH.isoformat())
    set_verified(folder, "garde-116117", "null")
    set_verified(folder, "garde-116117", "null", field="source_date")
    return folder


@pytest.fixture(scope="module")
def stale_knowledge(stale_directory) -> Knowledge:
    return Knowledge.load(directory_dir=stale_directory)


@pytest.fixture(scope="module")
def never_knowledge(never_directory) -> Knowledge:
    return Knowledge.load(directory_dir=never_directory)


def run_ask(directory: Path, *args: str, process: bool = False) -> subprocess.CompletedProcess:
    """`orient ask` on `directory`: a real process, or its main() in the test process."""
    run = cli_run.run_process if process else cli_run.run_main
    return run("ask", "--no-journal", "--directory", str(directory), "--at", AT, *args, env={"ORIENT_JOURNAL": "off"})


def ask_json(directory: Path, *args: str, process: bool = False) -> dict[str, dict]:
    result = run_ask(directory, "--json", *args, process=process)
    assert result.returncode == 0, result.stderr
    return {rec["service_id"]: rec for rec in json.loads(result.stdout)["recommendations"]}


def text_steps(text: str) -> dict[str, str]:
    """Each numbered step of the text output (headline and its indented lines), by its number."""
    steps: dict[str, str] = {}
    current = None
    for line in text.splitlines():
        head = re.match(r"^(\d+)\. ", line)
        if head:
            current = head.group(1)
            steps[current] = line
        elif current and line.startswith("   "):
            steps[current] += "\n" + line
        else:
            current = None
    return steps


class ListItems(HTMLParser):
    """The text of each <li> of the sheet."""

    def __init__(self):
        super().__init__()
        self.items: list[str] = []
        self._inside = False

    def handle_starttag(self, tag, attrs):
        if tag == "li":
            self._inside = True
            self.items.append("")

    def handle_endtag(self, tag):
        if tag == "li":
            self._inside = False

    def handle_data(self, data):
        if self._inside:
            self.items[-1] += data


def test_a_stale_or_never_verified_entry_is_to_verify_in_the_json_and_a_fresh_one_is_not(stale_directory,
                                                                                        never_directory):
    consult = ask_json(stale_directory, *CONSULT, process=True)
    assert consult["pdsa-3966"]["rank"] == 1
    assert (consult["pdsa-3966"]["to_verify"], consult["pdsa-3966"]["verified"]) == (True, STALE.isoformat())
    assert consult["garde-116117"]["to_verify"] is False

    never = ask_json(never_directory, *CONSULT)
    assert (never["garde-116117"]["to_verify"], never["garde-116117"]["verified"]) == (True, None)
    assert never["pdsa-3966"]["to_verify"] is False


def test_the_15_checked_against_the_facts_is_not_to_verify_though_never_verified(stale_directory):
    emergency = ask_json(stale_directory, *CHEST_PAIN)
    assert emergency["samu-15"]["rank"] == 1
    assert (emergency["samu-15"]["to_verify"], emergency["samu-15"]["verified"]) == (False, None)
    assert emergency["urgence-112"]["to_verify"] is False


def test_an_entry_verified_exactly_twelve_months_before_is_not_yet_to_verify(tmp_path):
    folder = tmp_path / "directory"
    shutil.copytree(paths.directory_dir(), folder)
    set_verified(folder, "pdsa-3966", JUST_FRESH.isoformat())
    assert ask_json(folder, *CONSULT)["pdsa-3966"]["to_verify"] is False


def test_the_text_output_marks_stale_and_never_verified_entries_a_verifier_and_only_them(stale_directory):
    result = run_ask(stale_directory, *CONSULT, process=True)
    assert result.returncode == 0, result.stderr
    steps = text_steps(result.stdout)
    assert "Appeler le 3966" in steps["1"]
    assert f"Informations à vérifier (vérifié le {STALE:%d/%m/%Y})" in steps["1"]
    assert "116 117" in steps["2"] and "à vérifier" not in steps["2"]

    result = run_ask(stale_directory, *CHEST_PAIN)
    steps = text_steps(result.stdout)
    assert "Appeler le 15" in steps["1"] and "à vérifier" not in steps["1"]
    assert "112" in steps["2"] and "à vérifier" not in steps["2"]


@pytest.mark.parametrize("knowledge, flagged, headline, checked", [
    ("stale_knowledge", 0, "Appeler le 3966", f"vérifié le {STALE:%d/%m/%Y}"),
    ("never_knowledge", 1, "À savoir : 116 117", "jamais vérifié"),
], ids=["stale", "never-verified"])
def test_the_patients_sheet_in_text_and_html_tells_the_patient_to_confirm_the_entry(request, knowledge, flagged,
                                                                                    headline, checked):
    # Issue 13: the sheet speaks to the patient — "appelez avant de vous déplacer" rather than the
    # agent's "Informations à vérifier (vérifié le …)"; only the flagged entry carries it.
    answer = orient(request.getfixturevalue(knowledge), {"red_flag": "none", "need": "consult"}, parse_moment(AT), None)
    handout = build_handout(answer)
    other = 1 - flagged
    assert handout.steps[flagged][0].startswith(headline)
    assert TO_CONFIRM in handout.steps[flagged][1]
    assert not any("à vérifier" in line or "à confirmer" in line for line in handout.steps[other][1])

    sheet = handout.to_text()
    assert TO_CONFIRM in sheet and checked not in sheet and "Informations à vérifier" not in sheet
    items = ListItems()
    items.feed(handout.to_html())
    assert items.items[flagged].startswith(headline)
    assert TO_CONFIRM in items.items[flagged] and checked not in items.items[flagged]
    assert "à confirmer" not in items.items[other]


def test_every_output_of_one_answer_agrees_on_what_is_to_verify(stale_knowledge):
    answer = orient(stale_knowledge, {"red_flag": "none", "need": "consult"}, parse_moment(AT), None)
    flagged = {rec.rank for rec in answer.recommendations if rec.to_verify}
    assert 1 in flagged
    steps = text_steps(render_answer(answer))
    in_text = {int(n) for n, step in steps.items() if "Informations à vérifier" in step}
    sheet = build_handout(answer)
    in_sheet = {n for n, (_, details) in enumerate(sheet.steps, start=1)
                if TO_CONFIRM in details}
    assert in_text == flagged
    assert in_sheet == {rank for rank in flagged if rank <= len(sheet.steps)}
