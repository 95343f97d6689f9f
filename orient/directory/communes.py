"""A commune, and the shipped communes file (`orient/data/communes.tsv`, built by
`scripts/build_gazetteer.py`): its format and its reader. The search is orient.directory.gazetteer."""

from pathlib import Path
from typing import NamedTuple

from orient.directory import textnorm

FORMAT_VERSION = "4"


class Commune(NamedTuple):
    code: str  # INSEE code, "32132"
    name: str  # with its article: "Le Houga", "L'Isle-Jourdain"
    postcodes: tuple[str, ...]
    dept: str  # "32", "2A", "971"
    population: int
    lat: float
    lon: float
    coord_source: str  # "mairie" (mairie point inside the commune) or "centroid"


class CommuneMatch(NamedTuple):
    commune: Commune
    score: float  # 0..100


COORD_SOURCES = {"m": "mairie", "c": "centroid"}
ROW_COLUMNS = ("code", "name", "postcodes", "dept", "population", "lat", "lon", "coord_source", "keys")
COL_CODE, COL_NAME, COL_POSTCODES, COL_DEPT, COL_POP, COL_LAT, COL_LON, COL_SOURCE, COL_KEYS = range(9)
INDEX_COLUMNS = (
    "key", "key_rows", "major", "postcode", "postcode_rows", "alias_code", "alias_row", "dept_code", "dept_name",
    "dept_neighbours",
)
OWN, ALIAS, LOCAL = 0, 1, 2  # how a key names a commune: its name, a commune déléguée's, its local name
_MARKS = {"~": ALIAS, "^": LOCAL}  # a row of `key_rows` marked so; unmarked: OWN


def default_path() -> Path:
    """The shipped communes file."""
    from orient.paths import gazetteer_file

    return gazetteer_file()


def code_of_line(line: bytes) -> bytes:
    """The INSEE code of a commune line (its first 5 bytes: codes are ASCII)."""
    return line[:5]


def text(raw: bytes) -> str:
    """A line or column of the file as text. A damaged byte becomes U+FFFD rather than an error in
    the middle of a search (the shipped file is UTF-8; it is decoded piece by piece, as used)."""
    return raw.decode("utf-8", "replace")


def key_rows(value: str) -> list[tuple[int, int]]:
    """[(row, OWN | ALIAS | LOCAL)] from a value of the `key_rows` index column ("12,~40,^7")."""
    return [(int(r[1:]), _MARKS[r[0]]) if r[0] in _MARKS else (int(r), OWN) for r in value.split(",")]


def commune_of_row(r: list[str]) -> Commune:
    """A commune from its line of the file, split on tabs."""
    return Commune(
        code=r[COL_CODE],
        name=r[COL_NAME],
        postcodes=tuple(r[COL_POSTCODES].split("|")) if r[COL_POSTCODES] else (),
        dept=r[COL_DEPT],
        population=int(r[COL_POP]),
        lat=float(r[COL_LAT]),
        lon=float(r[COL_LON]),
        coord_source=COORD_SOURCES[r[COL_SOURCE]],
    )


def read_communes_file(path: Path) -> tuple[list[bytes], dict[str, bytes]]:
    """The commune lines (sorted by INSEE code) and the index lines (name -> tab-joined values) of
    a gazetteer file, as bytes: an answer decodes the few it reads (`text`), not 3 MB. Raises
    ValueError when it is not one, is truncated, or was keyed by another version of the normaliser."""
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        import gzip  # a file compressed by hand; the shipped one is not

        data = gzip.decompress(data)
    lines = data.split(b"\n")
    head = text(lines[0]).split("\t")
    if head[:2] != ["#orient-gazetteer", FORMAT_VERSION] or len(lines) < 2:
        raise ValueError(f"{path}: not an orient gazetteer file (format {FORMAT_VERSION})")
    if f"key={textnorm.KEY_VERSION}" not in head:
        raise ValueError(f"{path}: keyed by another normaliser; rebuild it with scripts/build_gazetteer.py")
    if text(lines[1]).split("\t")[1:] != list(ROW_COLUMNS):
        raise ValueError(f"{path}: unexpected columns {text(lines[1])!r}")
    counts = [f[9:] for f in head if f.startswith("communes=")]
    if not counts or not counts[0].isdigit():
        raise ValueError(f"{path}: no commune count in the header")
    n = int(counts[0])
    rows = lines[2 : 2 + n]
    index = {}
    for line in lines[2 + n :]:
        if line:
            name, _, values = line.partition(b"\t")
            index[text(name[1:])] = values
    missing = [c for c in INDEX_COLUMNS if c not in index]
    if missing or not n or len(rows) != n or any(r.startswith(b"#") for r in (rows[0], rows[-1])):
        raise ValueError(f"{path}: truncated gazetteer file")
    return rows, index
