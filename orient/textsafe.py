"""Control characters: refused in data, stripped from everything orient prints.

A service name holding `ESC ]0;…` or `ESC [2J` would retitle or clear the terminal
and hide the emergency headline. The loaders refuse such characters (`control_problem`);
every output strips them too (`printable`), as a second line of defence.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Optional

# C0 controls except tab and newline, DEL, C1 controls, and the bidirectional overrides
# and isolates that reorder what the reader sees.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# In the raw text of a file, a carriage return is a line end (CRLF), not a control.
CONTROL_IN_FILE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def describe(char: str) -> str:
    """`U+001B (ESC)`: a control character named so that a maintainer can find it."""
    names = {0: "NUL", 0x1B: "ESC", 0x7F: "DEL", 0x0D: "CR"}
    code = ord(char)
    name = names.get(code) or unicodedata.name(char, "") or ("C1 control" if 0x80 <= code <= 0x9F else "control")
    return f"U+{ord(char):04X}" + (f" ({name})" if name else "")


def control_problem(text: str) -> Optional[str]:
    """None when `text` holds no control character, else what and where (1-based column)."""
    found = CONTROL.search(text)
    if found is None:
        return None
    return f"control character {describe(found.group())} at column {found.start() + 1} is not allowed"


def printable(text: str, *, newlines: bool = True) -> str:
    """`text` without control characters (tabs become spaces; newlines kept unless told)."""
    text = text.replace("\t", " ")
    if not newlines:
        text = text.replace("\r\n", " ").replace("\n", " ")
    return CONTROL.sub("", text)


def printable_json(value):
    """A JSON value with `printable` applied to every string (keys too)."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {printable_json(key): printable_json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [printable_json(item) for item in value]
    return value


class PrintableStream:
    """A text stream that strips control characters from whatever is written to it: the
    second line of defence for commands that echo data (names, cells, notes) to a terminal."""

    def __init__(self, stream) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(printable(text))
        return len(text)

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str):  # flush, fileno, encoding, isatty…
        return getattr(self._stream, name)
