"""`orient corrections list|show|accept|reject` (and `add`): the desks' reports, checked by a coordinator.

Accepting writes the change into the entry's YAML file — only the lines that change,
printed as a diff — with `sources` extended ("signalé au comptoir X le …, vérifié par
Y le …") and `verified` set to the check date. The new file is checked with the whole
folder exactly as `orient check` would, then written atomically; if anything is wrong
nothing is written and the report stays pending.
"""

from __future__ import annotations

import argparse
import difflib
import shutil
import sqlite3
import sys
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

# Fields a coordinator may set when accepting; "null" means unknown.
SETTABLE = ("name", "address", "phones", "opening_hours", "walk_in_hours", "url", "note", "commune")
LIST_FIELDS = ("phones",)


def register(subparsers) -> None:
    from orient.corrections import KINDS

    p = subparsers.add_parser(
        "corrections", help="signalements des comptoirs : lister, voir, accepter (dans l'annuaire), rejeter",
        description="Les signalements faits au comptoir (« Signaler »), vérifiés par un coordinateur.",
    )
    id_help = "numéro du signalement (voir orient corrections list)"
    store_help = "base des signalements (défaut : $ORIENT_CORRECTIONS, sinon $XDG_DATA_HOME/orient/corrections.sqlite3)"
    database_help = ("serveur partagé postgresql://… où vont les signalements de tous les comptoirs (défaut : "
                     "$ORIENT_DATABASE_URL ; « local » : le fichier de ce poste) ; --corrections l'emporte")
    p.add_argument("--corrections", metavar="PATH", help=store_help)
    p.add_argument("--database", metavar="URL", help=database_help)
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    ls = actions.add_parser("list", help="les signalements en attente (--all : tous)")
    ls.add_argument("--all", action="store_true", help="aussi ceux déjà acceptés ou rejetés")
    show = actions.add_parser("show", help="un signalement et l'entrée de l'annuaire qu'il vise")
    show.add_argument("id", type=int, metavar="ID", help=id_help)
    show.add_argument("--directory", help="dossier d'annuaire (défaut : l'annuaire embarqué)")
    accept = actions.add_parser(
        "accept", help="accepter : écrire la correction dans le fichier YAML de l'annuaire",
        description="Écrit les champs donnés par --set dans l'entrée visée (diff affiché), ajoute la source "
                    "« signalé au comptoir … vérifié par … » et met verified à la date de vérification.",
    )
    accept.add_argument("id", type=int, metavar="ID", help=id_help)
    accept.add_argument("--by", required=True, help="qui a vérifié (ex. « CPTS Gascogne-Armagnac, M. Dupont »)")
    accept.add_argument("--set", action="append", default=[], metavar="CHAMP=VALEUR",
                        help=f"champ à corriger, répétable : {', '.join(SETTABLE)} ; null = inconnu ; "
                             "plusieurs téléphones séparés par ;")
    accept.add_argument("--on", metavar="DATE", help="date de la vérification (AAAA-MM-JJ, défaut : aujourd'hui)")
    accept.add_argument("--directory", help="dossier d'annuaire à modifier (défaut : l'annuaire embarqué)")
    accept.add_argument("--dry-run", action="store_true", help="montrer le diff sans rien écrire")
    reject = actions.add_parser("reject", help="rejeter, en gardant la raison")
    reject.add_argument("id", type=int, metavar="ID", help=id_help)
    reject.add_argument("--by", required=True, help="qui a vérifié")
    reject.add_argument("--reason", required=True, help="pourquoi (ex. « horaires confirmés par téléphone »)")
    add = actions.add_parser("add", help="enregistrer un signalement (ce que fait la touche Signaler du comptoir)")
    add.add_argument("--desk", help="identifiant du comptoir (défaut : $ORIENT_DESK, sinon le nom de la machine)")
    add.add_argument("--entry", required=True, help="id de l'entrée de l'annuaire")
    add.add_argument("--kind", required=True, choices=tuple(KINDS), help="le problème")
    add.add_argument("--text", help="précision courte, sans donnée sur le patient")
    add.add_argument("--directory", help="dossier d'annuaire où l'entrée doit exister (défaut : l'embarqué)")
    for action in (ls, show, accept, reject, add):  # the options after the action too; SUPPRESS keeps one given before
        action.add_argument("--corrections", metavar="PATH", default=argparse.SUPPRESS, help=store_help)
        action.add_argument("--database", metavar="URL", default=argparse.SUPPRESS, help=database_help)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from orient.corrections import CorrectionError, CorrectionStore, ServerError

    path = Path(args.corrections) if args.corrections else None
    try:
        store = CorrectionStore.open(path, create=args.action == "add", database=args.database)
    except CorrectionError as exc:  # a --database that is not a server's address
        print(f"orient corrections : {exc}", file=sys.stderr)
        return 2
    except FileNotFoundError:
        if args.action == "list":
            print("Aucun signalement : la base n'existe pas encore.")
            return 0
        print(f"orient corrections : aucune base de signalements ({path or 'défaut'})", file=sys.stderr)
        return 2
    except (OSError, sqlite3.Error) as exc:
        print(f"orient corrections : base de signalements illisible : {exc}", file=sys.stderr)
        return 1
    try:
        with store:
            return ACTIONS[args.action](args, store)
    except CorrectionError as exc:
        print(f"orient corrections : {exc}", file=sys.stderr)
        return 2
    except ServerError as exc:  # the shared server cannot be reached or refuses: nothing decided
        undone = " ; rien n'a été décidé ni écrit" if args.action in ("accept", "reject") else ""
        print(f"orient corrections : {exc}{undone}", file=sys.stderr)
        _say_kept(store)
        return 2
    except OSError as exc:  # the directory file cannot be read or written
        print(f"orient corrections : {exc.filename or ''} {exc.strerror or exc} ; rien n'a été écrit", file=sys.stderr)
        return 2
    except sqlite3.Error as exc:
        print(f"orient corrections : base de signalements illisible : {exc}", file=sys.stderr)
        return 1


