"""French argparse for the whole command line: one parser class, one message catalogue.

argparse looks its messages up through the module-level `_`/`ngettext` (gettext).
`FrenchArgumentParser` switches those lookups to the French catalogue below while one
of its own methods runs (a context variable, so other parsers in the same process
keep argparse's English). `add_subparsers` makes subparsers of the same class, so
every `register()` — including commands added later — is French without edits.
The msgids are those of argparse in Python 3.10 to 3.13.
"""

from __future__ import annotations

import argparse
import contextvars
import functools
import gettext
import re
import sys
from typing import Callable

# argparse msgid → French. %-placeholders kept as they are in the msgid.
MESSAGES: dict[str, str] = {
    "usage: ": "utilisation : ",
    "options": "options",
    "optional arguments": "options",  # Python 3.9
    "positional arguments": "arguments",
    "subcommands": "sous-commandes",
    "%(heading)s:": "%(heading)s:",  # Python 3.13
    " (default: %(default)s)": " (défaut : %(default)s)",  # Python 3.13
    "show this help message and exit": "afficher cette aide et sortir",
    "show program's version number and exit": "afficher la version et sortir",
    "%(prog)s: error: %(message)s\n": "%(prog)s : erreur : %(message)s\n",
    "%(prog)s: warning: %(message)s\n": "%(prog)s : attention : %(message)s\n",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s : %(message)s",
    "unrecognized arguments: %s": "arguments non reconnus : %s (voir --help)",
    "the following arguments are required: %s": "arguments obligatoires manquants : %s",
    "one of the arguments %s is required": "il faut l'un des arguments %s",
    "not allowed with argument %s": "incompatible avec l'argument %s",
    "ignored explicit argument %r": "valeur %r ignorée : cette option n'en prend pas",
    "expected one argument": "une valeur attendue",
    "expected at most one argument": "au plus une valeur attendue",
    "expected at least one argument": "au moins une valeur attendue",
    "ambiguous option: %(option)s could match %(matches)s":
        "option ambiguë : %(option)s peut désigner %(matches)s",
    "unexpected option string: %s": "option inattendue : %s",
    "invalid choice: %(value)r (choose from %(choices)s)":
        "choix invalide : %(value)r (choix possibles : %(choices)s)",
    "invalid %(type)s value: %(value)r": "valeur invalide : %(value)r (attendu : %(type)s)",
    "unknown parser %(parser_name)r (choices: %(choices)s)":
        "commande inconnue %(parser_name)r (choix possibles : %(choices)s)",
    "argument \"-\" with mode %r": "argument « - » avec le mode %r",
    "can't open '%(filename)s': %(error)s": "impossible d'ouvrir « %(filename)s » : %(error)s",
    "command '%(parser_name)s' is deprecated": "la commande « %(parser_name)s » est obsolète",
    "option '%(option)s' is deprecated": "l'option « %(option)s » est obsolète",
    "argument '%(argument_name)s' is deprecated": "l'argument « %(argument_name)s » est obsolète",
    "cannot have multiple subparser arguments": "un seul groupe de sous-commandes possible",
    # Mistakes in orient's own parser definitions, not the user's; French all the same.
    ".__call__() not defined": ".__call__() non défini",
    "conflicting subparser: %s": "sous-commande en double : %s",
    "conflicting subparser alias: %s": "alias de sous-commande en double : %s",
    "cannot merge actions - two groups are named %r": "fusion impossible : deux groupes s'appellent %r",
    "'required' is an invalid argument for positionals": "« required » n'a pas de sens pour un argument positionnel",
    "invalid option string %(option)r: must start with a character %(prefix_chars)r":
        "option %(option)r invalide : doit commencer par %(prefix_chars)r",
    "dest= is required for options like %r": "dest= est obligatoire pour une option comme %r",
    "invalid conflict_resolution value: %r": "valeur de conflict_resolution invalide : %r",
    "mutually exclusive arguments must be optional": "des arguments exclusifs doivent être des options",
    "%r is not callable": "%r n'est pas appelable",
}

