"""`orient`'s command line run inside the test process: the same `orient.cli.main` a real process
runs, without the interpreter start and imports (a tenth of a second a run, hundreds of runs).

For what a test says of the command itself: its output, exit code and messages. What only a real
process shows (`python -m orient`, a traceback on stderr, the locale, the environment, signals,
timing) stays in tests that run one; each module that uses this keeps at least one.
"""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys

from orient.cli import main


def run_main(*argv: str) -> subprocess.CompletedProcess:
    """orient's main() in the process. A SystemExit (argparse's --help and bad usage) ends it as it
    would end a process: its code, 0 for None, else 1 with the message on stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as exc:
            code = 0 if exc.code is None else exc.code
            if not isinstance(code, int):
                print(code, file=sys.stderr)
                code = 1
    return subprocess.CompletedProcess(["orient", *argv], code, out.getvalue(), err.getvalue())
