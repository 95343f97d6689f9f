"""Every example of every rule in rules/ runs as its own test, named `rule id: example name`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from orient.engine import load_rules, run_example
from orient.engine.loader import SEED_NAME
from orient.paths import rules_dir

RULES = load_rules(rules_dir())
SEEDS_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
EXAMPLES = [(rule, example) for rule in RULES for example in rule.examples]


@pytest.mark.parametrize(
    "rule, example", EXAMPLES, ids=[f"{rule.id}: {example.name}" for rule, example in EXAMPLES]
)
def test_rule_example(rule, example):
    failures = run_example(RULES, rule, example)
    assert not failures, "\n".join(failures)


@pytest.mark.skipif(not SEEDS_DIR.is_dir(), reason="the seed documents (../shared/seeds) are not on this machine")
def test_every_seed_section_a_rule_cites_exists_in_that_seed():
    """The loader checks a cited seed file is known and a section is named; this reads the seed
    and finds the section: a Roman-numbered heading ("II – …") or a quoted title (« … »)."""
    unfound = []
    for rule in RULES:
        for source in rule.sources:
            for seed in SEED_NAME.findall(source):
                text = (SEEDS_DIR / seed).read_text(encoding="utf-8")
                section = source.replace(seed, "").strip()
                quoted = section.strip("«» ")
                heading = re.search(rf"(?m)^\s*{re.escape(section)}\s+[–-]", text)
                if not (heading or (section.startswith("«") and quoted in text)):
                    unfound.append(f"{rule.id}: {source}")
    assert unfound == []


def test_every_rule_has_an_example_where_it_applies():
    assert [rule.id for rule in RULES if not any(example.fires for example in rule.examples)] == []
