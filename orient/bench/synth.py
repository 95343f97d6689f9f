"""A synthetic national directory: services spread over the real communes, as real YAML.

`generate(folder, n, seed)` writes a complete directory folder — the embedded
files (numbers, hospitals… which the rules name) plus `n` synthetic services
and a duty rota — that the real loader (`Directory.load`, `Knowledge.load`)
reads like any other. Deterministic for a given (n, seed, gazetteer).

- Communes are drawn in proportion to their population (Paris gets many
  pharmacies, a hamlet of 40 people rarely one).
- Kinds follow the proportions of the French health map (FINESS and OSM orders
  of magnitude: pharmacies first, then CMP, centres de santé, MSP, hospitals…),
  scaled up to `n`: 100,000 services is a stress scale above the real count of
  these kinds (about 35,000), denser everywhere than reality.
- `opening_hours` are OpenStreetMap strings made like real ones (lunch breaks,
  Saturday mornings, closed Monday mornings, `PH off`, some 24/7), a few
  hundred distinct strings; about a fifth are unknown (null).
- Locations are near the commune's point (a few hundred metres to 2 km), a
  tenth have only the commune ("precision: commune" filled by the loader).
- The rota cuts each département into sectors of neighbouring INSEE codes,
  each with a pharmacy on duty every week (Saturday 19:30 to next Saturday
  9:00) over the chosen year.

`synthetic_services(gazetteer, n, seed)` gives the same services as `Service`
objects, for tests that do not need files.
"""

from __future__ import annotations

import json
import random
import shutil
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Iterator, Optional

# Relative shares of each kind (France, orders of magnitude).
KIND_SHARES: dict[str, int] = {
    "pharmacie": 20000,
    "cmp": 3500,
    "centre_sante": 2800,
    "msp": 2500,
    "hopital": 1300,
    "planning_familial": 1200,
    "cpts": 800,
    "urgences": 700,
    "dentiste_garde": 400,
    "sos_medecins": 60,
}

NAME_PREFIX = {
    "pharmacie": "Pharmacie",
    "cmp": "CMP",
    "centre_sante": "Centre de santé",
    "msp": "Maison de santé",
    "hopital": "Centre hospitalier",
    "planning_familial": "Centre de planification",
    "cpts": "CPTS",
    "urgences": "Urgences",
    "dentiste_garde": "Cabinet dentaire de garde",
    "sos_medecins": "SOS Médecins",
}
PHARMACY_NAMES = ("du Centre", "de la Mairie", "de la Gare", "du Marché", "de l'Église", "des Arcades",
                  "du Pont", "de la Poste", "Principale", "des Halles", "du Parc", "Saint-Jean")
STREETS = ("rue de la République", "place de la Mairie", "avenue Jean-Jaurès", "rue Victor-Hugo",
           "boulevard Gambetta", "rue du Général-de-Gaulle", "place du Marché", "rue Nationale",
           "avenue de la Gare", "rue de l'Église", "route de Toulouse", "rue Pasteur")

UNKNOWN_HOURS_SHARE = {"pharmacie": 0.2, "cpts": 1.0, "hopital": 0.6, "cmp": 0.3}
DEFAULT_UNKNOWN_SHARE = 0.25
COMMUNE_ONLY_SHARE = 0.1
NO_PHONE_SHARE = 0.12
SOURCE = "synthétique : orient bench"

# Metropolitan phone prefixes by département (the first digit after 0); overseas: 09.
_PREFIX_1 = {"75", "77", "78", "91", "92", "93", "94", "95"}
_PREFIX_2 = {"14", "18", "22", "27", "28", "29", "35", "36", "37", "41", "44", "45", "49", "50", "53", "56",
             "61", "72", "76", "85"}
_PREFIX_4 = {"04", "05", "06", "07", "11", "13", "26", "30", "34", "38", "42", "43", "48", "66", "69", "73",
             "74", "83", "84", "2A", "2B", "01", "03", "15", "63"}
