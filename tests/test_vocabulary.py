"""The contract's words have one home, orient/vocabulary.py: no other module of orient/ defines them
again, and the dated parameters agree with the source of truth (../shared/docs/facts.md)."""

from __future__ import annotations

import ast
import re
from datetime import datetime
from pathlib import Path

import pytest

from orient import vocabulary
from orient.engine.text import duty_fee

ORIENT = Path(__file__).resolve().parents[1] / "orient"
FACTS_MD = ORIENT.parent.parent / "shared" / "docs" / "facts.md"
ONE_HOME = {"PARIS", "to_paris", "PERIODS", "PERIOD_LABELS", "PERIOD_MOMENTS", "PERIOD_HOURS", "CONTRACT_KINDS",
            "EXTRA_KINDS", "KINDS", "CAPABILITIES", "KIND_LABELS", "KIND_NAMES", "OFF_VALUES", "STALE_AFTER_DAYS",
            "DUTY_FEES"}


def defined_names(tree: ast.Module) -> set[str]:
    """The names a module defines at its top level (assignments, functions, classes)."""
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names


def test_only_the_vocabulary_defines_the_contracts_words():
    assert ONE_HOME <= defined_names(ast.parse((ORIENT / "vocabulary.py").read_text(encoding="utf-8")))
    copies = {}
    for path in sorted(ORIENT.rglob("*.py")):
        if path.name == "vocabulary.py" and path.parent == ORIENT:
            continue
        again = defined_names(ast.parse(path.read_text(encoding="utf-8"))) & ONE_HOME
        if path == ORIENT / "engine" / "vocabulary.py":
            again.discard("CAPABILITIES")  # the capabilities a rule's selector may ask: derived, same list
        if path == ORIENT / "corrections.py":
            again.discard("KINDS")  # what a desk can report: another concept under the same name
        if again:
            copies[str(path.relative_to(ORIENT))] = sorted(again)
    assert copies == {}


def test_every_period_and_kind_has_its_labels():
    assert set(vocabulary.PERIOD_LABELS) == set(vocabulary.PERIOD_MOMENTS) == set(vocabulary.PERIOD_HOURS) \
        == set(vocabulary.PERIODS)
    assert set(vocabulary.KIND_LABELS) <= set(vocabulary.KINDS)
    assert set(vocabulary.KIND_NAMES) <= set(vocabulary.KINDS) | {"dentiste"}


def test_to_paris_moves_a_time_in_the_spring_gap_forward_and_takes_the_first_of_an_autumn_hour():
    gap = vocabulary.to_paris(datetime(2026, 3, 29, 2, 30))
    assert (gap.hour, gap.minute, gap.utcoffset().total_seconds()) == (3, 30, 7200)
    overlap = vocabulary.to_paris(datetime(2026, 10, 25, 2, 30, fold=1))
    assert (overlap.hour, overlap.utcoffset().total_seconds()) == (2, 7200)


@pytest.mark.skipif(not FACTS_MD.exists(), reason="the source of truth (../shared/docs/facts.md) is not here")
def test_the_duty_fees_are_those_of_facts_md_and_the_fee_placeholder_uses_them():
    line = next(line for line in FACTS_MD.read_text(encoding="utf-8").splitlines() if "Duty fees" in line)
    assert "5 July 2024" in line and "5 juillet 2024" in vocabulary.DUTY_FEES.reference
    said = dict(re.findall(r"(\d+ €) ([^,.]+)", line))
    fees = vocabulary.DUTY_FEES
    assert said[fees.evening_and_early].startswith("20h–24h and 6h–8h")
    assert said[fees.night].startswith("0h–6h")
    assert said[fees.sunday_and_holiday].startswith("Sundays/holidays 8h–20h")
    assert said[fees.other].startswith("daytime")
    assert duty_fee(datetime(2026, 11, 24, 3, 0)) == fees.night  # a Tuesday, 3h
    assert duty_fee(datetime(2026, 11, 24, 21, 0)) == fees.evening_and_early
    assert duty_fee(datetime(2026, 11, 29, 14, 0)) == fees.sunday_and_holiday  # a Sunday
    assert duty_fee(datetime(2026, 11, 28, 14, 0)) == fees.other  # a Saturday afternoon
