"""`orient report --html --out FILE`: the coordinator's report from the anonymous journal and the directory."""

from __future__ import annotations

import argparse
import sqlite3
import sys
from datetime import date
from pathlib import Path

from orient.commands.common import add_span_arguments


HELP = "rapport HTML pour la CPTS et l'ARS (journal anonyme, carte du Gers, annuaire)"
DESCRIPTION = ("Écrit une page HTML autonome (sans réseau) : orientations par période, heure et besoin ; orientations "
               "sans service local, par commune sur la carte du Gers ; entrées de l'annuaire à vérifier ; "
               "signalements des comptoirs en attente. Nombres inférieurs à 5 jamais affichés.")


def register(subparsers) -> None:
    p = subparsers.add_parser("report", help=HELP, description=DESCRIPTION)
    p.add_argument("--html", action="store_true", help="format du rapport : HTML (le seul, et le défaut)")
    p.add_argument("--out", required=True, help="fichier HTML à écrire")
    p.add_argument("--journal", metavar="PATH", help="journal anonyme (défaut : celui du poste, voir orient stats)")
    add_span_arguments(p)
    p.add_argument("--directory", help="dossier d'annuaire (défaut : l'annuaire embarqué)")
    p.add_argument("--corrections", metavar="PATH", help="base des signalements (défaut : $ORIENT_CORRECTIONS)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from orient.textsafe import printable
    from orient.commands import load_directory
    from orient.commands.common import parse_span, write_output
    from orient.commands.stats import NotAJournal, _span_text, open_for_reading
    from orient.corrections import pending
    from orient.journal import default_journal_path, journal_disabled
    from orient.report.gers_map import load_outlines
    from orient.report.html import PendingLine, render
    from orient.report.summary import entries_to_verify, summarise_journal

    span = parse_span(args, "orient report :")
    if span is None:
        return 2
    since, until = span
    journal = Path(args.journal).expanduser() if args.journal else None
    if journal is not None and not journal.is_file():
        print(f"orient report : journal introuvable : {journal}", file=sys.stderr)
        return 2
    if journal is None and not journal_disabled():
        journal = default_journal_path()
    _, directory = load_directory("orient report", args.directory)
    gazetteer = directory.gazetteer

    conn = None
    try:
        if journal is not None and journal.is_file():
            conn = open_for_reading(journal)
        summary = summarise_journal(conn, since, until)
    except (NotAJournal, sqlite3.DatabaseError) as exc:
        print(f"orient report : {journal} n'est pas un journal orient lisible ({exc})", file=sys.stderr)
        return 1
    finally:
        if conn is not None:
            conn.close()
    try:
        waiting = pending(Path(args.corrections) if args.corrections else None)
    except (OSError, sqlite3.Error) as exc:
        print(f"orient report : signalements illisibles ({exc})", file=sys.stderr)
        return 1

    def name_of(code: str) -> str:
        commune = gazetteer.get(code)
        return commune.name if commune else code

    try:
        outlines = load_outlines("32")
    except ValueError as exc:
        print(f"orient report : {exc}", file=sys.stderr)
        return 1
    today = date.today()
    local = [s for s in directory if s.commune]
    html = render(
        summary=summary, span=_span_text(since, until) or "Toute la période du journal", outlines=outlines,
        name_of=name_of, to_verify=entries_to_verify(local, today), local_entries=len(local), today=today,
        pending=[PendingLine(c.id, c.reported_at, c.desk, c.entry_id, c.kind_label, c.text) for c in waiting],
    )
    # desks' notes and names: no control characters
    return write_output("orient report", printable(html), args.out, "rapport")
