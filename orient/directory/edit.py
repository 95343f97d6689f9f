"""Change fields of one entry in a directory YAML file, leaving every other line as it was.

Used when a coordinator accepts a correction: the file stays the human-edited file
it was (comments, order, other entries untouched), so the change reads as a small
diff. Only block-style entries (`- id: …` then one key per line) are edited; a
flow-style entry raises EditError.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any, Mapping

_KEY = re.compile(r"^(?P<key>[A-Za-z_][A-Za-z0-9_]*)\s*:(\s|$)")


class EditError(ValueError):
    """The entry cannot be edited in place; message in French."""


def yaml_value(value: Any) -> str:
    """One-line YAML for a field: null, a bare date, JSON-quoted text or a flow list (JSON is YAML)."""
    if value is None:
        return "null"
    if isinstance(value, date):
        return value.isoformat()
    return json.dumps(value, ensure_ascii=False)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _is_code(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def set_fields(text: str, entry_line: int, changes: Mapping[str, Any]) -> str:
    """`text` with the fields of the entry starting at `entry_line` (1-based, its `- id:` line) set to
    `changes` (added at the end of the entry when absent). Lists of several items are written as block lists."""
    lines = text.splitlines(keepends=True)
    if not 1 <= entry_line <= len(lines):
        raise EditError(f"ligne {entry_line} hors du fichier")
    first = lines[entry_line - 1]
    match = re.match(r"^(\s*-\s+)", first)
    if match is None or first[len(match.group(1)):].lstrip().startswith("{"):
        raise EditError(f"ligne {entry_line} : entrée en style compact {{…}} ; modifiez-la à la main")
    key_indent = len(match.group(1))
    end = entry_line  # index (0-based) just after the entry's last line
    for i in range(entry_line, len(lines)):
        if _is_code(lines[i]) and _indent(lines[i]) < key_indent:  # the next entry, or a top-level key
            break
        end = i + 1
    while end > entry_line and not _is_code(lines[end - 1]):
        end -= 1
    spans = _key_spans(lines, entry_line - 1, end, key_indent)
    newline = "\n" if not first.endswith("\r\n") else "\r\n"
    replaced: dict[int, list[str]] = {}
    removed: set[int] = set()
    added: list[str] = []
    for key, value in changes.items():
        rendered = _render(key, value, key_indent, newline)
        if key in spans:
            start, stop = spans[key]
            prefix = lines[start][:key_indent]
            replaced[start] = [prefix + rendered[0][key_indent:]] + rendered[1:]
            removed.update(range(start + 1, stop))
        else:
            added.extend(rendered)
    out: list[str] = []
    for i, line in enumerate(lines):
        if i in removed:
            continue
        out.extend(replaced.get(i, [line]))
        if i == end - 1:
            if added and not line.endswith(("\n", "\r")):
                out[-1] = out[-1] + newline
            out.extend(added)
    return "".join(out)


def _key_spans(lines: list[str], start: int, end: int, key_indent: int) -> dict[str, tuple[int, int]]:
    """key -> (first line, line after its value) within the entry, 0-based."""
    spans: dict[str, tuple[int, int]] = {}
    current = None
    for i in range(start, end):
        body = lines[i][key_indent:]
        is_key_line = (i == start or _indent(lines[i]) == key_indent) and _KEY.match(body)
        if is_key_line:
            if current is not None:
                spans[current[0]] = (current[1], _trim(lines, current[1], i))
            current = (_KEY.match(body).group("key"), i)
    if current is not None:
        spans[current[0]] = (current[1], _trim(lines, current[1], end))
    return spans


def _trim(lines: list[str], start: int, stop: int) -> int:
    while stop > start + 1 and not _is_code(lines[stop - 1]):
        stop -= 1
    return stop


def _render(key: str, value: Any, key_indent: int, newline: str) -> list[str]:
    pad = " " * key_indent
    if isinstance(value, list) and len(value) > 1:
        return [f"{pad}{key}:{newline}"] + [f"{pad}  - {yaml_value(item)}{newline}" for item in value]
    return [f"{pad}{key}: {yaml_value(value)}{newline}"]
