"""One module per subcommand: `register(subparsers)` and `run(args) -> int`."""

from __future__ import annotations

import argparse
import os
import re
import sys
from typing import Optional

DEFAULT_HOME_DEPT = "32"


def add_home_dept_argument(parser: argparse.ArgumentParser) -> None:
    """`--home-dept` after the subcommand too (`orient ask --home-dept 31`); SUPPRESS keeps
    a value given before the subcommand (`orient --home-dept 31 ask`)."""
    parser.add_argument("--home-dept", default=argparse.SUPPRESS,
                        help="département de référence pour les homonymes (défaut : $ORIENT_HOME_DEPT ou 32)")


# Codes of the départements: 01–95 (no 20), 2A, 2B, 971–976.
DEPT_CODE = re.compile(r"^(?:0[1-9]|1[0-9]|[3-8][0-9]|9[0-5]|2[1-9]|2A|2B|97[1-6])$")


def parse_home_dept(args: argparse.Namespace) -> tuple[str, Optional[str]]:
    """(the home département, None) — the flag, else the ORIENT_HOME_DEPT setting, else the
    Gers — or (the Gers, a French message) when the value is not a département code."""
    value = getattr(args, "home_dept", None) or os.environ.get("ORIENT_HOME_DEPT") or DEFAULT_HOME_DEPT
    code = value.strip().upper()
    if DEPT_CODE.match(code):
        return code, None
    from orient.textsafe import printable

    return DEFAULT_HOME_DEPT, (f"--home-dept (ou ORIENT_HOME_DEPT) : « {printable(value, newlines=False)[:20]} » "
                               "n'est pas un code de département (01 à 95, 2A, 2B, 971 à 976)")


def home_dept(args: argparse.Namespace) -> str:
    """The home département; a value that is not a département code is bad input: exit 2."""
    code, problem = parse_home_dept(args)
    if problem:
        print(f"orient: {problem}", file=sys.stderr)
        raise SystemExit(2)
    return code


def add_database_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database", metavar="URL",
                        help="serveur partagé postgresql://… (défaut : $ORIENT_DATABASE_URL ; sinon le stockage "
                             "SQLite local)")


def load_knowledge(prog: str, rules_dir=None, directory_dir=None, *, bridge_days: bool = True,
                   database=None, refusal_first: str | None = None):
    """The Knowledge for a command; invalid data is printed as `path:line: message` (after
    `refusal_first`, when given), then exit 1."""
    from orient.orientation import Knowledge
    from orient.problems import DataError

    try:
        return Knowledge.load(rules_dir, directory_dir, bridge_days=bridge_days, database=database)
    except Exception:  # noqa: BLE001 (whatever fails on the way through the store: the YAML decides)
        pass
    # Once more straight from the YAML, past the store and the server: a store or a disk that
    # fails (a race with another desk, a locked file) must never stand between a patient and
    # the answer. Only the YAML's own problems refuse the data.
    try:
        return Knowledge.load(rules_dir, directory_dir, bridge_days=bridge_days, store=False)
    except DataError as exc:
        problems = [str(problem) for problem in exc.problems]
    except OSError as exc:
        problems = [f"{prog}: {exc}"]
    if refusal_first:
        print(f"{prog}: {refusal_first}", file=sys.stderr)
    for problem in problems:
        print(problem, file=sys.stderr)
    raise SystemExit(1)


def load_directory(prog: str, directory: str | None):
    """(the folder, its loaded Directory) for `--directory` (default: the embedded one).

    Not a folder: a French message, exit 2; invalid data: every problem as `path:line: message`, exit 1."""
    from pathlib import Path

    from orient import paths
    from orient.directory import Directory
    from orient.directory.gazetteer import default_gazetteer
    from orient.problems import DataError

    folder = Path(directory) if directory else paths.directory_dir()
    if not folder.is_dir():
        print(f"{prog} : --directory : {folder} n'est pas un dossier", file=sys.stderr)
        raise SystemExit(2)
    try:
        return folder, Directory.load(folder, default_gazetteer())
    except DataError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
    raise SystemExit(1)
