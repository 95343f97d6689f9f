"""Record `orient ask --json` for every rule example at several places, to compare two versions.

    python scripts/answers_snapshot.py OUT.json      # then diff two outputs

Runs the command in-process (one interpreter, same code path as `orient ask`);
the journal is off. Used to check that the store gives the same answers as before.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys

PLACES = (None, "Auch", "Fleurance", "Masseube", "Le Houga", "32800", "Toulouse", "Paris")


def main(out: str) -> int:
    os.environ["ORIENT_JOURNAL"] = "off"
    from orient.cli import main as orient_main
    from orient.engine import load_rules
    from orient.paths import rules_dir

    answers = {}
    for rule in load_rules(rules_dir()):
        for example in rule.examples:
            for place in PLACES:
                argv = ["ask", "--json", "--at", example.at.isoformat()]
                argv += [f"--fact={k}={v}" for k, v in example.facts.items()]
                if place:
                    argv += ["--commune", place]
                stdout = io.StringIO()
                with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(io.StringIO()):
                    code = orient_main(argv)
                answers[f"{rule.id}: {example.name} @ {place}"] = {"exit": code, "stdout": stdout.getvalue()}
    with open(out, "w", encoding="utf-8") as f:
        json.dump(answers, f, ensure_ascii=False, indent=1, sort_keys=True)
    print(f"{len(answers)} answers -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
