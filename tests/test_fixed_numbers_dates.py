"""The national numbers copied from facts.md say so: `verified` null (nobody checked the service
itself), `source_date` the date their source gives. Their phone and hours are checked against the
facts at every load, so the 15, 112, 114, 3114, 3237 and the 3966 are not "à vérifier" for that
(hazard log H50); the 116 117 (hours disputed in the facts) and the 36 46 (hours unknown) are."""

import json
import os
import subprocess
import sys

from orient.directory.fixed import FIXED_NUMBERS, checked_at_load
from orient.orientation import Knowledge

SOURCE_DATES = {"samu-15": "2025-05-01", "garde-116117": "2024-12-01", "sas-gers": "2025-05-01"}


def ask(*args, directory=None):
    extra = ("--directory", str(directory)) if directory else ()
    done = subprocess.run([sys.executable, "-m", "orient", "ask", "--json", "--no-journal", *extra, *args],
                          capture_output=True, text=True, timeout=60, env={**os.environ, "ORIENT_JOURNAL": "off"})
    return done


def test_numbers_copied_from_the_facts_carry_no_verified_date_and_their_source_date():
    directory = Knowledge.load().directory
    for service in directory:
        if service.path.endswith("numbers.yaml"):
            assert service.verified is None, service.id
            expected = SOURCE_DATES.get(service.id)
            assert (service.source_date.isoformat() if service.source_date else None) == expected, service.id


def test_the_15_the_112_and_the_114_are_not_to_verify_and_the_disputed_116117_is():
    by_id = {}
    for facts, at in ((("red_flag=chest_pain", "deaf=no"), "2026-11-28T14:00"),
                      (("red_flag=chest_pain", "deaf=yes"), "2026-11-28T14:00"),
                      (("red_flag=none", "need=consult"), "2026-11-28T14:00")):
        done = ask(*[a for f in facts for a in ("--fact", f)], "--at", at)
        assert done.returncode == 0, done.stderr
        by_id.update({r["service_id"]: r for r in json.loads(done.stdout)["recommendations"] if r["service_id"]})
    for sid in ("samu-15", "urgence-112", "urgence-114", "pdsa-3966"):
        assert (by_id[sid]["verified"], by_id[sid]["to_verify"]) == (None, False), sid
    assert (by_id["garde-116117"]["to_verify"], by_id["garde-116117"]["source_date"]) == (True, "2024-12-01")


def test_only_numbers_with_both_phone_and_hours_checked_escape_to_verify():
    directory = Knowledge.load().directory
    escape = {sid for sid in FIXED_NUMBERS if checked_at_load(sid, directory.get(sid).opening_hours)}
    assert escape == set(FIXED_NUMBERS) - {"garde-116117"}
    assert not checked_at_load("cds-fleurance", "24/7") and not checked_at_load(None, None)


def test_the_3966_with_hours_edited_away_from_the_facts_is_to_verify(data_copy):
    rules, directory = data_copy
    path = directory / "numbers.yaml"
    text = path.read_text(encoding="utf-8")
    hours = '"Mo-Fr 20:00-24:00; Sa 12:00-24:00; Su,PH 08:00-24:00"'
    assert hours in text
    path.write_text(text.replace(hours, '"Mo-Fr 20:00-22:00; Sa 12:00-22:00; Su,PH 08:00-22:00"'), encoding="utf-8")
    done = ask("--fact", "red_flag=none", "--fact", "need=consult", "--at", "2026-11-28T14:00", directory=directory)
    assert done.returncode == 0, done.stderr
    (line,) = [r for r in json.loads(done.stdout)["recommendations"] if r["service_id"] == "pdsa-3966"]
    assert (line["verified"], line["to_verify"]) == (None, True)


def test_far_away_the_116117_that_replaces_the_3966_carries_its_own_sources_and_freshness():
    # Ain (01) is outside the 3966's départements: the answer offers the 116 117 instead, and it
    # must show the 116 117's entry, not the 3966's sources, date and "ouvert" status carried over.
    done = ask("--commune", "01001", "--fact", "red_flag=none", "--fact", "need=consult", "--at", "2026-11-28T21:00")
    assert done.returncode == 0, done.stderr
    (line,) = [r for r in json.loads(done.stdout)["recommendations"] if r["kind"] == "duty_doctor_116117"]
    entry = Knowledge.load().directory.get("garde-116117")
    assert line["service_id"] == "garde-116117" and line["phone"] == "116 117"
    assert line["service_sources"] == list(entry.sources)
    assert not any("3966" in s for s in line["service_sources"] if "116 117" not in s)
    assert (line["source_date"], line["to_verify"]) == ("2024-12-01", True)