PLURAL_MESSAGES: dict[str, tuple[str, str]] = {
    "expected %s argument": ("%s valeur attendue", "%s valeurs attendues"),
    "conflicting option string: %s": ("option en double : %s", "options en double : %s"),
}

# The names argparse puts in "invalid %(type)s value", as a French reader would say them.
TYPE_NAMES = {"int": "un nombre entier", "float": "un nombre décimal", "str": "un texte"}


class _TypedValueMessage(str):
    """The "invalid value" template: names the expected type in French when it is filled in."""

    def __mod__(self, values):
        if isinstance(values, dict) and "type" in values:
            values = {**values, "type": TYPE_NAMES.get(values["type"], values["type"])}
        return str.__mod__(self, values)


_french = contextvars.ContextVar("orient_french_argparse", default=False)


def translate(message: str) -> str:
    """argparse's `_`: French while a FrenchArgumentParser is at work, gettext otherwise."""
    if not _french.get():
        return gettext.gettext(message)
    french = MESSAGES.get(message, message)
    if message == "invalid %(type)s value: %(value)r":
        return _TypedValueMessage(french)
    return french


def translate_plural(singular: str, plural: str, n: int) -> str:
    """argparse's `ngettext`, on the same terms as `translate`."""
    if not _french.get() or singular not in PLURAL_MESSAGES:
        return gettext.ngettext(singular, plural, n)
    one, many = PLURAL_MESSAGES[singular]
    return one if n <= 1 else many


def _install() -> None:
    """Route argparse's lookups through `translate` (idempotent; English stays the default)."""
    argparse._ = translate
    argparse.ngettext = translate_plural


def _in_french(method: Callable) -> Callable:
    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        token = _french.set(True)
        try:
            return method(*args, **kwargs)
        finally:
            _french.reset(token)
    return wrapper


class FrenchArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose usage, help and errors are in French; errors still exit 2."""

    def __init__(self, *args, **kwargs) -> None:
        _install()
        _in_french(super().__init__)(*args, **kwargs)

    add_argument = _in_french(argparse.ArgumentParser.add_argument)
    add_argument_group = _in_french(argparse.ArgumentParser.add_argument_group)
    add_subparsers = _in_french(argparse.ArgumentParser.add_subparsers)
    parse_args = _in_french(argparse.ArgumentParser.parse_args)
    parse_known_args = _in_french(argparse.ArgumentParser.parse_known_args)
    parse_intermixed_args = _in_french(argparse.ArgumentParser.parse_intermixed_args)
    parse_known_intermixed_args = _in_french(argparse.ArgumentParser.parse_known_intermixed_args)
    format_usage = _in_french(argparse.ArgumentParser.format_usage)
    format_help = _in_french(argparse.ArgumentParser.format_help)

    def _get_values(self, action, arg_strings):
        # Python before 3.12 drops a "--" given as an option's value (`--commune=--`) and hands the
        # command an empty list instead of text: the value is the text typed, checked as any other.
        if action.option_strings and action.nargs is None and arg_strings == ["--"]:
            value = self._get_value(action, "--")
            self._check_value(action, value)
            return value
        return super()._get_values(action, arg_strings)

    def _get_formatter(self):
        # argparse builds a formatter at every add_argument, and its default width imports
        # shutil (with bz2 and lzma: a few ms of every `orient ask`): the same width here.
        return self.formatter_class(prog=self.prog, width=terminal_columns() - 2)

    @_in_french
    def error(self, message: str):
        # Python 3.10 formats "argument X: message" without gettext: the French spacing here.
        return super().error(re.sub(r"^argument (\S+): ", r"argument \1 : ", message))


def terminal_columns() -> int:
    """`shutil.get_terminal_size().columns`: $COLUMNS when a positive number, else the
    terminal's width, else 80."""
    import os

    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        columns = 0
    if columns > 0:
        return columns
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns or 80
    except (AttributeError, ValueError, OSError):
        return 80


def command_paths(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command and sub-command of `parser`, as argument tuples (("import", "csv"), …)."""
    paths = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                paths.append(prefix + (name,))
                paths.extend(command_paths(sub, prefix + (name,)))
    return paths
