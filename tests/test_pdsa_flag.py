"""Bridge days (R6315-1) concern doctors' duty only: which rules they apply to is said by the rules
themselves (`pdsa: true`), not by their ids. Checked through `orient ask` on a bridge day
(Friday 15 May 2026, after the Ascension)."""

import json
import os
import subprocess
import sys

BRIDGE = "2026-05-15T10:00"
CONSULT = ("--fact", "red_flag=none", "--fact", "need=consult", "--fact", "has_gp=yes", "--fact", "gp_reachable=no")


def run(*args):
    return subprocess.run([sys.executable, "-m", "orient", *args], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "ORIENT_JOURNAL": "off"})


def rules_of(rules, directory, *facts):
    done = run("ask", "--json", "--no-journal", "--rules", str(rules), "--directory", str(directory),
               "--at", BRIDGE, *facts)
    assert done.returncode == 0, done.stderr
    return [r["rule"] for r in json.loads(done.stdout)["recommendations"]]


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_flag_not_the_id_decides_which_rules_see_the_bridge_day(data_copy):
    rules, directory = data_copy
    assert "out_of_hours.consult" in rules_of(rules, directory, *CONSULT)
    # Renamed, still flagged: still the doctors' duty on the bridge day.
    for f in rules.glob("*.yaml"):
        text = f.read_text(encoding="utf-8")
        f.write_text(text.replace("out_of_hours.consult", "garde.consultation"), encoding="utf-8")
    assert "garde.consultation" in rules_of(rules, directory, *CONSULT)
    # Unflagged: it sees the calendar (a Friday morning), so it does not fire.
    edit(rules / "out_of_hours.yaml", "  - id: garde.consultation\n    pdsa: true", "  - id: garde.consultation\n    pdsa: false")
    assert "garde.consultation" not in rules_of(rules, directory, *CONSULT)


def test_a_pdsa_value_that_is_not_a_boolean_is_refused_with_its_line(data_copy):
    rules, directory = data_copy
    path = rules / "out_of_hours.yaml"
    edit(path, "    pdsa: true ", "    pdsa: oui  ")
    line = path.read_text(encoding="utf-8").splitlines().index(
        next(l for l in path.read_text(encoding="utf-8").splitlines() if l.startswith("    pdsa: oui"))) + 1
    done = run("check", "--rules", str(rules), "--directory", str(directory))
    assert done.returncode == 1
    assert any(l.startswith(f"{path}:{line}:") and "'pdsa' takes true or false" in l for l in done.stdout.splitlines())
    asked = run("ask", "--rules", str(rules), "--directory", str(directory), *CONSULT)
    assert asked.returncode == 1 and "Traceback" not in asked.stderr
