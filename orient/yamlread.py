"""The one YAML reader for orient's data files: rules, directory, rotas, imported files.

One dialect, line numbers kept, nothing that can blow up:
- scalars follow the YAML 1.2 core schema: only `true`/`false` are booleans, integers
  are plain decimal (`0561`, `12:30`, `24_7`, `0x1F` stay text), dates stay text (parsed
  by the loaders so that a bad date is reported with its line);
- every mapping and list remembers the line of each key and item (`LineMap`, `LineList`);
- aliases, anchors and tags are refused (a "billion laughs" file cannot expand), nesting
  is bounded, one document per file, texts and numbers have a maximum length;
- control characters (ESC, NUL, C1…) are refused where they are, written or escaped.

The document is built from the parser's events without recursion, so a hostile file
gives a `path:line: message` problem, never a traceback.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any, Optional

import yaml

try:  # the C parser when PyYAML was built with libyaml
    from yaml import CSafeLoader as _Parser
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Parser  # type: ignore[assignment]

from orient.problems import Problem
from orient.textsafe import CONTROL_IN_FILE, control_problem, describe

MAX_DEPTH = 24           # the data files nest at most ~8 levels
MAX_TEXT = 10_000        # characters in one value (a note is a paragraph)
MAX_NUMBER_DIGITS = 30

_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_INT = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|(?:0|[1-9][0-9]*)\.[0-9]*)(?:[eE][-+]?[0-9]+)?$")
_SPECIAL_FLOATS = {".inf": math.inf, "+.inf": math.inf, "-.inf": -math.inf, ".nan": math.nan}
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")


class LineMap(dict):
    """A YAML mapping; `.line` is where it starts, `.lines[key]` where each key is."""

    line: int
    lines: dict

    def key_line(self, key: Any) -> int:
        return self.lines.get(key, self.line)

    line_of = key_line


class LineList(list):
    """A YAML sequence; `.line` is where it starts, `.lines[i]` where each item is."""

    line: int
    lines: list

    def line_of(self, index: int) -> int:
        return self.lines[index] if 0 <= index < len(self.lines) else self.line


class _Refused(Exception):
    def __init__(self, line: Optional[int], message: str):
        super().__init__(message)
        self.line = line
        self.message = message


def line_of(value: Any, default: int) -> int:
    return getattr(value, "line", default) or default


def load_yaml(path: Path, display: Optional[str] = None) -> tuple[Any, list[Problem]]:
    """Parse one file; returns (data, problems). On a refused file, data is None."""
    shown = display or str(path)
    text, problems = read_text(path, shown)
    return (None, problems) if text is None else load_yaml_text(text, shown)


def read_text(path: Path, display: str) -> tuple[Optional[str], list[Problem]]:
    """A data file's text, or None and why it cannot be read (unreadable, not UTF-8)."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        return None, [Problem(display, None, f"cannot read: {exc.strerror or exc}")]
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        return None, [Problem(display, line, f"not UTF-8 text ({exc.reason} at byte {exc.start})")]


def load_yaml_text(text: str, display: str) -> tuple[Any, list[Problem]]:
    """Parse `text` (shown as `display` in problems); returns (data, problems)."""
    found = CONTROL_IN_FILE.search(text)
    if found is not None:
        line = text.count("\n", 0, found.start()) + 1
        column = found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1
        return None, [Problem(display, line, f"control character {describe(found.group())} at column {column}: "
                                             "not allowed in a data file (remove it or write it out in words)")]
    problems: list[Problem] = []
    try:
        data = _Builder(display, problems).build(text)
    except _Refused as exc:
        return None, problems + [Problem(display, exc.line, exc.message)]
    return data, problems


