"""YAML with line numbers, for `path:line: message` problems.

The loader is YAML 1.2-like where it matters for rules: only `true`/`false` are
booleans (so `has_gp: yes` stays the string "yes"), and dates stay strings
(`at: 2026-11-28T14:00` is parsed by `orient.periods.parse_moment`).
"""

from __future__ import annotations

import re
from typing import Any

import yaml


class LineDict(dict):
    """A mapping that remembers where it and each of its keys were written."""

    line: int = 0
    key_lines: dict

    def line_of(self, key: Any) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list):
    """A sequence that remembers where it and each of its items were written."""

    line: int = 0
    item_lines: list

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if 0 <= index < len(self.item_lines) else self.line


class _Loader(yaml.SafeLoader):
    pass


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers
            if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        try:
            hash(key)
        except TypeError:
            loader.duplicates.append((line, "a mapping key must be a plain value"))
            continue
        if key in result:
            loader.duplicates.append((line, f"duplicate key '{key}' (first at line {result.key_lines[key]})"))
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines.setdefault(key, line)
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)


class YamlProblem(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


def load_yaml(text: str) -> tuple[Any, list[tuple[int, str]]]:
    """Parse `text`; returns (data, [(line, message)] for duplicate keys).

    Raises YamlProblem(line, message) when the text is not valid YAML."""
    loader = _Loader(text)
    loader.duplicates = []
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        context = exc.context or ""
        if context and exc.context_mark is not None and exc.context_mark.line + 1 != line:
            context += f" (started at line {exc.context_mark.line + 1})"
        what = " ".join(part for part in (context, exc.problem) if part)
        raise YamlProblem(line, f"invalid YAML: {what}") from None
    except yaml.YAMLError as exc:
        raise YamlProblem(1, f"invalid YAML: {exc}") from None
    finally:
        loader.dispose()
    return data, loader.duplicates
