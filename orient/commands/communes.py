"""`orient communes QUERY [--limit N] [--json]`: the gazetteer's best matches (contract)."""

from __future__ import annotations

import argparse
import json
import sys

from orient.commands import add_home_dept_argument, home_dept
from orient.commands.common import whole_number

DEFAULT_LIMIT = 10
MAX_LIMIT = 1000


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "communes",
        help="trouver une commune : nom (même approximatif), code postal ou code INSEE",
        description="Les communes qui correspondent le mieux à un lieu tapé : nom, début de nom, "
        "nom avec faute de frappe, code postal ou code INSEE. Les homonymes du département de "
        "référence (--home-dept, 32 par défaut) passent en premier.",
    )
    p.add_argument("query", metavar="QUERY", help="le lieu tel qu'il est tapé (« st clar », « 32800 », « plaisance 31 »)")
    p.add_argument("--limit", type=whole_number(1, MAX_LIMIT, "au moins 1", clamp=True), default=DEFAULT_LIMIT, metavar="N", help=f"nombre de résultats (défaut {DEFAULT_LIMIT})")
    p.add_argument("--json", action="store_true", help="sortie JSON pour les programmes")
    add_home_dept_argument(p)
    p.set_defaults(run=run)


def _printable(text: str) -> str:
    """The query as it can be echoed: no control characters, valid UTF-8."""
    text = "".join(c if c.isprintable() else " " for c in text[:80]).strip()
    return text.encode("utf-8", "replace").decode("utf-8")


def run(args: argparse.Namespace) -> int:
    from orient.directory.gazetteer import default_gazetteer

    matches = default_gazetteer().search(args.query, limit=args.limit, home_dept=home_dept(args))
    if args.json:
        out = [
            {
                "code": m.commune.code,
                "name": m.commune.name,
                "postcodes": list(m.commune.postcodes),
                "dept": m.commune.dept,
                "lat": m.commune.lat,
                "lon": m.commune.lon,
                "score": m.score,
            }
            for m in matches
        ]
        sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")  # one write (as `orient ask`)
        return 0
    if not matches:
        print(f"Aucune commune ne correspond à « {_printable(args.query)} ».")
        return 0
    width = max(len(m.commune.name) for m in matches)
    for m in matches:
        c = m.commune
        postcodes = ", ".join(c.postcodes) if c.postcodes else "sans code postal"
        print(f"{c.name:<{width}}  {postcodes}  (dép. {c.dept}, INSEE {c.code})")
    return 0