class _Builder:
    """Builds LineMap / LineList / scalars from parser events, with an explicit stack."""

    def __init__(self, display: str, problems: list[Problem]):
        self.display = display
        self.problems = problems

    def build(self, text: str) -> Any:
        parser = _Parser(text)
        try:
            return self._run(parser)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            what = exc.problem or exc.context or "syntax error"
            if exc.context and exc.problem:
                context = exc.context
                if exc.context_mark is not None and mark is not None and exc.context_mark.line != mark.line:
                    context += f" (started at line {exc.context_mark.line + 1})"
                what = f"{context}, {exc.problem}"
            raise _Refused(mark.line + 1 if mark is not None else None, f"invalid YAML: {what}") from None
        except yaml.YAMLError as exc:
            raise _Refused(None, f"invalid YAML: {exc}") from None
        finally:
            parser.dispose()

    def _run(self, parser: Any) -> Any:
        root: Any = None
        documents = 0
        # Each frame: [container, pending key or _NO_KEY, line of the pending key]
        stack: list[list] = []

        def add(value: Any, line: int) -> None:
            nonlocal root
            if not stack:
                root = value
                return
            frame = stack[-1]
            container = frame[0]
            if isinstance(container, LineList):
                container.append(value)
                container.lines.append(line)
            elif frame[1] is _NO_KEY:
                try:
                    hash(value)
                except TypeError:
                    self._problem(line, "a mapping key must be a plain value")
                    frame[1] = _BAD_KEY
                else:
                    frame[1], frame[2] = value, line
            else:
                key, key_line = frame[1], frame[2]
                frame[1] = _NO_KEY
                if key is _BAD_KEY:
                    return
                if key in container:
                    self._problem(key_line, f"duplicate key '{key}' (first at line {container.lines[key]})")
                    return
                container[key] = value
                container.lines[key] = key_line

        while True:
            event = parser.get_event()
            line = event.start_mark.line + 1 if event.start_mark is not None else None
            if isinstance(event, yaml.StreamEndEvent):
                return root
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise _Refused(line, "a second YAML document ('---'): a data file holds one document")
                continue
            if isinstance(event, (yaml.StreamStartEvent, yaml.DocumentEndEvent)):
                continue
            if isinstance(event, yaml.AliasEvent):
                raise _Refused(line, f"alias '*{event.anchor}' refused: data files do not use anchors and "
                                     "aliases; write the value out")
            if getattr(event, "anchor", None) is not None:
                raise _Refused(line, f"anchor '&{event.anchor}' refused: data files do not use anchors and "
                                     "aliases; write the value out")
            tag = getattr(event, "tag", None)
            if isinstance(event, yaml.ScalarEvent):
                if tag not in (None, "!"):
                    raise _Refused(line, f"tag '{tag}' refused: data files hold plain values")
                add(self._scalar(event, line), line)
            elif isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                if tag is not None:
                    raise _Refused(line, f"tag '{tag}' refused: data files hold plain values")
                if len(stack) >= MAX_DEPTH:
                    raise _Refused(line, f"nested more than {MAX_DEPTH} levels deep")
                container: Any = LineList() if isinstance(event, yaml.SequenceStartEvent) else LineMap()
                container.line = line
                container.lines = [] if isinstance(container, LineList) else {}
                stack.append([container, _NO_KEY, 0])
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                container = stack.pop()[0]
                add(container, container.line)

    def _scalar(self, event: Any, line: int) -> Any:
        value = event.value
        if len(value) > MAX_TEXT:
            raise _Refused(line, f"a value of {len(value)} characters; at most {MAX_TEXT}")
        problem = control_problem(value)
        if problem is not None:
            raise _Refused(line, f"{problem} (an escaped control character in a text)")
        if event.style or not event.implicit[0]:
            return value  # quoted or block text: a string
        if _NULL.match(value):
            return None
        if _BOOL.match(value):
            return value[0] in "tT"
        if _INT.match(value):
            if len(value) > MAX_NUMBER_DIGITS:
                raise _Refused(line, f"a number of {len(value)} digits; write it as text (in quotes) if it is one")
            return int(value)
        if value.lower() in _SPECIAL_FLOATS:
            return _SPECIAL_FLOATS[value.lower()]
        if _FLOAT.match(value):
            if len(value) > MAX_NUMBER_DIGITS:
                raise _Refused(line, f"a number of {len(value)} digits; write it as text (in quotes) if it is one")
            return float(value)
        return value

    def _problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.display, line, message))


_NO_KEY = object()
_BAD_KEY = object()


def data_files(folder: Path) -> tuple[list[Path], list[Problem]]:
    """The `*.yaml` files of a data folder, and a problem for each file that looks like data
    but would be skipped (`.yml`, a broken link, a pipe or device): nothing is ignored silently."""
    files: list[Path] = []
    problems: list[Problem] = []
    try:
        entries = sorted(Path(folder).iterdir())
    except OSError as exc:
        return [], [Problem(str(folder), None, f"cannot read the folder: {exc.strerror or exc}")]
    for path in entries:
        name = path.name
        if name.startswith("."):
            continue
        suffix = path.suffix.lower()
        if path.is_symlink() and not path.exists():
            problems.append(Problem(str(path), None, "broken symbolic link: not read; remove it or fix its target"))
        elif suffix == ".yaml" and path.suffix != ".yaml" or suffix == ".yml":
            problems.append(Problem(str(path), None, f"not read: data files end in '.yaml'; rename it {path.stem}.yaml"))
        elif suffix == ".yaml" and not path.is_file():
            if not path.is_dir():
                problems.append(Problem(str(path), None, "not a regular file (a pipe, socket or device): not read"))
        elif suffix == ".yaml":
            files.append(path)
    return files, problems
