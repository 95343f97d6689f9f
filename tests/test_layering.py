"""The shape of orient/: layers that only import downwards, no import loop, and everything but the
Textual screens runs without Textual.

The import graph is read from the source (every `import`, also inside functions), so a module
imported "lazily" still counts. Layers, lowest first (docs/architecture.md):

    base      orient.vocabulary, periods, facts, answer, problems, paths, … (any other top-level module)
    domain    orient.engine, orient.directory
    assembly  orient.orientation, cache, journal, corrections, render, export
    front     orient.bench, orient.commands, orient.report, orient.ui, orient.cli
"""

from __future__ import annotations

import ast
import functools
import graphlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ORIENT = Path(__file__).resolve().parents[1] / "orient"
LAYERS = {"base": 0, "domain": 1, "assembly": 2, "front": 3}
# Modules and packages placed explicitly; any other top-level module of orient/ is "base".
PLACED = {
    "orient.engine": "domain", "orient.directory": "domain",
    "orient.orientation": "assembly", "orient.cache": "assembly", "orient.store": "assembly",
    "orient.journal": "assembly",
    "orient.corrections": "assembly", "orient.render": "assembly", "orient.export": "assembly",
    "orient.bench": "front", "orient.commands": "front", "orient.report": "front", "orient.ui": "front",
    "orient.cli": "front", "orient.__main__": "front",
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ORIENT.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(ORIENT.rglob("*.py"))}


def imported_modules(name: str, path: Path) -> set[str]:
    """The modules of orient/ that `name` imports anywhere in its source."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            # `from orient.directory import textnorm` imports the submodule, not the package's names.
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            # A module's own packages run first anyway: importing them is no edge.
            if target.startswith("orient") and target != name and not name.startswith(target + "."):
                found.add(target)
    return found


@functools.cache
def graph() -> dict[str, set[str]]:
    """Every module of orient/ -> the modules of orient/ it imports (read once, when a test asks:
    each pytest-xdist worker imports this file, few run its tests)."""
    return {name: imported_modules(name, path) for name, path in MODULES.items()}


def layer(name: str) -> int:
    for prefix, placed in PLACED.items():
        if name == prefix or name.startswith(prefix + "."):
            return LAYERS[placed]
    return LAYERS["base"]


def loops(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every import loop, one per strongly connected set of modules (graphlib names one at a time)."""
    graph = {name: set(targets) for name, targets in graph.items()}
    found = []
    while True:
        try:
            graphlib.TopologicalSorter(graph).prepare()
            return found
        except graphlib.CycleError as error:
            cycle = error.args[1]  # each module a predecessor (an import) of the next: graph[b] holds a
            found.append(cycle)
            graph[cycle[1]].discard(cycle[0])  # break this loop, look for the next


def test_no_module_imports_from_a_higher_layer():
    upward = [f"{name} ({_layer_name(name)}) imports {target} ({_layer_name(target)})"
              for name, targets in graph().items() for target in sorted(targets) if layer(target) > layer(name)]
    assert upward == []


def test_the_engine_and_the_directory_never_import_the_bench_the_ui_or_the_commands():
    domain = [name for name in graph() if layer(name) == LAYERS["domain"]]
    assert len(domain) > 10
    bad = [f"{name} imports {target}" for name in domain for target in graph()[name]
           if target.split(".")[1] in ("bench", "ui", "commands", "cli")]
    assert bad == []


def test_orient_has_no_import_loop():
    # The UI controller (orient/ui/controller.py) ended the app <-> screens loop: none is allowed.
    assert loops(graph()) == []


def test_no_module_is_over_450_lines():
    long = {name: n for name, path in MODULES.items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > 450}
    assert long == {}


def test_the_loop_finder_finds_a_loop():
    assert loops({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) != []
    assert loops({"a": {"b"}, "b": set()}) == []


def _layer_name(name: str) -> str:
    return next(key for key, value in LAYERS.items() if value == layer(name))


def textual_modules() -> set[str]:
    """The modules that import Textual (or Rich) themselves: the screens."""
    out = set()
    for name, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            modules = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                       else [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else [])
            if any(module.split(".")[0] in ("textual", "rich") for module in modules):
                out.add(name)
    return out


def test_every_module_but_the_screens_imports_without_textual():
    """A subprocess imports every module of orient/ except those that use Textual themselves (and
    `__main__`, which runs the program), one after the other, and names the first that brings
    Textual into sys.modules."""
    screens = textual_modules()
    assert screens and all(name.startswith("orient.ui.") for name in screens)
    names = sorted(name for name in MODULES if name not in screens and name != "orient.__main__")
    assert {"orient.engine", "orient.directory.gazetteer", "orient.orientation", "orient.cli",
            "orient.ui.case"} <= set(names)
    code = (
        "import importlib, json, sys\n"
        "culprit = None\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        "    if culprit is None and any(m.split('.')[0] in ('textual', 'rich') for m in sys.modules):\n"
        "        culprit = name\n"
        "print(json.dumps(culprit))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) is None


# What `orient ask` must not load (docs/architecture.md, "Start-up"): the UI, and what costs every run
# time at import without serving an answer (dataclasses and the `inspect` they import, the schema).
NOT_FOR_ASK = ("textual", "rich", "dataclasses", "inspect", "orient.schema", "orient.fieldcheck", "yaml")


@pytest.mark.parametrize("argv", [
    ["ask", "--no-journal", "--at", "2026-11-28T14:00", "--fact", "red_flag=chest_pain"],
    ["ask", "--no-journal", "--json", "--commune", "Auch", "--at", "2026-11-28T14:00", "--fact", "red_flag=none",
     "--fact", "need=medication"],
    ["ask", "--no-journal", "--commune", "st clar", "--fact", "red_flag=none", "--fact", "need=consult",
     "--fact", "can_travel=yes"],
], ids=["vital-sign", "json-auch", "text-st-clar"])
def test_orient_ask_runs_without_importing_textual_dataclasses_or_the_schema(argv):
    code = (
        "import sys, io, json, contextlib\n"
        "from orient.cli import main\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        f"    code = main({argv!r})\n"
        f"print(json.dumps([code, [m for m in {NOT_FOR_ASK!r} if m in sys.modules]]))\n"
    )
    # The first run may compile the store from the YAML (its reader and schema): the second reads it.
    for _ in range(2):
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                              env={**os.environ, "ORIENT_JOURNAL": "off"})
        assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == [0, []]
