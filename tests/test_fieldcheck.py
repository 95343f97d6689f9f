"""The one field check (orient/fieldcheck.py) reads every declaration of orient/schema.py: what a field may
be, and how each problem with it is worded."""

from __future__ import annotations

from pathlib import Path

import pytest

from orient import schema
from orient.fieldcheck import WORDING, FieldCheck
from orient.yamlread import load_yaml_text

RECORDS = {name: value for name, value in vars(schema).items() if isinstance(value, schema.Record)}


def problems_of(field: schema.Field) -> set[str]:
    """The problems a value of `field` can have."""
    found = {"type"} if field.type in ("text", "list", "mapping", "number", "boolean", "date") else set()
    found |= {"missing"} if field.required else set()
    found |= {"empty"} if field.type == "text" or field.nonempty else set()
    found |= {"allowed"} if field.allowed and field.type == "text" else set()
    found |= {"pattern"} if field.pattern else set()
    found |= {"unique"} if field.unique else set()
    return found


@pytest.mark.parametrize("name", sorted(RECORDS))
def test_every_problem_a_declared_field_can_have_has_its_wording(name):
    record = RECORDS[name]
    for field in (f for f in record.fields if not f.checked_by):
        checked = [(field, False)] + ([(field.item, True)] if field.item else [])
        for part, item in checked:
            for problem in problems_of(part):
                if problem == "missing" and record.missing:
                    continue  # said at once, in the record's words
                defaults = {} if item else record.defaults
                assert any(part.messages.get(kind) or defaults.get(part.type if kind == "type" else kind)
                           for kind in WORDING[problem]), f"{name}.{part.name}: {problem}"


def check(record, text, **context):
    said = []
    node = load_yaml_text(text, "t.yaml")[0]
    return FieldCheck(record, node, node.line, lambda line, message: said.append(f"{line}: {message}"),
                      **context), said


def test_unknown_keys_and_required_fields_absent_are_said_at_once_where_the_record_says_so():
    fields, said = check(schema.SERVICE, "id: x\nbogus: 1\nkind: null\n")
    fields.keys()
    assert said == ["2: champ « bogus » inconnu ; champs connus : " + ", ".join(schema.SERVICE.names),
                    "1: champ obligatoire « name » absent", "1: champ obligatoire « kind » absent",
                    "1: champ obligatoire « sources » absent"]


def test_a_field_absent_takes_its_default_and_a_wrong_one_is_said_in_the_schemas_words():
    fields, said = check(schema.SELECT, "limit: 11\n", where="règle « a.b »")
    assert fields("open_now") is False and fields("limit") is None and not fields.ok
    assert said == ["1: règle « a.b » : select : « limit » doit être un entier de 1 à 10 ; reçu : « 11 »"]


def test_a_list_gives_its_good_items_with_their_lines_and_names_each_bad_one():
    fields, said = check(schema.RULE, "ask:\n  - need\n  - colour\n  - need\n  - [age]\n", where="règle « a.b »")
    assert fields("ask") == [("need", 2)]
    known = ", ".join(schema.RULE.field("ask").allowed)
    assert said == [f"3: règle « a.b » : ask : fait « colour » inconnu ; faits connus : {known}",
                    "4: règle « a.b » : ask : « need » est listé deux fois",
                    f"5: règle « a.b » : ask : fait une liste inconnu ; faits connus : {known}"]


def test_one_text_stands_for_a_list_of_one_and_texts_are_stripped_where_the_record_says_so():
    fields, said = check(schema.SERVICE, "sources: ' FINESS '\nverified: 2026-01-02\nurl: ftp://x\n")
    assert fields("sources") == [("FINESS", 1)]
    assert str(fields("verified")) == "2026-01-02"
    assert fields("url") is None and said == ["3: url « ftp://x » : doit commencer par https:// ou http://"]


@pytest.mark.parametrize("text, expected", [
    ("ask: [[need]]", "ask : fait une liste inconnu"),
    ("ask: [{need: 1}]", "ask : fait une table inconnu"),
])
def test_a_list_or_a_table_where_a_fact_is_expected_is_reported_not_a_crash(tmp_path: Path, text, expected):
    from orient.engine.loader import parse_rules

    (tmp_path / "r.yaml").write_text(
        "rules:\n  - id: a.b\n    title: T\n    priority: 500\n    when: {}\n"
        "    recommendations: [{kind: info_x, action: info, why: W}]\n    sources: [R6315-1 CSP]\n"
        f"    {text}\n    examples: [{{name: e, facts: {{}}, period: pdsa_night, expect: [], missing: [[x]]}}]\n",
        encoding="utf-8")
    said = [p.message for p in parse_rules(tmp_path)[1]]
    assert any(expected in message for message in said)
    assert any("missing : fait une liste inconnu" in message for message in said)


def test_a_list_where_a_phone_is_expected_is_reported_not_a_crash(tmp_path: Path):
    from orient.directory.gazetteer import default_gazetteer
    from orient.directory.loading import read_directory

    (tmp_path / "s.yaml").write_text("services:\n  - id: a\n    name: A\n    kind: hopital\n    sources: [x]\n"
                                     "    phones: [[1]]\n", encoding="utf-8")
    assert [str(p.message) for p in read_directory(tmp_path, default_gazetteer()).problems] == [
        "phones[0]: [1] is not a phone number"]
