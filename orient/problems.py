"""Problems found in data (rules, directory, gazetteer): `path:line: message`, all at once."""

from typing import Iterable, NamedTuple, Optional


class Problem(NamedTuple):
    path: str
    line: Optional[int]
    message: str
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else f"{self.path}:0"
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{where}: {prefix}{self.message}"


class DataError(Exception):
    """Invalid data; carries every problem found, not only the first."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def errors(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]