_PREFIX_3 = {"02", "08", "10", "21", "25", "39", "51", "52", "54", "55", "57", "58", "59", "60", "62", "67",
             "68", "70", "71", "80", "88", "89", "90"}


def phone_prefix(dept: str) -> str:
    if dept.startswith("97"):
        return "09"
    for digit, depts in (("1", _PREFIX_1), ("2", _PREFIX_2), ("3", _PREFIX_3), ("4", _PREFIX_4)):
        if dept in depts:
            return "0" + digit
    return "05"


def _weighted(rng: random.Random, options: list[tuple[str, float]]) -> str:
    total = sum(w for _, w in options)
    x = rng.random() * total
    for value, w in options:
        x -= w
        if x < 0:
            return value
    return options[-1][0]


def _day_hours(rng: random.Random, opens: list, closes: list, lunch: list) -> str:
    o = _weighted(rng, opens)
    c = _weighted(rng, closes)
    b = _weighted(rng, lunch)
    if b:
        start, end = b.split("-")
        return f"{o}-{start},{end}-{c}"
    return f"{o}-{c}"


def opening_hours(kind: str, rng: random.Random) -> Optional[str]:
    """An OSM opening_hours string for a service of this kind, or None (unknown)."""
    if rng.random() < UNKNOWN_HOURS_SHARE.get(kind, DEFAULT_UNKNOWN_SHARE):
        return None
    if kind == "pharmacie":
        r = rng.random()
        if r < 0.01:
            return "24/7"
        if r < 0.04:
            return _weighted(rng, [("Mo-Su 08:00-22:00", 2), ("Mo-Sa 08:00-21:00; Su 09:00-20:00", 1),
                                   ("Mo-Su 09:00-20:00; PH 10:00-18:00", 1)])
        week = _day_hours(rng, [("08:30", 3), ("09:00", 4), ("08:00", 1)],
                          [("19:00", 3), ("19:30", 4), ("20:00", 2), ("19:15", 1)],
                          [("", 3), ("12:30-14:00", 3), ("12:00-14:00", 2), ("12:15-14:15", 1)])
        days = _weighted(rng, [("Mo-Fr", 7), ("Tu-Fr", 1)])
        parts = [f"{days} {week}"]
        if days == "Tu-Fr":
            parts.insert(0, f"Mo 14:00-{week.rsplit('-', 1)[1]}")
        sat = _weighted(rng, [("Sa 09:00-12:30", 3), ("Sa 09:00-19:00", 3), ("Sa 08:30-12:30,14:00-19:00", 2),
                              ("Sa 09:00-12:00", 1), ("", 1)])
        if sat:
            parts.append(sat)
        if rng.random() < 0.05:
            parts.append("Su 09:00-12:30")
        if rng.random() < 0.3:
            parts.append("PH off")
        return "; ".join(parts)
    if kind in ("centre_sante", "msp"):
        week = _day_hours(rng, [("08:00", 3), ("08:30", 3), ("09:00", 2)],
                          [("18:00", 2), ("18:30", 2), ("19:00", 3), ("20:00", 1)],
                          [("", 2), ("12:00-14:00", 2), ("12:30-13:30", 1)])
        parts = [f"Mo-Fr {week}"]
        sat = _weighted(rng, [("", 3), ("Sa 08:00-12:00", 2), ("Sa 09:00-12:00", 1)])
        if sat:
            parts.append(sat)
        if rng.random() < 0.4:
            parts.append("PH off")
        return "; ".join(parts)
    if kind in ("cmp", "planning_familial"):
        week = _day_hours(rng, [("09:00", 3), ("08:30", 2)], [("17:00", 3), ("17:30", 2), ("18:00", 1)],
                          [("12:30-13:30", 2), ("12:00-14:00", 2), ("", 1)])
        return f"Mo-Fr {week}; PH off"
    if kind == "urgences":
        return "24/7" if rng.random() < 0.92 else "Mo-Su 08:00-20:00"
    if kind == "hopital":
        return "24/7"
    if kind == "dentiste_garde":
        return _weighted(rng, [("Su,PH 09:00-12:00", 3), ("Su,PH 09:00-12:00,14:00-17:00", 1)])
    if kind == "sos_medecins":
        return _weighted(rng, [("24/7", 1), ("Mo-Fr 20:00-24:00; Sa 12:00-24:00; Su,PH 08:00-24:00", 2)])
    return None


