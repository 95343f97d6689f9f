"""Bridge days (R6315-1) concern doctors' duty only: which rules they apply to is said by the rules
themselves (`pdsa: true`), not by their ids. Checked through `orient ask` on a bridge day
(Friday 15 May 2026, after the Ascension): a real process for the first answer, the command's main()
in the test process for the others (`cli_run`)."""

import json
import os
import subprocess
import sys

from cli_run import run_main

BRIDGE = "2026-05-15T10:00"
CONSULT = ("--fact", "red_flag=none", "--fact", "need=consult", "--fact", "has_gp=yes", "--fact", "gp_reachable=no")


def run(*args):
    return subprocess.run([sys.executable, "-m", "orient", *args], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "ORIENT_JOURNAL": "off"})


def in_process(*args):
    return run_main(*args, env={"ORIENT_JOURNAL": "off"})


def rules_of(rules, directory, *facts, process=False):
    done = (run if process else in_process)("ask", "--json", "--no-journal", "--rules", str(rules),
                                            "--directory", str(directory), "--at", BRIDGE, *facts)
    assert done.returncode == 0, done.stderr
    return [r["rule"] for r in json.loads(done.stdout)["recommendations"]]


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_flag_not_the_id_decides_which_rules_see_the_bridge_day(data_copy):
    rules, directory = data_copy
    assert "out_of_hours.consult" in rules_of(rules, directory, *CONSULT, process=True)
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
    done = run_main("check", "--rules", str(rules), "--directory", str(directory))
    assert done.returncode == 1
    assert any(l.startswith(f"{path}:{line}:") and "« pdsa » prend true ou false" in l for l in done.stdout.splitlines())
    asked = run_main("ask", "--rules", str(rules), "--directory", str(directory), *CONSULT)
    assert asked.returncode == 1 and "Traceback" not in asked.stderr


# --- Texts about the Gers: the rules say what holds outside the directory's area ----------------

NIGHT = ("--at", "2026-03-11T02:00", "--fact", "red_flag=none", "--fact", "need=consult")


def whys(rules, directory, commune):
    done = run_main("ask", "--json", "--no-journal", "--rules", str(rules), "--directory", str(directory),
                    "--commune", commune, *NIGHT)
    assert done.returncode == 0, done.stderr
    return " ".join(r["why"] for r in json.loads(done.stdout)["recommendations"])


def test_outside_the_area_the_rules_why_outside_area_replaces_the_gers_text(data_copy):
    rules, directory = data_copy
    assert "ne répond plus dans le Gers" in whys(rules, directory, "auch")
    away = whys(rules, directory, "bordeaux")
    assert "Gers" not in away and "Le 15 répond à toute heure" in away
    # The data decides, not a pattern on the words: a changed text is what the patient sees…
    edit(rules / "out_of_hours.yaml", 'why_outside_area: "Le 15 répond à toute heure',
         'why_outside_area: "Ailleurs : le 15 répond à toute heure')
    assert "Ailleurs : le 15 répond" in whys(rules, directory, "bordeaux")
    assert "Ailleurs" not in whys(rules, directory, "auch")


def test_a_why_outside_area_that_is_not_text_is_refused_with_its_line(data_copy):
    rules, directory = data_copy
    path = rules / "out_of_hours.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    line = next(i for i, l in enumerate(lines, 1) if "why_outside_area: \"Le 15 répond" in l)
    lines[line - 1] = lines[line - 1].split("why_outside_area:")[0] + "why_outside_area: 42\n"
    path.write_text("".join(lines), encoding="utf-8")
    done = run_main("check", "--rules", str(rules), "--directory", str(directory))
    assert done.returncode == 1, done.stdout
    assert any(l.startswith(f"{path}:{line}:") and "why_outside_area" in l for l in done.stdout.splitlines()), done.stdout


def test_a_bridge_day_asks_only_the_questions_its_answer_depends_on():
    """On a bridge day the doctors' duty rules see a holiday: the questions of the weekday doctor
    rules (has a GP? reachable? can travel?) change nothing and are not asked, as on the holiday."""
    for need in ("consult", "mental_health"):
        missing = {}
        for moment in (BRIDGE, "2026-05-14T10:00"):  # the bridge day, and the Ascension it follows
            done = in_process("ask", "--json", "--at", moment, "--commune", "Auch", "--fact", "red_flag=none",
                              "--fact", f"need={need}")
            assert done.returncode == 0, done.stderr
            missing[moment] = json.loads(done.stdout)["missing"]
        assert missing[BRIDGE] == missing["2026-05-14T10:00"] == [], (need, missing)
    done = in_process("ask", "--json", "--at", BRIDGE, "--fact", "red_flag=none", "--fact", "need=minor_care",
                      "--fact", "minor_problem=sore_throat", "--fact", "age=8")
    assert json.loads(done.stdout)["missing"] == []  # a child of 8: the 3966, whatever the GP
