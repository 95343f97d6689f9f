"""The fields of the data files are declared once (orient/schema.py): the docs' field tables are
generated from it, and the loaders accept exactly the fields it declares."""

from __future__ import annotations

from pathlib import Path

from orient import schema
from orient.directory import loading, rota
from orient.engine import loader, parse_recommendations

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
    assert parse_recommendations.REC_KEYS == names(schema.RECOMMENDATION_FIELDS)


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


def test_the_interchange_names_are_those_orient_export_writes():
    """Each HSDS 3 / data·inclusion name the schema declares is written by `orient export` (whose output
    is validated against both standards) for an entry with every field filled in."""
    from datetime import date

    from orient.export import datainclusion, hsds
    from orient.orientation import Knowledge

    knowledge = Knowledge.load()
    placed = next(s for s in knowledge.directory if s.commune and s.address and s.phones and s.lat is not None)
    full = placed._replace(opening_hours="Mo-Fr 08:00-18:00", url="https://example.org/centre", precision="address",
                           note="Sur rendez-vous, sauf urgence.", verified=date(2026, 11, 2))
    structures, _ = datainclusion.structures_and_services([full], knowledge.gazetteer)
    written_di = set(structures[0])
    [record] = hsds.services([full], knowledge.gazetteer)
    location = record["service_at_locations"][0]["location"]
    written_hsds = ({f"service.{key}" for key in record}
                    | {f"phone.{key}" for key in record["phones"][0]}
                    | {f"schedule.{key}" for key in record["schedules"][0]}
                    | {f"location.{key}" for key in location}
                    | {f"address.{key}" for key in location["addresses"][0]})
    fields = schema.SERVICE_FIELDS + schema.LOCATION_FIELDS
    declared_di = {name for f in fields if f.data_inclusion for name in f.data_inclusion.split(", ")}
    declared_hsds = {name for f in fields if f.hsds for name in f.hsds.split(", ")}
    assert declared_di - written_di == set()
    assert declared_hsds - written_hsds == set()
