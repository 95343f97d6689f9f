"""`orient check`: validate rules and directory; every problem as `path:line: message`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("check", help="valider les règles et l'annuaire")
    p.add_argument("--rules", help="dossier de règles (défaut : règles embarquées)")
    p.add_argument("--directory", help="dossier d'annuaire (défaut : annuaire embarqué)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from orient import paths
    from orient.directory.fixed import missing_fixed_problems
    from orient.directory.gazetteer import default_gazetteer
    from orient.directory.loading import read_directory
    from orient.engine.check import validate_rules
    from orient.problems import errors
    from orient.textsafe import printable

    rules_dir = Path(args.rules) if args.rules else paths.rules_dir()
    directory_dir = Path(args.directory) if args.directory else paths.directory_dir()
    problems = []
    for label, folder in (("--rules", rules_dir), ("--directory", directory_dir)):
        if not folder.is_dir():
            print(f"orient check: {label}: {folder} n'est pas un dossier", file=sys.stderr)
            return 2
    ruleset, rule_problems = validate_rules(rules_dir)
    directory = read_directory(directory_dir, default_gazetteer())
    problems += rule_problems
    problems += sorted(directory.problems, key=lambda p: (p.path, p.line or 0))
    if not errors(rule_problems):
        ids = {service.id for service in directory.services}
        problems += missing_fixed_problems(ruleset, ids.__contains__, str(directory_dir))
    if not errors(problems):  # both load: the answers they make together
        from orient.orientation import Knowledge, selectors_without_answer

        knowledge = Knowledge.load(rules_dir, directory_dir)
        problems += selectors_without_answer(knowledge.rules, knowledge.directory)
    for problem in problems:
        print(printable(str(problem), newlines=False))
    n_errors = len(errors(problems))
    n_warnings = len(problems) - n_errors
    print(f"{n_errors} erreur(s), {n_warnings} avertissement(s) — règles : {rules_dir}, annuaire : {directory_dir}",
          file=sys.stderr)
    return 1 if n_errors else 0
