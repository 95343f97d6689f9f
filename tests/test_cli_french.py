"""Every command speaks French: help, usage and argparse's errors, exit codes unchanged.

The command paths, required options and choices come from the parser itself, so a
command added later (db, serve…) is checked without touching this file.

The parser's answers for every command path run `orient.cli.main` in the test process
(`cli_run.run_main`); the top-level help and two errors run a real `orient` process, under a
locale that is not French.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

import pytest
from cli_run import run_main

from orient.cli import build_parser
from orient.commands.parser import FrenchArgumentParser, command_paths

ENGLISH = ("error:", "usage:", "the following arguments", "invalid choice", "unrecognized arguments",
           "expected one argument", "show this help", "positional arguments", "invalid int value",
           "optional arguments", "choose from")

PARSER = build_parser()
PATHS = [()] + command_paths(PARSER)


def parser_at(path: tuple[str, ...]) -> argparse.ArgumentParser:
    parser = PARSER
    for name in path:
        parser = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices[name]
    return parser


def has_subcommands(parser: argparse.ArgumentParser) -> bool:
    return any(isinstance(a, argparse._SubParsersAction) for a in parser._actions)


def orient_process(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}  # French whatever the machine's locale
    return subprocess.run([sys.executable, "-m", "orient", *args], capture_output=True, text=True, env=env,
                          timeout=120)


def assert_no_english(text: str) -> None:
    for phrase in ENGLISH:
        assert phrase not in text, f"argparse English {phrase!r} in:\n{text}"


def test_the_parser_lists_the_commands_of_the_contract():
    names = {path[0] for path in PATHS if len(path) == 1}
    assert {"ask", "check", "communes", "import", "bench", "stats", "rota", "export", "report",
            "corrections"} <= names
    assert {("import", "csv"), ("rota", "show"), ("corrections", "accept")} <= set(PATHS)


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "orient")
def test_help_is_french_and_exits_0(path):
    done = run_main(*path, "--help")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"utilisation : orient {' '.join(path)}".rstrip())
    assert "options:" in done.stdout and "afficher cette aide et sortir" in done.stdout
    assert_no_english(done.stdout + done.stderr)


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "orient")
def test_every_command_and_option_has_a_help_text(path):
    parser = parser_at(path)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                assert choice.help, f"orient {' '.join(path)} {choice.dest}: no one-line help"
        elif action.help != argparse.SUPPRESS:
            assert action.help, f"orient {' '.join(path)} {action.option_strings or action.dest}: no help"


def test_the_top_level_help_says_what_each_command_does():
    done = orient_process("--help")
    assert done.returncode == 0 and done.stdout.startswith("utilisation : orient")
    listed = " ".join(done.stdout.split())  # help lines are wrapped
    subparsers = next(a for a in PARSER._actions if isinstance(a, argparse._SubParsersAction))
    for choice in subparsers._choices_actions:
        assert f"{choice.dest} {' '.join(choice.help.split())}" in listed


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "orient")
def test_an_unknown_option_exits_2_in_french(path):
    done = run_main(*path, "--pas-une-option")
    assert done.returncode == 2
    assert "orient" in done.stderr and ": erreur : " in done.stderr
    assert done.stderr.startswith("utilisation : ")
    if not has_subcommands(parser_at(path)) and not any(a.required for a in parser_at(path)._actions):
        assert "arguments non reconnus : --pas-une-option" in done.stderr
    assert_no_english(done.stdout + done.stderr)
    assert "Traceback" not in done.stderr


REQUIRED = [(path, action) for path in PATHS for action in parser_at(path)._actions
            if action.required and not isinstance(action, argparse._SubParsersAction)]


@pytest.mark.parametrize("path,action", REQUIRED,
                         ids=lambda x: " ".join(x) if isinstance(x, tuple) else (x.option_strings or [x.dest])[0])
def test_a_missing_required_argument_exits_2_naming_it(path, action):
    done = run_main(*path)
    assert done.returncode == 2
    missing = "/".join(action.option_strings) or action.metavar or action.dest
    assert "arguments obligatoires manquants : " in done.stderr and missing in done.stderr
    assert_no_english(done.stderr)


CHOICES = [(path, action) for path in PATHS for action in parser_at(path)._actions
           if action.choices and action.option_strings]


@pytest.mark.parametrize("path,action", CHOICES,
                         ids=lambda x: " ".join(x) if isinstance(x, tuple) else x.option_strings[0])
def test_an_invalid_choice_exits_2_naming_the_option_and_the_valid_choices(path, action):
    option = action.option_strings[-1]
    done = run_main(*path, option, "xyz-invalide")
    assert done.returncode == 2
    assert f"argument {'/'.join(action.option_strings)} : choix invalide : 'xyz-invalide'" in done.stderr
    for choice in action.choices:
        assert str(choice) in done.stderr.split("choix possibles : ", 1)[1]
    assert_no_english(done.stderr)


@pytest.mark.parametrize("path", [p for p in PATHS if has_subcommands(parser_at(p))],
                         ids=lambda p: " ".join(p) or "orient")
def test_an_unknown_subcommand_exits_2_listing_the_valid_ones(path):
    done = run_main(*path, "pas-une-commande")
    assert done.returncode == 2
    assert "choix invalide : 'pas-une-commande'" in done.stderr
    subparsers = next(a for a in parser_at(path)._actions if isinstance(a, argparse._SubParsersAction))
    for name in subparsers.choices:
        assert f"'{name}'" in done.stderr
    assert_no_english(done.stderr)


def test_a_number_argument_that_is_not_a_number_says_so_in_french():
    done = orient_process("corrections", "show", "abc")
    assert done.returncode == 2
    assert "argument ID : valeur invalide : 'abc' (attendu : un nombre entier)" in done.stderr
    assert_no_english(done.stderr)


def test_an_option_without_its_value_says_a_value_is_expected():
    done = orient_process("ask", "--commune")
    assert done.returncode == 2
    assert "argument --commune : une valeur attendue" in done.stderr


def test_other_parsers_in_the_same_process_keep_english():
    FrenchArgumentParser(prog="orient-test").format_help()  # installs the French lookups
    plain = argparse.ArgumentParser(prog="other")
    assert plain.format_help().startswith("usage: other")
    assert "show this help message and exit" in plain.format_help()
    assert FrenchArgumentParser(prog="x").format_usage().startswith("utilisation : x")


def test_the_catalogue_has_every_message_of_this_pythons_argparse():
    import ast

    from orient.commands.parser import MESSAGES, PLURAL_MESSAGES

    with open(argparse.__file__, encoding="utf-8") as source:
        tree = ast.parse(source.read())
    msgids = {(node.func.id, node.args[0].value) for node in ast.walk(tree)
              if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
              and node.func.id in ("_", "ngettext") and node.args and isinstance(node.args[0], ast.Constant)}
    assert len(msgids) > 20  # the scan itself found argparse's messages
    untranslated = [m for kind, m in msgids if m not in (MESSAGES if kind == "_" else PLURAL_MESSAGES)]
    assert untranslated == []


@pytest.mark.parametrize("argv, chosen", [
    (["ask", "--commune", "Auch"], "ask"),
    (["--home-dept", "31", "ask"], "ask"),
    (["--home-dept=31", "import", "csv"], "import"),
    (["--home-dept", "ask", "check"], "check"),  # "ask" is the flag's value here
    ([], None), (["--help"], None), (["-h", "ask"], None), (["frobnicate"], None), (["import_data"], None),
])
def test_only_the_command_named_is_registered_and_anything_else_gets_the_whole_parser(argv, chosen):
    from orient.cli import build_parser, chosen_command

    assert chosen_command(argv) == chosen
    parser = build_parser(chosen)
    names = set(next(a for a in parser._actions if a.dest == "command").choices)
    assert names == ({chosen} if chosen else {"ask", "check", "communes", "import", "bench", "stats", "rota",
                                               "export", "report", "corrections", "serve", "db"})


@pytest.mark.parametrize("columns", ["", "40", "0", "abc", "200"])
def test_help_is_as_wide_as_the_terminal_says_without_shutil(columns, monkeypatch):
    """The parser's own width (no shutil at start-up) is shutil's."""
    import shutil

    from orient.commands.parser import terminal_columns

    monkeypatch.setenv("COLUMNS", columns)
    assert terminal_columns() == shutil.get_terminal_size().columns


def _one_value_options(parser: argparse.ArgumentParser):
    return [action for action in parser._actions if action.option_strings and action.nargs is None
            and not isinstance(action, argparse._SubParsersAction) and action.dest != "help"]


def _required_argv(parser: argparse.ArgumentParser, skip: argparse.Action) -> list[str]:
    """Values for the parser's required arguments other than `skip`: its first choice, else a word."""
    argv: list[str] = []
    for action in parser._actions:
        if action is skip or isinstance(action, argparse._SubParsersAction) or not (
                action.required or not action.option_strings):
            continue
        value = str(next(iter(action.choices))) if action.choices else "1"
        count = 2 if action.nargs == 2 else 1
        argv += ([action.option_strings[0]] if action.option_strings else []) + [value] * count
    return argv


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "orient")
def test_a_double_dash_given_as_an_option_value_is_that_text_never_an_empty_list(path):
    """`--commune=--`: argparse before Python 3.12 strips the "--" and gave the command an empty
    list (a traceback in `orient ask`, found by the fuzzer). Every one-value option of every
    command gets the text, or refuses it in French like any other value."""
    parser = parser_at(path)
    for action in _one_value_options(parser):
        argv = [f"{action.option_strings[-1]}=--", *_required_argv(parser, action)]
        try:
            namespace = parser.parse_args(argv)
        except SystemExit as exc:
            assert exc.code == 2, (path, argv)
            continue
        value = getattr(namespace, action.dest)
        if isinstance(action, argparse._AppendAction):
            assert value == ["--"], (path, argv, value)
        else:
            assert not isinstance(value, list), (path, argv, value)


