"""`orient rota import FILE` and `orient rota show --at …`: the pharmacies' duty rota.

The import turns the table a pharmacists' union sends (CSV, XLSX, ODS) into a
`rota/*.yaml` file of the directory, checked against the directory's pharmacies and
its other rota files before it is written (atomically). `show` prints who is on duty
where at a moment, and says the 3237 answers wherever the rota says nothing.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

FALLBACK = "3237 (résogardes, service payant) : la pharmacie de garde la plus proche"


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "rota", help="tour de garde des pharmacies : importer un tableau, voir qui est de garde",
        description="Tour de garde des pharmacies de l'annuaire (dossier rota/).",
    )
    actions = p.add_subparsers(dest="rota_action", metavar="ACTION", required=True)
    imp = actions.add_parser(
        "import", help="importer le tableau du syndicat des pharmaciens (CSV, XLSX, ODS)",
        description="Une ligne par garde : secteur, communes du secteur, pharmacie (nom, id ou n° FINESS), "
                    "commune de la pharmacie (si besoin), début, fin. Chaque ligne qui ne peut pas être placée "
                    "est signalée fichier:ligne et rien n'est écrit.",
    )
    imp.add_argument("file", metavar="FILE", help="le tableau (.csv, .xlsx, .ods)")
    imp.add_argument("--directory", help="dossier d'annuaire (défaut : l'annuaire embarqué)")
    imp.add_argument("--out", help="fichier à écrire (défaut : DOSSIER/rota/<nom du tableau>.yaml)")
    imp.add_argument("--source", help="d'où vient le tableau (ex. « FSPF 32, tour de garde 2027 »)")
    show = actions.add_parser("show", help="qui est de garde, où, à un moment donné",
                              description="Affiche la pharmacie de garde de chaque secteur au moment demandé.")
    show.add_argument("--at", help="moment, ISO 8601 (2027-01-02T21:00), heure de Paris ; défaut : maintenant")
    show.add_argument("--commune", help="seulement le secteur de cette commune (nom, code postal ou INSEE)")
    show.add_argument("--directory", help="dossier d'annuaire (défaut : l'annuaire embarqué)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    return run_import(args) if args.rota_action == "import" else run_show(args)


def _folder(args: argparse.Namespace) -> Path | None:
    from orient import paths

    folder = Path(args.directory) if args.directory else paths.directory_dir()
    if not folder.is_dir():
        print(f"orient rota : --directory : {folder} n'est pas un dossier", file=sys.stderr)
        return None
    return folder


def run_import(args: argparse.Namespace) -> int:
    from orient.commands.common import refused, write_output
    from orient.directory.gazetteer import default_gazetteer
    from orient.directory.importers.common import ImportFailed, slug
    from orient.directory.importers.rota_table import read_rota_table, to_yaml
    from orient.directory.loading import read_directory
    from orient.directory.rota import cross_check_sectors, parse_rota_file
    from orient.yamlread import load_yaml_text

    folder = _folder(args)
    if folder is None:
        return 2
    gazetteer = default_gazetteer()
    current = read_directory(folder, gazetteer)
    if refused("orient rota import", current.errors, "l'annuaire a des erreurs (orient check)"):
        return 1
    path = Path(args.file)
    out = Path(args.out) if args.out else folder / "rota" / f"{slug(path.stem) or 'garde'}.yaml"
    try:
        rota = read_rota_table(path, current.services, gazetteer)
    except ImportFailed as exc:
        print(f"orient rota import : {exc}", file=sys.stderr)
        return 2
    problems = list(rota.problems)
    text = to_yaml(rota, path, date.today(), args.source)
    if not problems:  # the file as `orient check` will read it, with the other rota files
        data, yaml_problems = load_yaml_text(text, str(out))
        by_id = {s.id: s for s in current.services}
        sectors, rota_problems = parse_rota_file(data, str(out), by_id, gazetteer)
        others = [s for s in current.sectors if Path(s.path).resolve() != out.resolve()]
        problems = [str(p) for p in yaml_problems + rota_problems + cross_check_sectors(others + sectors)]
    if refused("orient rota import", problems, f"{len(problems)} ligne(s) ou problème(s) à corriger"):
        return 1
    return write_output("orient rota import", text, out, f"{len(rota.sectors)} secteur(s), {rota.duty_count} garde(s)")


def run_show(args: argparse.Namespace) -> int:
    from orient.commands import load_directory
    from orient.directory.phones import format_phone
    from orient.periods import parse_moment

    try:
        at = parse_moment(args.at) if args.at else None
    except ValueError as exc:
        print(f"orient rota show : --at : {exc}", file=sys.stderr)
        return 2
    if at is None:
        from datetime import datetime

        from orient.periods import PARIS

        at = datetime.now(PARIS)
    _, directory = load_directory("orient rota show", args.directory)
    sectors = directory.rota.sectors
    if args.commune:
        commune = directory.gazetteer.resolve(args.commune)
        if commune is None:
            print(f"orient rota show : commune introuvable : {args.commune}", file=sys.stderr)
            return 2
        sector = directory.rota.sector_of(commune.code)
        if sector is None:
            print(f"{commune.name} : aucun secteur de garde connu — appelez le {FALLBACK}.")
            return 0
        sectors = [sector]
    print(f"Pharmacies de garde le {at.strftime('%d/%m/%Y à %H:%M')} :")
    if not sectors:
        print(f"  aucun tour de garde dans l'annuaire — appelez le {FALLBACK}.")
        return 0
    for sector in sectors:
        code = next(iter(sorted(sector.communes)))
        placed = directory.on_duty_pharmacies(code, at)
        if not placed:
            print(f"  {sector.name} : pas de garde connue à ce moment — appelez le {FALLBACK}.")
            continue
        for item in placed:
            service = item.service
            phone = format_phone(service.phones[0]) if service.phones else "téléphone à vérifier"
            address = service.address or "adresse à vérifier"
            print(f"  {sector.name} : {service.name}, {address}, {phone} — {item.status.label}")
    print(f"Ailleurs, ou à un moment que le tour de garde ne couvre pas : {FALLBACK}.")
    return 0
