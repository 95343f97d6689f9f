"""One module per subcommand: `register(subparsers)` and `run(args) -> int`."""

from __future__ import annotations

import argparse
import os

DEFAULT_HOME_DEPT = "32"


def add_home_dept_argument(parser: argparse.ArgumentParser) -> None:
    """`--home-dept` after the subcommand too (`orient ask --home-dept 31`); SUPPRESS keeps
    a value given before the subcommand (`orient --home-dept 31 ask`)."""
    parser.add_argument("--home-dept", default=argparse.SUPPRESS,
                        help="département de référence pour les homonymes (défaut : $ORIENT_HOME_DEPT ou 32)")


def home_dept(args: argparse.Namespace) -> str:
    """The home département: the flag, else the ORIENT_HOME_DEPT setting, else the Gers."""
    value = getattr(args, "home_dept", None) or os.environ.get("ORIENT_HOME_DEPT") or DEFAULT_HOME_DEPT
    return value.strip().upper() if value.strip().upper() in ("2A", "2B") else value.strip()
