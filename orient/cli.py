"""The command line: `orient` alone opens the counter UI; subcommands per the contract.

Each subcommand lives in `orient/commands/<name>.py` with `register(subparsers)`
and `run(args) -> int`; heavy imports happen inside `run`, so `orient ask`
never loads Textual.
"""

from __future__ import annotations

import argparse
import importlib
import sys

COMMANDS = ("ask", "check", "communes", "import_data", "bench", "stats", "rota", "export", "report", "corrections")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="orient",
        description="Orienter un patient vers le bon service de soins (Gers). Sans argument : l'interface de comptoir.",
    )
    parser.add_argument("--home-dept", default=None, help="département de référence pour les homonymes (défaut 32)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"orient.commands.{name}")
        except ModuleNotFoundError as exc:  # a command not built yet
            if exc.name != f"orient.commands.{name}":
                raise
            continue
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        from orient.ui.app import run_app  # Textual only here

        from orient.commands import home_dept

        return run_app(home_dept=home_dept(args))
    try:
        return args.run(args)
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