@pytest.mark.parametrize("option", ["--commune", "--at", "--fact"])
def test_orient_ask_with_a_double_dash_value_names_it_and_a_vital_sign_still_gets_the_15(option):
    refused = run_main("ask", "--no-journal", "--fact", "red_flag=none", f"{option}=--")
    assert refused.returncode == 2 and "« -- »" in refused.stderr and "Traceback" not in refused.stderr
    vital = run_main("ask", "--no-journal", "--json", "--fact", "red_flag=stroke", f"{option}=--")
    assert vital.returncode == 0 and "« -- »" in vital.stderr
    assert json.loads(vital.stdout)["recommendations"][0]["phone"] == "15"


@pytest.mark.parametrize("command", [["ask", "--fact", "red_flag=stroke", "--no-journal"], ["communes", "auch"]])
def test_a_command_started_with_its_output_closed_says_so_in_french_without_a_traceback(command):
    # A wrapper or a cron line that closes stdout (`>&-`): Python gives the command no stdout at all.
    done = subprocess.run([sys.executable, "-m", "orient", *command], stdout=None, stderr=subprocess.PIPE,
                          text=True, timeout=60, preexec_fn=lambda: os.close(1),
                          env=dict(os.environ, ORIENT_JOURNAL="off"))
    assert "Traceback" not in done.stderr
    assert done.returncode == 1 and "impossible d'écrire la sortie" in done.stderr, done.stderr
