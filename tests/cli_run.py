"""`orient`'s command line run inside the test process: the same `orient.cli.main` a real process
runs, without the interpreter start and imports (0.1 s to 0.2 s a run, hundreds of runs).

For what a test says of the command itself: its output, exit code, messages and the files it
writes. What only a real process shows (`python -m orient`, a traceback on stderr, output that
cannot be encoded or written, the locale, signals, timing) stays in tests that run one: each
module that uses this keeps at least one real process per command it checks.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from typing import Callable, Iterator, Mapping, MutableMapping, Optional


def update(environ: MutableMapping[str, str], changes: Mapping[str, Optional[str]]) -> None:
    """Set the variables of `changes` in `environ`; None removes one."""
    for name, value in changes.items():
        if value is None:
            environ.pop(name, None)
        else:
            environ[name] = value


@contextlib.contextmanager
def environment(changes: Mapping[str, Optional[str]]) -> Iterator[None]:
    """os.environ with `changes` for the time of the block."""
    saved = {name: os.environ.get(name) for name in changes}
    update(os.environ, changes)
    try:
        yield
    finally:
        update(os.environ, saved)


def run_main(*argv: str, env: Optional[Mapping[str, Optional[str]]] = None) -> subprocess.CompletedProcess:
    """orient's main() in the process, with the settings of `env` as a process would have them.
    A SystemExit (argparse's --help and bad usage) ends it as it would end a process: its code,
    0 for None, else 1 with the message on stderr."""
    from orient.cli import main

    out, err = io.StringIO(), io.StringIO()
    with environment(env or {}), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as exc:
            code = 0 if exc.code is None else exc.code
            if not isinstance(code, int):
                print(code, file=sys.stderr)
                code = 1
    return subprocess.CompletedProcess(["orient", *argv], code, out.getvalue(), err.getvalue())


def run_process(*argv: str, env: Optional[Mapping[str, Optional[str]]] = None,
                timeout: float = 60) -> subprocess.CompletedProcess:
    """A real `python -m orient` process, with this process's environment and the settings of
    `env` (None removes a variable)."""
    environ = dict(os.environ)
    update(environ, env or {})
    return subprocess.run([sys.executable, "-m", "orient", *argv], capture_output=True, text=True, env=environ,
                          timeout=timeout)


def runners(**settings: Optional[str]) -> tuple[Callable[..., subprocess.CompletedProcess],
                                                 Callable[..., subprocess.CompletedProcess]]:
    """A module's two ways to run orient with its settings (a call's `env_extra` adds to them):
    (a real process, main() in the test process)."""

    def process(*argv: str, env_extra: Optional[dict] = None, timeout: float = 60) -> subprocess.CompletedProcess:
        return run_process(*argv, env={**settings, **(env_extra or {})}, timeout=timeout)

    def in_process(*argv: str, env_extra: Optional[dict] = None) -> subprocess.CompletedProcess:
        return run_main(*argv, env={**settings, **(env_extra or {})})

    return process, in_process
