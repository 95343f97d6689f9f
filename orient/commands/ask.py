"""`orient ask`: one orientation, non-interactive (contract)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime

from orient.commands import add_database_argument, add_home_dept_argument, load_knowledge, parse_home_dept
from orient.journal import add_journal_arguments
from orient.textsafe import printable, printable_json


# What to do now when a vital sign may be there: call the 15 — or, for a person known to be deaf
# (deaf=yes), text the 114 first (H79).
_CALL_NOW = {False: "appelez le 15 maintenant (personne sourde ou qui ne peut pas parler : SMS au 114)",
             True: "personne sourde : SMS au 114 maintenant (quelqu'un à côté qui peut parler appelle aussi le 15)"}


def _typed_wrong_line(deaf: bool) -> str:
    """The first line of a refusal whose red_flag was not understood: it may be a vital sign (H77)."""
    return f"signe d'urgence vitale non compris : s'il y en a un, {_CALL_NOW[deaf]}"


def _no_data_line(deaf: bool) -> str:
    """The first line when the data cannot be read and a vital sign was given: no answer can be
    ranked, the emergency number is still said first (H19)."""
    return (f"signe d'urgence vitale{', ' if deaf else ' : '}{_CALL_NOW[deaf]} ; "
            "les données d'orientation sont invalides, aucune autre réponse :")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ask", help="une orientation, sans interface (texte ou --json)")
    p.add_argument("--commune", help="commune du patient : nom, code postal ou code INSEE")
    p.add_argument("--at", help="moment de l'orientation, ISO 8601 (2026-11-28T14:00), heure de Paris par défaut ; défaut : maintenant")
    p.add_argument("--fact", action="append", default=[], metavar="NAME=VALUE", help="un fait (répétable)")
    p.add_argument("--rules", help="dossier de règles (défaut : règles embarquées)")
    p.add_argument("--directory", help="dossier d'annuaire (défaut : annuaire embarqué)")
    p.add_argument("--no-bridge-days", action="store_true", help="ne pas traiter les ponts comme des jours fériés")
    p.add_argument("--json", action="store_true", help="sortie JSON pour les programmes")
    add_journal_arguments(p)
    add_home_dept_argument(p)
    add_database_argument(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from orient.facts import combine_assignments, vital_sign_typed_wrong
    from orient.periods import PARIS, parse_moment

    facts, conflicts, fact_errors = combine_assignments(args.fact)
    emergency = facts.get("red_flag") not in (None, "none")
    deaf = facts.get("deaf") == "yes"
    conflict_warnings = []
    for message in fact_errors:  # bad input, unless a vital sign was given: it still gets its answer
        if not emergency:
            if vital_sign_typed_wrong(args.fact):  # refused, but never without the 15
                print(f"orient ask: {_typed_wrong_line(deaf)}", file=sys.stderr)
            print(f"orient ask: {_printable(message, 500)}", file=sys.stderr)
            return 2
        conflict_warnings.append(f"Fait ignoré ({_printable(message, 200)}) : réponse d'urgence.")
    for name, values in conflicts.items():
        shown = ", ".join(str(value) for value in values)
        if not emergency:
            print(f"orient ask: --fact {name} : deux valeurs différentes ({shown}) ; donnez-en une seule",
                  file=sys.stderr)
            return 2
        kept = f"le signe vital « {facts['red_flag']} » est retenu" if name == "red_flag" else "fait ignoré"
        conflict_warnings.append(f"Le fait {name} a été donné avec plusieurs valeurs ({shown}) : {kept}, "
                                 "réponse d'urgence.")
    try:
        at = parse_moment(args.at) if args.at is not None else datetime.now(PARIS)
    except ValueError as exc:
        if not emergency:
            print(f"orient ask: --at: {_printable(str(exc), 500)}", file=sys.stderr)
            return 2
        at = datetime.now(PARIS)
        conflict_warnings.append(f"--at ignoré ({_printable(str(exc), 200)}) : réponse d'urgence pour maintenant.")

    home, home_problem = parse_home_dept(args)
    if home_problem:
        if not emergency:
            print(f"orient ask: {home_problem}", file=sys.stderr)
            return 2
        conflict_warnings.append(f"{home_problem} : département {home} utilisé, réponse d'urgence.")

    from orient.orientation import orient

    # Here a red_flag typed wrong has been refused already, unless a vital sign was given too.
    knowledge = load_knowledge("orient ask", args.rules, args.directory, bridge_days=not args.no_bridge_days,
                               database=args.database, refusal_first=_no_data_line(deaf) if emergency else None)

    commune = None
    commune_warning = None
    if args.commune is not None:
        typed = _printable(args.commune, 80)
        commune = knowledge.gazetteer.resolve(args.commune, home_dept=home)
        if commune is None:
            closest = knowledge.gazetteer.search(args.commune, limit=5, home_dept=home)
            suggestions = ", ".join(f"{m.commune.name} ({m.commune.dept})" for m in closest) or "aucune"
            if not emergency:
                print(f"orient ask: commune « {typed} » introuvable ; les plus proches : {suggestions}",
                      file=sys.stderr)
                return 2
            commune_warning = (f"Commune « {typed} » introuvable (proches : {suggestions}) : "
                               "réponse d'urgence donnée sans distances.")

    answer = orient(knowledge, facts, at, commune)
    for warning in reversed(conflict_warnings):
        answer.warnings.insert(0, warning)
        print(f"orient ask: {warning}", file=sys.stderr)
    if commune_warning:
        answer.warnings.insert(0, commune_warning)
        print(f"orient ask: {commune_warning}", file=sys.stderr)

    if args.json:
        # One write of the whole text (json.dump writes each token: a system call each when the
        # output is unbuffered, PYTHONUNBUFFERED or a wrapper's, and a reader may see half of it).
        sys.stdout.write(json.dumps(printable_json(answer.to_json()), ensure_ascii=False, indent=2) + "\n")
    else:
        from orient.render.text import render_answer

        sys.stdout.write(printable(render_answer(answer)))
    sys.stdout.flush()  # the answer first; the journal after, bounded (it never delays the answer)
    _journal(args, answer, facts)
    _send_journal(args, answer, facts)
    return 0


def _printable(text: str, limit: int) -> str:
    """What the person typed, as it can be echoed: no control characters (a typed escape
    sequence must not drive the terminal), valid UTF-8, and not 100 kB long."""
    text = printable(text, newlines=False)
    if len(text) > limit:
        head = limit * 2 // 5
        text = f"{text[:head]} … {text[-(limit - head):]}"
    return text.encode("utf-8", "replace").decode("utf-8")


def _send_journal(args: argparse.Namespace, answer, facts) -> None:
    """With a shared server: the row to the server's journal, once the answer is out."""
    from orient.cache import database_url

    url = database_url(args.database)
    if url:
        sys.stdout.flush()
        from orient.journal import send_to_server

        send_to_server(answer, facts, url, no_journal=args.no_journal, path=args.journal)


def _journal(args: argparse.Namespace, answer, facts) -> None:
    """The anonymous journal is best effort: it never blocks an answer."""
    from orient.journal import record_if_enabled

    record_if_enabled(answer, facts, no_journal=args.no_journal, path=args.journal, server=False)  # the server: _send_journal
