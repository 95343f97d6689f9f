"""The one check of a record's fields against their declaration in orient/schema.py: unknown keys, required
fields, types, allowed values, patterns, bounds and the items of lists, each problem in the schema's words.
The loaders keep the meaning: conditions, references, phone numbers, opening hours, moments.

    check = FieldCheck(schema.DUTY, node, line, report)   # report(line, message)
    check.keys()                 # unknown keys (and, for some records, every required field absent)
    pharmacy = check("pharmacy")  # the value, its default when absent, or None when it is wrong
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import Any, Callable, Mapping

from orient.schema import Field, Record

# A problem without a wording of its own is said in the next one of its row that the field (or, but for
# list items, the record's `defaults`) has. A `missing` wording is said at the record's line.
WORDING = {
    "missing": ("missing", "type", "allowed"),
    "type": ("type", "allowed", "missing"),
    "empty": ("empty", "type", "allowed", "missing"),
    "allowed": ("allowed", "type", "missing"),
    "pattern": ("pattern", "type", "allowed", "missing"),
    "unique": ("unique",),
}
_NO_DEFAULT = object()


def shown(value: Any) -> str:
    """A YAML value as a French message shows it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "rien"
    if isinstance(value, (dict, list)):
        return "une table" if isinstance(value, dict) else "une liste"
    if isinstance(value, str) and not value.strip():
        return "un texte vide"
    return f"« {value} »"


def key_line(container: Any, key: Any, default: int) -> int:
    """The line of a key (or an item) in the YAML reader's mapping (or list); `default` elsewhere."""
    line_of = getattr(container, "line_of", None)
    return line_of(key) if line_of is not None else default


class FieldCheck:
    """The fields of one mapping `node` (at `line`), as `record` declares them; problems go to `report`."""

    def __init__(self, record: Record, node: Mapping, line: int, report: Callable[[int, str], None],
                 **context: Any) -> None:
        self.record, self.node, self.line, self.report = record, node, line, report
        self.context = context  # more words for the messages, such as `where`
        self.ok = True  # no problem reported yet

    def keys(self) -> None:
        """Every key the record does not declare; then, for a record that says them at once, every
        required field absent."""
        names = self.record.names
        for key in self.node:
            if key not in names:
                self._say(self.record.unknown, key_line(self.node, key, self.line), key=key)
        if self.record.missing:
            for field in self.record.fields:
                if field.required and self._absent(field):
                    self._say(self.record.missing, self.line, key=field.name)

    def __call__(self, name: str, default: Any = _NO_DEFAULT) -> Any:
        """The field's value once checked (a list: its good items with their lines; a date: a date), its
        default when absent, or None when it is wrong (the problem is reported)."""
        field = self.record.field(name)
        if self._absent(field):
            if field.required and not self.record.missing:
                self._fail(field, "missing", None, self.line)
            return field.default if default is _NO_DEFAULT else default
        return self.value(name, self.node[name])

    def value(self, name: str, value: Any) -> Any:
        """`value` checked as the field `name` at its line (as `__call__` does for a value present)."""
        field = self.record.field(name)
        line = key_line(self.node, name, self.line)
        if field.one_as_list and isinstance(value, (str, int)) and not isinstance(value, bool):
            value = [value]
        problem = self._problem(field, value)
        if problem:
            self._fail(field, problem, value, line)
            return None
        if field.type == "list":
            return self._items(field, value, line)
        return self._read(field, value)

    # --- inside -------------------------------------------------------------------------------------

    def _absent(self, field: Field) -> bool:
        if field.name not in self.node:
            return True
        value = self.node[field.name]
        if value is None and (self.record.nullable or field.nullable):
            return True
        return self.record.empty_is_absent and field.required and value in ("", [])

    def _problem(self, field: Field, value: Any) -> str | None:
        """What is wrong with `value` as `field`: a key of WORDING, or None."""
        kind = field.type
        if kind == "text":
            if not isinstance(value, str):
                return "type"
            if not value.strip():
                return "empty"
            text = value.strip() if self.record.strip else value
            if field.allowed and text not in field.allowed:
                return "allowed"
            if field.pattern and not re.match(field.pattern, text):
                return "pattern"
        elif kind == "list":
            if not isinstance(value, list):
                return "type"
            if field.nonempty and not value:
                return "empty"
        elif kind == "mapping" and not isinstance(value, dict):
            return "type"
        elif kind == "boolean" and not isinstance(value, bool):
            return "type"
        elif kind == "number":
            if isinstance(value, bool) or not isinstance(value, int):
                return "type"
            if field.limits and not field.limits[0] <= value <= field.limits[1]:
                return "type"
        elif kind == "date":
            try:
                date.fromisoformat(str(value).strip())
            except ValueError:
                return "type"
        return None

    def _read(self, field: Field, value: Any) -> Any:
        if field.type == "date":
            return date.fromisoformat(str(value).strip())
        return value.strip() if self.record.strip and isinstance(value, str) else value

    def _items(self, field: Field, items: list, line: int) -> list[tuple[Any, int]]:
        lines = [key_line(items, index, line) for index in range(len(items))]
        if field.item is None:
            return list(zip(items, lines))
        item_field = replace(field.item, allowed=field.item.allowed or field.allowed)
        kept: list[tuple[Any, int]] = []
        seen: list[Any] = []
        for index, (item, item_line) in enumerate(zip(items, lines)):
            problem = self._problem(item_field, item)
            if problem is None and item_field.unique and item in seen:
                problem = "unique"
            if problem:
                self._fail(item_field, problem, item, item_line, index=index, item=True)
                continue
            seen.append(item)
            kept.append((self._read(item_field, item), item_line))
        return kept

    def _fail(self, field: Field, problem: str, value: Any, line: int, item: bool = False, **words: Any) -> None:
        defaults = {} if item else self.record.defaults
        for kind in WORDING[problem]:
            template = field.messages.get(kind) or defaults.get(field.type if kind == "type" else kind)
            if template:
                break
        else:
            raise LookupError(f"orient/schema.py: no wording for '{problem}' of the field '{field.name}'")
        allowed = field.allowed
        self._say(template, self.line if kind == "missing" else line, key=field.name, value=value,
                  shown=shown(value), allowed=", ".join(allowed), either=" ou ".join(allowed),
                  high=field.limits[1] if field.limits else None, **words)

    def _say(self, template: str, line: int, **words: Any) -> None:
        self.ok = False
        self.report(line, template.format(**self.context, **words, keys=", ".join(self.record.names)))
