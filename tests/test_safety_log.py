"""The hazard log (docs/safety.md) is tied to the tests: every row names tests that exist, an
open hazard names its strict xfail and a controlled one none, every strict xfail of the safety
tests is logged, and the hazards the issue asks for are all there.
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOG = ROOT / "docs" / "safety.md"
TESTS = ROOT / "tests"
COLUMNS = ["Id", "Hazard", "Cause", "Effect on the patient", "Control (code or data)", "Tests", "Severity", "Status"]
STATUSES = {"controlled", "open", "residual"}
SEVERITIES = {"catastrophic", "major", "considerable", "significant", "minor"}
# The hazards issue 6 names, as words of the Hazard column.
REQUIRED = ["emergency not put first", "wrong period", "closed service", "stale directory data",
            "unknown commune blocks an emergency", "homonym", "rule without a source", "duty pharmacy unknown",
            "crash mid-flow", "next patient", "deaf person", "exclusion", "auch emergency department",
            "wrong phone format", "journal leaks identity"]


def cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def table() -> tuple[list[str], list[dict[str, str]]]:
    lines = LOG.read_text(encoding="utf-8").splitlines()
    header = next(cells(line) for line in lines if line.startswith("| Id |"))
    rows = [dict(zip(header, cells(line))) for line in lines if re.match(r"^\| H\d+", line)]
    return header, rows


@functools.cache
def defined_tests() -> dict[str, bool]:
    """Every test function of tests/ -> whether it is a strict xfail (read once, when a test asks:
    each pytest-xdist worker imports this file, few run its tests)."""
    found: dict[str, bool] = {}
    for path in sorted(TESTS.glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test_"):
                found[node.name] = found.get(node.name, False) or any(map(is_strict_xfail, node.decorator_list))
    return found


def is_strict_xfail(decorator: ast.expr) -> bool:
    if not (isinstance(decorator, ast.Call) and ast.unparse(decorator.func).endswith("mark.xfail")):
        return False
    return any(k.arg == "strict" and isinstance(k.value, ast.Constant) and k.value.value is True
               for k in decorator.keywords)


def named_tests(row: dict[str, str]) -> list[str]:
    return re.findall(r"`(test_\w+)`", row["Tests"])


HEADER, ROWS = table()


def test_the_log_has_the_documented_columns_and_unique_hazard_ids():
    assert HEADER == COLUMNS
    ids = [row["Id"] for row in ROWS]
    assert len(ids) >= 10 and len(ids) == len(set(ids))
    assert [i for i in ids if not re.fullmatch(r"H\d+[a-z]?", i)] == []


def test_every_hazard_is_filled_in_and_names_tests_that_exist():
    problems = []
    for row in ROWS:
        names = named_tests(row)
        if not names:
            problems.append(f"{row['Id']} names no test")
        problems += [f"{row['Id']} names {name}, which is not a test of tests/" for name in names
                     if name not in defined_tests()]
        problems += [f"{row['Id']}: empty {column}" for column in COLUMNS[1:5] if not row[column]]
        if row["Severity"] not in SEVERITIES or row["Status"] not in STATUSES:
            problems.append(f"{row['Id']}: severity {row['Severity']!r} or status {row['Status']!r} unknown")
    assert problems == []


def test_an_open_hazard_names_its_strict_xfail_and_a_controlled_one_none():
    problems = []
    for row in ROWS:
        xfails = [name for name in named_tests(row) if defined_tests().get(name)]
        if row["Status"] == "open" and not xfails:
            problems.append(f"{row['Id']} is open: name the strict xfail that shows the gap")
        if row["Status"] != "open" and xfails:
            problems.append(f"{row['Id']} is {row['Status']} but names strict xfails {xfails}")
    assert problems == []


def test_every_strict_xfail_of_the_safety_tests_is_an_open_hazard_of_the_log():
    logged = {name for row in ROWS if row["Status"] == "open" for name in named_tests(row)}
    safety = {node.name
              for path in TESTS.glob("test_safety*.py")
              for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
              if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
                  map(is_strict_xfail, node.decorator_list))}
    assert safety <= logged  # empty once every hazard is controlled


def test_the_hazards_the_issue_names_are_all_in_the_log():
    absent = [words for words in REQUIRED if not any(words in row["Hazard"].lower() for row in ROWS)]
    assert absent == []
