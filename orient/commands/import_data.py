"""`orient import finess FILE --dept 32` and `orient import osm FILE`: open data -> directory YAML.

The YAML is checked like `orient check` would before it is written, and written
atomically (temporary file, then rename): never half a file.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "import", help="importer des données ouvertes (FINESS, OpenStreetMap) en YAML d'annuaire",
        description="Convertit une extraction FINESS ou un export OpenStreetMap en fichier d'annuaire YAML.",
    )
    sources = p.add_subparsers(dest="source", metavar="SOURCE", required=True)
    finess = sources.add_parser("finess", help="extraction FINESS etalab (etalab-cs1100507-stock-*.csv)")
    finess.add_argument("file", metavar="FILE", help="le fichier FINESS (;, Windows-1252)")
    finess.add_argument("--dept", required=True, help="département à garder (32, 2A, 971…)")
    finess.add_argument("--out", help="fichier YAML à écrire (défaut : la sortie standard)")
    finess.add_argument("--replace", action="store_true",
                        help="remplacer --out même si l'import a beaucoup moins d'entrées (ou aucune)")
    osm = sources.add_parser("osm", help="export GeoJSON OpenStreetMap (amenity=pharmacy/doctors/clinic/hospital)")
    osm.add_argument("file", metavar="FILE", help="le fichier GeoJSON")
    osm.add_argument("--out", help="fichier YAML à écrire (défaut : la sortie standard)")
    osm.add_argument("--replace", action="store_true",
                     help="remplacer --out même si l'import a beaucoup moins d'entrées (ou aucune)")
    register_coordination_formats(sources)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.source == "csv":  # checked row by row: its own flow
        return run_csv(args)
    from orient.commands.common import refused, write_output
    from orient.directory.gazetteer import default_gazetteer
    from orient.directory.importers.common import (
        ImportFailed, drop_control_characters, overwrite_problem, to_yaml, validate,
    )

    gazetteer = default_gazetteer()
    today = date.today()
    path = Path(args.file)
    try:
        if args.source == "finess":
            from orient.directory.importers import finess

            result = finess.import_finess(path, args.dept, gazetteer, today)
            header = finess.header(path, args.dept, today)
        elif args.source == "osm":
            from orient.directory.importers import osm

            result = osm.import_osm(path, gazetteer, today)
            header = osm.header(path, today)
        else:
            result, header = import_coordination_format(args, path, gazetteer, today)
    except ImportFailed as exc:
        print(f"orient import : {exc}", file=sys.stderr)
        return 2
    drop_control_characters(result)
    if args.out:
        refusal = overwrite_problem(Path(args.out), len(result.entries), getattr(args, "replace", False))
        if refusal:
            print(f"orient import : {refusal}", file=sys.stderr)
            return 2
    text = to_yaml(result, header)
    if refused("orient import", validate(text, gazetteer, args.out or "<sortie>"),  # a bug of the importer
               "le YAML produit ne passe pas la vérification"):
        return 1
    return write_output("orient import", text, args.out, result.summary(),
                        unwritable="{out} non écrit ({error}) ; l'ancien fichier est intact", unwritable_exit=1)


def register_coordination_formats(sources) -> None:
    """The formats of the coordination issue: the FINESS+ JSON flux and the coordinator's CSV template."""
    plus = sources.add_parser("finess-plus", help="flux FINESS+ « structures » de l'ANS (JSON, schéma v1, .json ou .json.gz)")
    plus.add_argument("file", metavar="FILE", help="le fichier JSON (éventuellement compressé gzip)")
    plus.add_argument("--dept", default="32", help="département à garder (défaut 32)")
    plus.add_argument("--out", help="fichier YAML à écrire (défaut : la sortie standard)")
    plus.add_argument("--replace", action="store_true",
                      help="remplacer --out même si l'import a beaucoup moins d'entrées (ou aucune)")
    csv = sources.add_parser(
        "csv", help="modèle CSV rempli par un coordinateur (nom, type, commune, adresse, téléphone, horaires, source…)",
        description="Importe un tableau (CSV , ou ;, XLSX, ODS) vérifié comme l'annuaire embarqué : chaque erreur "
                    "est donnée fichier:ligne, et rien n'est écrit s'il y en a une (orient/directory/importers/"
                    "csv_template.py).",
    )
    csv.add_argument("file", metavar="FILE", nargs="?", help="le fichier CSV, XLSX ou ODS")
    csv.add_argument("--template", action="store_true", help="afficher l'en-tête du modèle et sortir")
    csv.add_argument("--out", help="fichier YAML à écrire (défaut : la sortie standard)")


def import_coordination_format(args: argparse.Namespace, path: Path, gazetteer, today: date):
    from orient.directory.importers import finess_plus

    return finess_plus.import_finess_plus(path, args.dept, gazetteer, today), finess_plus.header(path, args.dept, today)


def run_csv(args: argparse.Namespace) -> int:
    """`orient import csv`: the coordinator's template (orient/directory/importers/csv_template.py)."""
    from orient.commands.common import refused, write_output
    from orient.directory.gazetteer import default_gazetteer
    from orient.directory.importers.common import ImportFailed, to_yaml, validate
    from orient.directory.importers.csv_template import header, ids_in_folder, import_csv, template_text

    if args.template:
        sys.stdout.write(template_text())
        return 0
    if not args.file:
        print("orient import csv : indiquez le fichier CSV (ou --template pour l'en-tête du modèle)", file=sys.stderr)
        return 2
    path = Path(args.file)
    today = date.today()
    gazetteer = default_gazetteer()
    out = Path(args.out) if args.out else None
    known = ids_in_folder(out.parent, out) if out is not None and out.parent.is_dir() else {}
    try:
        result, problems = import_csv(path, gazetteer, today, known)
    except ImportFailed as exc:
        print(f"orient import csv : {exc}", file=sys.stderr)
        return 2
    if not problems:
        text = to_yaml(result, header(path, today))
        problems = validate(text, gazetteer, str(out or "<sortie>"))
    if refused("orient import csv", problems, f"{len(problems)} erreur(s)"):
        return 1
    return write_output("orient import csv", text, out, result.summary())