def _say_kept(store: Any) -> None:
    """On a server: this desk's reports still waiting in its outbox, if any."""
    try:
        kept = store.kept()
    except (OSError, sqlite3.Error):
        return
    if kept:
        why = f" (dernier essai : {store.last_error})" if store.last_error else ""
        print(f"orient corrections : {kept} signalement(s) de ce poste gardé(s) ici, pas encore envoyé(s) au "
              f"serveur{why} ; ils partiront au prochain essai.", file=sys.stderr)


def _line(c: Any) -> str:
    text = f" — « {c.text} »" if c.text else ""
    decided = ""
    if c.status == "accepted":
        decided = f" [accepté par {c.decided_by} le {c.decided_on}]"
    elif c.status == "rejected":
        decided = f" [rejeté par {c.decided_by} le {c.decided_on} : {c.reason}]"
    return f"{c.id:>4}  {c.reported_at}  {c.desk}  {c.entry_id} : {c.kind_label}{text}{decided}"


def run_list(args: argparse.Namespace, store: Any) -> int:
    items = store.all() if args.all else store.pending()
    if not items:
        print("Aucun signalement en attente." if not args.all else "Aucun signalement.")
    for c in items:
        print(_line(c))
    _say_kept(store)
    return 0


def _get(store: Any, correction_id: int) -> Any:
    from orient.corrections import CorrectionError

    correction = store.get(correction_id)
    if correction is None:
        raise CorrectionError(f"signalement {correction_id} introuvable (orient corrections list)")
    return correction


def run_show(args: argparse.Namespace, store: Any) -> int:
    from orient.commands import load_directory
    from orient.directory.phones import format_phone

    correction = _get(store, args.id)
    print(_line(correction))
    _, directory = load_directory("orient corrections", args.directory)
    service = directory.get(correction.entry_id)
    if service is None:
        print(f"L'entrée {correction.entry_id} n'est plus dans l'annuaire.")
        return 0
    print(f"Entrée : {service.name} ({service.path}:{service.line})")
    print(f"  adresse : {service.address or 'à vérifier'}")
    print(f"  téléphone : {', '.join(format_phone(p) for p in service.phones) or 'à vérifier'}")
    print(f"  horaires : {service.opening_hours or 'à vérifier'}")
    print(f"  vérifiée : {service.verified.isoformat() if service.verified else 'jamais'}")
    print(f"  sources : {' ; '.join(service.sources)}")
    return 0


def parse_sets(items: list[str]) -> dict[str, Any]:
    from orient.corrections import CorrectionError

    changes: dict[str, Any] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name, value = name.strip(), value.strip()
        if not sep or name not in SETTABLE:
            raise CorrectionError(f"--set {item!r} : attendu CHAMP=VALEUR avec CHAMP parmi {', '.join(SETTABLE)}")
        if name in LIST_FIELDS:
            changes[name] = [] if value.lower() in ("", "null") else [p.strip() for p in value.split(";") if p.strip()]
        else:
            changes[name] = None if value.lower() in ("", "null") else value
    return changes


