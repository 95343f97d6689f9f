"""The command line: `orient` alone opens the counter UI; subcommands per the contract.

Each subcommand lives in `orient/commands/<name>.py` with `register(subparsers)`
and `run(args) -> int`; heavy imports happen inside `run`, so `orient ask`
never loads Textual.
"""

from __future__ import annotations

import argparse
import importlib
import sys

COMMANDS = (
    "ask", "check", "communes", "import_data", "bench", "stats", "rota", "export", "report", "corrections", "serve",
    "db",
)
# Commands that echo data from files, spreadsheets, the desks or a shared server: everything they
# print goes through orient.textsafe (ask, check and stats strip their own output already).
STRIPPED = frozenset({"corrections", "export", "report", "rota", "import", "db"})


# Command name -> its module in orient/commands/ (they differ for `import`, a Python keyword).
MODULES = {{"import_data": "import"}.get(module, module): module for module in COMMANDS}


def chosen_command(argv: list[str]) -> str | None:
    """The subcommand `argv` names, when it is one; None for the UI, the top-level help or an
    unknown word (then every command is registered, so argparse can list them)."""
    skip = False
    for token in argv:
        if skip:
            skip = False
        elif token == "--home-dept":
            skip = True
        elif token.startswith("--home-dept="):
            continue
        elif token.startswith("-"):
            return None
        else:
            return token if token in MODULES else None
    return None


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line, or with `only` that one command's parser (an `orient ask` then
    imports no other command: about 30 ms of its start-up)."""
    from orient.commands.parser import FrenchArgumentParser

    # Subparsers inherit the class: every register() gets French messages and help.
    parser = FrenchArgumentParser(
        prog="orient",
        description="Orienter un patient vers le bon service de soins (Gers). Sans argument : l'interface de comptoir.",
    )
    parser.add_argument("--home-dept", default=None, help="département de référence pour les homonymes (défaut 32)")
    sub = parser.add_subparsers(dest="command", metavar="COMMANDE", title="commandes")
    for name in (MODULES[only],) if only else COMMANDS:
        try:
            module = importlib.import_module(f"orient.commands.{name}")
        except ModuleNotFoundError as exc:  # a command not built yet
            if exc.name != f"orient.commands.{name}":
                raise
            continue
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser(chosen_command(sys.argv[1:] if argv is None else argv))
    args = parser.parse_args(argv)
    if args.command is None:
        from orient.ui.app import run_app  # Textual only here

        from orient.commands import home_dept

        return run_app(home_dept=home_dept(args))
    if sys.stdout is None:  # started with its output closed (`>&-`): nowhere to answer
        print("orient: impossible d'écrire la sortie : sortie standard fermée", file=sys.stderr)
        return 1
    if args.command in STRIPPED:
        from orient.textsafe import PrintableStream

        sys.stdout, sys.stderr = PrintableStream(sys.stdout), PrintableStream(sys.stderr)
    try:
        return args.run(args)
    except BrokenPipeError:
        _silence_stdout()
        return 0
    except KeyboardInterrupt:
        return 130
    except OSError as exc:
        if not _is_output_error(exc):
            raise
        _silence_stdout()
        print(f"orient: impossible d'écrire la sortie : {exc.strerror or exc}", file=sys.stderr)
        return 1


def _is_output_error(exc: OSError) -> bool:
    """A failed write to stdout (full disk, closed terminal), not a data file problem."""
    import errno

    return exc.errno in (errno.ENOSPC, errno.EIO, errno.EPIPE, errno.EDQUOT, errno.EBADF) and exc.filename is None


def _silence_stdout() -> None:
    """What is left in stdout's buffer would fail again at exit: send it nowhere."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


if __name__ == "__main__":
    sys.exit(main())
