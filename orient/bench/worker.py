"""The orientation process of `orient bench`, run apart so that its memory is its own:

    python -m orient.bench.worker DIRECTORY SITUATIONS.json --naive 8
    python -m orient.bench.worker desk ARGS.json      # one desk of the `desks` measure

prints one JSON object (orientation timings, load time, peak RSS)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) == 2 and argv[0] == "desk":  # one desk of the `desks` measure (orient.bench.store)
        from orient.bench.store import desk_main

        json.dump(desk_main(json.loads(argv[1])), sys.stdout)
        return 0
    p = argparse.ArgumentParser(prog="python -m orient.bench.worker")
    p.add_argument("directory", type=Path)
    p.add_argument("situations", type=Path, help="JSON list of {facts, at, commune}")
    p.add_argument("--naive", type=int, default=8)
    args = p.parse_args(argv)
    from orient.bench.measure import worker

    specs = json.loads(args.situations.read_text(encoding="utf-8"))
    json.dump(worker(args.directory, specs, args.naive), sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
