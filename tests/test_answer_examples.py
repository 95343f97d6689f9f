"""Answer-level examples (tests/data/answer_examples.yaml): what the patient must see, through
the real `orient()` with the embedded rules, directory and gazetteer (issue 9, point 9)."""

from pathlib import Path

import pytest
import yaml

from orient.orientation import Knowledge, orient
from orient.periods import parse_moment

EXAMPLES = yaml.safe_load((Path(__file__).parent / "data" / "answer_examples.yaml").read_text(encoding="utf-8"))
KEYS = {"name", "commune", "at", "facts", "kinds", "absent", "phones", "warning", "contains", "excludes", "action_of"}


@pytest.fixture(scope="module")
def knowledge():
    return Knowledge.load()


def visible_text(answer) -> str:
    """What the patient and the agent read: names, phones, texts, advice, hours, warnings."""
    parts = list(answer.warnings)
    for rec in answer.recommendations:
        parts += [rec.name, rec.phone or "", rec.why, rec.hours or "", rec.address or "", rec.commune_name or ""]
        parts += rec.advice
    return "\n".join(parts)


def answer_for(knowledge, example):
    commune = None
    if example.get("commune"):
        commune = knowledge.gazetteer.resolve(str(example["commune"]))
        assert commune is not None, f"{example['commune']!r} does not resolve"
    at = parse_moment(str(example["at"]).replace(" ", "T"))
    return orient(knowledge, example.get("facts") or {}, at, commune)


@pytest.mark.parametrize("example", EXAMPLES, ids=[e["name"] for e in EXAMPLES])
def test_answer_example(knowledge, example):
    assert set(example) <= KEYS, f"unknown keys {set(example) - KEYS}"
    answer = answer_for(knowledge, example)
    kinds = [r.kind for r in answer.recommendations]
    shown = f"kinds {kinds}; warnings {answer.warnings}"
    expected = example.get("kinds", [])
    assert kinds[: len(expected)] == expected, shown
    for kind in example.get("absent", []):
        assert kind not in kinds, shown
    phones = {r.phone for r in answer.recommendations}
    for phone in example.get("phones", []):
        assert phone in phones, f"{phone} not in {phones}"
    if "warning" in example:
        assert any(example["warning"] in w for w in answer.warnings), shown
    text = visible_text(answer)
    for piece in example.get("contains", []):
        assert piece in text, f"{piece!r} not in:\n{text}"
    for piece in example.get("excludes", []):
        assert piece not in text, f"{piece!r} in:\n{text}"
    for kind, action in (example.get("action_of") or {}).items():
        rec = next((r for r in answer.recommendations if r.kind == kind), None)
        assert rec is not None and rec.action == action, shown


def test_every_example_checks_something():
    for example in EXAMPLES:
        assert set(example) & (KEYS - {"name", "commune", "at", "facts"}), example["name"]
