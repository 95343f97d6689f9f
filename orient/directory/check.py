"""`orient check` for the directory: every problem of a folder, errors and warnings, at once."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Optional

from orient.directory.loading import GazetteerLike, read_directory
from orient.problems import Problem


def check_directory(path: Path, gazetteer: GazetteerLike, today: Optional[date] = None) -> list[Problem]:
    """Schema and types, kinds, unique ids, phones, opening hours, coordinates, communes,
    sources (errors); `verified` older than 12 months (warning); rotas. Sorted by file and line."""
    result = read_directory(Path(path), gazetteer, today)
    return sorted(result.problems, key=lambda p: (p.path, p.line or 0))