def _french_day(iso: str) -> str:
    return datetime.fromisoformat(iso).strftime("%d/%m/%Y")


def run_accept(args: argparse.Namespace, store: Any) -> int:
    from orient.atomic import write_atomic
    from orient.commands import load_directory
    from orient.corrections import CorrectionError
    from orient.directory.edit import EditError, set_fields

    correction = _get(store, args.id)
    if correction.status != "pending":
        raise CorrectionError(f"signalement {correction.id} déjà traité ({_line(correction).strip()})")
    try:
        on = date.fromisoformat(args.on) if args.on else date.today()
    except ValueError:
        raise CorrectionError(f"--on {args.on!r} : date attendue AAAA-MM-JJ") from None
    if on > date.today():
        raise CorrectionError(f"--on {on} : une vérification ne peut pas être dans le futur")
    changes = parse_sets(args.set)
    folder, directory = load_directory("orient corrections", args.directory)
    service = directory.get(correction.entry_id)
    if service is None:
        raise CorrectionError(f"l'entrée {correction.entry_id} n'est pas dans l'annuaire {folder} ; "
                              "rejetez le signalement ou ajoutez l'entrée (orient import csv)")
    by = " ".join(args.by.split())
    source = (f"signalé au comptoir {correction.desk} le {_french_day(correction.reported_at)}, "
              f"vérifié par {by} le {on.strftime('%d/%m/%Y')}")
    written = dict(changes, sources=[*service.sources, source], verified=on)
    path = Path(service.path)
    before = path.read_text(encoding="utf-8")
    try:
        after = set_fields(before, service.line, written)
    except EditError as exc:
        raise CorrectionError(f"{path}:{service.line}: {exc}") from None
    problems = _check_with(folder, path, after)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        print("orient corrections : la correction rendrait l'annuaire invalide ; rien n'a été écrit, "
              "le signalement reste en attente.", file=sys.stderr)
        return 1
    diff = difflib.unified_diff(before.splitlines(True), after.splitlines(True), f"{path} (avant)", f"{path} (après)")
    if args.dry_run:
        sys.stdout.writelines(diff)
        print("(essai : rien n'a été écrit)")
        return 0
    # The YAML is written only once this coordinator holds the report (another one may be accepting
    # it at the same moment, at another desk); put back as it was if the decision cannot be recorded.
    store.accept(correction.id, by, on, changes, write=lambda: write_atomic(path, after),
                 undo=lambda: write_atomic(path, before))
    sys.stdout.writelines(diff)
    print(f"Signalement {correction.id} accepté ; {path} mis à jour.")
    return 0


def _check_with(folder: Path, path: Path, text: str) -> list[str]:
    """The errors `orient check` would report for the folder with `path` holding `text`."""
    from orient.directory.gazetteer import default_gazetteer
    from orient.directory.loading import read_directory

    with tempfile.TemporaryDirectory(prefix="orient-correction-") as tmp:
        copy = Path(tmp) / "directory"
        shutil.copytree(folder, copy, ignore=shutil.ignore_patterns(".*"))
        target = copy / path.resolve().relative_to(folder.resolve())
        target.write_text(text, encoding="utf-8")
        result = read_directory(copy, default_gazetteer())
        return [str(p).replace(str(copy), str(folder), 1) for p in result.errors]


def run_reject(args: argparse.Namespace, store: Any) -> int:
    correction = store.reject(args.id, " ".join(args.by.split()), args.reason)
    print(_line(correction))
    return 0


def run_add(args: argparse.Namespace, store: Any) -> int:
    from orient.commands import load_directory
    from orient.corrections import CorrectionError
    from orient.periods import PARIS

    _, directory = load_directory("orient corrections", args.directory)
    if directory.get(args.entry) is None:
        raise CorrectionError(f"l'entrée {args.entry!r} n'est pas dans l'annuaire")
    from orient.corrections import desk_id

    correction_id = store.report(args.desk or desk_id(), args.entry, args.kind, args.text, datetime.now(PARIS))
    if correction_id is None:  # on a server that did not answer in time: in this desk's outbox
        why = store.last_error or "pas de réponse à temps"
        print(f"Signalement gardé sur ce poste ({why}) ; il partira vers le serveur dès son retour "
              "(au prochain signalement, à la prochaine orientation ou avec « orient corrections list »).")
        return 0
    print(f"Signalement {correction_id} enregistré.")
    return 0


ACTIONS = {"list": run_list, "show": run_show, "accept": run_accept, "reject": run_reject, "add": run_add}
