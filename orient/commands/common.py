"""What several commands share: a whole number as an option, the --since/--until span of days, and writing a
checked file (or refusing to, naming every problem)."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Callable, Optional, Sequence, Union


def whole_number(least: int, most: int, out_of_range: str, *, clamp: bool = False) -> Callable[[str], int]:
    """An argparse type: a whole number (`100 000` and `100_000` too) from `least` to `most`, else the French
    `out_of_range`; with `clamp`, a number above `most` is read as `most`."""

    def parse(text: str) -> int:
        try:
            value = int(text.replace("_", "").replace(" ", ""))
        except ValueError:
            raise argparse.ArgumentTypeError(f"un nombre entier est attendu, pas « {text} »") from None
        if clamp and value > most:
            return most
        if not least <= value <= most:
            raise argparse.ArgumentTypeError(out_of_range)
        return value

    return parse


def add_span_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since", metavar="DATE", help="à partir de ce jour inclus (AAAA-MM-JJ)")
    parser.add_argument("--until", metavar="DATE", help="jusqu'à ce jour inclus (AAAA-MM-JJ)")


def parse_day(option: str, text: Optional[str]) -> Optional[date]:
    from orient.periods import MAX_YEAR, MIN_YEAR
    from orient.textsafe import printable

    if text is None:
        return None
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{option} : « {printable(text, newlines=False)[:40]} » n'est pas une date ; "
                         "forme attendue AAAA-MM-JJ, par exemple 2026-11-28") from None
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise ValueError(f"{option} : l'année {day.year} est hors de la plage acceptée ({MIN_YEAR} à {MAX_YEAR})")
    return day


def parse_span(args: argparse.Namespace, prog: str) -> Optional[tuple[Optional[date], Optional[date]]]:
    """`--since` and `--until` (each optional), in order; else None, once `prog` and why are on stderr (bad
    input: the command exits 2)."""
    try:
        since, until = parse_day("--since", args.since), parse_day("--until", args.until)
    except ValueError as exc:
        print(f"{prog} {exc}", file=sys.stderr)
        return None
    if since and until and since > until:
        print(f"{prog} --since {since.isoformat()} est après --until {until.isoformat()}", file=sys.stderr)
        return None
    return since, until


def refused(prog: str, problems: Sequence[object], why: str) -> bool:
    """Every problem on stderr, then `prog : why ; rien n'a été écrit.`; False when there is none."""
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{prog} : {why} ; rien n'a été écrit.", file=sys.stderr)
    return bool(problems)


def write_output(prog: str, text: str, out: Union[str, Path, None], summary: str,
                 unwritable: str = "impossible d'écrire {out} : {error}", unwritable_exit: int = 2) -> int:
    """`text` written whole to `out` (orient.atomic), or to the standard output without `out`; then the summary
    on stderr (`summary → out`). A file that cannot be written: `prog : unwritable`, exit `unwritable_exit`."""
    from orient.atomic import write_atomic

    if out is None:
        sys.stdout.write(text)
        print(summary, file=sys.stderr)
        return 0
    try:
        write_atomic(Path(out), text)
    except OSError as exc:
        print(f"{prog} : " + unwritable.format(out=out, error=exc.strerror or exc), file=sys.stderr)
        return unwritable_exit
    print(f"{summary} → {out}", file=sys.stderr)
    return 0
