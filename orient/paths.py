"""Where the embedded rules, directory and gazetteer are, installed or not."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
# An installed wheel carries rules/ and directory/ under orient/_embedded/;
# a source checkout (or an editable install) has them at the top of the repo.
_EMBEDDED = PACKAGE_DIR / "_embedded"
_SOURCE_ROOT = PACKAGE_DIR.parent


def _embedded(name: str) -> Path:
    installed = _EMBEDDED / name
    return installed if installed.is_dir() else _SOURCE_ROOT / name


def rules_dir() -> Path:
    return _embedded("rules")


def directory_dir() -> Path:
    return _embedded("directory")


def gazetteer_file() -> Path:
    return PACKAGE_DIR / "data" / "communes.tsv"
