"""The fields of the data files are declared once (orient/schema.py): the docs' field tables are
generated from it, and the loaders accept exactly the fields it declares."""

from __future__ import annotations

from pathlib import Path

from orient import schema
from orient.directory import loading, rota
from orient.engine import loader

DOCS = Path(__file__).resolve().parents[1] / "docs"


def names(fields, required_only=False):
    return tuple(f.name for f in fields if f.required or not required_only)


def test_the_docs_field_tables_are_those_generated_from_the_schema():
    stale = [str(page.relative_to(DOCS)) for page, text in schema.generated_docs(DOCS).items()
             if page.read_text(encoding="utf-8") != text]
    assert stale == [], "run: python -m orient.schema --write"


def test_the_directory_loader_accepts_and_requires_exactly_the_schemas_fields():
    assert loading.FIELDS == names(schema.SERVICE_FIELDS)
    assert loading.REQUIRED == names(schema.SERVICE_FIELDS, required_only=True)
    assert loading.LOCATION_FIELDS == names(schema.LOCATION_FIELDS)
    assert rota.SECTOR_FIELDS == names(schema.SECTOR_FIELDS)
    assert rota.DUTY_FIELDS == names(schema.DUTY_FIELDS)


def test_the_rules_loader_accepts_exactly_the_schemas_fields():
    assert loader.RULE_KEYS == names(schema.RULE_FIELDS)
    assert loader.EXAMPLE_KEYS == names(schema.EXAMPLE_FIELDS)


def test_closed_lists_and_interchange_names_are_declared_where_they_apply():
    by_name = {f.name: f for f in schema.SERVICE_FIELDS}
    assert set(by_name["kind"].allowed) == set(loading.KINDS)
    assert set(by_name["capabilities"].allowed) == set(loading.CAPABILITIES)
    # Every field that has a counterpart in HSDS 3 or data·inclusion says which one.
    assert {f.name for f in schema.SERVICE_FIELDS if f.hsds} >= {"id", "name", "phones", "url", "verified"}
    assert {f.name for f in schema.SERVICE_FIELDS if f.data_inclusion} >= {"id", "name", "commune", "opening_hours"}


def test_a_table_shows_required_fields_and_the_interchange_columns():
    table = schema.markdown_table(schema.SERVICE_FIELDS, interchange=True).splitlines()
    assert table[0] == "| field | type | rule | HSDS 3 | data·inclusion |"
    assert table[2].startswith("| `id` | text | required; ")
    assert len(table) == 2 + len(schema.SERVICE_FIELDS)
