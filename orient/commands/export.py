"""`orient export --format datainclusion|hsds --out DIR`: the directory in the national open formats."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


FORMATS = ("datainclusion", "hsds")  # orient/export/<format>.py


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "export", help="exporter l'annuaire (data·inclusion v1, Open Referral HSDS 3)",
        description="Écrit l'annuaire local dans un format ouvert, pour le publier sur les plateformes nationales : "
                    "datainclusion → structures.json et services.json ; hsds → services.json (HSDS 3).",
    )
    p.add_argument("--format", required=True, choices=FORMATS, help="format de sortie")
    p.add_argument("--out", required=True, help="dossier où écrire les fichiers JSON")
    p.add_argument("--directory", help="dossier d'annuaire (défaut : l'annuaire embarqué)")
    p.add_argument("--source", default="orient",
                   help="identifiant du producteur pour data·inclusion (défaut : orient ; ex. cpts-gascogne-armagnac)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from orient.commands import load_directory
    from orient.export import write_json

    out = Path(args.out)
    if out.exists() and not out.is_dir():
        print(f"orient export : --out : {out} existe et n'est pas un dossier", file=sys.stderr)
        return 2
    _, directory = load_directory("orient export", args.directory)
    gazetteer = directory.gazetteer
    try:
        if args.format == "datainclusion":
            from orient.export.datainclusion import quality_score, structures_and_services

            structures, services = structures_and_services(directory, gazetteer, args.source)
            write_json(out, "structures.json", structures)
            write_json(out, "services.json", services)
            print(f"{len(structures)} structure(s), {len(services)} service(s) → {out}", file=sys.stderr)
            score = quality_score(services)
            if score is None:
                print("score de qualité : installez le paquet data-inclusion-schema (pip install 'orient[export]')",
                      file=sys.stderr)
            else:
                print(f"score de qualité data·inclusion (moyenne des services) : {score:.2f}")
        else:
            from orient.export.hsds import services as hsds_services

            services = hsds_services(directory, gazetteer)
            write_json(out, "services.json", services)
            print(f"{len(services)} service(s) HSDS 3 → {out}", file=sys.stderr)
    except OSError as exc:
        print(f"orient export : impossible d'écrire dans {out} : {exc.strerror or exc}", file=sys.stderr)
        return 2
    return 0
