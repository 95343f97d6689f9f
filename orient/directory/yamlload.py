"""YAML with line numbers: every mapping and list remembers the line of each key and item.

Scalars follow the YAML 1.2 core schema (see `_RESOLVERS`): dates and times stay
strings, parsed by the directory so that a bad date is reported with its line.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Optional

import yaml

try:  # the C parser when PyYAML was built with libyaml
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

from orient.problems import Problem


class _Loader(_BaseLoader):  # type: ignore[misc,valid-type]
    pass


# YAML 1.2 core-schema scalars instead of PyYAML's YAML 1.1 ones, which bite directory
# editors: `24_7` would be the integer 247, `no` / `on` booleans, `0561` an octal,
# `2026-01-03` a date. Digits with a leading zero stay text ("05 61..." and "01001").
_Loader.yaml_implicit_resolvers = {}
_RESOLVERS = (
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:int", r"^[-+]?(?:0|[1-9][0-9]*)$", "-+0123456789"),
    ("tag:yaml.org,2002:float",
     r"^(?:[-+]?(?:\.[0-9]+|(?:0|[1-9][0-9]*)\.[0-9]*)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
     "-+0123456789."),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
)
for _tag, _pattern, _first in _RESOLVERS:
    _Loader.add_implicit_resolver(_tag, re.compile(_pattern), list(_first))


class LineMap(dict):
    """A YAML mapping; `.line` is where it starts, `.lines[key]` where each key is."""

    line: int
    lines: dict

    def key_line(self, key: str) -> int:
        return self.lines.get(key, self.line)


class LineList(list):
    """A YAML sequence; `.line` is where it starts, `.lines[i]` where each item is."""

    line: int
    lines: list


def load_yaml(path: Path, display: Optional[str] = None) -> tuple[Any, list[Problem]]:
    """Parse one file; returns (data, problems). On a syntax error, data is None."""
    shown = display or str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, [Problem(shown, 1, f"not UTF-8 text ({exc.reason} at byte {exc.start})")]
    except OSError as exc:
        return None, [Problem(shown, None, f"cannot read: {exc.strerror or exc}")]
    return load_yaml_text(text, shown)


def load_yaml_text(text: str, display: str) -> tuple[Any, list[Problem]]:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        what = exc.problem or exc.context or "syntax error"
        if exc.context and exc.problem:
            what = f"{exc.context}, {exc.problem}"
        loader.dispose()
        return None, [Problem(display, line, f"invalid YAML: {what}")]
    except yaml.YAMLError as exc:
        loader.dispose()
        return None, [Problem(display, None, f"invalid YAML: {exc}")]
    if node is None:
        loader.dispose()
        return None, []
    problems: list[Problem] = []
    data = _convert(node, loader, display, problems)
    loader.dispose()
    return data, problems


def _convert(node: yaml.Node, loader: Any, display: str, problems: list[Problem]) -> Any:
    if isinstance(node, yaml.MappingNode):
        result = LineMap()
        result.line = node.start_mark.line + 1
        result.lines = {}
        for key_node, value_node in node.value:
            key = _convert(key_node, loader, display, problems)
            line = key_node.start_mark.line + 1
            try:
                hash(key)
            except TypeError:
                problems.append(Problem(display, line, "a mapping key must be a plain value"))
                continue
            if key in result:
                problems.append(Problem(display, line, f"duplicate key '{key}' (first at line {result.lines[key]})"))
                continue
            result[key] = _convert(value_node, loader, display, problems)
            result.lines[key] = line
        return result
    if isinstance(node, yaml.SequenceNode):
        items = LineList()
        items.line = node.start_mark.line + 1
        items.lines = []
        for item in node.value:
            items.append(_convert(item, loader, display, problems))
            items.lines.append(item.start_mark.line + 1)
        return items
    try:
        return loader.construct_object(node, deep=True)
    except yaml.YAMLError as exc:
        problems.append(Problem(display, node.start_mark.line + 1, f"invalid YAML value: {exc}"))
        return None


def line_of(value: Any, default: int) -> int:
    return getattr(value, "line", default)