def capabilities(kind: str, hours: Optional[str], rng: random.Random) -> list[str]:
    caps = []

    def maybe(name: str, share: float) -> None:
        if rng.random() < share:
            caps.append(name)

    if kind == "centre_sante":
        maybe("no_gp_priority", 0.3)
        maybe("walk_in", 0.2)
        maybe("unscheduled_slots", 0.3)
        maybe("new_patients", 0.15)
    elif kind == "msp":
        maybe("walk_in", 0.25)
        maybe("unscheduled_slots", 0.4)
        maybe("new_patients", 0.1)
    elif kind == "cmp":
        maybe("psychiatry", 0.7)
    elif kind == "urgences":
        maybe("smur", 0.5)
        maybe("regulated_by_15", 0.2)
    elif kind == "pharmacie":
        maybe("teleconsultation", 0.05)
    elif kind == "sos_medecins":
        caps.append("home_visits")
    if hours == "24/7" and kind in ("urgences", "hopital", "pharmacie"):
        caps.append("24_7")
    return caps


@dataclass
class Entry:
    """One synthetic service, as written in YAML."""

    id: str
    name: str
    kind: str
    commune: str
    address: Optional[str]
    location: Optional[tuple[float, float]]  # None: precision commune
    phones: list[str]
    opening_hours: Optional[str]
    capabilities: list[str]
    verified: Optional[date]
    dept: str


@dataclass
class Synthetic:
    """What `generate` wrote."""

    folder: Path
    services: int  # synthetic services (the embedded ones come on top)
    kinds: dict[str, int]
    hours_strings: int  # distinct non-null opening_hours strings
    sectors: int
    duties: int
    files: list[Path] = field(default_factory=list)


