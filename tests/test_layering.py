"""The engine, the directory and the renderings run without Textual: a subprocess imports them and looks."""

from __future__ import annotations

import json
import subprocess
import sys

NO_UI_MODULES = (
    "orient.engine",
    "orient.directory",
    "orient.directory.gazetteer",
    "orient.periods",
    "orient.orientation",
    "orient.render.text",
    "orient.render.handout",
    "orient.commands.ask",
    "orient.ui.case",
    "orient.ui.moment",
    "orient.ui.keymap",
)


def test_the_engine_directory_and_renderings_do_not_import_textual():
    code = (
        "import importlib, json, sys\n"
        f"for name in {list(NO_UI_MODULES)!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []


def test_orient_ask_runs_without_importing_textual():
    code = (
        "import sys, io, contextlib\n"
        "from orient.cli import main\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        "    main(['ask', '--no-journal', '--at', '2026-11-28T14:00', '--fact', 'red_flag=chest_pain'])\n"
        "print('textual' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={**__import__("os").environ, "ORIENT_JOURNAL": "off"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "False"