def kind_counts(n: int) -> dict[str, int]:
    """How many services of each kind make `n`, in KIND_SHARES proportions."""
    total = sum(KIND_SHARES.values())
    counts = {k: (n * share) // total for k, share in KIND_SHARES.items()}
    counts["pharmacie"] += n - sum(counts.values())
    return counts


def entries(gazetteer, n: int, seed: int = 0, today: Optional[date] = None) -> Iterator[Entry]:
    """The synthetic services, deterministic for (gazetteer, n, seed)."""
    from orient.directory.geo import in_france

    rng = random.Random(seed)
    today = today or date.today()
    communes = [c for c in gazetteer]
    cum = list(accumulate(max(1, c.population) for c in communes))
    for kind, count in kind_counts(n).items():
        picks = rng.choices(range(len(communes)), cum_weights=cum, k=count)
        prefix = NAME_PREFIX[kind]
        for i, ci in enumerate(picks):
            c = communes[ci]
            if kind == "pharmacie":
                name = f"{prefix} {rng.choice(PHARMACY_NAMES)} — {c.name}"
            else:
                name = f"{prefix} de {c.name}" if i % 3 else f"{prefix} {c.name} {i % 97 + 1}"
            location = None
            address = None
            if rng.random() >= COMMUNE_ONLY_SHARE:
                lat = round(c.lat + rng.uniform(-0.015, 0.015), 6)
                lon = round(c.lon + rng.uniform(-0.02, 0.02), 6)
                if in_france(lat, lon):
                    location = (lat, lon)
                    postcode = c.postcodes[0] if c.postcodes else ""
                    address = f"{rng.randint(1, 120)} {rng.choice(STREETS)}, {postcode} {c.name}".replace("  ", " ")
            phones = []
            if rng.random() >= NO_PHONE_SHARE:
                # 20-58: clear of the ranges kept for overseas (02 62, 05 90, 05 94, 05 96…)
                digits = f"{rng.randint(20, 58)}{rng.randint(0, 999999):06d}"
                p = phone_prefix(c.dept)
                if p == "09":
                    digits = "70" + digits[2:]
                phones.append(" ".join([p] + [digits[j:j + 2] for j in range(0, 8, 2)]))
            hours = opening_hours(kind, rng)
            verified = today - timedelta(days=rng.randint(0, 500)) if rng.random() < 0.7 else None
            yield Entry(
                id=f"bench-{kind.replace('_', '-')}-{i:06d}",
                name=name,
                kind=kind,
                commune=c.code,
                address=address,
                location=location,
                phones=phones,
                opening_hours=hours,
                capabilities=capabilities(kind, hours, rng),
                verified=verified,
                dept=c.dept,
            )


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def entry_yaml(e: Entry) -> str:
    lines = [
        f"  - id: {e.id}",
        f"    name: {_q(e.name)}",
        f"    kind: {e.kind}",
        f"    commune: \"{e.commune}\"",
        f"    address: {_q(e.address) if e.address else 'null'}",
    ]
    if e.location is not None:
        lines.append(f"    location: {{lat: {e.location[0]}, lon: {e.location[1]}, precision: address}}")
    lines.append(f"    phones: [{', '.join(_q(p) for p in e.phones)}]")
    lines.append(f"    opening_hours: {_q(e.opening_hours) if e.opening_hours else 'null'}")
    if e.capabilities:
        lines.append(f"    capabilities: [{', '.join(e.capabilities)}]")
    lines.append(f"    sources: [{_q(SOURCE)}]")
    lines.append(f"    verified: {e.verified.isoformat() if e.verified else 'null'}")
    return "\n".join(lines) + "\n"


def _rota_yaml(by_dept: dict[str, list[Entry]], gazetteer, year: int, rng: random.Random) -> tuple[str, int, int]:
    """Sectors of neighbouring communes in each département, a pharmacy on duty every week."""
    codes_by_dept: dict[str, list[str]] = {}
    for c in gazetteer:
        codes_by_dept.setdefault(c.dept, []).append(c.code)
    out = ["# Tours de garde synthétiques (orient bench) : un secteur par tranche de codes INSEE.", "sectors:"]
    first = date(year, 1, 1)
    while first.weekday() != 5:  # the first Saturday
        first -= timedelta(days=1)
    weeks = []
    day = first
    while day.year <= year:
        weeks.append(day)
        day += timedelta(days=7)
    sectors = duties = 0
    for dept in sorted(by_dept):
        pharmacies = [e for e in by_dept[dept] if e.kind == "pharmacie"]
        codes = sorted(codes_by_dept.get(dept, []))
        if not pharmacies or not codes:
            continue
        parts = max(1, min(6, len(pharmacies) // 20))
        size = -(-len(codes) // parts)
        for s in range(parts):
            chunk = codes[s * size:(s + 1) * size]
            if not chunk:
                continue
            inside = [e for e in pharmacies if e.commune in set(chunk)] or pharmacies
            sectors += 1
            out.append(f"  - id: bench-{dept.lower()}-{s + 1}")
            out.append(f"    name: \"Secteur {s + 1} du {dept}\"")
            out.append(f"    communes: [{', '.join(_q(code) for code in chunk)}]")
            out.append(f"    sources: [{_q(SOURCE)}]")
            out.append("    duties:")
            for w in weeks:
                e = rng.choice(inside)
                end = w + timedelta(days=7)
                out.append(f"      - {{pharmacy: {e.id}, start: {w.isoformat()}T19:30, end: {end.isoformat()}T09:00}}")
                duties += 1
    return "\n".join(out) + "\n", sectors, duties


def generate(folder: Path, n: int = 100_000, seed: int = 0, *, gazetteer=None, base: Optional[Path] = None,
             year: int = 2026, per_file: int = 10_000, today: Optional[date] = None) -> Synthetic:
    """Write a directory folder: the embedded directory (`base`) plus `n` synthetic services and a rota."""
    from orient import paths
    from orient.directory.gazetteer import default_gazetteer

    gazetteer = gazetteer or default_gazetteer()
    folder = Path(folder)
    base = Path(base) if base is not None else paths.directory_dir()
    (folder / "rota").mkdir(parents=True, exist_ok=True)
    files = []
    for p in sorted(base.glob("*.yaml")):
        files.append(Path(shutil.copyfile(p, folder / p.name)))
    for p in sorted((base / "rota").glob("*.yaml")):
        files.append(Path(shutil.copyfile(p, folder / "rota" / p.name)))

    kinds: dict[str, int] = {}
    hours: set[str] = set()
    by_dept: dict[str, list[Entry]] = {}
    chunk: list[str] = []
    part = 0

    def flush() -> None:
        nonlocal part, chunk
        if not chunk:
            return
        part += 1
        path = folder / f"bench-{part:03d}.yaml"
        path.write_text("# Services synthétiques (orient bench) : pas de vrais services.\nservices:\n"
                        + "".join(chunk), encoding="utf-8")
        files.append(path)
        chunk = []

    for e in entries(gazetteer, n, seed, today):
        kinds[e.kind] = kinds.get(e.kind, 0) + 1
        if e.opening_hours:
            hours.add(e.opening_hours)
        by_dept.setdefault(e.dept, []).append(e)
        chunk.append(entry_yaml(e))
        if len(chunk) >= per_file:
            flush()
    flush()
    rota, sectors, duties = _rota_yaml(by_dept, gazetteer, year, random.Random(seed + 1))
    rota_path = folder / "rota" / "bench.yaml"
    rota_path.write_text(rota, encoding="utf-8")
    files.append(rota_path)
    return Synthetic(folder, n, kinds, len(hours), sectors, duties, files)


def synthetic_services(gazetteer, n: int, seed: int = 0, today: Optional[date] = None) -> list:
    """The synthetic services as `Service` objects, the way the loader builds them."""
    from orient.directory.model import Service
    from orient.directory.phones import normalize_phone

    out = []
    for line, e in enumerate(entries(gazetteer, n, seed, today), start=1):
        if e.location is not None:
            lat, lon, precision = e.location[0], e.location[1], "address"
        else:
            c = gazetteer.get(e.commune)
            lat, lon, precision = c.lat, c.lon, "commune"
        out.append(Service(
            id=e.id, name=e.name, kind=e.kind, commune=e.commune, address=e.address, lat=lat, lon=lon,
            precision=precision, phones=tuple(normalize_phone(p) for p in e.phones),
            opening_hours=e.opening_hours, walk_in_hours=None, capabilities=frozenset(e.capabilities),
            sources=(SOURCE,), verified=e.verified, note=None, path="<synthetic>", line=line,
        ))
    return out


def moments(rng: random.Random, count: int, year: int = 2026) -> list[datetime]:
    """Moments spread over the year and the day (every period of care), Paris time."""
    from orient.periods import PARIS

    start = datetime(year, 1, 1, tzinfo=PARIS)
    out = []
    for i in range(count):
        day = start + timedelta(days=rng.randrange(365))
        # A quarter at night or in the evening, the rest in the day: the counter's hours.
        hour = rng.choice((20, 21, 22, 23, 0, 3, 6)) if i % 4 == 0 else rng.randrange(8, 20)
        out.append(day.replace(hour=hour, minute=rng.randrange(60)))
    return out
